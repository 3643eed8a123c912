"""The rule pieces every surface shares: the refusal reply, the model and metadata conditions, built-in tool calls.

Pure unit tests of mockserver.model.rules (runs, responses and chat completions all match with it).
"""

from __future__ import annotations

from typing import Any

import pytest

from mockserver import model as engine
from mockserver.core import errors as e
from mockserver.model.rules import RunContext, is_function_call, matches


def rule(**fields: Any) -> dict[str, Any]:
    return engine.parse_rules([{"reply": "ok", **fields}])[0]


def test_refusal_reply_is_a_kind_of_its_own() -> None:
    assert engine.parse_reply({"refusal": "I can't help with that."}, "r") == {"refusal": "I can't help with that."}
    with pytest.raises(e.InvalidRequestError) as info:
        engine.parse_reply({"refusal": "no", "text": "yes"}, "r")
    assert "'refusal'" in info.value.message and "(found 2)" in info.value.message
    with pytest.raises(e.InvalidRequestError) as info:
        engine.parse_reply({"refusal": 7}, "r")
    assert info.value.param == "r.refusal"


def test_model_condition_is_exact_and_reads_the_request_model() -> None:
    parsed = rule(match={"model": "gpt-4o"})
    assert matches(parsed, RunContext(text="", run={"model": "gpt-4o"}))
    assert not matches(parsed, RunContext(text="", run={"model": "gpt-4o-mini"}))
    # An explicit context model wins over the run's (chat completions pass theirs).
    assert matches(parsed, RunContext(text="", run={"model": "x"}, model="gpt-4o"))


def test_metadata_condition_is_a_subset_of_the_request_metadata() -> None:
    parsed = rule(match={"metadata": {"team": "support"}})
    assert matches(parsed, RunContext(text="", run={"metadata": {"team": "support", "x": "1"}}))
    assert not matches(parsed, RunContext(text="", run={"metadata": {"team": "sales"}}))
    assert not matches(parsed, RunContext(text="", run={}))
    assert matches(parsed, RunContext(text="", metadata={"team": "support"}))


def test_existing_conditions_still_work_with_a_partial_context() -> None:
    parsed = rule(match={"assistant_metadata": {"a": "1"}})
    assert not matches(parsed, RunContext(text=""))
    assert matches(rule(match={"contains": "hi"}), RunContext(text="oh hi"))


@pytest.mark.parametrize(
    ("bad", "param"),
    [
        ({"model": 7}, "script[0].match.model"),
        ({"metadata": "x"}, "script[0].match.metadata"),
        ({"metadata": {str(i): "v" for i in range(17)}}, "script[0].match.metadata"),
    ],
)
def test_bad_conditions_name_their_location(bad: dict[str, Any], param: str) -> None:
    with pytest.raises(e.InvalidRequestError) as info:
        engine.parse_rules([{"reply": "x", "match": bad}])
    assert info.value.param == param


def test_builtin_tool_calls_are_normalized_beside_function_calls() -> None:
    calls = [
        {"name": "f", "arguments": {"a": 1}},
        {"type": "function", "name": "g", "arguments": "{}"},
        {
            "type": "web_search",
            "query": "weather",
            "sources": ["https://a.example", {"type": "url", "url": "https://b"}],
        },
        {"type": "file_search", "queries": "refund policy"},
        {"type": "file_search", "queries": ["q"], "results": [{"file_id": "file-1", "text": "t", "score": 0.5}]},
        {"type": "code_interpreter", "code": "print(1)", "outputs": ["1\n", {"type": "image", "url": "https://i"}]},
    ]
    parsed = engine.parse_reply({"tool_calls": calls}, "r")["tool_calls"]
    assert parsed == [
        {"name": "f", "arguments": '{"a":1}'},
        {"name": "g", "arguments": "{}"},
        {"type": "web_search", "query": "weather", "sources": ["https://a.example", "https://b"]},
        {"type": "file_search", "queries": ["refund policy"], "results": None},
        {
            "type": "file_search",
            "queries": ["q"],
            "results": [{"file_id": "file-1", "filename": "", "score": 0.5, "text": "t"}],
        },
        {
            "type": "code_interpreter",
            "code": "print(1)",
            "outputs": [{"type": "logs", "logs": "1\n"}, {"type": "image", "url": "https://i"}],
        },
    ]
    assert [is_function_call(c) for c in parsed] == [True, True, False, False, False, False]
    # The normalized form parses to itself, so exports and list_script_rules round-trip.
    assert engine.parse_reply({"tool_calls": parsed}, "r")["tool_calls"] == parsed


