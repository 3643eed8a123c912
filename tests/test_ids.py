from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from mockserver.core.ids import PREFIXES, Clock, IdFactory, is_valid_id

REAL_FORMAT = re.compile(r"^(asst|thread|msg|run|step|call)_[A-Za-z0-9]{24}$")


def test_ids_have_the_real_format() -> None:
    factory = IdFactory()
    for kind in ("assistant", "thread", "message", "run", "step", "call"):
        object_id = factory.new(kind)
        assert REAL_FORMAT.match(object_id), object_id
        assert is_valid_id(object_id, kind)


def test_ids_are_a_pure_function_of_seed_project_and_history() -> None:
    a, b = IdFactory("seed", "proj"), IdFactory("seed", "proj")
    assert [a.new("thread") for _ in range(3)] == [b.new("thread") for _ in range(3)]
    assert IdFactory("other", "proj").new("thread") != IdFactory("seed", "proj").new("thread")
    assert IdFactory("seed", "other").new("thread") != IdFactory("seed", "proj").new("thread")


def test_kinds_count_independently() -> None:
    """Creating messages does not shift the next thread id."""
    a, b = IdFactory(), IdFactory()
    a.new("message")
    assert a.new("thread") == b.new("thread")


def test_request_ids_look_real_and_are_deterministic() -> None:
    first = IdFactory().request_id()
    assert re.match(r"^req_[0-9a-f]{32}$", first)
    assert IdFactory().request_id() == first


def test_restored_counters_continue_the_sequence() -> None:
    a = IdFactory("s", "p")
    a.new("thread")
    b = IdFactory("s", "p")
    b.restore(a.counters())
    assert a.new("thread") == b.new("thread")


@given(st.text(max_size=40), st.sampled_from(sorted(PREFIXES)))
def test_is_valid_id_rejects_anything_but_prefix_plus_24_alphanumerics(body: str, kind: str) -> None:
    candidate = PREFIXES[kind] + body
    expected = len(body) == 24 and all(c.isascii() and c.isalnum() for c in body)
    assert is_valid_id(candidate, kind) is expected


def test_clock_is_frozen_until_moved() -> None:
    clock = Clock(100)
    assert clock.now() == clock.now() == 100
    assert clock.advance(5) == 105
    clock.set(50)
    assert clock.now() == 50
