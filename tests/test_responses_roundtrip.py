"""Responses and conversations survive export: random histories (chains, conversations, function calls, background
responses in flight, streams, cancels, deletes) exported and loaded into a fresh store read back the same and keep
behaving the same afterwards (follow-ups continue their scripts, background responses finish identically)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mockserver.core.errors import MockError
from mockserver.scenarios import dump, export_project, load_text
from mockserver.store import Store

PROJECT = "sk-responses"
TOOLS = [
    {"type": "function", "name": "get_weather", "parameters": {"type": "object"}, "strict": False},
    {"type": "function", "name": "get_time"},
    {"type": "web_search"},
]
RULES = [
    {
        "name": "weather",
        "match": {"contains": "weather"},
        "reply": {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}, {"name": "get_time"}]},
        "then": ["It is {{output}}, as you asked: {{message}}"],
    },
    {
        "name": "search",
        "match": {"contains": "search"},
        "reply": {"tool_calls": [{"type": "web_search", "query": "news"}]},
        "then": ["Found it."],
    },
    {"match": {"contains": "refuse"}, "reply": {"refusal": "No."}},
    {"match": {"contains": "fail"}, "reply": {"fail": "boom"}},
    {"match": {"contains": "long"}, "reply": {"incomplete": "max_output_tokens", "text": "partial"}},
]
TEXTS = ["what's the weather", "search please", "refuse this", "fail now", "long story", "hi"]

create = st.tuples(
    st.just("create"),
    st.sampled_from(TEXTS),
    st.fixed_dictionaries(
        {},
        optional={
            "background": st.booleans(),
            "stream": st.booleans(),
            "store": st.just(False),
            "parallel_tool_calls": st.booleans(),
            "chain": st.integers(0, 5),
            "conversation": st.integers(0, 2),
        },
    ),
)
operation = st.one_of(
    create,
    st.tuples(st.just("answer"), st.integers(0, 5), st.booleans()),
    st.tuples(st.just("read"), st.integers(0, 5)),
    st.tuples(st.just("cancel"), st.integers(0, 5)),
    st.tuples(st.just("delete"), st.integers(0, 5)),
    st.tuples(st.just("conversation"), st.sampled_from(TEXTS)),
    st.tuples(st.just("items"), st.integers(0, 2)),
    st.tuples(st.just("clock"), st.integers(0, 3)),
)


class Driver:
    """Applies operations by index into the responses and conversations created so far."""

    def __init__(self, store: Store, responses: list[str], conversations: list[str]) -> None:
        self.store, self.responses, self.conversations = store, list(responses), list(conversations)

    def pick(self, items: list[str], index: int) -> str | None:
        return items[index % len(items)] if items else None

    def apply(self, op: tuple[Any, ...]) -> Any:
        try:
            return self._apply(op)
        except MockError as exc:
            return exc.body()

    def _apply(self, op: tuple[Any, ...]) -> Any:
        ops, kind = self.store.responses, op[0]
        if kind == "create":
            return self._create(op[1], dict(op[2]))
        if kind == "answer":
            response_id = self.pick(self.responses, op[1])
            if response_id is None:
                return None
            answered = ops.get(PROJECT, response_id)
            outputs = [
                {"type": "function_call_output", "call_id": item["call_id"], "output": "sunny"}
                for item in answered["output"]
                if item["type"] == "function_call"
            ]
            body: dict[str, Any] = {"model": "m", "tools": TOOLS, "input": outputs or "more"}
            if op[2] and "conversation" in answered:
                body["conversation"] = answered["conversation"]["id"]
            else:
                body["previous_response_id"] = response_id
            return self._record(ops.create(PROJECT, body))
        if kind == "read":
            response_id = self.pick(self.responses, op[1])
            if response_id is None:
                return None
            return [ops.get(PROJECT, response_id), ops.list_input_items(PROJECT, response_id, {"order": "asc"})]
        if kind in ("cancel", "delete"):
            response_id = self.pick(self.responses, op[1])
            return None if response_id is None else getattr(ops, kind)(PROJECT, response_id)
        if kind == "conversation":
            created = self.store.conversations.create(PROJECT, {"items": [{"role": "user", "content": op[1]}]})
            self.conversations.append(created["id"])
            return created
        if kind == "items":
            conversation_id = self.pick(self.conversations, op[1])
            if conversation_id is None:
                return None
            return self.store.conversations.list_items(PROJECT, conversation_id, {"limit": "100"})
        self.store.advance_clock(PROJECT, op[1])
        return None

    def _create(self, text: str, options: dict[str, Any]) -> Any:
        body: dict[str, Any] = {"model": "m", "input": text, "tools": TOOLS, "max_output_tokens": 64}
        chain, conversation = options.pop("chain", None), options.pop("conversation", None)
        if chain is not None and self.responses:
            body["previous_response_id"] = self.pick(self.responses, chain)
        elif conversation is not None and self.conversations:
            body["conversation"] = self.pick(self.conversations, conversation)
        body.update(options)
        if body.get("stream"):
            ticket = self.store.responses.create_stream(PROJECT, body)
            self.responses.append(ticket.response_id)
            return ticket.events
        return self._record(self.store.responses.create(PROJECT, body))

    def _record(self, response: dict[str, Any]) -> dict[str, Any]:
        self.responses.append(response["id"])
        return response


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def reload(document: dict[str, Any], format: str) -> Store:
    scenario = load_text(dump(document, format), format=format)
    store = Store(seed=scenario.seed or "")
    store.set_baseline([scenario.apply])
    return store


def new_store(seed: str) -> Store:
    store = Store(seed=seed)
    store.script.add_script_rules(PROJECT, RULES)
    store.script.configure_runs(PROJECT, {"reads": 2})
    return store


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    st.lists(operation, min_size=3, max_size=16),
    st.lists(operation, max_size=8),
    st.sampled_from(["", "seed-1"]),
    st.sampled_from(["yaml", "json"]),
)
def test_random_histories_survive_export_and_continue(
    before: list[tuple[Any, ...]], after: list[tuple[Any, ...]], seed: str, format: str
) -> None:
    original = new_store(seed)
    driver = Driver(original, [], [])
    for op in before:
        driver.apply(op)
    document = export_project(original, PROJECT)
    for response in document.get("responses", []):
        event(f"exported a response in status {response['status']}")
    copy = reload(document, format)
    copy.script.add_script_rules(PROJECT, RULES)
    copy.script.configure_runs(PROJECT, {"reads": 2})
    exported = export_project(copy, PROJECT)
    exported.pop("script", None), document.pop("script", None)
    exported.pop("runs", None), document.pop("runs", None)
    assert canonical(exported) == canonical(document)
    responses = [r["id"] for r in document.get("responses", [])]
    conversations = [c["id"] for c in document.get("conversations", [])]
    mine, theirs = Driver(original, responses, conversations), Driver(copy, responses, conversations)
    for op in after:
        assert canonical(theirs.apply(op)) == canonical(mine.apply(op)), op
