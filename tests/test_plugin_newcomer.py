"""What a newcomer meets first (issue 16): deprecation warnings, a mark without the fixture, the network guard,
expected script misses, and the not-implemented 404 failing the test."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("warm_imports")

#: The user's own ini: every warning is an error, and nothing of this project's filters.
STRICT_WARNINGS_INI = """
[pytest]
addopts = -p no:randomly -p no:hypothesispytest
filterwarnings =
    error
    ignore::pytest.PytestAssertRewriteWarning
{extra}
"""

ASSISTANTS_TEST = """
import openai
import pytest


def test_assistants(openai_client):
    assistant = openai_client.beta.assistants.create(model="gpt-4o")
    thread = openai_client.beta.threads.create()
    openai_client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)


def test_other_deprecations_still_warn(mockserver):
    import warnings

    with pytest.warns(DeprecationWarning, match="^deprecated$"):
        warnings.warn("deprecated", DeprecationWarning)  # same text, but not from the Assistants resource


def test_without_the_fake_the_warning_is_an_error():
    with openai.OpenAI(api_key="sk-x", base_url="http://127.0.0.1:9/v1") as client:
        with pytest.raises(DeprecationWarning, match="Assistants API is deprecated"):
            client.beta.threads.create()
"""


def test_the_sdks_assistants_deprecations_are_hidden_in_tests_that_use_the_fake(pytester: pytest.Pytester) -> None:
    pytester.makeini(STRICT_WARNINGS_INI.format(extra=""))
    pytester.makepyfile(ASSISTANTS_TEST)
    result = pytester.runpytest()
    result.assert_outcomes(passed=3)
    result.stdout.no_fnmatch_line("*DeprecationWarning*")


def test_the_ini_switch_shows_them_again(pytester: pytest.Pytester) -> None:
    pytester.makeini(STRICT_WARNINGS_INI.format(extra="mockserver_assistants_deprecations = show"))
    pytester.makepyfile(ASSISTANTS_TEST)
    result = pytester.runpytest("-k", "test_assistants")
    result.assert_outcomes(failed=1, deselected=2)
    result.stdout.fnmatch_lines(["*DeprecationWarning: deprecated*"])


def test_a_bad_value_of_the_ini_switch_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeini(STRICT_WARNINGS_INI.format(extra="mockserver_assistants_deprecations = maybe"))
    pytester.makepyfile(ASSISTANTS_TEST)
    result = pytester.runpytest("-k", "test_assistants")
    result.stderr.fnmatch_lines(["*mockserver_assistants_deprecations must be hide or show*"])


def test_the_mark_alone_activates_the_fake(inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "https://api.openai.com/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-the-real-one")
    inner.makepyfile(
        """
        import os
        import openai
        import pytest

        @pytest.mark.mockserver(now=1_750_000_000)
        def test_marked_only():
            assert os.environ["OPENAI_BASE_URL"].startswith("http://127.0.0.1:")
            with openai.OpenAI(max_retries=0) as client:
                assert client.beta.threads.create().created_at == 1_750_000_000

        @pytest.mark.mockserver
        class TestMarkedClass:
            def test_in_class(self):
                assert os.environ["OPENAI_BASE_URL"].startswith("http://127.0.0.1:")

        def test_unmarked_is_left_alone():
            assert os.environ["OPENAI_BASE_URL"] == "https://api.openai.com/v1"
        """
    )
    inner.runpytest().assert_outcomes(passed=3)


def test_the_network_guard_refuses_the_real_api_and_can_be_turned_off(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        """
        import openai
        import pytest
        from mockserver.pytest_plugin import NetworkGuardError

        @pytest.mark.parametrize("url", ["https://api.openai.com/v1", "https://eu.api.openai.com/v1"])
        def test_explicit_real_base_url(mockserver, url):
            with openai.OpenAI(api_key="sk-x", base_url=url) as client:
                with pytest.raises(NetworkGuardError, match="network guard.*POST " + url + "/threads"):
                    client.beta.threads.create()

        def test_azure_endpoint(mockserver):
            client = openai.AzureOpenAI(
                azure_endpoint="https://contoso.openai.azure.com", api_key="k", api_version="2024-10-21"
            )
            with client, pytest.raises(NetworkGuardError, match="mockserver_network_guard = false"):
                client.beta.threads.create()

        def test_the_fake_and_other_local_servers_pass(mockserver, openai_client):
            openai_client.beta.threads.create()
            with openai.OpenAI(api_key="sk-x", base_url="http://127.0.0.1:9/v1", max_retries=0) as client:
                with pytest.raises(openai.APIConnectionError):
                    client.beta.threads.create()

        def test_the_guard_is_gone_after_the_fake(request):
            from openai._base_client import BaseClient
            assert not hasattr(BaseClient._build_request, "__wrapped__")
        """
    )
    inner.runpytest("-p", "no:randomly").assert_outcomes(passed=5)


def test_the_network_guard_off_switch(pytester: pytest.Pytester) -> None:
    from .pytester_support import inner_ini

    pytester.makeini(inner_ini("mockserver_network_guard = false"))
    pytester.makepyfile(
        """
        import openai

        def test_explicit_real_base_url(mockserver):
            from openai._base_client import BaseClient
            assert not hasattr(BaseClient._build_request, "__wrapped__")
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_an_expected_script_miss_is_accepted_and_other_checks_stay_on(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        """
        import openai
        import pytest

        def run(client, text):
            assistant = client.beta.assistants.create(model="gpt-4o")
            thread = client.beta.threads.create(messages=[{"role": "user", "content": text}])
            return client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)

        @pytest.mark.mockserver(runs={"strict": True})
        def test_expected(mockserver, openai_client):
            assert run(openai_client, "Unplanned question").status == "failed"
            (miss,) = mockserver.script_misses()
            assert miss["input"] == "Unplanned question"
            assert mockserver.expect_script_miss("Unplanned")[0]["input"] == "Unplanned question"
            assert mockserver.script_misses() == []

        @pytest.mark.mockserver(runs={"strict": True})
        def test_expected_but_a_typo_still_fails(mockserver, openai_client):
            run(openai_client, "Other question")
            mockserver.clear_script_misses()
            with pytest.raises(openai.NotFoundError):
                openai_client.get("/thraeds", cast_to=object)

        @pytest.mark.mockserver(runs={"strict": True})
        def test_expecting_a_miss_that_did_not_happen(mockserver):
            mockserver.expect_script_miss("nothing")

        @pytest.mark.mockserver(runs={"strict": True})
        def test_unexpected(mockserver, openai_client):
            run(openai_client, "Surprise")
        """
    )
    result = inner.runpytest()
    result.assert_outcomes(passed=1, failed=3)
    result.stdout.fnmatch_lines(["*unknown route: GET /v1/thraeds*"])
    result.stdout.fnmatch_lines(["*AssertionError: expected a script miss with 'nothing'; recorded misses: none*"])
    result.stdout.fnmatch_lines(["*scripted model miss (run setting strict) in run_* for input 'Surprise'*"])
    result.stdout.fnmatch_lines(["*mockserver.expect_script_miss*"])


def test_fail_on_problems_is_the_new_name_and_the_report_does_not_suggest_it_when_off(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        """
        import openai
        import pytest

        @pytest.mark.mockserver(fail_on_problems=False)
        def test_off_and_failing(openai_client):
            with pytest.raises(openai.NotFoundError):
                openai_client.get("/thraeds", cast_to=object)
            assert False, "the test's own failure"

        @pytest.mark.mockserver(fail_on_problems=False)
        def test_off(openai_client):
            with pytest.raises(openai.NotFoundError):
                openai_client.get("/audio/speech", cast_to=object)
        """
    )
    result = inner.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*fail_on_problems is off for this test: reported, not failed*"])
    result.stdout.no_fnmatch_line("*To turn every check off*")


def test_a_route_the_fake_does_not_implement_fails_the_test_and_says_so(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        """
        import openai
        import pytest

        def test_images(openai_client):
            with pytest.raises(openai.NotFoundError, match="mockserver does not implement the Images API yet"):
                openai_client.images.generate(prompt="a cat")
        """
    )
    result = inner.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*unknown route: POST /v1/images/generations -> 404*"])
