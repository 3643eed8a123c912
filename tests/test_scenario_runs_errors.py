"""Runs and run-written messages in scenario files: every mistake is reported at its place in the document,
pasted API output loads, and the store operations behind them refuse inconsistent state without changing any."""

from __future__ import annotations

import contextlib
import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mockserver.core.errors import ConflictStateError, InvalidRequestError, MockError
from mockserver.scenarios import ScenarioError, export_project, load_document, load_scenario
from mockserver.store import Store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CALL_ID = "call_HistoryLookup00000000001"
THREAD = "thread_" + "T" * 24
ASST = "asst_" + "A" * 24
RUN = "run_" + "R" * 24
RUN2 = "run_" + "Q" * 24
STEP = "step_" + "S" * 24
CALL = "call_" + "C" * 24
MSG = "msg_" + "M" * 24
CALLS = [{"id": CALL, "type": "function", "function": {"name": "f", "arguments": "{}"}}]
CREATION = {"type": "message_creation", "message_creation": {"message_id": MSG}}
WAITING = {
    "id": RUN2,
    "assistant_id": ASST,
    "status": "requires_action",
    "model": "gpt-4o",
    "tools": [{"type": "function", "function": {"name": "f"}}],
    "required_action": {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": CALLS}},
    "steps": [
        {
            "id": STEP,
            "status": "in_progress",
            "step_details": {"type": "tool_calls", "tool_calls": [{**CALLS[0], "function": {"name": "f"}}]},
        }
    ],
}


def document(*runs: dict[str, Any], messages: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    thread: dict[str, Any] = {"id": THREAD, "runs": list(runs)}
    if messages:
        thread["messages"] = messages
    return {"version": 1, "threads": [thread]}


def done(**changes: Any) -> dict[str, Any]:
    return {"id": RUN, "assistant_id": ASST, "status": "completed", "model": "gpt-4o", **changes}


def problems(doc: dict[str, Any]) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        scenario = load_document(doc)
        Store().set_baseline([scenario.apply])
    return [f"{p.path}: {p.message}" for p in info.value.problems]


def loaded(doc: dict[str, Any]) -> Store:
    store = Store()
    store.set_baseline([load_document(doc).apply])
    return store


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (document(done(status="done")), 'threads[0].runs[0].status: expected one of "queued", "in_progress", '
         '"requires_action", "cancelling", "cancelled", "failed", "completed", "incomplete", "expired", '
         'got a string ("done")'),
        (document(done(colour=1)), "threads[0].runs[0].colour: unknown key 'colour' (allowed: id, object, "
         "created_at, assistant_id, thread_id, status, started_at, expires_at, cancelled_at, failed_at, "
         "completed_at, required_action, last_error, model, instructions, tools, tool_resources, metadata, "
         "temperature, top_p, reasoning_effort, max_completion_tokens, max_prompt_tokens, truncation_strategy, "
         "incomplete_details, usage, response_format, tool_choice, parallel_tool_calls, steps, engine)"),
        (document(done(id="run_not-ok")), "threads[0].runs[0].id: expected 'run_' followed by 1 to 64 letters, "
         'digits or underscores, got a string ("run_not-ok")'),
        (document({"id": RUN, "status": "completed", "model": "m"}),
         "threads[0].runs[0]: missing required key 'assistant_id'"),
        (document(done(thread_id="thread_" + "X" * 24)), "threads[0].runs[0].thread_id: Invalid 'thread_id': "
         f"expected '{THREAD}', got 'thread_{'X' * 24}'."),
        (document(done(), done()), f"threads[0].runs[1].id: duplicate id '{RUN}' (already used at "
         "threads[0].runs[0].id)"),
        (document(done(engine={"turns": ["hi"]})), "threads[0].runs[0].engine: Invalid 'engine': only an active run "
         "has engine state, and this run is 'completed'."),
        (document(done(usage={"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 4})),
         "threads[0].runs[0].usage.total_tokens: Invalid 'usage.total_tokens': expected 3, got 4."),
        (document(done(required_action=WAITING["required_action"])), "threads[0].runs[0].required_action: Invalid "
         "'required_action': must be null unless the run's status is 'requires_action'."),
        (document(done(steps=[{"id": STEP, "status": "completed", "run_id": RUN2, "step_details": CREATION}])),
         f"threads[0].runs[0].steps[0].run_id: Invalid 'steps[0].run_id': expected '{RUN}', got '{RUN2}'."),
        (document(done(steps=[{"id": STEP, "status": "completed", "step_details": {"type": "message_creation"}}])),
         "threads[0].runs[0].steps[0].step_details.message_creation: Missing required parameter: "
         "'steps[0].step_details.message_creation'."),
        (document({**WAITING, "required_action": None}), "threads[0].runs[0].required_action: Invalid type for "
         "'required_action': expected an object, but got null instead."),
        (document({**WAITING, "steps": []}), "threads[0].runs[0].steps: Invalid 'steps': a run waiting for tool "
         f"outputs needs its in-progress tool_calls step, whose calls are the ones in required_action ({CALL})."),
        (document({**WAITING, "steps": [{**WAITING["steps"][0], "step_details": {"type": "tool_calls", "tool_calls": [
            {"id": CALL, "type": "code_interpreter", "code_interpreter": {}}]}}]}),
         "threads[0].runs[0].steps: Invalid 'steps': a run waiting for tool outputs needs its in-progress tool_calls "
         f"step, whose calls are the ones in required_action ({CALL})."),
        (document({**WAITING, "engine": {"pending": True}}), "threads[0].runs[0].engine.pending: Invalid "
         "'engine.pending': a run in status 'requires_action' cannot be waiting to play its next turn."),
        (document({**WAITING, "engine": {"turns": [{"text": "a", "fail": True}]}}), "threads[0].runs[0].engine."
         "turns[0]: Invalid 'engine.turns[0]': a reply needs exactly one of 'text', 'tool_calls', 'refusal', "
         "'fail', 'incomplete' or 'expire' (found 2)."),
        (document({**WAITING, "engine": {"speed": 1}}), "threads[0].runs[0].engine.speed: unknown key 'speed' "
         "(allowed: turns, pending, reads, since, tool_step_id, tool_usage, last_outputs, spoken, miss, rule, "
         "prompt_text)"),
        (document(WAITING, {**WAITING, "id": RUN, "steps": [{**WAITING["steps"][0], "id": "step_" + "Z" * 24}]}),
         f"threads[0].runs[1].status: Invalid 'status': thread {THREAD} already has an active run {RUN2} (a thread "
         "has at most one)."),
        (document(messages=[{"role": "assistant", "content": "x", "run_id": "run_1-x"}]),
         "threads[0].messages[0].run_id: expected 'run_' followed by 1 to 64 letters, digits or underscores, got a "
         "string (\"run_1-x\")"),
        (document(messages=[{"role": "assistant", "content": "x", "thread_id": "thread_" + "Y" * 24}]),
         f"threads[0].messages[0].thread_id: Invalid 'thread_id': expected '{THREAD}', got 'thread_{'Y' * 24}'."),
        (document(messages=[{"role": "assistant", "content": [{"type": "text", "text": {
            "value": "see", "annotations": [{"type": "footnote", "text": "see"}]}}]}]),
         "threads[0].messages[0].content[0].text.annotations[0].type: Invalid value: 'footnote'. Supported values "
         "are: 'file_citation' and 'file_path'."),
    ],
)  # fmt: skip
def test_mistakes_are_reported_where_they_are(doc: dict[str, Any], expected: str) -> None:
    assert problems(doc) == [expected]


def test_a_pasted_message_with_annotations_and_a_null_status_loads_as_the_api_shows_it() -> None:
    note = {"type": "file_citation", "text": "manual", "file_citation": {"file_id": "file-1"}, "start_index": 8,
            "end_index": 14}  # fmt: skip
    pasted = {
        "id": MSG,
        "object": "thread.message",
        "created_at": 5,
        "assistant_id": ASST,
        "thread_id": THREAD,
        "run_id": RUN,
        "role": "assistant",
        "content": [{"type": "text", "text": {"value": "See the manual.", "annotations": [note]}}],
        "attachments": [],
        "metadata": {},
        "status": None,
        "completed_at": 6,
        "incomplete_at": None,
        "incomplete_details": None,
    }
    store = loaded(document(done(), messages=[pasted]))
    message = store.assistants.get_message("p", THREAD, MSG)
    assert message == {**pasted, "status": "completed"}
    assert [m["id"] for m in store.assistants.list_messages("p", THREAD, {"run_id": RUN})["data"]] == [MSG]
    assert store.assistants.list_messages("p", THREAD, {"run_id": RUN2})["data"] == []


def test_a_minimal_run_gets_the_defaults_of_a_new_run() -> None:
    store = loaded({"version": 1, "clock": 100, "threads": [{"id": THREAD, "runs": [done()]}]})
    run = store.assistants.get_run("p", THREAD, RUN)
    assert (run["created_at"], run["expires_at"], run["instructions"], run["truncation_strategy"]) == (
        100, None, "", {"type": "auto", "last_messages": None}
    )  # fmt: skip
    assert store.assistants.list_run_steps("p", THREAD, RUN, {})["data"] == []


def test_a_pasted_waiting_run_without_engine_state_continues_with_the_default_reply() -> None:
    store = loaded({"version": 1, "clock": 100, "threads": [{"id": THREAD, "runs": [copy.deepcopy(WAITING)]}]})
    with pytest.raises(ConflictStateError):
        store.assistants.create_message("p", THREAD, {"role": "user", "content": "blocked by the active run"})
    run = store.assistants.submit_tool_outputs(
        "p", THREAD, RUN2, {"tool_outputs": [{"tool_call_id": CALL, "output": "ok"}]}
    )
    assert run["status"] == "queued"
    assert store.assistants.get_run("p", THREAD, RUN2)["status"] == "completed"
    step = store.assistants.get_run_step("p", THREAD, RUN2, STEP)
    assert (step["status"], step["step_details"]["tool_calls"][0]["function"]["output"]) == ("completed", "ok")
    reply = store.assistants.list_messages("p", THREAD, {"run_id": RUN2})["data"][0]
    assert reply["content"][0]["text"]["value"].startswith("Hello from mockserver!")


def test_restore_operations_validate_before_changing_anything() -> None:
    store = Store()
    store.assistants.create_thread("p", {}, thread_id=THREAD)
    store.assistants.restore_run(
        "p", THREAD, {k: v for k, v in WAITING.items() if k != "steps"}, steps=WAITING["steps"]
    )
    before = store.assistants.export_state("p")
    with pytest.raises(InvalidRequestError) as info:
        store.assistants.restore_run("p", THREAD, done(id=RUN2))
    assert (info.value.param, info.value.message) == (
        "id",
        f"Duplicate id '{RUN2}': an object with this id already exists.",
    )
    with pytest.raises(ConflictStateError):
        store.assistants.restore_message("p", THREAD, {"role": "user", "content": "x"})
    with pytest.raises(InvalidRequestError) as info:
        store.script.restore_script_uses("p", {"weather": -1})
    assert info.value.param == "script_uses.weather"
    assert store.assistants.export_state("p") == before


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 2**33)
    | st.sampled_from(["", "x", RUN, STEP, CALL, MSG, ASST, "f", "code_interpreter", "in_progress", "queued"]),
    lambda inner: (
        st.lists(inner, max_size=2) | st.dictionaries(st.sampled_from(["id", "type", "x"]), inner, max_size=2)
    ),
    max_leaves=6,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += paths(item, (*prefix, i))
    return found


def mutate(doc: Any, path: tuple[Any, ...], new: Any, delete: bool) -> None:
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    if delete and isinstance(parent, dict):
        parent.pop(path[-1], None)
    else:
        parent[path[-1]] = new


BASE = load_scenario(FIXTURES / "runs_history.yaml").document


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_broken_runs_are_refused_or_work_never_a_crash(data: st.DataObject) -> None:
    doc = copy.deepcopy(dict(BASE))
    targets = [p for p in paths(doc["threads"]) if p]
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(targets))
        mutate(doc["threads"], path, data.draw(json_values), data.draw(st.booleans()))
        targets = [p for p in paths(doc["threads"]) if p]
    try:
        store = loaded(doc)
    except ScenarioError:
        event("refused")
        return
    event("loaded")
    for thread in doc["threads"]:
        for run in thread.get("runs", []):
            exercise(store, str(thread.get("id")), str(run.get("id")))


def exercise(store: Store, thread_id: str, run_id: str) -> None:
    """Everything a client might do next with a restored run: only typed (rendered) errors may come out."""
    outputs = {"tool_outputs": [{"tool_call_id": CALL_ID, "output": "x"}]}
    calls: list[tuple[str, tuple[Any, ...]]] = [
        ("list_runs", (thread_id, {})),
        ("get_run", (thread_id, run_id)),
        ("list_run_steps", (thread_id, run_id, {})),
        ("list_messages", (thread_id, {"run_id": run_id})),
        ("submit_tool_outputs", (thread_id, run_id, outputs)),
        ("cancel_run", (thread_id, run_id)),
        ("advance_clock", (1000,)),
        ("get_run", (thread_id, run_id)),
    ]
    for method, args in calls:
        with contextlib.suppress(MockError):
            getattr(store if method == "advance_clock" else store.assistants, method)("p", *args)
    export_project(store, "p")
