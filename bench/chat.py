"""Chat Completions, a streamed chat completion and embeddings of 100 inputs through mockserver vs the
bare-Starlette floor answering the same bytes (target for the chat calls: ratio <= 1.15).

The floor serves canned bytes: the completion JSON, the stream's frames (in one write, as mockserver writes a
stream when no chunk delay is set), and the embeddings JSON. The embeddings ratio is reported, not judged: the
floor does none of the vector maths.
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import AsyncIterator, Callable
from typing import Any

from common import API_KEY, interleaved, spread, table, us, verdict
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from mockserver import MockServer

MESSAGES = [{"role": "system", "content": "You write short titles."}, {"role": "user", "content": "Summarize: hi"}]
INPUTS = [f"document number {i} about red cars and blue bikes" for i in range(100)]


def _floor(chat: bytes, frames: list[bytes], embeddings: bytes) -> MockServer:
    async def create(request: Request) -> Response:
        body = await request.body()
        if b'"stream":true' in body or b'"stream": true' in body:

            async def send() -> AsyncIterator[bytes]:
                yield b"".join(frames)  # as mockserver writes a stream with no chunk delay: in one piece

            return StreamingResponse(send(), media_type="text/event-stream; charset=utf-8")
        return Response(chat, media_type="application/json")

    async def embed(request: Request) -> Response:
        await request.body()
        return Response(embeddings, media_type="application/json")

    server = MockServer()
    server.app = Starlette(
        routes=[
            Route("/v1/chat/completions", create, methods=["POST"]),
            Route("/v1/embeddings", embed, methods=["POST"]),
        ]
    )
    return server


def _frames(raw: bytes) -> list[bytes]:
    return [block + b"\n\n" for block in raw.split(b"\n\n") if block]


def main(quick: bool = False) -> bool:
    calls, repeats = (30, 5) if quick else (200, 15)
    with MockServer() as ours:
        client = ours.client(api_key=API_KEY)
        ours.add_rule(match={"contains": "Summarize"}, reply="A short title for a short text")
        chat = client.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=MESSAGES)
        streamed = client.chat.completions.with_raw_response.create(
            model="gpt-4o-mini", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
        )
        embedded = client.embeddings.with_raw_response.create(
            model="text-embedding-3-small", input=INPUTS, encoding_format="base64"
        )
        frames = _frames(streamed.http_response.read())
        floor = _floor(chat.http_response.content, frames, embedded.http_response.content)
        with floor:
            floor_client = floor.client(api_key=API_KEY)

            def ops(c: Any) -> dict[str, Callable[[], object]]:
                completions = c.chat.completions
                return {
                    "chat.completions.create": lambda: completions.create(model="gpt-4o-mini", messages=MESSAGES),
                    "streamed chat completion": lambda: list(
                        completions.create(
                            model="gpt-4o-mini", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
                        )
                    ),
                    "embeddings (100 inputs)": lambda: c.embeddings.create(
                        model="text-embedding-3-small", input=INPUTS
                    ),
                }

            rows, worst = [], 0.0
            ours_ops, floor_ops = ops(client), ops(floor_client)
            for name in ours_ops:
                n = max(calls // 10, 5) if name.startswith("embeddings") else calls
                r = interleaved({"ours": ours_ops[name], "floor": floor_ops[name]}, calls=n, repeats=repeats, warmup=5)
                mo, mf = statistics.median(r["ours"]), statistics.median(r["floor"])
                ratio = mo / mf
                if not name.startswith("embeddings"):
                    worst = max(worst, ratio)
                rows.append([name, us(mo), us(spread(r["ours"])), us(mf), us(spread(r["floor"])), f"{ratio:.3f}"])
    table(
        "Chat and embeddings: mockserver vs bare Starlette floor (median per call, IQR)",
        ["call", "ours", "ours IQR", "floor", "floor IQR", "ratio"],
        rows,
    )
    return verdict("chat worst ratio", worst, 1.15)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    raise SystemExit(0 if main(parser.parse_args().quick) else 1)
