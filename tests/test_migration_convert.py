"""Converters: a thread (scenario file, state export or live state) becomes a conversation with the same visible
messages; assistants become per-request settings; what has no equivalent is noted with its place."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.migration import MigrationError
from mockserver.migration.backfill import backfill_thread
from mockserver.migration.convert import (
    assistant_settings,
    conversation_id_for,
    convert_document,
    thread_to_conversation,
    visible_messages,
)
from mockserver.migration.transcript import message_text
from mockserver.scenarios import load_scenario
from mockserver.store import Store

RUN_ID = "run_" + "R" * 24
CALL_ID = "call_" + "C" * 24


def tool_step(output: str | None) -> dict[str, Any]:
    call = {"id": CALL_ID, "type": "function", "function": {"name": "f", "arguments": '{"a":1}', "output": output}}
    return {
        "id": "step_" + "S" * 24,
        "status": "completed",
        "step_details": {"type": "tool_calls", "tool_calls": [call]},
    }


def thread(**extra: Any) -> dict[str, Any]:
    return {
        "id": "thread_" + "T" * 24,
        "created_at": 1_700_000_000,
        "metadata": {"customer": "acme"},
        "messages": [
            {"role": "user", "content": "Weather?"},
            {"role": "assistant", "content": "Sunny.", "run_id": RUN_ID, "assistant_id": "asst_" + "A" * 24},
        ],
        "runs": [
            {
                "id": RUN_ID,
                "assistant_id": "asst_" + "A" * 24,
                "status": "completed",
                "model": "gpt-4o",
                "steps": [tool_step("21C")],
            }
        ],
        **extra,
    }


def test_a_thread_becomes_a_conversation_with_its_tool_round_trip_before_the_answer() -> None:
    conversation, notes = thread_to_conversation(thread())
    assert conversation["id"] == conversation_id_for("thread_" + "T" * 24)
    assert (conversation["metadata"], conversation["created_at"]) == ({"customer": "acme"}, 1_700_000_000)
    assert [i["type"] for i in conversation["items"]] == ["message", "function_call", "function_call_output", "message"]
    assert conversation["items"][0]["content"] == [{"type": "input_text", "text": "Weather?"}]
    assert conversation["items"][1] == {
        "type": "function_call", "call_id": CALL_ID, "name": "f", "arguments": '{"a":1}', "status": "completed",
    }  # fmt: skip
    assert conversation["items"][2]["output"] == "21C"
    assert conversation["items"][3]["content"] == [{"type": "output_text", "text": "Sunny.", "annotations": []}]
    assert notes == []


def test_what_has_no_equivalent_is_noted_with_its_place() -> None:
    t = thread(tool_resources={"code_interpreter": {"file_ids": ["file-1"]}})
    t["messages"][0] = {
        "role": "user",
        "content": [{"type": "text", "text": {"value": "See", "annotations": [{"type": "file_path"}]}},
                    {"type": "image_file", "image_file": {"file_id": "file-2"}}],
        "attachments": [{"file_id": "file-3", "tools": [{"type": "file_search"}]}],
        "metadata": {"k": "v"},
    }  # fmt: skip
    t["runs"][0]["steps"] = [tool_step(None)]
    t["runs"][0]["status"] = "requires_action"
    conversation, notes = thread_to_conversation(t, "threads[0]")
    assert conversation["items"][0]["content"][1] == {"type": "input_image", "file_id": "file-2", "detail": "auto"}
    assert "function_call" not in [i["type"] for i in conversation["items"]]
    where = [n.where for n in notes]
    assert where == [
        "threads[0].tool_resources",
        "threads[0].runs[0].steps[0].step_details.tool_calls[0]",
        "threads[0].runs[0]",
        "threads[0].messages[0].attachments",
        "threads[0].messages[0].metadata",
        "threads[0].messages[0].content[0]",
    ]
    assert "never answered" in str(notes[1])


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"messages": [{"role": "system", "content": "x"}]}, "threads[3].messages[0].role: 'system' is not a thread"),
        (
            {"messages": [{"role": "user", "content": [{"type": "audio"}]}]},
            "threads[3].messages[0].content[0]: unknown content part type 'audio'",
        ),
        ({"messages": [{"role": "user", "content": 7}]}, "expected a string or a list of content parts, got int"),
        ({"runs": [{"status": "completed"}]}, "threads[3].runs[0]: expected a run object with an 'id'"),
        ({"messages": "hello"}, "'messages' and 'runs' must be lists"),
    ],
)
def test_an_unconvertible_thread_is_a_located_error(change: dict[str, Any], expected: str) -> None:
    with pytest.raises(MigrationError, match=re.escape(expected)):
        thread_to_conversation({**thread(), **change}, "threads[3]")


def test_a_thread_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(MigrationError, match="threads\\[0\\]: expected a thread object, got list"):
        thread_to_conversation([], "threads[0]")


def test_an_assistant_becomes_request_settings() -> None:
    settings_, notes = assistant_settings(
        {
            "id": "asst_x", "name": "Bot", "model": "gpt-4o", "instructions": "Be brief.", "temperature": 0.2,
            "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}},
                      {"type": "file_search"}, {"type": "retrieval"}],
            "tool_resources": {"file_search": {"vector_store_ids": ["vs_1"]}},
            "response_format": {"type": "json_schema", "json_schema": {"name": "out", "schema": {}, "strict": True}},
        }
    )  # fmt: skip
    assert settings_ == {
        "model": "gpt-4o",
        "instructions": "Be brief.",
        "tools": [
            {"type": "function", "name": "f", "description": None, "parameters": {"type": "object"}, "strict": False},
            {"type": "file_search", "vector_store_ids": ["vs_1"]},
        ],
        "temperature": 0.2,
        "text": {"format": {"type": "json_schema", "name": "out", "schema": {}, "strict": True}},
    }
    assert [str(n) for n in notes] == [
        "assistant.tools[2]: tool type 'retrieval' has no Responses equivalent: dropped",
        "assistant.name: name is the app's own bookkeeping now (not sent per request)",
    ]
    with pytest.raises(MigrationError, match="assistants\\[1\\]: expected an assistant object with a 'model'"):
        convert_document({"version": 1, "assistants": [{"model": "m"}, {"name": "no model"}]}, "assistants")


def test_a_converted_document_loads_and_keeps_the_other_sections(tmp_path: Any) -> None:
    converted = convert_document({"version": 1, "clock": 5, "threads": [thread()], "script": [{"reply": "hi"}]})
    assert set(converted.document) == {"version", "clock", "script", "conversations"}
    path = tmp_path / "converted.json"
    import json

    path.write_text(json.dumps(converted.document))
    store = Store()
    store.set_baseline([load_scenario(str(path), cache=False).apply])
    conversation_id = conversation_id_for("thread_" + "T" * 24)
    items = store.conversations.list_items("p", conversation_id, {"order": "asc"})["data"]
    assert [(i["type"], i.get("role")) for i in items] == [
        ("message", "user"), ("function_call", None), ("function_call_output", None), ("message", "assistant"),
    ]  # fmt: skip


# -- property: a converted conversation lists the same visible messages as its thread ------------------------

texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(
    lambda s: s.strip() != ""
)
messages = st.lists(st.tuples(st.sampled_from(["user", "assistant"]), texts), min_size=0, max_size=45)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages)
def test_backfilled_conversation_lists_the_threads_visible_messages(pairs: list[tuple[str, str]]) -> None:
    """Through both surfaces' operations: create the thread, backfill it (batches of 20), list the items."""
    store = Store()
    created = store.assistants.create_thread("p", {"messages": [{"role": r, "content": t} for r, t in pairs]})
    conversation, notes = backfill_thread(store, "p", created["id"])
    page = store.conversations.list_items("p", conversation["id"], {"order": "asc", "limit": "100"})
    assert [(i["role"], message_text(i["content"])) for i in page["data"]] == pairs
    assert notes == []


@settings(max_examples=60, deadline=None)
@given(messages)
def test_converted_items_keep_the_visible_messages(pairs: list[tuple[str, str]]) -> None:
    conversation, _ = thread_to_conversation({"messages": [{"role": r, "content": t} for r, t in pairs]})
    assert visible_messages(conversation["items"]) == pairs


def test_backfill_of_an_unknown_thread_names_it() -> None:
    with pytest.raises(MigrationError, match="thread 'thread_nope': no such thread in project 'p'"):
        backfill_thread(Store(), "p", "thread_nope")
