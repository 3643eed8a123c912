"""The ``mockserver`` fixture: isolation, environment and module-client redirection, journal, clients."""

from __future__ import annotations

import os
import sys

import openai
import pytest

from mockserver.core.ids import DEFAULT_EPOCH, IdFactory
from mockserver.server import DEFAULT_API_KEY

pytestmark = pytest.mark.usefixtures("warm_imports")


def test_two_tests_start_from_the_same_empty_state(inner: pytest.Pytester) -> None:
    first_thread = IdFactory("", DEFAULT_API_KEY).new("thread")
    inner.makepyfile(
        f"""
        def _check(client, text):
            thread = client.beta.threads.create(messages=[{{"role": "user", "content": text}}])
            assert thread.id == {first_thread!r}
            assert thread.created_at == {DEFAULT_EPOCH}
            messages = client.beta.threads.messages.list(thread_id=thread.id).data
            assert [m.content[0].text.value for m in messages] == [text]

        def test_a(openai_client):
            _check(openai_client, "from a")
            openai_client.beta.threads.create()

        def test_b(openai_client, mockserver):
            _check(openai_client, "from b")
            assert mockserver.store.project_names() == [{DEFAULT_API_KEY!r}]
        """
    )
    inner.runpytest().assert_outcomes(passed=2)
    inner.runpytest("-p", "randomly", "-p", "randomly", "-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_environment_points_at_the_server_during_the_test_and_is_restored(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://outer.invalid/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-outer")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-outer")
    monkeypatch.delenv("OPENAI_PROJECT_ID", raising=False)
    monkeypatch.setattr(openai, "base_url", "http://outer-module.invalid/v1/")
    monkeypatch.setattr(openai, "api_key", "sk-outer-module")
    outer_client = openai._client
    inner.makepyfile(
        """
        import os
        import openai
        from openai import OpenAI

        def test_inside(mockserver):
            assert os.environ["OPENAI_BASE_URL"] == mockserver.base_url
            assert os.environ["OPENAI_API_KEY"] == mockserver.api_key == "sk-mockserver"
            assert "OPENAI_ORG_ID" not in os.environ and "OPENAI_PROJECT_ID" not in os.environ
            with OpenAI() as client:
                assert client.beta.threads.create().object == "thread"
            thread = openai.beta.threads.create()      # the SDK's module-level client
            assert openai.beta.threads.retrieve(thread.id).id == thread.id
            assert [e.path for e in mockserver.requests()] == ["/v1/threads", "/v1/threads", f"/v1/threads/{thread.id}"]
            assert {e.headers["authorization"] for e in mockserver.requests()} == {"Bearer sk-mockserver"}

        def test_after(mockserver):
            pass

        def test_without_the_fixture():
            assert os.environ["OPENAI_BASE_URL"] == "http://outer.invalid/v1"
            assert os.environ["OPENAI_ORG_ID"] == "org-outer"
            assert openai.base_url == "http://outer-module.invalid/v1/"
        """
    )
    inner.runpytest("-p", "no:randomly").assert_outcomes(passed=3)
    assert os.environ["OPENAI_BASE_URL"] == "http://outer.invalid/v1"
    assert os.environ["OPENAI_API_KEY"] == "sk-outer"
    assert os.environ["OPENAI_ORG_ID"] == "org-outer"
    assert "OPENAI_PROJECT_ID" not in os.environ
    assert (openai.base_url, openai.api_key, openai._client) == (
        "http://outer-module.invalid/v1/",
        "sk-outer-module",
        outer_client,
    )


