"""Runs survive export: random histories of threads, messages and runs, exported and loaded into a fresh store,
read back byte for byte the same, and keep behaving the same (active runs continue, IDs and events included)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mockserver.core.errors import MockError
from mockserver.scenarios import dump, export_project, load_text
from mockserver.store import Store

PROJECT = "sk-runs"
TOOLS = [
    {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}},
    {"type": "function", "function": {"name": "get_time"}},
]
RULES = [
    {
        "name": "weather",
        "match": {"contains": "weather"},
        "reply": {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]},
        "then": ["It is {{output}} in Paris, as you asked: {{message}}"],
    },
    {
        "name": "two",
        "match": {"contains": "two"},
        "reply": {"tool_calls": [{"name": "get_weather", "arguments": {"city": "A"}}, {"name": "get_time"}]},
        "then": [{"tool_calls": [{"name": "get_time"}]}, "Done: {{output}}"],
    },
    {"name": "once", "match": {"contains": "once"}, "reply": "Only once.", "times": 1},
    {
        "name": "cite",
        "match": {"contains": "cite"},
        "reply": {"text": "See the manual.", "annotations": [{"text": "manual", "file_id": "file-1"}]},
    },
    {"match": {"contains": "fail"}, "reply": {"fail": "boom"}},
    {"match": {"contains": "long"}, "reply": {"incomplete": "max_completion_tokens", "text": "partial"}},
    {"match": {"contains": "expire"}, "reply": {"expire": True}},
]
TEXTS = ["what's the weather", "two things", "once more", "please cite", "fail now", "long story", "expire", "hi"]

texts = st.sampled_from(TEXTS)
run_extras = st.sampled_from(
    [
        {},
        {"metadata": {"k": "v"}},
        {"instructions": "Be brief."},
        {"max_completion_tokens": 256},
        {"additional_messages": [{"role": "user", "content": "two more things"}]},
        {"tools": TOOLS[:1], "temperature": 0.5},
    ]
)
progress = st.sampled_from(
    [{"progress": "on_read"}, {"progress": "immediate"}, {"progress": "on_clock"}, {"progress": "on_read", "reads": 2}]
)
index = st.integers(0, 7)
run_op = st.tuples(st.just("run"), index, index, run_extras)
read_op = st.tuples(st.just("read"), index)
submit_op = st.tuples(st.just("submit"), index, st.text("abc 12", max_size=4), st.booleans())
thread_and_run_op = st.tuples(st.just("thread_and_run"), index, texts)
message_op = st.tuples(st.just("message"), index, texts, st.sampled_from(["user", "assistant"]))
operation = st.one_of(
    # Runs need something to run on: the operations that create and move runs are drawn more often.
    run_op, run_op, run_op, read_op, read_op, read_op, submit_op, submit_op, thread_and_run_op, message_op, message_op,
    st.tuples(st.just("assistant"), st.booleans()),
    st.tuples(st.just("thread"), st.lists(texts, max_size=2)),
    st.tuples(st.just("cancel"), index),
    st.tuples(st.just("advance"), st.sampled_from([0, 1, 30, 700])),
    st.tuples(st.just("settings"), progress, st.booleans()),
    st.tuples(st.just("modify_run"), index, st.dictionaries(st.sampled_from("ab"), st.text("xy", max_size=2))),
    st.tuples(st.just("delete_message"), index, index),
    st.tuples(st.just("delete_assistant"), index),
)  # fmt: skip
#: Every history starts with an assistant that has the script's tools and a thread to run on.
PREFIX: list[tuple[Any, ...]] = [("assistant", True), ("thread", ["what's the weather"])]


def canonical(value: Any) -> str:
    """Key order counts: the wire bytes must be the same, not just the parsed values."""
    return json.dumps(value, sort_keys=False)


class Driver:
    """Applies operations to a store, remembering the threads and assistants they made (by position)."""

    def __init__(self, store: Store, threads: list[str], assistants: list[str]) -> None:
        self.store, self.threads, self.assistants = store, list(threads), list(assistants)

    def thread(self, i: int) -> str | None:
        return self.threads[i % len(self.threads)] if self.threads else None

    def assistant(self, i: int) -> str:
        return self.assistants[i % len(self.assistants)] if self.assistants else "asst_" + "0" * 24

    def latest_run(self, thread_id: str) -> dict[str, Any] | None:
        runs = self.store.assistants.list_runs(PROJECT, thread_id, {"limit": "1"})["data"]
        return runs[0] if runs else None

    def apply(self, op: tuple[Any, ...]) -> Any:
        try:
            return self._apply(*op)
        except MockError as err:
            return ["error", type(err).__name__, err.message, err.param]

    def _apply(self, kind: str, *args: Any) -> Any:
        s = self.store
        if kind == "assistant":
            made = s.assistants.create_assistant(PROJECT, {"model": "gpt-4o", "tools": TOOLS if args[0] else []})
            self.assistants.append(made["id"])
            return made
        if kind == "thread":
            made = s.assistants.create_thread(PROJECT, {"messages": [{"role": "user", "content": t} for t in args[0]]})
            self.threads.append(made["id"])
            return made
        if kind == "thread_and_run":
            body = {
                "assistant_id": self.assistant(args[0]),
                "thread": {"messages": [{"role": "user", "content": args[1]}]},
            }
            run = s.assistants.create_thread_and_run(PROJECT, body)
            self.threads.append(run["thread_id"])
            return run
        if kind == "advance":
            return s.advance_clock(PROJECT, args[0])
        if kind == "settings":
            return s.script.configure_runs(PROJECT, {**args[0], "strict": args[1]})
        if kind == "delete_assistant":
            return s.assistants.delete_assistant(PROJECT, self.assistant(args[0])) if self.assistants else None
        thread_id = self.thread(args[0])
        if thread_id is None:
            return None
        if kind == "message":
            return s.assistants.create_message(PROJECT, thread_id, {"role": args[2], "content": args[1]})
        if kind == "run":
            return s.assistants.create_run(PROJECT, thread_id, {"assistant_id": self.assistant(args[1]), **args[2]})
        if kind == "delete_message":
            messages = s.assistants.list_messages(PROJECT, thread_id, {"limit": "100"})["data"]
            return (
                s.assistants.delete_message(PROJECT, thread_id, messages[args[1] % len(messages)]["id"])
                if messages
                else None
            )
        run = self.latest_run(thread_id)
        if run is None:
            return None
        if kind == "read":
            return [
                s.assistants.get_run(PROJECT, thread_id, run["id"]),
                s.assistants.list_run_steps(PROJECT, thread_id, run["id"], {}),
            ]
        if kind == "cancel":
            return s.assistants.cancel_run(PROJECT, thread_id, run["id"])
        if kind == "modify_run":
            return s.assistants.modify_run(PROJECT, thread_id, run["id"], {"metadata": args[1]})
        action = run["required_action"]
        calls = action["submit_tool_outputs"]["tool_calls"] if action else [{"id": "call_none"}]
        body = {"tool_outputs": [{"tool_call_id": c["id"], "output": args[1]} for c in calls]}
        if not args[2]:
            return s.assistants.submit_tool_outputs(PROJECT, thread_id, run["id"], body)
        stream = s.assistants.submit_tool_outputs_stream(PROJECT, thread_id, run["id"], body)
        # The cursor is not compared: the event log before the restart is not kept (no stream survives one).
        events, _, done = s.assistants.stream_events(PROJECT, thread_id, run["id"], stream.cursor)
        return [events, done]


def read_everything(store: Store, document: dict[str, Any]) -> list[str]:
    """Every read of the exported objects, in a fixed order (reads can move runs along, so order matters)."""
    out: list[Any] = []

    def read(method: str, *args: Any) -> None:
        try:
            out.append(canonical(getattr(store.assistants, method)(PROJECT, *args)))
        except MockError as err:
            out.append(canonical(["error", type(err).__name__, err.message]))

    for thread in document.get("threads", []):
        thread_id = thread["id"]
        read("get_thread", thread_id)
        for order in ("asc", "desc"):
            read("list_messages", thread_id, {"order": order, "limit": "100"})
            read("list_runs", thread_id, {"order": order, "limit": "100"})
            read("list_runs", thread_id, {"order": order, "limit": "2"})
        for message in thread.get("messages", []):
            read("get_message", thread_id, message["id"])
        for run in thread.get("runs", []):
            read("list_messages", thread_id, {"run_id": run["id"], "limit": "100"})
            read("get_run", thread_id, run["id"])
            for order in ("asc", "desc"):
                read("list_run_steps", thread_id, run["id"], {"order": order, "limit": "100"})
            read("list_run_steps", thread_id, run["id"], {"limit": "1"})
            for step in run.get("steps", []):
                read("get_run_step", thread_id, run["id"], step["id"])
    for assistant in document.get("assistants", []):
        read("get_assistant", assistant["id"])
    return out


def reload(document: dict[str, Any], format: str) -> Store:
    scenario = load_text(dump(document, format), format=format)
    store = Store(seed=scenario.seed or "")
    store.set_baseline([scenario.apply])
    return store


def ids(document: dict[str, Any], section: str) -> list[str]:
    return [item["id"] for item in document.get(section, [])]


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    st.lists(operation, min_size=4, max_size=20),
    st.lists(operation, max_size=8),
    st.sampled_from(["", "seed-1"]),
    st.sampled_from(["yaml", "json"]),
)
def test_random_run_histories_survive_export_and_continue(
    before: list[tuple[Any, ...]], after: list[tuple[Any, ...]], seed: str, format: str
) -> None:
    original = Store(seed=seed)
    original.script.add_script_rules(PROJECT, RULES)
    driver = Driver(original, [], [])
    for op in [*PREFIX, *before]:
        driver.apply(op)
    document = export_project(original, PROJECT)
    for thread in document.get("threads", []):
        for run in thread.get("runs", []):
            event(f"exported a run in status {run['status']}")
    copy = reload(document, format)
    assert canonical(export_project(copy, PROJECT)) == canonical(document)
    # Same reads, same answers: reads move runs along (on_read), so both sides read in the same order.
    assert read_everything(copy, document) == read_everything(original, document)
    threads, assistants = ids(document, "threads"), ids(document, "assistants")
    mine, theirs = Driver(original, threads, assistants), Driver(copy, threads, assistants)
    for op in after:
        result = mine.apply(op)
        if op[0] == "submit" and isinstance(result, dict):
            event("submitted tool outputs after the reload")
        assert canonical(theirs.apply(op)) == canonical(result), op
    assert canonical(export_project(copy, PROJECT)) == canonical(export_project(original, PROJECT))


def test_a_waiting_run_continues_with_the_same_reply_ids_and_events() -> None:
    original = Store(seed="s")
    original.script.add_script_rules(PROJECT, RULES)
    driver = Driver(original, [], [])
    for op in [("assistant", True), ("thread", ["what's the weather"]), ("run", 0, 0, {}), ("read", 0)]:
        driver.apply(op)
    thread_id = driver.threads[0]
    waiting = driver.latest_run(thread_id)
    assert waiting is not None and waiting["status"] == "requires_action"
    copy = reload(export_project(original, PROJECT), "yaml")
    follow_up = ("submit", 0, "sunny", True)
    mine, theirs = Driver(original, [thread_id], []), Driver(copy, [thread_id], [])
    result = theirs.apply(follow_up)
    assert result == mine.apply(follow_up)
    names = [name for name, _ in result[0]]
    assert names[0] == "thread.run.step.completed" and names[-1] == "thread.run.completed"
    reply = copy.assistants.list_messages(PROJECT, thread_id, {"run_id": waiting["id"]})["data"][0]
    assert reply["content"][0]["text"]["value"] == "It is sunny in Paris, as you asked: what's the weather"
