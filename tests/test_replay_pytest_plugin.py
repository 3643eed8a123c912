"""Cassettes under the pytest plugin: record with --record-mode, replay by default, fail at teardown on misses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mockserver import MockServer
from mockserver.replay import UPSTREAM_KEY_ENV, load_interactions

INI = """
[pytest]
addopts = -p no:randomly -p no:cacheprovider
filterwarnings =
    error
    ignore:The Assistants API is deprecated:DeprecationWarning
    ignore::pytest.PytestAssertRewriteWarning
"""

TESTS = """
import pytest

pytestmark = pytest.mark.mockserver(cassette=True)

def test_conversation(openai_client):
    thread = openai_client.beta.threads.create(metadata={{"k": "v"}})
    openai_client.beta.threads.messages.create(thread_id=thread.id, role="user", content={text!r})
    assert openai_client.beta.threads.messages.list(thread_id=thread.id).data[0].content[0].text.value == {text!r}
"""


@pytest.fixture(scope="module")
def upstream() -> Iterator[MockServer]:
    with MockServer(seed="plugin-upstream") as server:
        yield server


@pytest.fixture
def inner(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, upstream: MockServer) -> pytest.Pytester:
    monkeypatch.setenv(UPSTREAM_KEY_ENV, "sk-proj-PluginUpstreamKey0123456789abcd")
    upstream.reset()
    pytester.makeini(INI)
    return pytester


def test_record_once_then_replay_offline_then_fail_with_a_diff(inner: pytest.Pytester, upstream: MockServer) -> None:
    inner.makepyfile(test_chat=TESTS.format(text="hello"))
    inner.runpytest("--record-mode=once", f"--mockserver-upstream={upstream.base_url}").assert_outcomes(passed=1)
    cassette = inner.path / "cassettes" / "test_chat" / "test_conversation.yaml"
    assert len(load_interactions(cassette)) == 3
    recorded_upstream = len(upstream.requests())

    inner.runpytest().assert_outcomes(passed=1)  # record mode none: replayed, upstream untouched
    assert len(upstream.requests()) == recorded_upstream

    inner.makepyfile(test_chat=TESTS.format(text="hello, changed"))
    result = inner.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*cassette miss: POST /v1/threads/*/messages: no recording matches; the closest is #1*",
            '*-  "content": "hello",*',
            '*+  "content": "hello, changed",*',
        ]
    )
    assert len(upstream.requests()) == recorded_upstream

    inner.runpytest("--record-mode=all", f"--mockserver-upstream={upstream.base_url}").assert_outcomes(passed=1)
    assert load_interactions(cassette)[1]["request"]["body"]["json"]["content"] == "hello, changed"


def test_a_caught_miss_still_fails_the_test_at_teardown(inner: pytest.Pytester, upstream: MockServer) -> None:
    inner.makepyfile(
        test_caught="""
        import openai, pytest

        @pytest.mark.mockserver(cassette="shared.yaml")
        def test_record(openai_client):
            openai_client.beta.threads.create()

        @pytest.mark.mockserver(cassette="shared.yaml", record_mode="none")
        def test_swallows_the_miss(openai_client):
            openai_client.beta.threads.create()
            with pytest.raises(openai.BadRequestError):
                openai_client.beta.threads.create(metadata={"unrecorded": "yes"})
        """
    )
    inner.runpytest(
        "--record-mode=once", f"--mockserver-upstream={upstream.base_url}", "-k", "test_record"
    ).assert_outcomes(passed=1, deselected=1)
    result = inner.runpytest("-k", "swallows")
    result.assert_outcomes(failed=1, deselected=1)
    result.stdout.fnmatch_lines(["*mockserver saw 1 problem(s)*", '*+    "unrecorded": "yes"*'])


def test_unused_recordings_fail_only_when_asked(inner: pytest.Pytester, upstream: MockServer) -> None:
    inner.makepyfile(test_chat=TESTS.format(text="hi"))
    inner.runpytest("--record-mode=once", f"--mockserver-upstream={upstream.base_url}").assert_outcomes(passed=1)
    inner.makepyfile(
        test_chat="""
        import pytest

        @pytest.mark.mockserver(cassette="test_conversation.yaml")
        def test_lenient(openai_client):
            openai_client.beta.threads.create(metadata={"k": "v"})

        @pytest.mark.mockserver(cassette="test_conversation.yaml", fail_on_unused=True)
        def test_strict(openai_client):
            openai_client.beta.threads.create(metadata={"k": "v"})
        """
    )
    result = inner.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*test_strict*", "*2 recording(s) in *test_conversation.yaml were never used*"])


def test_missing_cassette_and_bad_options_are_usage_errors(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        test_bad="""
        import pytest

        @pytest.mark.mockserver(cassette=True)
        def test_missing(mockserver):
            pass

        @pytest.mark.mockserver(cassette=True, record_mode="sometimes")
        def test_bad_mode(mockserver):
            pass
        """
    )
    result = inner.runpytest()
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        [
            "*test_missing.yaml not found. Record it against the real API with:*",
            "*MOCKSERVER_UPSTREAM_API_KEY=sk-... pytest --record-mode=once 'test_bad.py::test_missing'*",
            "*record_mode= must be one of*",
        ]
    )


def test_default_cassette_names_are_one_file_per_test(tmp_path: Path) -> None:
    from mockserver.replay.pytest_support import cassette_path

    test_file = tmp_path / "tests" / "test_x.py"
    assert cassette_path(True, test_file, "test_a[1-b]") == tmp_path / "tests/cassettes/test_x/test_a[1-b].yaml"
    assert cassette_path("named.json", test_file, "test_a") == tmp_path / "tests/cassettes/test_x/named.json"
    assert cassette_path(str(tmp_path / "abs.yaml"), test_file, "t") == tmp_path / "abs.yaml"
    assert cassette_path(None, test_file, "t") is None


def test_same_named_tests_in_different_classes_get_their_own_cassettes(
    inner: pytest.Pytester, upstream: MockServer
) -> None:
    inner.makepyfile(
        test_classes="""
        import pytest

        pytestmark = pytest.mark.mockserver(cassette=True)

        class TestAlpha:
            def test_same(self, openai_client):
                openai_client.beta.threads.create(metadata={"who": "alpha"})

        class TestBeta:
            def test_same(self, openai_client):
                openai_client.beta.threads.create(metadata={"who": "beta"})
        """
    )
    inner.runpytest("--record-mode=once", f"--mockserver-upstream={upstream.base_url}").assert_outcomes(passed=2)
    folder = inner.path / "cassettes" / "test_classes"
    assert sorted(p.name for p in folder.iterdir()) == ["TestAlpha.test_same.yaml", "TestBeta.test_same.yaml"]
    inner.runpytest().assert_outcomes(passed=2)  # each replays its own recording
