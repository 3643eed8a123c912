"""Strict teardown: server errors, unknown routes and scripted-model misses fail the test, with an opt-out."""

from __future__ import annotations

import pytest

OPT_OUT = (
    "Expected? An expected script miss: mockserver.expect_script_miss('part of the message') in the test. "
    "To turn every check off: @pytest.mark.mockserver(fail_on_problems=False) on the test, class or module, "
    "or `mockserver_strict = false` in the ini file, or --mockserver-strict=off."
)


pytestmark = pytest.mark.usefixtures("warm_imports")


def test_unknown_route_fails_the_test_with_the_list_and_the_opt_out(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        """
        import openai
        import pytest

        def test_typo(openai_client):
            for path in ("/thraeds", "/threads/thread_x/mesages?limit=2"):
                with pytest.raises(openai.NotFoundError):
                    openai_client.get(path, cast_to=object)
            openai_client.beta.threads.create()

        @pytest.mark.mockserver(strict=False)
        def test_opted_out(openai_client):
            with pytest.raises(openai.NotFoundError):
                openai_client.get("/thraeds", cast_to=object)
        """
    )
    result = inner.runpytest()
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ test_typo _*",
            "mockserver saw 2 problem(s) during this test:",
            "  1. unknown route: GET /v1/thraeds -> 404 (a typo in the client, or an endpoint the fake lacks)",
            "  2. unknown route: GET /v1/threads/thread_x/mesages?limit=2 -> 404 (a typo in the client, *",
            OPT_OUT,
            "*= short test summary info =*",
            "FAILED *::test_typo*",
        ]
    )
    # a plain failure, not an error in teardown, and no traceback of the plugin's internals
    result.stdout.no_fnmatch_line("*ERROR at teardown*")
    result.stdout.no_fnmatch_line("*/mockserver/pytest_plugin*")


def test_server_error_fails_the_test_with_the_traceback(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        """
        import openai
        import pytest

        def test_bug(mockserver, openai_client, monkeypatch):
            def broken(*args, **kwargs):
                raise ZeroDivisionError("simulated bug in the fake")
            monkeypatch.setattr(mockserver.store.assistants, "create_thread", broken)
            with pytest.raises(openai.InternalServerError):
                openai_client.beta.threads.create()
        """
    )
    result = inner.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "mockserver saw 1 problem(s) during this test:",
            "  1. server error (a bug in mockserver) answering POST /v1/threads:",
            "       Traceback (most recent call last):",
            "*ZeroDivisionError: simulated bug in the fake",
            OPT_OUT,
        ]
    )


def test_problems_are_attached_to_a_test_that_already_failed(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        """
        def test_fails_first(openai_client):
            openai_client.get("/nowhere", cast_to=object)
        """
    )
    result = inner.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E * openai.NotFoundError: Error code: 404 *",
            "*- Captured mockserver call -*",
            "mockserver saw 1 problem(s) during this test:",
            "  1. unknown route: GET /v1/nowhere -> 404 *",
        ]
    )


def test_strict_scripted_model_miss_fails_the_test(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        """
        import pytest

        def _run(client):
            assistant = client.beta.assistants.create(model="gpt-4o")
            thread = client.beta.threads.create(messages=[{"role": "user", "content": "helo"}])
            return client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)

        @pytest.mark.mockserver(runs={"strict": True}, script=[{"name": "greeting", "match": {"contains": "hello"},
                                                                "reply": "Hi"}])
        def test_miss(openai_client):
            assert _run(openai_client).status == "failed"

        @pytest.mark.mockserver(runs={"strict": True}, strict=False)
        def test_miss_opted_out(openai_client):
            assert _run(openai_client).status == "failed"

        def test_not_strict_runs_get_the_default_reply(openai_client):
            assert _run(openai_client).status == "completed"
        """
    )
    result = inner.runpytest()
    result.assert_outcomes(failed=1, passed=2)
    result.stdout.fnmatch_lines(
        [
            "mockserver saw 1 problem(s) during this test:",
            "  1. scripted model miss (run setting strict) in run_* for input 'helo': mockserver strict mode: "
            "no script rule matched this run (last user message: 'helo')*greeting*",
            OPT_OUT,
        ]
    )
