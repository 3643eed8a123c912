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


def message_text(message: Mapping[str, Any]) -> str:
    """The text blocks of a stored message, joined by newlines (images contribute nothing)."""
    parts = [block["text"]["value"] for block in message.get("content", []) if block.get("type") == "text"]
    return "\n".join(parts)


def fill_template(text: str, *, message: str, outputs: list[str]) -> str:
    """``{{message}}`` is the last user message; ``{{output}}`` the tool outputs submitted last (newline-joined)."""
    return text.replace("{{message}}", message).replace("{{output}}", "\n".join(outputs))
