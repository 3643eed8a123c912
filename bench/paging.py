"""Page cost on a thread of 100,000 messages vs one of 100 (target: ratio <= 1.2), and the latency plot.

Pages: the first, a middle one (``after`` = the middle message) and the last one, each with limit=20, through
the real SDK. The plot (``docs/paging.png``) shows per-page latency against thread size, ours and the floor.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from common import API_KEY, floor_server, interleaved, spread, table, us, verdict

from mockserver import MockServer

PROJECT = API_KEY
PLOT = Path(__file__).resolve().parents[1] / "docs" / "paging.png"


def fill(server: MockServer, size: int) -> tuple[str, list[str]]:
    """A thread of ``size`` messages, created through the store's public operations (fast, same code path)."""
    store = server.store
    thread_id = store.assistants.create_thread(PROJECT, {})["id"]
    ids = [
        store.assistants.create_message(PROJECT, thread_id, {"role": "user", "content": f"m{i}"})["id"]
        for i in range(size)
    ]
    return thread_id, ids[::-1]  # newest first: the default order


def main(quick: bool = False, plot: bool = True) -> bool:
    big = 20_000 if quick else 100_000
    calls, repeats = (30, 5) if quick else (150, 11)
    sizes = [100, 1_000, 10_000, big]
    rows, medians, worst = [], {}, 0.0
    with MockServer() as ours:
        client = ours.client(api_key=API_KEY)
        raw = client.beta.threads.messages.with_raw_response
        threads = {size: fill(ours, size) for size in sizes}
        # The floor answers one canned page per size: what any HTTP fake costs for a page of 20.
        canned = {}
        for tid, _ in threads.values():
            canned[("GET", f"/v1/threads/{tid}/messages")] = raw.list(thread_id=tid, limit=20).http_response.content
        with floor_server(canned) as floor:
            floor_client = floor.client(api_key=API_KEY)
            small_tid = threads[100][0]
            for page in ("first", "middle", "last"):
                # Every size (and the floor) is measured in the same interleaved loop, so machine drift hits
                # all of them alike and the size ratio compares like with like.
                sides = {}
                for size, (tid, ids) in threads.items():
                    after = {"first": None, "middle": ids[len(ids) // 2], "last": ids[-21]}[page]
                    extra = {"after": after} if after else {}
                    sides[str(size)] = lambda tid=tid, extra=extra: client.beta.threads.messages.list(
                        thread_id=tid, limit=20, **extra
                    )
                sides["floor"] = lambda: floor_client.beta.threads.messages.list(thread_id=small_tid, limit=20)
                r = interleaved(sides, calls=calls, repeats=repeats, warmup=5)
                for size in sizes:
                    medians[(size, page)] = (statistics.median(r[str(size)]), statistics.median(r["floor"]))
                    rows.append([f"{size:,}", page, us(medians[(size, page)][0]), us(spread(r[str(size)])),
                                 us(medians[(size, page)][1])])  # fmt: skip
    for page in ("first", "middle", "last"):
        ratio = medians[(big, page)][0] / medians[(100, page)][0]
        worst = max(worst, ratio)
        rows.append([f"{big:,} / 100", page, f"{ratio:.3f}", "", ""])
    table(
        "Page cost against thread size (limit=20, median per call)", ["messages", "page", "ours", "IQR", "floor"], rows
    )
    if plot:
        draw(sizes, medians)
    return verdict(f"paging worst ratio {big:,} vs 100 messages", worst, 1.2)


def draw(sizes: list[int], medians: dict[tuple[int, str], tuple[float, float]]) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(matplotlib not installed: pip install -e '.[bench]' to draw docs/paging.png)")
        return
    fig, ax = plt.subplots(figsize=(7, 4))
    for page, marker in (("first", "o"), ("middle", "s"), ("last", "^")):
        ax.plot(sizes, [medians[(s, page)][0] * 1e3 for s in sizes], marker=marker, label=f"mockserver, {page} page")
    ax.plot(sizes, [medians[(s, "first")][1] * 1e3 for s in sizes], "k--", label="floor (canned page)")
    ax.set_xscale("log")
    ax.set_ylim(bottom=0)
    ax.set_xlabel("messages in the thread")
    ax.set_ylabel("SDK messages.list(limit=20), ms")
    ax.set_title("Per-page latency against thread size")
    ax.legend()
    fig.tight_layout()
    fig.savefig(PLOT, dpi=100)
    print(f"plot written to {PLOT}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-plot", action="store_true")
    args = parser.parse_args()
    raise SystemExit(0 if main(args.quick, not args.no_plot) else 1)
