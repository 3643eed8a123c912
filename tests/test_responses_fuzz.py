"""Hypothesis: every create field, valid or not, gives a clean 4xx (state untouched, no id minted) or a response the
SDK's ``Response`` type parses strictly; conversation and item bodies likewise never give a 500."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openai._models import validate_type
from openai.types.conversations import Conversation, ConversationItemList
from openai.types.responses import Response
from starlette.testclient import TestClient

from mockserver.app import create_app
from mockserver.store import Store

KEY = "sk-fuzz"
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(-3, 3, allow_nan=False) | st.text(max_size=6),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)
part = st.fixed_dictionaries(
    {"type": st.sampled_from(["input_text", "input_image", "input_file", "output_text", "refusal", "bogus"])},
    optional={"text": json_values, "image_url": st.just("https://x"), "file_id": st.just("file-1")},
)
item = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"role": st.sampled_from(["user", "assistant", "system", "developer", "bogus"])},
        optional={"content": st.one_of(st.text(max_size=5), st.lists(part, max_size=2)), "type": st.just("message")},
    ),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["function_call_output", "item_reference", "function_call", "reasoning", "mcp_call"])},
        optional={
            "call_id": st.text(max_size=4),
            "output": json_values,
            "id": st.text(max_size=6),
            "summary": st.sampled_from([[], [{"type": "summary_text", "text": "t"}], [{"type": "x"}], "s"]),
        },
    ),
)
#: Plausible values per create field (valid ones and near misses), plus arbitrary JSON.
FIELD_VALUES: dict[str, Any] = {
    "model": st.sampled_from(["gpt-4o", "gpt-4o", "", None, 7]),
    "input": st.one_of(st.text(max_size=6), st.just("hi"), st.lists(item, max_size=3)),
    "instructions": st.one_of(st.none(), st.text(max_size=5)),
    "temperature": st.one_of(st.floats(-1, 3, allow_nan=False), st.text(max_size=2)),
    "top_p": st.floats(-0.5, 1.5, allow_nan=False),
    "max_output_tokens": st.integers(0, 40),
    "max_tool_calls": st.integers(-1, 3),
    "metadata": st.one_of(st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=3), json_values),
    "parallel_tool_calls": st.booleans(),
    "store": st.booleans(),
    "background": st.booleans(),
    "stream": st.just(False),
    "tools": st.lists(
        st.one_of(
            st.fixed_dictionaries({"type": st.just("function"), "name": st.sampled_from(["f", "g"])}),
            st.sampled_from([{"type": "web_search"}, {"type": "file_search", "vector_store_ids": ["vs_1"]}]),
            json_values,
        ),
        max_size=2,
    ),
    "tool_choice": st.sampled_from(["none", "auto", "required", "bogus", {"type": "function", "name": "f"}, 7]),
    "text": st.sampled_from(
        [
            {"format": {"type": "json_object"}},
            {"format": {"type": "json_schema", "name": "S", "schema": {"type": "object"}}},
            {"format": {"type": "json_schema", "name": "S", "strict": True, "schema": {"type": "object"}}},
            {"format": {"type": "bogus"}},
            {"verbosity": "low"},
        ]
    ),
    "truncation": st.sampled_from(["auto", "disabled", "bogus"]),
    "include": st.lists(st.sampled_from(["file_search_call.results", "reasoning.encrypted_content", "x"]), max_size=2),
    "reasoning": st.sampled_from([{"effort": "low"}, {"effort": "bogus"}, {"summary": "auto"}, None]),
    "service_tier": st.sampled_from(["auto", "flex", "bogus"]),
    "top_logprobs": st.integers(-1, 21),
    "user": st.text(max_size=3),
    "safety_identifier": st.text(max_size=3),
    "prompt_cache_key": st.text(max_size=3),
    "prompt_cache_retention": st.sampled_from(["in_memory", "24h", "1y"]),
    "previous_response_id": st.sampled_from(["resp_x", "bad id", "gen-1"]),
    "conversation": st.sampled_from(["conv_x", {"id": "conv_y"}, "123", 5]),
    "stream_options": st.sampled_from([{"include_obfuscation": False}, {"include_usage": True}]),
    "context_management": json_values,
    "prompt": st.sampled_from([{"id": "pmpt_1"}, {}]),
    "zzz": json_values,
}
#: A valid base body with up to four fields replaced by plausible or arbitrary values.
bodies = st.lists(st.sampled_from(sorted(FIELD_VALUES)), max_size=4, unique=True).flatmap(
    lambda keys: st.fixed_dictionaries(
        {"model": st.just("gpt-4o"), "input": st.just("hi"), **{k: FIELD_VALUES[k] | json_values for k in keys}}
    )
)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def client() -> tuple[TestClient, Store]:
    store = Store()
    store.script.add_script_rules(KEY, [{"match": {"contains": "hi"}, "reply": {"tool_calls": [{"name": "f"}]}}])
    return TestClient(create_app(store), headers={"Authorization": f"Bearer {KEY}"}), store


def check(answer: Any, store: Store, before: dict[str, int]) -> dict[str, Any]:
    assert answer.status_code in (200, 400, 404), answer.text
    body: dict[str, Any] = answer.json()
    if answer.status_code != 200:
        assert set(body["error"]) == {"message", "type", "param", "code"}
        counters = {k: n for k, n in store.id_counters(KEY).items() if k != "request"}
        assert counters == before, "a rejected request minted an id"
    return body


@SETTINGS
@given(bodies)
def test_every_create_field_gives_a_clean_4xx_or_a_strictly_valid_response(body: dict[str, Any]) -> None:
    api, store = client()
    with api:
        before = {k: n for k, n in store.id_counters(KEY).items() if k != "request"}
        answer = api.post("/v1/responses", content=json.dumps(body))
        event(f"status {answer.status_code}")
        if answer.status_code == 200 and answer.headers["content-type"].startswith("text/event-stream"):
            # ``stream`` drawn as true from the arbitrary JSON values: a stream (tests/test_responses_streaming.py)
            assert body.get("stream") is True and answer.text.startswith("event: response.created")
            return
        data = check(answer, store, before)
        if answer.status_code == 200:
            validate_type(type_=Response, value=data)
            assert data["status"] in ("completed", "failed", "incomplete", "queued")


@SETTINGS
@given(
    st.one_of(
        json_values,
        st.fixed_dictionaries({}, optional={"items": st.lists(item, max_size=3), "metadata": json_values}),
    )
)
def test_conversation_bodies_never_fail_badly(body: Any) -> None:
    api, store = client()
    with api:
        before = {k: n for k, n in store.id_counters(KEY).items() if k != "request"}
        answer = api.post("/v1/conversations", content=json.dumps(body))
        data = check(answer, store, before)
        if answer.status_code == 200:
            validate_type(type_=Conversation, value=data)
            added = api.post(f"/v1/conversations/{data['id']}/items", content=json.dumps(body))
            if added.status_code == 200:
                validate_type(type_=ConversationItemList, value=added.json())
            else:
                assert added.status_code == 400, added.text
