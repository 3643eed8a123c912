"""Hypothesis over every create field of chat, embeddings and moderations: a clean 4xx (nothing stored, no id
# ruff: noqa: E501 (strategies read best one field per line)
minted) or a 200 whose body the SDK's types accept with strict validation. Never a 500."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openai._models import validate_type
from openai.types import CreateEmbeddingResponse, ModerationCreateResponse
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from starlette.testclient import TestClient

from mockserver.app import create_app
from mockserver.store import Store
from mockserver.surfaces.chat.request import FIELDS

from .chat_support import sse_chunks

KEY = "sk-fuzz"
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 300) | st.floats(-3, 3, allow_nan=False) | st.text(max_size=6),
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=6), kids, max_size=3),
    max_leaves=8,
)
text_parts = st.fixed_dictionaries(
    {"type": st.sampled_from(["text", "image_url", "refusal", "file"]), "text": st.text(max_size=5)}
)
messages = st.lists(
    st.fixed_dictionaries(
        {"role": st.sampled_from(["user", "system", "developer", "assistant", "tool", "function", "bot"])},
        optional={
            "content": st.one_of(st.text(max_size=12), st.none(), st.lists(text_parts, max_size=2), json_values),
            "name": st.text(max_size=4),
            "tool_call_id": st.text(max_size=4),
            "tool_calls": st.lists(
                st.fixed_dictionaries(
                    {
                        "id": st.text(max_size=3),
                        "type": st.just("function"),
                        "function": st.fixed_dictionaries({"name": st.text(max_size=3), "arguments": st.just("{}")}),
                    }
                ),
                max_size=2,
            ),
        },
    ),
    min_size=0,
    max_size=4,
)
tool = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["function", "custom", "web"]),
        "function": st.fixed_dictionaries(
            {"name": st.sampled_from(["f", "g", "bad name"])},
            optional={
                "parameters": st.sampled_from(
                    [
                        {
                            "type": "object",
                            "properties": {"a": {"type": "integer", "minimum": 3}},
                            "required": ["a"],
                            "additionalProperties": False,
                        },
                        {"type": "object"},
                        {},
                    ]
                ),
                "strict": st.booleans(),
            },
        ),
    },
)
response_formats = st.one_of(
    st.sampled_from([{"type": "text"}, {"type": "json_object"}, {"type": "xml"}]),
    st.fixed_dictionaries(
        {
            "type": st.just("json_schema"),
            "json_schema": st.fixed_dictionaries(
                {"name": st.sampled_from(["Out", "bad name"])},
                optional={
                    "schema": st.sampled_from(
                        [
                            {
                                "type": "object",
                                "properties": {"x": {"type": "string", "format": "date"}},
                                "required": ["x"],
                                "additionalProperties": False,
                            },
                            {"type": "array"},
                            {"type": "object"},
                        ]
                    ),
                    "strict": st.booleans(),
                },
            ),
        }
    ),
    json_values,
)
PLAUSIBLE: dict[str, Any] = {
    "messages": messages,
    "stream": st.booleans(),
    "stream_options": st.fixed_dictionaries({}, optional={"include_usage": st.booleans(), "bogus": st.just(1)}),
    "n": st.integers(-1, 4),
    "max_completion_tokens": st.integers(-1, 12),
    "max_tokens": st.integers(0, 12),
    "stop": st.one_of(st.text(max_size=2), st.lists(st.text(max_size=2), max_size=5)),
    "logprobs": st.booleans(),
    "top_logprobs": st.integers(-1, 21),
    "response_format": response_formats,
    "tools": st.lists(tool, max_size=3),
    "tool_choice": st.one_of(
        st.sampled_from(["none", "auto", "required", "any"]),
        st.fixed_dictionaries(
            {"type": st.just("function"), "function": st.fixed_dictionaries({"name": st.sampled_from(["f", "zz"])})}
        ),
    ),
    "parallel_tool_calls": st.booleans(),
    "store": st.booleans(),
    "metadata": st.dictionaries(st.text(max_size=70), st.text(max_size=3), max_size=17),
    "temperature": st.floats(-1, 3, allow_nan=False),
    "service_tier": st.sampled_from(["auto", "flex", "fast", "premium"]),
    "model": st.sampled_from(["gpt-4o", "text-embedding-3-small", ""]),
}


@st.composite
def chat_bodies(draw: st.DrawFn) -> dict[str, Any]:
    body: dict[str, Any] = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi json"}]}
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=5, unique=True)):
        body[name] = draw(PLAUSIBLE.get(name, json_values) | json_values) if name in PLAUSIBLE else draw(json_values)
    if draw(st.booleans()):
        body.pop(draw(st.sampled_from(["model", "messages"])), None)
    return body


REPLIES = [
    None,
    "plain text",
    '{"x": "2024-01-01"}',
    {"tool_calls": [{"name": "f", "arguments": {"a": 3}}]},
    {"fail": {"code": "rate_limit_exceeded"}},
]
SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _client(reply: Any) -> tuple[TestClient, Store]:
    store = Store()
    if reply is not None:
        store.script.add_script_rules(None, [{"reply": reply}])
    return TestClient(create_app(store), headers={"Authorization": f"Bearer {KEY}"}), store


def _clean_error(response: Any, store: Store) -> None:
    assert response.status_code < 500 or response.json()["error"].get("code") in (
        "script_error",
        "rate_limit_exceeded",
        "server_error",
    ), response.text
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"} and error["message"]
    if response.status_code < 500 and error.get("code") != "rate_limit_exceeded":
        assert store.id_counters(KEY) == {"request": 1}, "a refused request minted an id"


@SETTINGS
@given(body=chat_bodies(), reply=st.sampled_from(REPLIES))
def test_chat_create_fuzz(body: dict[str, Any], reply: Any) -> None:
    client, store = _client(reply)
    with client:
        response = client.post("/v1/chat/completions", content=json.dumps(body))
    if response.status_code != 200:
        _clean_error(response, store)
        return
    if body.get("stream") is True:
        chunks = sse_chunks(response.text)
        assert chunks[-1] == "[DONE]"
        for chunk in chunks[:-1]:
            validate_type(type_=ChatCompletionChunk, value=chunk)
    else:
        validate_type(type_=ChatCompletion, value=response.json())


@SETTINGS
@given(
    body=st.fixed_dictionaries(
        {},
        optional={
            "model": st.sampled_from(["text-embedding-3-small", "text-embedding-ada-002", "gpt-4o"]) | json_values,
            "input": st.one_of(
                st.text(max_size=8),
                st.lists(st.text(max_size=4), max_size=3),
                st.lists(st.integers(-1, 5), max_size=3),
                st.lists(st.lists(st.integers(0, 5), max_size=2), max_size=2),
                json_values,
            ),
            "encoding_format": st.sampled_from(["float", "base64", "int"]) | json_values,
            "dimensions": st.integers(-1, 4000) | json_values,
            "user": json_values,
            "extra": json_values,
        },
    )
)
def test_embeddings_fuzz(body: dict[str, Any]) -> None:
    client, store = _client(None)
    with client:
        response = client.post("/v1/embeddings", json=body)
    if response.status_code != 200:
        _clean_error(response, store)
        return
    data = response.json()
    if body.get("encoding_format") != "base64":
        validate_type(type_=CreateEmbeddingResponse, value=data)
    assert len(data["data"]) >= 1


@SETTINGS
@given(
    body=st.fixed_dictionaries(
        {},
        optional={
            "model": st.sampled_from(["omni-moderation-latest", "text-moderation-stable", "gpt-4o"]) | json_values,
            "input": st.one_of(
                st.text(max_size=8),
                st.lists(st.text(max_size=4), max_size=3),
                st.lists(
                    st.fixed_dictionaries(
                        {"type": st.sampled_from(["text", "image_url", "x"])},
                        optional={
                            "text": json_values,
                            "image_url": st.fixed_dictionaries({"url": st.text(max_size=4)}),
                        },
                    ),
                    max_size=3,
                ),
                json_values,
            ),
            "extra": json_values,
        },
    )
)
def test_moderations_fuzz(body: dict[str, Any]) -> None:
    client, store = _client(None)
    with client:
        response = client.post("/v1/moderations", json=body)
    if response.status_code != 200:
        _clean_error(response, store)
        return
    validate_type(type_=ModerationCreateResponse, value=response.json())