@pytest.mark.parametrize(
    ("call", "param"),
    [
        ({"type": "browser"}, "r.tool_calls[0].type"),
        ({"type": 3}, "r.tool_calls[0].type"),
        ({"type": "web_search", "name": "x"}, "r.tool_calls[0].name"),
        ({"type": "web_search", "sources": [7]}, "r.tool_calls[0].sources[0]"),
        ({"type": "file_search", "results": [{"text": "t"}]}, "r.tool_calls[0].results[0].file_id"),
        ({"type": "file_search", "results": [{"file_id": "f", "score": 2}]}, "r.tool_calls[0].results[0].score"),
        ({"type": "code_interpreter", "outputs": [{"type": "video"}]}, "r.tool_calls[0].outputs[0].type"),
        ({"type": "function", "arguments": {}}, "r.tool_calls[0].name"),
    ],
)
def test_bad_builtin_calls_name_their_location(call: dict[str, Any], param: str) -> None:
    with pytest.raises(e.InvalidRequestError) as info:
        engine.parse_reply({"tool_calls": [call]}, "r")
    assert info.value.param == param


@pytest.mark.parametrize(
    "reason", ["max_completion_tokens", "max_prompt_tokens", "max_output_tokens", "content_filter"]
)
def test_incomplete_reasons_of_both_apis_are_accepted(reason: str) -> None:
    assert engine.parse_reply({"incomplete": reason}, "r") == {"incomplete": reason, "text": ""}


def test_every_existing_rule_form_parses_as_before() -> None:
    before = [
        {"match": {"contains": "a", "assistant_id": "asst_1", "run_metadata": {"k": "v"}}, "reply": "x"},
        {"reply": {"tool_calls": [{"name": "f", "arguments": {"a": 1}}]}, "then": "done", "times": 2},
        {"reply": {"fail": True}},
        {"reply": {"incomplete": True, "text": "part"}},
        {"reply": {"expire": True}},
    ]
    assert engine.parse_rules(before) == [
        {
            "match": {"contains": "a", "assistant_id": "asst_1", "run_metadata": {"k": "v"}},
            "reply": {"text": "x", "annotations": []},
            "then": [],
        },
        {
            "match": {},
            "reply": {"tool_calls": [{"name": "f", "arguments": '{"a":1}'}]},
            "then": [{"text": "done", "annotations": []}],
            "times": 2,
        },
        {
            "match": {},
            "reply": {"fail": {"code": "server_error", "message": "Sorry, something went wrong."}},
            "then": [],
        },
        {"match": {}, "reply": {"incomplete": "max_completion_tokens", "text": "part"}, "then": []},
        {"match": {}, "reply": {"expire": True}, "then": []},
    ]


def test_runs_honour_the_new_conditions_and_fail_cleanly_on_builtin_calls() -> None:
    from mockserver.store import Store

    store, project = Store(), "sk-rules"
    store.script.add_script_rules(
        project,
        [
            {"match": {"model": "gpt-x", "metadata": {"tier": "gold"}}, "reply": "gold answer"},
            {"match": {"contains": "search"}, "reply": {"tool_calls": [{"type": "web_search", "query": "q"}]}},
        ],
    )
    a = store.assistants
    assistant = a.create_assistant(project, {"model": "gpt-x"})

    def run(text: str, **body: object) -> dict[str, object]:
        thread = a.create_thread(project, {"messages": [{"role": "user", "content": text}]})
        created = a.create_run(project, thread["id"], {"assistant_id": assistant["id"], **body})
        run = a.get_run(project, thread["id"], created["id"])
        message = a.list_messages(project, thread["id"], {"limit": "1"})["data"][0]
        return {"status": run["status"], "error": run["last_error"], "reply": message["content"]}

    gold = run("hi", metadata={"tier": "gold"})
    assert gold["reply"] == [{"type": "text", "text": {"value": "gold answer", "annotations": []}}]
    assert run("hi", metadata={"tier": "gold"}, model="gpt-y")["reply"] != gold["reply"]
    searched = run("search now")
    assert searched["status"] == "failed" and "built-in tool 'web_search'" in str(searched["error"])
    assert store.script.script_misses(project)
