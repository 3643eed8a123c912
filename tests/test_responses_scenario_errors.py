"""Scenario sections ``conversations`` and ``responses``: bad documents are located errors (never a crash), and a
pasted response or conversation loads."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.scenarios import ScenarioError, load_text
from mockserver.scenarios.loader import Scenario
from mockserver.store import Store

RESPONSE_ID = "resp_" + "a" * 50
CONVERSATION_ID = "conv_" + "b" * 48


def apply(document: dict[str, Any]) -> Store:
    scenario: Scenario = load_text(json.dumps({"version": 1, **document}), format="json")
    store = Store()
    store.set_baseline([scenario.apply])
    return store


def test_a_pasted_response_and_conversation_load() -> None:
    store = apply(
        {
            "conversations": [{"id": CONVERSATION_ID, "items": [{"role": "user", "content": "hi"}]}],
            "responses": [
                {
                    "id": RESPONSE_ID,
                    "object": "response",
                    "model": "gpt-4o",
                    "status": "completed",
                    "billing": {"payer": "developer"},
                    "conversation": {"id": CONVERSATION_ID},
                    "output": [{"id": "msg_1", "type": "message", "status": "completed", "role": "assistant",
                                "content": [{"type": "output_text", "text": "hello", "annotations": []}]}],
                }
            ],
        }
    )  # fmt: skip
    response = store.responses.get("sk-x", RESPONSE_ID)
    assert response["output"][0]["content"][0]["text"] == "hello" and response["conversation"]["id"] == CONVERSATION_ID
    assert store.conversations.list_items("sk-x", CONVERSATION_ID, {})["data"][0]["content"][0]["text"] == "hi"


@pytest.mark.parametrize(
    ("document", "where"),
    [
        ({"conversations": [{"id": "conv_1"}]}, "conversations[0].id"),
        ({"conversations": [{"items": [{"role": "bogus", "content": "x"}]}]}, "conversations[0]"),
        ({"responses": [{"id": "resp_1", "model": "m"}]}, "responses[0].id"),
        ({"responses": [{"id": RESPONSE_ID}]}, "responses[0]"),
        ({"responses": [{"id": RESPONSE_ID, "model": "m", "status": "weird"}]}, "responses[0].status"),
        ({"responses": [{"id": RESPONSE_ID, "model": "m", "engine": {"speed": 1}}]}, "responses[0]"),
        ({"responses": [{"id": RESPONSE_ID, "model": "m", "engine": {"pending": True}}]}, "responses[0]"),
    ],
)
def test_bad_sections_are_located(document: dict[str, Any], where: str) -> None:
    with pytest.raises(ScenarioError) as info:
        apply(document)
    assert where in str(info.value)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 2) | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=10,
)
response_like = st.fixed_dictionaries(
    {"id": st.just(RESPONSE_ID), "model": st.just("m")},
    optional={
        key: json_values
        for key in ("status", "output", "input", "engine", "tools", "text", "usage", "background", "created_at")
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(json_values, st.lists(response_like, max_size=2)), st.one_of(json_values, st.lists(json_values)))
def test_hostile_sections_never_crash(responses: Any, conversations: Any) -> None:
    with contextlib.suppress(ScenarioError):
        apply({"responses": responses, "conversations": conversations})
