"""The scripted "model" that drives runs: rules, replies, token usage and stream deltas.

Pure functions over plain dicts (no Starlette, no store): the store asks the engine what a run does next and
records the result.
"""

from __future__ import annotations

from mockserver.model.replies import chunk, count_tokens, fill_template, message_text, text_deltas
from mockserver.model.rules import RunContext, closest_rules, find_rule, parse_reply, parse_rules, rule_name

__all__ = [
    "RunContext",
    "chunk",
    "closest_rules",
    "count_tokens",
    "fill_template",
    "find_rule",
    "message_text",
    "parse_reply",
    "parse_rules",
    "rule_name",
    "text_deltas",
]
