"""SDK clients tests make and must close: a pooled socket left to the garbage collector warns, an error here.

``tracked(client)`` registers a client; the autouse fixture in ``tests/conftest.py`` closes every tracked
client after each test.
"""

from __future__ import annotations

from typing import Any, TypeVar

C = TypeVar("C")

_OPEN: list[Any] = []


def tracked(client: C) -> C:
    _OPEN.append(client)
    return client


def close_tracked() -> None:
    while _OPEN:
        _OPEN.pop().close()
