"""Deterministic helpers for what the scripted model says: token counts, delta chunks, reply templates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Characters per token in the documented usage formula (the usual rule of thumb for English text).
CHARS_PER_TOKEN = 4


def count_tokens(text: str) -> int:
    """``ceil(len(text) / 4)``: the fake's token count of a string (docs/runs.md, "Token usage")."""
    return -(-len(text) // CHARS_PER_TOKEN)


def chunk(text: str, size: int) -> list[str]:
    """Split ``text`` into pieces of ``size`` characters (the last may be shorter); ``[""]`` for empty text."""
    if not text:
        return [""]
    return [text[i : i + size] for i in range(0, len(text), size)]


def text_deltas(text: str, annotations: list[dict[str, Any]], size: int) -> list[dict[str, Any]]:
    """The ``text`` parts of a reply's message deltas, ``size`` characters each.

    The first carries ``annotations`` even when empty, later ones only when they bring some (real streams do
    both). An annotation rides on the delta whose text completes it, as a real one arrives with its marker text:
    never on a delta without ``value``, which the SDK's ``on_text_delta`` would hand out as ``None``.
    """
    blocks: list[dict[str, Any]] = []
    start = 0
    for i, piece in enumerate(chunk(text, size)):
        end = start + len(piece)
        notes = [{"index": j, **note} for j, note in enumerate(annotations) if start < note["end_index"] <= end]
        block: dict[str, Any] = {"value": piece}
        if i == 0 or notes:
            block["annotations"] = notes
        blocks.append(block)
        start = end
    return blocks


def message_text(message: Mapping[str, Any]) -> str:
    """The text blocks of a stored message, joined by newlines (images contribute nothing)."""
    parts = [block["text"]["value"] for block in message.get("content", []) if block.get("type") == "text"]
    return "\n".join(parts)


def fill_template(text: str, *, message: str, outputs: list[str]) -> str:
    """``{{message}}`` is the last user message; ``{{output}}`` the tool outputs submitted last (newline-joined)."""
    return text.replace("{{message}}", message).replace("{{output}}", "\n".join(outputs))
