"""The plugin's migration side with pytester: one body against both APIs, the fixture's compare, sunset mode and
the summary of Assistants endpoints; and the worked example in examples/migration, executed as users run it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .pytester_support import inner_ini

pytestmark = pytest.mark.usefixtures("warm_imports")
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "migration"

APPS = """
import openai
import pytest

FUNCTION = {"name": "get_weather", "parameters": {"type": "object"}}
SCRIPT = [{"match": {"contains": "weather"},
           "reply": {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]},
           "then": "It is {{output}} in Paris."}]


def legacy(question, output="sunny"):
    with openai.OpenAI() as c:
        a = c.beta.assistants.create(model="gpt-4o", tools=[{"type": "function", "function": FUNCTION}])
        t = c.beta.threads.create(messages=[{"role": "user", "content": question}])
        r = c.beta.threads.runs.create_and_poll(thread_id=t.id, assistant_id=a.id)
        while r.status == "requires_action":
            outs = [{"tool_call_id": x.id, "output": output} for x in r.required_action.submit_tool_outputs.tool_calls]
            r = c.beta.threads.runs.submit_tool_outputs_and_poll(thread_id=t.id, run_id=r.id, tool_outputs=outs)
        return c.beta.threads.messages.list(thread_id=t.id, limit=1).data[0].content[0].text.value


def ported(question, output="sunny"):
    with openai.OpenAI() as c:
        tools = [{"type": "function", **FUNCTION}]
        r = c.responses.create(model="gpt-4o", input=question, tools=tools)
        while calls := [i for i in r.output if i.type == "function_call"]:
            outs = [{"type": "function_call_output", "call_id": i.call_id, "output": output} for i in calls]
            r = c.responses.create(model="gpt-4o", input=outs, previous_response_id=r.id, tools=tools)
        return r.output_text


def wrong_port(question):
    return ported(question, output="rainy")
"""


@pytest.fixture
def inner(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini(inner_ini())
    pytester.makepyfile(apps=APPS)
    pytester.syspathinsert()
    return pytester


def test_one_body_runs_against_both_apis_and_divergence_fails_readably(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        """
        import pytest
        from apps import SCRIPT, legacy, ported, wrong_port

        pytestmark = pytest.mark.mockserver(script=SCRIPT)
        sides = []

        @pytest.mark.mockserver_migration(legacy=legacy, ported=ported)
        def test_same(migration_app, mockserver):
            sides.append(migration_app.side)
            assert migration_app("What's the weather?") == "It is sunny in Paris."

        def test_both_sides_ran():
            assert sides == ["legacy", "ported"]

        @pytest.mark.mockserver_migration(legacy=legacy, ported=wrong_port)
        def test_diverges(migration_app):
            migration_app("What's the weather?")

        @pytest.mark.mockserver_migration(legacy=legacy, ported=wrong_port)
        def test_body_assertion(migration_app):
            assert migration_app("What's the weather?") == "It is sunny in Paris."

        def test_without_mark(migration_app):
            pass

        @pytest.mark.mockserver_migration(legacy=legacy, ported=ported)
        async def test_async_body(migration_app):
            assert migration_app("What's the weather?") == "It is sunny in Paris."
        """
    )
    result = inner.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=3, failed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*migration check (legacy -> ported): NOT equivalent: visible messages, tool outputs, final text",
            "-assistant: It is sunny in Paris.",
            '-tool: get_weather({"city":"Paris"}) -> \'sunny\'',
            "+assistant: It is rainy in Paris.",
            '+tool: get_weather({"city":"Paris"}) -> \'rainy\'',
            "API calls, legacy (assistants):",
            "  POST /v1/threads/{thread_id}/runs/{run_id}/submit_tool_outputs -> 200",
            "API calls, ported (responses):",
            "  POST /v1/responses -> 200",
        ]
    )
    result.stdout.fnmatch_lines(
        ["*the ported side (test_body_assertion[[]ported[]]) raised AssertionError: assert 'It is rainy in Paris.'*"]
    )
    result.stdout.fnmatch_lines(["*migration_app needs @pytest.mark.mockserver_migration(legacy=<callable>*"])
    assert "Traceback" not in result.stdout.str()


def test_the_fixture_compares_two_paths(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        """
        import pytest
        from apps import SCRIPT, legacy, ported, wrong_port

        @pytest.mark.mockserver(script=SCRIPT)
        def test_ok(mockserver_migration):
            report = mockserver_migration.compare(lambda: legacy("weather?"), lambda: ported("weather?"))
            assert report.ported.final_text == "It is sunny in Paris."

        @pytest.mark.mockserver(script=SCRIPT)
        def test_bad(mockserver_migration):
            mockserver_migration.compare(lambda: legacy("weather?"), lambda: wrong_port("weather?"))

        def test_raises(mockserver_migration):
            mockserver_migration.compare(lambda: legacy("weather?"), lambda: 1 / 0)
        """
    )
    result = inner.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(["*NOT equivalent: visible messages, tool outputs, final text*"])
    result.stdout.fnmatch_lines(["*the ported side (*<lambda>) raised ZeroDivisionError: division by zero at *"])


SUNSET_TEST = """
import openai
import pytest

