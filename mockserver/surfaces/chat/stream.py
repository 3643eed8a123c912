"""A chat completion as the ``chat.completion.chunk`` events a real stream sends (platform-surfaces.md 6.4-6.7).

Pure: the completion is built first (exactly the non-streamed object), then cut into chunks, so what the SDK's
stream helper accumulates equals the non-streamed answer. One token per content delta (answer.tokens); the
first delta of a choice carries the role (merged with the first tool call, the 2026 form); with ``n > 1`` the
choices interleave: each choice's opening pair in index order, then one delta per choice round-robin, then the
finish chunks in index order, then the usage chunk (``include_usage``), then ``[DONE]``.
"""

from __future__ import annotations

from typing import Any

from mockserver.core import wirejson
from mockserver.surfaces.chat import shapes
from mockserver.surfaces.chat.answer import token_logprob, tokens

DONE = b"data: [DONE]\n\n"


def frame(chunk: dict[str, Any]) -> bytes:
    return b"data: " + wirejson.dumps(chunk) + b"\n\n"


def _plan(data: dict[str, Any], logprobs: bool, top: int) -> list[list[dict[str, Any]]]:
    """The ``choices`` list of every chunk, in order (usage chunk excluded)."""
    per_choice = [_deltas(choice, logprobs, top) for choice in data["choices"]]
    ordered: list[tuple[int, dict[str, Any], Any]] = []
    for index, deltas in enumerate(per_choice):  # opening pair of each choice, in index order
        ordered.extend((index, delta, lp) for delta, lp in deltas[:2])
    rest = [deltas[2:] for deltas in per_choice]
    for step in range(max((len(r) for r in rest), default=0)):
        ordered.extend((index, r[step][0], r[step][1]) for index, r in enumerate(rest) if step < len(r))
    out = [[shapes.chunk_choice(index, delta, lp, None)] for index, delta, lp in ordered]
    out.extend([shapes.chunk_choice(c["index"], {}, None, c["finish_reason"])] for c in data["choices"])
    return out


def chunks(data: dict[str, Any], *, include_usage: bool, logprobs: bool, top_logprobs: int) -> list[dict[str, Any]]:
    """Every chunk of the stream of ``data`` (``[DONE]`` excluded), as dicts."""
    out = [shapes.chunk(data, choices, with_usage=include_usage) for choices in _plan(data, logprobs, top_logprobs)]
    if include_usage:
        out.append(shapes.chunk(data, [], data["usage"], with_usage=True))
    return out


def frames(data: dict[str, Any], *, include_usage: bool, logprobs: bool, top_logprobs: int) -> list[bytes]:
    """The same chunks as ``data:`` frames, ``[DONE]`` included. The fields every chunk repeats are encoded once
    (a stream's chunks differ only in ``choices``): byte for byte ``frame(chunk)`` for each chunk."""
    head = wirejson.dumps(shapes.chunk(data, [], with_usage=False))
    prefix = b"data: " + head[: -len(b"[]}")]
    tail = b',"usage":null}\n\n' if include_usage else b"}\n\n"
    out = [prefix + wirejson.dumps(choices) + tail for choices in _plan(data, logprobs, top_logprobs)]
    if include_usage:
        out.append(frame(shapes.chunk(data, [], data["usage"], with_usage=True)))
    out.append(DONE)
    return out


def _deltas(choice: dict[str, Any], logprobs: bool, top: int) -> list[tuple[dict[str, Any], Any]]:
    message = choice["message"]
    calls = message.get("tool_calls") or []
    if calls:
        return _call_deltas(calls)
    field = "refusal" if message["refusal"] is not None else "content"
    other = "content" if field == "refusal" else "refusal"
    empty_lp: dict[str, Any] = (
        {"content": [], "refusal": None} if field == "content" else {"content": None, "refusal": []}
    )
    opening: dict[str, Any] = {"role": "assistant", "content": "" if field == "content" else None, "refusal": None}
    opening[field] = ""
    out: list[tuple[dict[str, Any], Any]] = [(opening, empty_lp if logprobs else None)]
    for position, token in enumerate(tokens(message[field] or "")):
        lp = None
        if logprobs:
            lp = {field: [token_logprob(token, position, top)], other: None}
        out.append(({field: token}, lp))
    return out


def _call_deltas(calls: list[dict[str, Any]]) -> list[tuple[dict[str, Any], Any]]:
    out: list[tuple[dict[str, Any], Any]] = []
    for index, call in enumerate(calls):
        kind = call["type"]
        name = call[kind]["name"]
        payload_key = "arguments" if kind == "function" else "input"
        start = {"index": index, "id": call["id"], "type": kind, kind: {"name": name, payload_key: ""}}
        if index == 0:
            out.append(({"role": "assistant", "content": None, "tool_calls": [start], "refusal": None}, None))
        else:
            out.append(({"tool_calls": [start]}, None))
        for piece in tokens(call[kind][payload_key]):
            out.append(({"tool_calls": [{"index": index, kind: {payload_key: piece}}]}, None))
    return out
