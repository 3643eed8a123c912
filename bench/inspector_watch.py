"""What an open inspector costs the requests it watches: SDK round trips to a server with a live journal stream
(``/__mock__/ui/api/stream``, read by another thread) vs the same server unwatched (target: ratio <= 1.15).

Also checks that the reader kept up: it received one event per request and none were dropped.
"""

from __future__ import annotations

import argparse
import statistics
import threading

import httpx
from common import API_KEY, interleaved, spread, table, us, verdict

from mockserver import MockServer


def _read(url: str, seen: list[str], ready: threading.Event) -> None:
    with httpx.Client(timeout=None) as client, client.stream("GET", f"{url}/__mock__/ui/api/stream?backlog=0") as r:
        for line in r.iter_lines():
            if line.startswith("event: "):
                seen.append(line[7:])
                if line == "event: ready":
                    ready.set()


def main(quick: bool = False) -> bool:
    calls, repeats = (50, 5) if quick else (300, 15)
    with MockServer() as watched, MockServer() as unwatched:
        seen: list[str] = []
        ready = threading.Event()
        reader = threading.Thread(target=_read, args=(watched.url, seen, ready), daemon=True)
        reader.start()
        assert ready.wait(10), "the stream did not start"
        clients = {"watched": watched.client(api_key=API_KEY), "unwatched": unwatched.client(api_key=API_KEY)}
        threads = {name: c.beta.threads.create().id for name, c in clients.items()}

        def call(name: str) -> object:
            return lambda: clients[name].beta.threads.retrieve(threads[name])

        r = interleaved({name: call(name) for name in clients}, calls=calls, repeats=repeats)
        sent = watched.journal.next_index()
    reader.join(10)
    requests, dropped = seen.count("request"), seen.count("dropped")
    mw, mu = statistics.median(r["watched"]), statistics.median(r["unwatched"])
    table(
        "threads.retrieve with an inspector's live journal open vs none (median per call, IQR)",
        ["call", "watched", "IQR", "unwatched", "IQR", "ratio", "events read", "requests", "dropped"],
        [["threads.retrieve", us(mw), us(spread(r["watched"])), us(mu), us(spread(r["unwatched"])),
          f"{mw / mu:.3f}", str(requests), str(sent), str(dropped)]],
    )  # fmt: skip
    kept_up = requests == sent and dropped == 0
    print(f"RESULT inspector_watch reader kept up: {requests}/{sent} events {'PASS' if kept_up else 'MISS'}")
    return verdict("inspector_watch ratio", mw / mu, 1.15) and kept_up


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    raise SystemExit(0 if main(parser.parse_args().quick) else 1)
