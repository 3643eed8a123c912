"""SDK round trip through mockserver vs the bare-Starlette floor (target: ratio <= 1.15).

Calls: messages.create, messages.retrieve, messages.list(limit=20), threads.create.
"""

from __future__ import annotations

import argparse
import json
import statistics

from common import API_KEY, floor_server, interleaved, spread, table, us, verdict

from mockserver import MockServer


def main(quick: bool = False) -> bool:
    calls, repeats = (50, 5) if quick else (300, 15)
    with MockServer() as ours:
        client = ours.client(api_key=API_KEY)
        thread = client.beta.threads.create()
        for i in range(40):
            client.beta.threads.messages.create(thread_id=thread.id, role="user", content=f"message {i}")
        message = client.beta.threads.messages.list(thread_id=thread.id, limit=1).data[0]
        tid, mid = thread.id, message.id
        raw = client.beta.threads.messages.with_raw_response
        canned = {
            ("POST", f"/v1/threads/{tid}/messages"): json.dumps(message.model_dump()).encode(),
            ("GET", f"/v1/threads/{tid}/messages/{mid}"): json.dumps(message.model_dump()).encode(),
            ("GET", f"/v1/threads/{tid}/messages"): raw.list(thread_id=tid, limit=20).http_response.content,
            ("POST", "/v1/threads"): json.dumps(thread.model_dump()).encode(),
        }
        with floor_server(canned) as floor:
            floor_client = floor.client(api_key=API_KEY)

            def ops(c: object) -> dict[str, object]:
                beta = c.beta  # type: ignore[attr-defined]
                return {
                    "messages.create": lambda: beta.threads.messages.create(thread_id=tid, role="user", content="hi"),
                    "messages.retrieve": lambda: beta.threads.messages.retrieve(mid, thread_id=tid),
                    "messages.list(20)": lambda: beta.threads.messages.list(thread_id=tid, limit=20),
                    "threads.create": lambda: beta.threads.create(),
                }

            rows, worst = [], 0.0
            ours_ops, floor_ops = ops(client), ops(floor_client)
            for name in ours_ops:
                r = interleaved({"ours": ours_ops[name], "floor": floor_ops[name]}, calls=calls, repeats=repeats)
                mo, mf = statistics.median(r["ours"]), statistics.median(r["floor"])
                ratio = mo / mf
                worst = max(worst, ratio)
                rows.append([name, us(mo), us(spread(r["ours"])), us(mf), us(spread(r["floor"])), f"{ratio:.3f}"])
    table(
        "SDK round trip: mockserver vs bare Starlette floor (median per call, IQR)",
        ["call", "ours", "ours IQR", "floor", "floor IQR", "ratio"],
        rows,
    )
    return verdict("sdk_roundtrip worst ratio", worst, 1.15)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    raise SystemExit(0 if main(parser.parse_args().quick) else 1)