def test_environment_is_restored_when_the_test_fails(inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    inner.makepyfile(
        """
        def test_fails(mockserver):
            raise RuntimeError("boom")
        """
    )
    inner.runpytest().assert_outcomes(failed=1)
    assert "OPENAI_BASE_URL" not in os.environ


def test_journal_records_this_tests_requests_with_parsed_bodies(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        """
        import pytest

        def test_journal(mockserver, openai_client):
            thread = openai_client.beta.threads.create(metadata={"user": "42"})
            openai_client.beta.threads.messages.create(thread_id=thread.id, role="user", content="Hi")
            openai_client.beta.threads.messages.list(thread_id=thread.id, limit=1, order="asc")
            posts = mockserver.requests(method="POST")
            assert [(e.path, e.status) for e in posts] == [
                ("/v1/threads", 200), (f"/v1/threads/{thread.id}/messages", 200)]
            assert posts[0].body == {"metadata": {"user": "42"}}
            assert posts[1].body == {"role": "user", "content": "Hi"}
            listing = mockserver.last_request(method="GET")
            assert listing.query == "limit=1&order=asc"
            assert listing.headers["openai-beta"] == "assistants=v2"
            assert mockserver.last_request(path_contains="messages") is listing
            assert mockserver.requests(status=404) == []
            with pytest.raises(AssertionError, match=r"no request matched \\{'method': 'DELETE'\\}") as info:
                mockserver.last_request(method="DELETE")
            assert f"POST /v1/threads/{thread.id}/messages -> 200" in str(info.value)

        def test_starts_empty(mockserver):
            assert mockserver.requests() == []
        """
    )
    inner.runpytest().assert_outcomes(passed=2)


def test_async_clients_from_fixture_and_environment(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        """
        import asyncio
        from openai import AsyncOpenAI

        def test_fixture_client_survives_two_event_loops(async_openai_client, mockserver):
            async def create():
                return (await async_openai_client.beta.threads.create()).id
            first, second = asyncio.run(create()), asyncio.run(create())
            assert first != second
            assert len(mockserver.requests(method="POST", path="/v1/threads")) == 2

        def test_async_client_built_by_the_code_under_test(mockserver):
            async def run():
                async with AsyncOpenAI(max_retries=0) as client:
                    thread = await client.beta.threads.create()
                    await client.beta.threads.messages.create(thread_id=thread.id, role="user", content="x")
                    page = await client.beta.threads.messages.list(thread_id=thread.id)
                    return [m.content[0].text.value for m in page.data]
            assert asyncio.run(run()) == ["x"]
        """
    )
    inner.runpytest().assert_outcomes(passed=2)


def test_client_fixtures_skip_without_openai(inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openai", None)  # what an environment without the SDK looks like
    inner.makepyfile(
        """
        def test_sync(openai_client):
            pass

        def test_async(async_openai_client):
            pass

        def test_plain(mockserver):
            assert mockserver.base_url.endswith("/v1")
        """
    )
    result = inner.runpytest("-rs")
    result.assert_outcomes(passed=1, skipped=2)
    result.stdout.fnmatch_lines(["*the openai_client fixtures need the `openai` package*"])


def test_fixture_docstrings_are_what_pytest_fixtures_shows(inner: pytest.Pytester) -> None:
    result = inner.runpytest("--fixtures", "-v")
    result.stdout.fnmatch_lines_random(
        [
            "mockserver -- */mockserver/pytest_plugin*:*",
            "*A fake OpenAI Assistants API, reset for this test; OPENAI_BASE_URL/OPENAI_API_KEY point at it.*",
            "*@pytest.mark.mockserver(*",
            "mockserver_session [[]session scope[]] -- *",
            "*The process-wide fake OpenAI server (one per xdist worker)*",
            "openai_client -- *",
            "*An ``openai.OpenAI`` bound to this test's ``mockserver`` (retries off)*",
            "async_openai_client -- *",
        ]
    )


def test_a_module_client_in_two_tests_gets_a_live_http_client_each_time(inner: pytest.Pytester) -> None:
    # Building the SDK's module client stores its HTTP client in `openai.http_client`; closing the module client
    # after the first test must not leave the second one with a closed HTTP client.
    inner.makepyfile(
        """
        import openai

        def test_a(mockserver):
            openai.beta.threads.create()

        def test_b(mockserver):
            openai.beta.threads.create()
            assert openai.http_client is not None and not openai.http_client.is_closed
        """
    )
    inner.runpytest("-p", "no:randomly").assert_outcomes(passed=2)
