"""Script-rule regexes run on RE2, a non-backtracking engine: matching is linear in the text, whatever the pattern.

Python's ``re`` backtracks: ``^(a+)+$`` against 26 a's and a ``!`` takes seconds, on the event loop, stalling
every client. RE2 (``google-re2``, maintained by Google) answers in microseconds. The price, stated in docs/runs.md:
lookarounds and backreferences are not supported; such a pattern is refused when the rule is added, with RE2's
reason and the rule's place (``script[0].match.regex``), never at match time.
"""

from __future__ import annotations

import functools
from typing import Any

import re2  # type: ignore[import-untyped]

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # RE2 would also print parse errors to stderr; we report them in the 400


class RegexError(ValueError):
    """The pattern is not a regex RE2 accepts."""


@functools.lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> Any:
    try:
        return re2.compile(pattern, options=_OPTIONS)
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise RegexError(reason) from None


def search(pattern: str, text: str) -> bool:
    return compile_pattern(pattern).search(text) is not None
