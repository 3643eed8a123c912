"""Hypothesis invariants: item pages walk every item exactly once in either order; chains see exactly their
ancestors' context; a streamed response ends in the state of the same response polled; one rule set gives a run
and a response the same visible outcome."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.store import Store

P = "sk-inv"


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 45), st.integers(1, 10), st.sampled_from(["asc", "desc"]), st.integers(0, 5))
def test_conversation_item_pages_walk_every_item_once(count: int, limit: int, order: str, deleted: int) -> None:
    store = Store()
    ops = store.conversations
    conversation = ops.create(P, {})
    ids: list[str] = []
    for start in range(0, count, 20):
        batch = [{"role": "user", "content": f"m{i}"} for i in range(start, min(count, start + 20))]
        ids += [item["id"] for item in ops.create_items(P, conversation["id"], {"items": batch})["data"]]
    for item_id in ids[:deleted]:
        ops.delete_item(P, conversation["id"], item_id)
    expected = ids[deleted:] if order == "asc" else ids[deleted:][::-1]
    seen: list[str] = []
    after: str | None = None
    while True:
        query = {"limit": str(limit), "order": order, **({"after": after} if after else {})}
        page = ops.list_items(P, conversation["id"], query)
        seen += [item["id"] for item in page["data"]]
        if not page["has_more"]:
            break
        after = page["last_id"]
    assert seen == expected


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 10), min_size=1, max_size=8), st.integers(1, 5), st.sampled_from(["asc", "desc"]))
def test_chains_see_their_ancestors_and_input_items_page_correctly(parents: list[int], limit: int, order: str) -> None:
    """Each new response chains from an earlier one (or none): its input items are its ancestors' inputs and
    outputs, then its own input, whatever branch it is on; paging them visits each once."""
    store = Store()
    created: list[dict[str, Any]] = []
    expected: dict[str, list[str]] = {}
    for n, parent in enumerate(parents):
        body: dict[str, Any] = {"model": "m", "input": f"turn {n}"}
        base: list[str] = []
        if created and parent < len(created):
            previous = created[parent]
            body["previous_response_id"] = previous["id"]
            base = expected[previous["id"]] + [o["id"] for o in previous["output"]]
        response = store.responses.create(P, body)
        own = store.responses.list_input_items(P, response["id"], {"order": "asc", "limit": "100"})["data"][-1]
        expected[response["id"]] = [*base, own["id"]]
        created.append(response)
    for response in created:
        wanted = expected[response["id"]] if order == "asc" else expected[response["id"]][::-1]
        seen: list[str] = []
        after: str | None = None
        while True:
            query = {"limit": str(limit), "order": order, **({"after": after} if after else {})}
            page = store.responses.list_input_items(P, response["id"], query)
            seen += [item["id"] for item in page["data"]]
            if not page["has_more"]:
                break
            after = page["data"][-1]["id"]
        assert seen == wanted


RULES = [
    {
        "match": {"contains": "tool"},
        "reply": {"tool_calls": [{"name": "f", "arguments": {"x": 1}}]},
        "then": "ok {{output}}",
    },
    {"match": {"contains": "no"}, "reply": {"refusal": "Nope."}},
    {"match": {"contains": "bad"}, "reply": {"fail": "broken"}},
    {"match": {"contains": "cut"}, "reply": "c" * 90},
]
bodies = st.fixed_dictionaries(
    {"input": st.sampled_from(["tool please", "no way", "bad one", "cut it", "hello"])},
    optional={
        "background": st.booleans(),
        "max_output_tokens": st.integers(16, 30),
        "parallel_tool_calls": st.booleans(),
        "tool_choice": st.sampled_from(["auto", "required", "none"]),
    },
)


@settings(max_examples=60, deadline=None)
@given(bodies, st.integers(1, 40))
def test_a_streamed_response_ends_as_the_same_response_polled(body: dict[str, Any], chunk: int) -> None:
    states = []
    for streamed in (False, True):
        store = Store(seed="same")
        store.script.add_script_rules(P, RULES)
        store.script.configure_runs(P, {"chunk_size": chunk})
        full = {"model": "m", "tools": [{"type": "function", "name": "f"}], **body}
        if streamed:
            ticket = store.responses.create_stream(P, {**full, "stream": True})
            response_id = ticket.response_id
            events = list(ticket.events)
            if ticket.live:
                events += store.responses.stream_events(P, response_id, ticket.cursor)[0]
            assert [e["sequence_number"] for e in events] == list(range(len(events)))
            deltas = "".join(e["delta"] for e in events if e["type"] == "response.output_text.delta")
            final = store.responses.get(P, response_id)
            texts = [p["text"] for o in final["output"] if o["type"] == "message" for p in o["content"] if "text" in p]
            assert deltas == "".join(texts)
        else:
            response_id = store.responses.create(P, full)["id"]
            store.responses.get(P, response_id)
        states.append(store.responses.get(P, response_id))
    assert states[0] == states[1]


def test_one_rule_set_gives_a_run_and_a_response_the_same_visible_outcome() -> None:
    store = Store(seed="x")
    store.script.add_script_rules(P, RULES)
    a = store.assistants
    assistant = a.create_assistant(P, {"model": "m", "tools": [{"type": "function", "function": {"name": "f"}}]})
    outcomes: dict[str, list[Any]] = {"run": [], "response": []}
    for text in ["tool please", "no way", "bad one", "hello"]:
        thread = a.create_thread(P, {"messages": [{"role": "user", "content": text}]})
        run = a.create_run(P, thread["id"], {"assistant_id": assistant["id"]})
        run = a.get_run(P, thread["id"], run["id"])
        if run["status"] == "requires_action":
            calls = run["required_action"]["submit_tool_outputs"]["tool_calls"]
            outputs = [{"tool_call_id": c["id"], "output": "42"} for c in calls]
            a.submit_tool_outputs(P, thread["id"], run["id"], {"tool_outputs": outputs})
            run = a.get_run(P, thread["id"], run["id"])
        message = a.list_messages(P, thread["id"], {"limit": "1"})["data"][0]
        block = message["content"][0] if message["role"] == "assistant" else {}
        outcomes["run"].append((run["status"], block.get("text", {}).get("value") or block.get("refusal")))
        tools = [{"type": "function", "name": "f"}]
        response = store.responses.create(P, {"model": "m", "input": text, "tools": tools})
        if response["output"] and response["output"][0]["type"] == "function_call":
            answer = [{"type": "function_call_output", "call_id": response["output"][0]["call_id"], "output": "42"}]
            body = {"model": "m", "tools": tools, "input": answer, "previous_response_id": response["id"]}
            response = store.responses.create(P, body)
        parts = [p for o in response["output"] if o["type"] == "message" for p in o["content"]]
        outcomes["response"].append(
            (response["status"], parts[0].get("text") or parts[0].get("refusal") if parts else None)
        )
    assert outcomes["run"] == outcomes["response"]
    assert outcomes["run"][:3] == [("completed", "ok 42"), ("completed", "Nope."), ("failed", None)]
