"""Throughput with 16 concurrent async SDK clients, mockserver vs the floor (target: >= 0.8 of the floor).

Each client retrieves a message in a loop; both sides run under the same load, one after the other, repeated
and alternated so machine noise hits both.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time

from common import API_KEY, floor_server, spread, table, verdict

from mockserver import MockServer

CLIENTS = 16


async def throughput(make_client: object, tid: str, mid: str, per_client: int) -> float:
    clients = [make_client() for _ in range(CLIENTS)]  # type: ignore[operator]

    async def worker(client: object) -> None:
        for _ in range(per_client):
            await client.beta.threads.messages.retrieve(mid, thread_id=tid)  # type: ignore[attr-defined]

    await asyncio.gather(*(worker(c) for c in clients[:2]))  # warm-up connections
    start = time.perf_counter()
    await asyncio.gather(*(worker(c) for c in clients))
    elapsed = time.perf_counter() - start
    for client in clients:
        await client.close()  # type: ignore[attr-defined]
    return CLIENTS * per_client / elapsed


def main(quick: bool = False) -> bool:
    per_client, repeats = (10, 3) if quick else (40, 7)
    with MockServer() as ours:
        client = ours.client(api_key=API_KEY)
        thread = client.beta.threads.create(messages=[{"role": "user", "content": "hello"}])
        message = client.beta.threads.messages.list(thread_id=thread.id).data[0]
        canned = {("GET", f"/v1/threads/{thread.id}/messages/{message.id}"): json.dumps(message.model_dump()).encode()}
        with floor_server(canned) as floor:
            results: dict[str, list[float]] = {"ours": [], "floor": []}
            for _ in range(repeats):
                for name, server in (("ours", ours), ("floor", floor)):
                    rate = asyncio.run(
                        throughput(lambda s=server: s.async_client(api_key=API_KEY), thread.id, message.id, per_client)
                    )
                    results[name].append(rate)
    mo, mf = statistics.median(results["ours"]), statistics.median(results["floor"])
    table(
        f"Throughput, {CLIENTS} concurrent async clients (requests/s, median of {repeats})",
        ["side", "median", "IQR"],
        [
            ["ours", f"{mo:.0f}", f"{spread(results['ours']):.0f}"],
            ["floor", f"{mf:.0f}", f"{spread(results['floor']):.0f}"],
        ],
    )
    return verdict("concurrency throughput ours/floor", mo / mf, 0.8, lower_is_better=False)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    raise SystemExit(0 if main(parser.parse_args().quick) else 1)
