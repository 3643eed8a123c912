"""The fault model (validation, path patterns, seeded fractions, SSE frame counting) and the store's fault ops."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.control.faults import compile_path, parse_faults
from mockserver.control.streamcut import StreamCutter
from mockserver.core import errors as e
from mockserver.store import BASELINE_PROJECT, Store


@pytest.mark.parametrize(
    ("fault", "param", "fragment"),
    [
        ({"status": 429, "bogus": 1}, "faults[0].bogus", "Unrecognized fault field"),
        ({"status": 200}, "faults[0].status", "integer below minimum value"),
        ({"status": "429"}, "faults[0].status", "expected an integer"),
        ({"method": "FETCH", "status": 500}, "faults[0].method", "Invalid value: 'FETCH'"),
        ({"path": "", "status": 500}, "faults[0].path", "expected a non-empty string"),
        ({"status": 500, "drop": True}, "faults[0]", "a fault does one thing"),
        ({"path": "/v1/threads"}, "faults[0]", "a fault needs an effect"),
        ({"status": 500, "probability": 1.5}, "faults[0].probability", "decimal above maximum value"),
        ({"status": 500, "times": 0}, "faults[0].times", "integer below minimum value"),
        ({"latency_ms": -1}, "faults[0].latency_ms", "integer below minimum value"),
        ({"status": 500, "error": {"message": 3}}, "faults[0].error.message", "expected a string or null"),
        ({"status": 500, "headers": {"x": 1}}, "faults[0].headers", "expected an object of string values"),
        ({"drop": "yes"}, "faults[0].drop", "expected a boolean"),
        # Headers that would break the HTTP answer (seen as a disconnect, not as the fault's error) are refused.
        ({"status": 500, "headers": {"content-length": "3"}}, "faults[0].headers.content-length", "set by the server"),
        ({"status": 500, "headers": {"Transfer-Encoding": "chunked"}}, "faults[0].headers.Transfer-Encoding", "token"),
        ({"status": 500, "headers": {"x-a": "b\r\nset-cookie: x"}}, "faults[0].headers.x-a", "line breaks"),
        ({"status": 500, "headers": {"bad name": "x"}}, "faults[0].headers.bad name", "HTTP token"),
    ],
)
def test_invalid_faults_are_rejected_with_the_location(fault: dict[str, object], param: str, fragment: str) -> None:
    with pytest.raises(e.InvalidRequestError) as info:
        parse_faults([fault])
    assert info.value.param == param
    assert fragment in info.value.message


def test_a_bad_fault_later_in_the_list_adds_nothing() -> None:
    store = Store()
    with pytest.raises(e.InvalidRequestError) as info:
        store.faults.add_faults("p", [{"status": 500}, {"status": 99}])
    assert info.value.param == "faults[1].status"
    assert store.faults.list_faults("p") == []


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("/v1/threads", "/v1/threads", True),
        ("/v1/threads", "/v1/threads/thread_1", False),
        ("/v1/threads/*", "/v1/threads/thread_1", True),
        ("/v1/threads/*", "/v1/threads/thread_1/runs", False),
        ("/v1/threads/*/runs", "/v1/threads/thread_1/runs", True),
        ("/v1/**", "/v1/threads/thread_1/runs/run_1", True),
        ("**/runs", "/v1/threads/t/runs", True),
        ("/v1/threads.x", "/v1/threadsAx", False),  # regex metacharacters are literal
    ],
)
def test_path_patterns(pattern: str, path: str, matches: bool) -> None:
    assert bool(compile_path(pattern).fullmatch(path)) is matches


def test_times_counts_only_matching_requests_and_then_stops() -> None:
    store = Store()
    store.faults.add_faults("p", [{"method": "POST", "path": "/v1/threads", "status": 429, "times": 2}])
    assert store.faults.match_fault("p", "GET", "/v1/threads") is None
    assert store.faults.match_fault("p", "POST", "/v1/threads/x") is None
    first = store.faults.match_fault("p", "POST", "/v1/threads")
    assert first is not None and first.error is not None and first.error.status == 429
    assert store.faults.match_fault("p", "POST", "/v1/threads") is not None
    assert store.faults.match_fault("p", "POST", "/v1/threads") is None
    (listed,) = store.faults.list_faults("p")
    assert (listed["seen"], listed["fired"], listed["remaining"], listed["project"]) == (2, 2, 0, "p")


def test_429_defaults_carry_retry_and_rate_limit_headers_but_no_should_retry() -> None:
    (fault,) = parse_faults([{"status": 429}])
    action = fault.hit("", "GET", "/anything")
    assert action is not None and action.error is not None
    err = action.error
    assert err.body()["error"]["code"] == "rate_limit_exceeded" and err.type == "requests"
    assert err.headers["retry-after-ms"] == "10" and err.headers["retry-after"] == "1"
    assert err.headers["x-ratelimit-remaining-requests"] == "0"
    assert "x-should-retry" not in err.headers


def test_error_overrides_and_should_retry() -> None:
    (fault,) = parse_faults(
        [{"status": 400, "error": {"message": "nope", "code": "c", "param": "p"}, "should_retry": True}]
    )
    action = fault.hit("", "GET", "/x")
    assert action is not None and action.error is not None
    assert action.error.body() == {
        "error": {"message": "nope", "type": "invalid_request_error", "param": "p", "code": "c"}
    }
    assert action.error.headers["x-should-retry"] == "true"


def _pattern(seed: str, fault_seed: str, n: int = 40) -> list[bool]:
    store = Store(seed=seed)
    store.faults.add_faults("p", [{"status": 500, "probability": 0.5, "seed": fault_seed}])
    return [store.faults.match_fault("p", "GET", "/v1/x") is not None for _ in range(n)]


def test_probability_is_seeded_and_reproducible() -> None:
    first = _pattern("s", "a")
    assert first == _pattern("s", "a")
    assert any(first) and not all(first)
    assert first != _pattern("s", "b") or first != _pattern("t", "a")


def test_project_faults_do_not_hit_other_projects_and_global_ones_hit_all() -> None:
    store = Store()
    store.faults.add_faults("a", {"status": 503})
    assert store.faults.match_fault("b", "GET", "/v1/x") is None
    assert store.faults.match_fault("a", "GET", "/v1/x") is not None
    store.faults.add_faults(None, [{"drop": True}])
    action = store.faults.match_fault("b", "GET", "/v1/x")
    assert action is not None and action.drop
    assert [f["project"] for f in store.faults.list_faults()] == ["a", None]


def test_reset_and_clear() -> None:
    store = Store()
    store.faults.add_faults("a", [{"status": 503}])
    store.faults.add_faults(None, [{"status": 500}])
    store.reset("a")
    assert [f["project"] for f in store.faults.list_faults("a")] == [None]
    store.reset()
    assert store.faults.list_faults() == [] and store.faults.match_fault("a", "GET", "/") is None
    store.faults.add_faults("a", [{"status": 503}])
    assert store.faults.clear_faults() == 1
    assert store.faults._faults_armed is False  # back on the fast path


def test_baseline_faults_give_each_project_its_own_counters() -> None:
    store = Store()
    store.set_baseline([lambda s, p: s.faults.add_faults(p, [{"status": 500, "times": 1}])])  # type: ignore[attr-defined]
    assert store.faults.match_fault("a", "GET", "/v1/x") is not None
    assert store.faults.match_fault("a", "GET", "/v1/x") is None
    assert store.faults.match_fault("b", "GET", "/v1/x") is not None  # b's copy was untouched by a's hit
    store.reset("a")
    assert store.faults.match_fault("a", "GET", "/v1/x") is not None
    assert BASELINE_PROJECT not in store.project_names()


def _frames(n: int) -> bytes:
    return (
        b"".join(b'event: thread.run.step\ndata: {"i":%d}\n\n' % i for i in range(n)) + b"event: done\ndata: [DONE]\n\n"
    )


@given(total=st.integers(0, 8), after=st.integers(0, 10), cuts=st.lists(st.integers(0, 400), max_size=12))
def test_stream_cutter_sends_exactly_the_first_n_events_whatever_the_chunking(
    total: int, after: int, cuts: list[int]
) -> None:
    data = _frames(total)
    points = sorted({min(c, len(data)) for c in cuts})
    chunks = [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]
    cutter = StreamCutter(after)
    sent = b""
    cut = False
    for chunk in chunks:
        out, cut = cutter.feed(chunk)
        sent += out
        if cut:
            break
    events = total + 1
    if after <= events:
        assert cut
        assert sent.count(b"event:") == after and (sent.endswith(b"\n\n") or after == 0)
    else:
        assert not cut and sent == data


def test_a_fault_resumes_from_given_counters_and_rejects_impossible_ones() -> None:
    from mockserver.control.faults import parse_fault

    resumed = parse_fault({"status": 500, "times": 3, "seen": 4, "fired": 2}, "faults[0]")
    assert (resumed.seen, resumed.fired, resumed.remaining) == (4, 2, 1)
    assert resumed.key == parse_fault({"status": 500, "times": 3}, "faults[0]").key, "counters are not settings"
    with pytest.raises(e.InvalidRequestError) as info:
        parse_fault({"status": 500, "seen": 1, "fired": 2}, "faults[0]")
    assert info.value.param == "faults[0].fired"
