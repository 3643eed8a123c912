"""Responses and Conversations through the SDK vs the bare-Starlette floor (target: ratio <= 1.15), and the cost of
a conversation-items page on 100,000 items vs 100 (target: ratio <= 1.2).

Calls: responses.create, responses.retrieve, a streamed response read to the end, conversations.items.list(20).
"""

from __future__ import annotations

import argparse
import statistics

from common import API_KEY, floor_server, interleaved, spread, table, us, verdict

from mockserver import MockServer

PROJECT = API_KEY


def fill(server: MockServer, size: int) -> tuple[str, list[str]]:
    """A conversation of ``size`` items, added through the surface's public operations (same code path)."""
    ops = server.store.conversations
    conversation_id = ops.create(PROJECT, {})["id"]
    ids: list[str] = []
    for start in range(0, size, 20):
        batch = [{"role": "user", "content": f"m{i}"} for i in range(start, min(size, start + 20))]
        ids += [item["id"] for item in ops.create_items(PROJECT, conversation_id, {"items": batch})["data"]]
    return conversation_id, ids[::-1]  # newest first: the default order


def roundtrips(ours: MockServer, calls: int, repeats: int) -> tuple[list[list[str]], float]:
    client = ours.client(api_key=API_KEY)
    ours.add_rule(reply="A reply of a realistic length, streamed in a few deltas to the client.")
    created = client.responses.create(model="gpt-4o", input="hello")
    conversation_id, _ = fill(ours, 100)
    raw = client.with_raw_response
    streamed = raw.responses.create(model="gpt-4o", input="hello", stream=True).http_response.read()
    canned = {
        ("POST", "/v1/responses"): raw.responses.create(model="gpt-4o", input="hello").http_response.content,
        ("GET", f"/v1/responses/{created.id}"): raw.responses.retrieve(created.id).http_response.content,
        ("GET", f"/v1/conversations/{conversation_id}/items"): raw.conversations.items.list(
            conversation_id, limit=20
        ).http_response.content,
    }
    stream_floor = {("POST", "/v1/responses"): streamed}
    rows, worst = [], 0.0
    with floor_server(canned) as floor, floor_server(stream_floor) as floor_sse:
        floor_client, sse_client = floor.client(api_key=API_KEY), floor_sse.client(api_key=API_KEY)

        def ops(c: object, sse: object) -> dict[str, object]:
            def stream() -> None:
                for _ in sse.responses.create(model="gpt-4o", input="hello", stream=True):  # type: ignore[attr-defined]
                    pass

            return {
                "responses.create": lambda: c.responses.create(model="gpt-4o", input="hello"),  # type: ignore[attr-defined]
                "responses.retrieve": lambda: c.responses.retrieve(created.id),  # type: ignore[attr-defined]
                "streamed response": stream,
                "items.list(20)": lambda: c.conversations.items.list(conversation_id, limit=20),  # type: ignore[attr-defined]
            }

        ours_ops, floor_ops = ops(client, client), ops(floor_client, sse_client)
        for name in ours_ops:
            r = interleaved({"ours": ours_ops[name], "floor": floor_ops[name]}, calls=calls, repeats=repeats)
            mo, mf = statistics.median(r["ours"]), statistics.median(r["floor"])
            worst = max(worst, mo / mf)
            rows.append([name, us(mo), us(spread(r["ours"])), us(mf), us(spread(r["floor"])), f"{mo / mf:.3f}"])
    return rows, worst


def paging(ours: MockServer, big: int, calls: int, repeats: int) -> tuple[list[list[str]], float]:
    client = ours.client(api_key=API_KEY)
    conversations = {size: fill(ours, size) for size in (100, big)}
    rows, worst = [], 0.0
    for page in ("first", "middle", "last"):
        sides = {}
        for size, (cid, ids) in conversations.items():
            after = {"first": None, "middle": ids[len(ids) // 2], "last": ids[-21]}[page]
            extra = {"after": after} if after else {}
            sides[str(size)] = lambda cid=cid, extra=extra: client.conversations.items.list(cid, limit=20, **extra)
        r = interleaved(sides, calls=calls, repeats=repeats, warmup=5)
        small, large = statistics.median(r["100"]), statistics.median(r[str(big)])
        worst = max(worst, large / small)
        rows.append([page, us(small), us(large), f"{large / small:.3f}"])
    return rows, worst


def main(quick: bool = False) -> bool:
    calls, repeats = (50, 5) if quick else (300, 15)
    big = 20_000 if quick else 100_000
    with MockServer() as ours:
        rows, worst = roundtrips(ours, calls, repeats)
        page_rows, page_worst = paging(ours, big, calls // 2, repeats)
    table(
        "Responses round trip: mockserver vs bare Starlette floor (median per call, IQR)",
        ["call", "ours", "ours IQR", "floor", "floor IQR", "ratio"],
        rows,
    )
    table(f"Conversation items page (limit=20): 100 vs {big:,} items", ["page", "100", f"{big:,}", "ratio"], page_rows)
    ok = verdict("responses worst round-trip ratio", worst, 1.15)
    return verdict(f"conversation items page {big:,} vs 100 items", page_worst, 1.2) and ok


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    raise SystemExit(0 if main(parser.parse_args().quick) else 1)