def test_retired(openai_client):
    with pytest.raises(openai.NotFoundError, match="Assistants API has been shut down"):
        openai_client.beta.threads.create()
    openai_client.conversations.create()
"""


@pytest.mark.parametrize("how", ["option", "ini", "mark"])
def test_sunset_mode_from_option_ini_or_mark(inner: pytest.Pytester, how: str) -> None:
    if how == "ini":
        inner.makeini(inner_ini("mockserver_sunset = true"))
    source = SUNSET_TEST
    if how == "mark":
        source = source.replace("def test_retired", "@pytest.mark.mockserver_sunset\ndef test_retired")
    inner.makepyfile(source)
    result = inner.runpytest("-p", "no:randomly", *(["--mockserver-sunset"] if how == "option" else []))
    result.assert_outcomes(passed=1)


def test_sunset_is_off_by_default(inner: pytest.Pytester) -> None:
    inner.makepyfile(SUNSET_TEST)
    inner.runpytest("-p", "no:randomly").assert_outcomes(failed=1)


REPORT_TESTS = """
def test_legacy(openai_client):
    openai_client.beta.threads.create()
    openai_client.beta.assistants.create(model="gpt-4o")

def test_also_legacy(openai_client):
    openai_client.beta.threads.create()

def test_ported(openai_client):
    openai_client.conversations.create()
"""


@pytest.mark.parametrize("xdist", [False, True])
def test_the_summary_lists_assistants_endpoints_still_used(inner: pytest.Pytester, xdist: bool) -> None:
    inner.makepyfile(REPORT_TESTS)
    args = ["-p", "no:randomly", "--mockserver-assistants-report", *(["-n", "2"] if xdist else [])]
    result = inner.runpytest_subprocess(*args) if xdist else inner.runpytest(*args)
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        [
            "*mockserver: Assistants API calls*",
            "2 test(s) still call the Assistants API (retired 2026-08-26):",
            "  POST /v1/assistants  [[]1[]] test_the_summary_lists_assistants_endpoints_still_used.py::test_legacy",
            "  POST /v1/threads  [[]2[]] *::test_also_legacy, *::test_legacy",
        ]
    )


def test_the_summary_is_off_by_default_and_says_when_nothing_was_used(inner: pytest.Pytester) -> None:
    inner.makepyfile(REPORT_TESTS)
    assert "Assistants API calls" not in inner.runpytest("-p", "no:randomly").stdout.str()
    inner.makepyfile("def test_ported(openai_client):\n    openai_client.conversations.create()\n")
    inner.makeini(inner_ini("mockserver_assistants_report = true"))
    result = inner.runpytest("-p", "no:randomly", "-k", "test_ported")
    result.stdout.fnmatch_lines(["no test called /v1/assistants or /v1/threads"])


def test_the_worked_example_passes(pytester: pytest.Pytester) -> None:
    """examples/migration as a user runs it: its own files, the installed plugin, nothing from this suite."""
    for path in EXAMPLE.iterdir():
        if path.suffix in (".py", ".yaml"):
            shutil.copy(path, pytester.path / path.name)
    pytester.makeini(inner_ini())
    result = pytester.runpytest_subprocess("-p", "no:randomly", "--mockserver-assistants-report")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*POST /v1/assistants  [[]1[]] *test_the_port_works_after_the_sunset*"])
