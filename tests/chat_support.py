"""Helpers for the chat, embeddings and moderations tests (the platform schema check is ``schema.platform_errors``)."""

from __future__ import annotations

import json
from typing import Any

USER = [{"role": "user", "content": "Hello there"}]


def sse_chunks(text: str) -> list[Any]:
    """The ``data:`` payloads of a chat stream (``[DONE]`` as the string)."""
    out: list[Any] = []
    for block in text.split("\n\n"):
        if not block:
            continue
        assert block.startswith("data: "), block
        assert "\n" not in block, block
        payload = block[len("data: ") :]
        out.append(payload if payload == "[DONE]" else json.loads(payload))
    return out
