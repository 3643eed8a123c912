"""Determinism across scheduling: exact IDs and timestamps alone, in a full random-order run and under xdist."""

from __future__ import annotations

import pytest

from mockserver.core.ids import DEFAULT_EPOCH, IdFactory
from mockserver.server import DEFAULT_API_KEY

from .pytester_support import inner_ini


def _exact_ids_file() -> str:
    ids = IdFactory("", DEFAULT_API_KEY)
    thread, message, request = ids.new("thread"), ids.new("message"), ids.request_id()
    return f"""
import pytest

@pytest.mark.parametrize("n", range(8))
def test_exact_ids(openai_client, mockserver, n):
    thread = openai_client.beta.threads.create(messages=[{{"role": "user", "content": f"test {{n}}"}}])
    assert (thread.id, thread.created_at) == ({thread!r}, {DEFAULT_EPOCH})
    message = openai_client.beta.threads.messages.list(thread_id=thread.id).data[0]
    assert (message.id, message.created_at) == ({message!r}, {DEFAULT_EPOCH})
    assert mockserver.requests()[0].request_id == {request!r}
    for _ in range(n):  # leave different amounts of state behind for whichever test runs next
        openai_client.beta.threads.create()
"""


pytestmark = pytest.mark.usefixtures("warm_imports")


@pytest.fixture
def inner(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini(inner_ini(addopts=""))  # the run below chooses its own plugins
    pytester.makepyfile(test_ids=_exact_ids_file())
    return pytester


def test_same_ids_under_xdist_with_two_workers(inner: pytest.Pytester) -> None:
    result = inner.runpytest_subprocess("-p", "xdist", "-n", "2", "-p", "randomly", "-p", "no:hypothesispytest", "-v")
    result.assert_outcomes(passed=8)
    result.stdout.fnmatch_lines_random(["*[[]gw0[]]*PASSED*", "*[[]gw1[]]*PASSED*"])


def test_same_ids_alone_and_in_random_order(inner: pytest.Pytester) -> None:
    inner.runpytest("-p", "no:randomly", "-p", "no:hypothesispytest", "-k", "test_exact_ids[5]").assert_outcomes(
        passed=1
    )
    result = inner.runpytest("-p", "randomly", "-p", "no:hypothesispytest", "--randomly-seed=2", "-v")
    result.assert_outcomes(passed=8)
    order = [line.split("[")[1].split("]")[0] for line in result.outlines if "::test_exact_ids[" in line]
    assert order != sorted(order), "random order expected"
