"""Cursor pagination over an ordered collection, at a cost independent of its size.

Items are kept sorted by ``(created_at, sequence)`` in a plain list; a cursor is located by bisection through
an id -> key map, so a page costs O(log n + limit) whatever the collection's size. Appending in time order
(the common case) is O(1).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from dataclasses import dataclass

Key = tuple[int, int, str]  # (created_at, creation sequence, id)


@dataclass(frozen=True)
class Page:
    ids: list[str]
    has_more: bool


class SortedIndex:
    """IDs ordered by creation time, ties by creation order."""

    __slots__ = ("_by_id", "_keys")

    def __init__(self) -> None:
        self._keys: list[Key] = []
        self._by_id: dict[str, Key] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, object_id: str) -> bool:
        return object_id in self._by_id

    def add(self, object_id: str, created_at: int, sequence: int) -> None:
        key = (created_at, sequence, object_id)
        self._by_id[object_id] = key
        if not self._keys or key > self._keys[-1]:
            self._keys.append(key)
        else:
            insort(self._keys, key)

    def remove(self, object_id: str) -> None:
        key = self._by_id.pop(object_id, None)
        if key is not None:
            del self._keys[bisect_left(self._keys, key)]

    def ids(self) -> list[str]:
        """Every id, oldest first."""
        return [key[2] for key in self._keys]

    def page(self, *, limit: int, order: str, after: str | None = None, before: str | None = None) -> Page:
        """One page in ``order`` ("asc" or "desc").

        ``after``: the items that follow the cursor in that order; ``before``: the items that precede it (the
        previous page), still returned in ``order``. ``has_more`` looks past the page in the direction of
        travel. An unknown cursor yields an empty page (docs/decisions.md).
        """
        keys = self._keys
        n = len(keys)
        # Work in ascending positions: [lo, hi) is the window the cursors leave open.
        lo, hi = 0, n
        for cursor, is_after in ((after, True), (before, False)):
            if cursor is None:
                continue
            key = self._by_id.get(cursor)
            if key is None:
                return Page([], False)
            pos = bisect_left(keys, key)
            # In desc order "after" means older items, i.e. lower positions.
            if is_after == (order == "asc"):
                lo = max(lo, pos + 1)
            else:
                hi = min(hi, pos)
        if lo >= hi:
            return Page([], False)
        # Travelling backwards (a "before" cursor) takes the items nearest the cursor.
        from_high = (order == "desc") != (before is not None and after is None)
        if from_high:
            start = max(lo, hi - limit)
            window = keys[start:hi]
            has_more = start > lo
        else:
            stop = min(hi, lo + limit)
            window = keys[lo:stop]
            has_more = stop < hi
        ids = [key[2] for key in window]
        if order == "desc":
            ids.reverse()
        return Page(ids, has_more)

    def copy(self) -> SortedIndex:
        clone = SortedIndex()
        clone._keys = list(self._keys)
        clone._by_id = dict(self._by_id)
        return clone
