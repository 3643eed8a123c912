"""Cursor pagination: walking pages in any order and direction yields exactly the stored sequence."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mockserver.core.pagination import SortedIndex


def build(created: list[int]) -> tuple[SortedIndex, list[str]]:
    index = SortedIndex()
    for seq, when in enumerate(created):
        index.add(f"id{seq}", when, seq)
    expected = [f"id{seq}" for seq, _ in sorted(enumerate(created), key=lambda p: (p[1], p[0]))]
    return index, expected


def walk_forward(index: SortedIndex, order: str, limit: int) -> list[str]:
    seen: list[str] = []
    after = None
    while True:
        page = index.page(limit=limit, order=order, after=after)
        seen += page.ids
        if not page.has_more or not page.ids:
            return seen
        after = page.ids[-1]


def walk_backward(index: SortedIndex, order: str, limit: int, start_after_last: str) -> list[str]:
    """From the end of the sequence back to its start using ``before`` cursors (pages stay in ``order``)."""
    pages: list[list[str]] = []
    before = start_after_last
    while True:
        page = index.page(limit=limit, order=order, before=before)
        if page.ids:
            pages.append(page.ids)
        if not page.has_more or not page.ids:
            break
        before = page.ids[0]
    return [item for page in reversed(pages) for item in page]


@given(st.lists(st.integers(0, 5), max_size=60), st.integers(1, 7), st.sampled_from(["asc", "desc"]))
def test_forward_and_backward_walks_yield_the_stored_sequence(created: list[int], limit: int, order: str) -> None:
    index, ascending = build(created)
    expected = ascending if order == "asc" else ascending[::-1]
    assert walk_forward(index, order, limit) == expected
    if expected:
        # Everything before the last item, walked backwards, then the last item itself.
        assert [*walk_backward(index, order, limit, expected[-1]), expected[-1]] == expected


@given(st.lists(st.integers(0, 3), min_size=1, max_size=30), st.data())
def test_has_more_is_exact_for_every_cursor(created: list[int], data: st.DataObject) -> None:
    index, ascending = build(created)
    order = data.draw(st.sampled_from(["asc", "desc"]))
    seq = ascending if order == "asc" else ascending[::-1]
    pos = data.draw(st.integers(0, len(seq) - 1))
    limit = data.draw(st.integers(1, 10))
    page = index.page(limit=limit, order=order, after=seq[pos])
    assert page.ids == seq[pos + 1 : pos + 1 + limit]
    assert page.has_more == (pos + 1 + limit < len(seq))
    page = index.page(limit=limit, order=order, before=seq[pos])
    assert page.ids == seq[max(0, pos - limit) : pos]
    assert page.has_more == (pos - limit > 0)


def test_ties_keep_creation_order_reversed_for_desc() -> None:
    index, _ = build([7, 7, 7])
    assert index.page(limit=10, order="asc").ids == ["id0", "id1", "id2"]
    assert index.page(limit=10, order="desc").ids == ["id2", "id1", "id0"]


def test_out_of_order_inserts_and_removal_keep_the_order() -> None:
    index = SortedIndex()
    index.add("late", 10, 1)
    index.add("early", 5, 2)
    index.add("mid", 7, 3)
    index.remove("mid")
    index.remove("missing")
    assert index.page(limit=5, order="asc").ids == ["early", "late"]
    assert "mid" not in index and len(index) == 2


def test_unknown_cursor_gives_an_empty_page() -> None:
    index, _ = build([1, 2])
    page = index.page(limit=5, order="desc", after="nope")
    assert page.ids == [] and page.has_more is False


def test_copy_is_independent() -> None:
    index, _ = build([1, 2])
    clone = index.copy()
    clone.remove("id0")
    assert index.ids() == ["id0", "id1"] and clone.ids() == ["id1"]
