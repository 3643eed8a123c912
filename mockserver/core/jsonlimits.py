"""What a JSON value must satisfy to be stored: the server must be able to serve it back and reload it.

One rule for requests and for loading (docs/stub.md, "Limits"):

- strings are valid Unicode: a lone surrogate (``"\\ud800"``) parses as JSON but cannot be encoded as UTF-8, so
  it could never be answered, journaled or saved;
- numbers are finite: ``NaN`` and ``Infinity`` are not JSON (Python's parser accepts them; strict parsers,
  like the real API's, do not);
- a request body nests at most :data:`MAX_BODY_DEPTH` levels. A scenario or state document nests at most
  ``scenarios.parse.MAX_DEPTH`` (100); an object from a request sits at most ~10 levels deep in such a document,
  so whatever a request stored always reloads.
"""

from __future__ import annotations

import math
from typing import Any

#: Deepest nesting a request body may have (objects and arrays). See the module docstring for why 64.
MAX_BODY_DEPTH = 64


def refuse_constant(name: str) -> Any:
    """``parse_constant`` for :func:`json.loads`: ``NaN``, ``Infinity`` and ``-Infinity`` are not JSON."""
    raise ValueError(f"{name} is not valid JSON")


def bad_string(value: str) -> bool:
    """True if ``value`` holds a lone surrogate (cannot be encoded as UTF-8)."""
    if value.isascii():
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def value_problem(value: Any, max_depth: int | None = MAX_BODY_DEPTH) -> str | None:
    """Why ``value`` (parsed JSON) cannot be stored, or None. Iterative: safe on any depth the parser produced."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if bad_string(item):
                return "a string contains a lone surrogate (not valid Unicode)"
        elif isinstance(item, float):
            if not math.isfinite(item):
                return "NaN and Infinity are not valid JSON numbers"
        elif isinstance(item, (dict, list)):
            if max_depth is not None and depth > max_depth:
                return f"nested more than {max_depth} levels deep"
            if isinstance(item, dict):
                for key, child in item.items():
                    if isinstance(key, str) and bad_string(key):
                        return "a key contains a lone surrogate (not valid Unicode)"
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)
    return None


def needs_check(raw: bytes) -> bool:
    """Cheap pre-test on the raw body: only escapes can make surrogates, only brackets make depth."""
    return b"\\u" in raw or b"\\U" in raw or raw.count(b"[") + raw.count(b"{") > MAX_BODY_DEPTH
