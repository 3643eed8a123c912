"""``@pytest.mark.mockserver(...)``: merging, validation, scenarios and per-test options; ini/CLI defaults."""

from __future__ import annotations

import pytest

from .pytester_support import inner_ini

SCENARIO = """
version: 1
threads:
  - id: thread_Seeded000000000000000000
    metadata: {source: "%s"}
    messages:
      - {role: user, content: "seeded"}
"""


pytestmark = pytest.mark.usefixtures("warm_imports")


def test_marks_merge_closest_wins_per_option(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        """
        import os
        import pytest

        pytestmark = pytest.mark.mockserver(api_key="sk-module", strict=False, project="proj-module")

        @pytest.mark.mockserver(api_key="sk-class")
        class TestMerged:
            @pytest.mark.mockserver(project="proj-test")
            def test_all_levels(self, mockserver, openai_client):
                assert (mockserver.api_key, mockserver.project, mockserver.strict) == ("sk-class", "proj-test", False)
                assert os.environ["OPENAI_API_KEY"] == "sk-class"
                assert os.environ["OPENAI_PROJECT_ID"] == "proj-test"
                openai_client.beta.threads.create()
                entry = mockserver.last_request()
                assert (entry.project, entry.headers["openai-project"]) == ("proj-test", "proj-test")
                assert mockserver.store.project_names() == ["proj-test"]

            def test_class_level(self, mockserver):
                assert (mockserver.api_key, mockserver.project) == ("sk-class", "proj-module")

        @pytest.mark.mockserver(project=None)
        def test_project_reset_to_none_partitions_by_key(mockserver):
            assert (mockserver.api_key, mockserver.project) == ("sk-module", "sk-module")
            assert "OPENAI_PROJECT_ID" not in os.environ
        """
    )
    inner.runpytest().assert_outcomes(passed=3)


@pytest.mark.parametrize(
    ("mark", "message"),
    [
        (
            "mockserver(scenaro='x', stict=True, bogus=1)",
            "*@pytest.mark.mockserver: unknown option(s) 'bogus', 'scenaro' (did you mean 'scenario'?), "
            "'stict' (did you mean 'strict'?); known options: scenario, fail_on_problems, strict, api_key,*",
        ),
        ("mockserver('minimal')", "*@pytest.mark.mockserver: takes keyword options only, got positional ('minimal',)*"),
        (
            "mockserver(strict='no')",
            "*@pytest.mark.mockserver: option strict= must be True or False (fail_on_problems=), got 'no'*",
        ),
        ("mockserver(api_key='')", "*option api_key= must be a non-empty string, got ''*"),
        ("mockserver(now=-5)", "*option now= must be Unix seconds (int >= 0), got -5*"),
        ("mockserver(scenario=42)", "*option scenario= must be a name, a path, a dict, or a list of those, got 42*"),
        ("mockserver(scenario='no_such_file')", "*scenario='no_such_file' cannot be loaded:"),
    ],
)
def test_invalid_marks_error_at_setup_with_a_clear_message(inner: pytest.Pytester, mark: str, message: str) -> None:
    inner.makepyfile(
        f"""
        import pytest

        @pytest.mark.{mark}
        def test_marked(mockserver):
            pass
        """
    )
    result = inner.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([message])
    result.stdout.no_fnmatch_line("*During handling of the above exception*")


def test_scenario_from_mark_and_ini_default(pytester: pytest.Pytester) -> None:
    pytester.makeini(inner_ini(extra="mockserver_fixtures_dir = fx\nmockserver_scenario = default_one"))
    fixtures = pytester.mkdir("fx")
    (fixtures / "default_one.yaml").write_text(SCENARIO % "default")
    (fixtures / "other.yaml").write_text(SCENARIO % "other")
    pytester.makepyfile(
        """
        import pytest

        def _sources(client):
            return [t.metadata["source"] for t in [client.beta.threads.retrieve("thread_Seeded000000000000000000")]]

        def test_default(openai_client):
            assert _sources(openai_client) == ["default"]
            openai_client.beta.threads.delete("thread_Seeded000000000000000000")

        @pytest.mark.mockserver(scenario="other")
        def test_marked(openai_client):
            assert _sources(openai_client) == ["other"]

        @pytest.mark.mockserver(scenario=None)
        def test_none(openai_client, mockserver):
            import openai
            with pytest.raises(openai.NotFoundError):
                openai_client.beta.threads.retrieve("thread_Seeded000000000000000000")

        def test_default_again_after_the_delete(openai_client):
            assert _sources(openai_client) == ["default"]

        @pytest.mark.mockserver(scenario={"version": 1, "threads": [{"metadata": {"source": "inline"}}]})
        def test_inline_document(openai_client, mockserver):
            assert mockserver.export()["threads"][0]["metadata"] == {"source": "inline"}
        """
    )
    pytester.runpytest().assert_outcomes(passed=5)
    # the CLI wins over the ini file
    pytester.runpytest("--mockserver-scenario=other", "-k", "marked or none").assert_outcomes(passed=2)
    result = pytester.runpytest("--mockserver-scenario=other", "-k", "test_default_again")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*At index 0 diff: 'other' != 'default'*"])


def test_a_dict_scenario_on_a_shared_mark_is_built_once(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.mockserver(scenario={"version": 1, "threads": [{"metadata": {"n": "1"}}]})
        seen = []

        @pytest.mark.parametrize("n", range(3))
        def test_shared(mockserver, n):
            seen.append(mockserver.scenarios[0])
            assert all(s is seen[0] for s in seen)
            assert [t["metadata"] for t in mockserver.export()["threads"]] == [{"n": "1"}]
        """
    )
    inner.runpytest().assert_outcomes(passed=3)


def test_now_runs_and_script_options_apply_to_the_tests_project(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        """
        import pytest

        @pytest.mark.mockserver(now=1_800_000_000, runs={"strict": True}, script=[{"reply": "Hi there"}])
        def test_options(mockserver, openai_client):
            assert openai_client.beta.threads.create().created_at == 1_800_000_000
            assert mockserver.now() == 1_800_000_000
            assert mockserver.advance_clock(60) == 1_800_000_060
            assert mockserver.store.script.run_settings(mockserver.project)["strict"] is True
            assert len(mockserver.store.script.list_script_rules(mockserver.project)) == 1

        @pytest.mark.mockserver(script=[{"match": {"bogus": 1}, "reply": "x"}])
        def test_bad_rule(mockserver):
            pass
        """
    )
    result = inner.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*@pytest.mark.mockserver: option script= is invalid (at script[[]0[]].match*"])


def test_cli_turns_strict_off(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        """
        import openai
        import pytest

        def test_typo(mockserver, openai_client):
            with pytest.raises(openai.NotFoundError):
                openai_client.get("/no-such-route", cast_to=object)
        """
    )
    inner.runpytest("--mockserver-strict=off").assert_outcomes(passed=1)
    inner.runpytest("--mockserver-strict=on").assert_outcomes(failed=1)
    inner.makeini(inner_ini(extra="mockserver_strict = false"))
    inner.runpytest().assert_outcomes(passed=1)
    inner.runpytest("--mockserver-strict=on").assert_outcomes(failed=1)
