"""Memory per stored message: a million short messages in one thread (reported, no target).

Measured with tracemalloc around the inserts, so interpreter start-up and imports do not count.
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc

from common import table

from mockserver.store import Store


def main(quick: bool = False) -> bool:
    count = 100_000 if quick else 1_000_000
    store = Store()
    thread_id = store.assistants.create_thread("p", {})["id"]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    start = time.perf_counter()
    for i in range(count):
        store.assistants.create_message("p", thread_id, {"role": "user", "content": f"message {i}"})
    elapsed = time.perf_counter() - start
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    per_message = (after - before) / count
    table(
        "Memory per stored message",
        ["messages", "total", "bytes/message", "insert time/message"],
        [
            [
                f"{count:,}",
                f"{(after - before) / 2**20:.0f} MiB",
                f"{per_message:.0f}",
                f"{elapsed / count * 1e6:.1f} µs",
            ]
        ],
    )
    print(f"RESULT memory bytes per message: {per_message:.0f} (reported, no target)")
    return True


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    raise SystemExit(0 if main(parser.parse_args().quick) else 1)
