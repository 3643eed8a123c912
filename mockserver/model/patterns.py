"""Strings that match a regular expression, built from its parse tree (best effort, for ``pattern``).

Python's own regex parser reads the pattern; the builder walks the tree taking the first alternative, the first
character of each class and ever longer repetitions, and keeps the candidates the pattern really matches.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from typing import Any


def sample(pattern: str, min_length: int) -> list[str]:
    """Strings built from ``pattern`` (ever longer repetitions) that it matches; empty when none is found."""
    try:
        compiled = re.compile(pattern)
        parser: Any = importlib.import_module("re._parser")
    except (re.error, ImportError):
        try:
            parser = importlib.import_module("sre_parse")
        except ImportError:  # pragma: no cover - every CPython has one of the two
            return []
    try:
        tree = parser.parse(pattern)
    except Exception:
        return []
    found = []
    for bump in (0, 1, 2, 3, max(min_length, 4)):
        try:
            text = "".join(_emit(tree, bump))
        except (ValueError, RecursionError, OverflowError):
            continue
        if compiled.search(text) and text not in found:
            found.append(text)
    return found


def _emit(items: Any, bump: int) -> Iterator[str]:
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            yield chr(arg)
        elif name == "NOT_LITERAL":
            yield "a" if arg != ord("a") else "b"
        elif name == "ANY":
            yield "a"
        elif name == "IN":
            yield _in_class(arg)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            times = max(low, min(bump, high))
            for _ in range(times):
                yield from _emit(sub, bump)
        elif name in ("SUBPATTERN", "ATOMIC_GROUP"):
            yield from _emit(arg[-1], bump)
        elif name == "BRANCH":
            yield from _emit(arg[1][0], bump)
        elif name == "CATEGORY":
            yield _category(str(arg))
        elif name in ("AT", "ASSERT", "ASSERT_NOT", "GROUPREF", "GROUPREF_EXISTS"):
            continue
        else:
            raise ValueError(name)


def _in_class(items: Any) -> str:
    negate = any(str(op) == "NEGATE" for op, _ in items)
    candidates = "a0A_-. xZ9z"
    if negate:
        pattern = re.compile("[^" + "".join(_class_source(items)) + "]")
        for ch in candidates:
            if pattern.fullmatch(ch):
                return ch
        raise ValueError("negated class")
    op, arg = items[0]
    name = str(op)
    if name == "LITERAL":
        return chr(arg)
    if name == "RANGE":
        return chr(arg[0])
    if name == "CATEGORY":
        return _category(str(arg))
    raise ValueError(name)


def _class_source(items: Any) -> Iterator[str]:
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            yield re.escape(chr(arg))
        elif name == "RANGE":
            yield f"{re.escape(chr(arg[0]))}-{re.escape(chr(arg[1]))}"
        elif name == "CATEGORY":
            yield {"CATEGORY_DIGIT": r"\d", "CATEGORY_WORD": r"\w", "CATEGORY_SPACE": r"\s"}.get(str(arg), "")


def _category(name: str) -> str:
    return {"CATEGORY_DIGIT": "0", "CATEGORY_WORD": "a", "CATEGORY_SPACE": " ", "CATEGORY_NOT_SPACE": "a"}.get(
        name, "-" if name == "CATEGORY_NOT_WORD" else "a"
    )
