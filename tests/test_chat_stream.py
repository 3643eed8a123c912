"""Streamed chat completions: the exact chunk sequence, the SDK's stream helpers, stream cuts, and
streamed == non-streamed (hypothesis)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import openai
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openai.lib.streaming.chat import ChatCompletionStreamState
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from starlette.testclient import TestClient

from mockserver import MockServer
from mockserver.app import create_app
from mockserver.store import Store
from mockserver.surfaces.chat import stream as stream_module

from .chat_support import sse_chunks
from .clients import tracked
from .schema import platform_errors

U = [{"role": "user", "content": "Hello there"}]
HEADERS = {"Authorization": "Bearer sk-test-key"}
CITY = {
    "type": "function",
    "function": {
        "name": "get_city",
        "strict": True,
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
            "additionalProperties": False,
        },
    },
}
TIME = {"type": "function", "function": {"name": "get_time"}}


def stream(api: TestClient, **body: Any) -> list[Any]:
    response = api.post("/v1/chat/completions", json={"model": "gpt-4o", "messages": U, "stream": True, **body})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    return sse_chunks(response.text)


def test_text_stream_with_usage(api: TestClient) -> None:
    chunks = stream(api, stream_options={"include_usage": True})
    assert chunks[-1] == "[DONE]"
    *events, usage_chunk = chunks[:-1]
    for chunk in chunks[:-1]:
        assert platform_errors(chunk, "CreateChatCompletionStreamResponse") == []
        assert list(chunk)[:7] == ["id", "object", "created", "model", "service_tier", "system_fingerprint", "choices"]
        assert (chunk["id"], chunk["object"]) == (chunks[0]["id"], "chat.completion.chunk")
    assert all(chunk["usage"] is None for chunk in events)
    assert usage_chunk["choices"] == [] and usage_chunk["usage"]["total_tokens"] > 0
    first = events[0]["choices"][0]
    assert first == {
        "index": 0,
        "delta": {"role": "assistant", "content": "", "refusal": None},
        "logprobs": None,
        "finish_reason": None,
    }
    assert events[1]["choices"][0]["delta"] == {"content": "Hello"}
    assert events[-1]["choices"][0] == {"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop"}
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in events)
    assert text.startswith("Hello from mockserver!")


def test_no_usage_key_without_include_usage(api: TestClient) -> None:
    chunks = stream(api)
    assert all("usage" not in chunk for chunk in chunks[:-1])
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"


def test_parallel_tool_call_deltas(api: TestClient, store: Store) -> None:
    store.script.add_script_rules(
        None, [{"reply": {"tool_calls": [{"name": "get_city", "arguments": {"city": "Rome"}}, {"name": "get_time"}]}}]
    )
    chunks = stream(api, tools=[CITY, TIME])[:-1]
    deltas = [c["choices"][0]["delta"] for c in chunks]
    first_call = deltas[0]["tool_calls"][0]
    assert deltas[0]["role"] == "assistant" and deltas[0]["content"] is None and deltas[0]["refusal"] is None
    assert (
        first_call["index"] == 0
        and first_call["type"] == "function"
        and first_call["function"] == {"name": "get_city", "arguments": ""}
    )
    starts = [i for i, d in enumerate(deltas) if d.get("tool_calls") and "id" in d["tool_calls"][0]]
    assert len(starts) == 2 and deltas[starts[1]]["tool_calls"][0]["index"] == 1
    fragments = [d["tool_calls"][0]["function"]["arguments"] for d in deltas[1 : starts[1]]]
    assert json.loads("".join(fragments)) == {"city": "Rome"}
    assert all(set(d["tool_calls"][0]) == {"index", "function"} for d in deltas[1 : starts[1]])
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"


def test_n_choices_interleave_in_index_order(api: TestClient) -> None:
    chunks = stream(api, n=2)[:-1]
    order = [c["choices"][0]["index"] for c in chunks]
    finishes = [c["choices"][0]["index"] for c in chunks if c["choices"][0]["finish_reason"]]
    assert order[:4] == [0, 0, 1, 1] and finishes == [0, 1]
    assert all(len(c["choices"]) == 1 for c in chunks)


def test_logprob_chunks(api: TestClient) -> None:
    chunks = stream(api, logprobs=True, top_logprobs=1)[:-1]
    assert chunks[0]["choices"][0]["logprobs"] == {"content": [], "refusal": None}
    entry = chunks[1]["choices"][0]["logprobs"]["content"][0]
    assert entry["token"] == "Hello" and entry["bytes"] == list(b"Hello") and len(entry["top_logprobs"]) == 1
    assert chunks[-1]["choices"][0]["logprobs"] is None


def test_sdk_stream_helper_events(sdk: Any, fresh_server: MockServer) -> None:
    fresh_server.add_rule(
        match={"contains": "city"}, reply={"tool_calls": [{"name": "get_city", "arguments": {"city": "Rome"}}]}
    )
    with sdk.chat.completions.stream(model="gpt-4o", messages=U, stream_options={"include_usage": True}) as s:
        kinds = [event.type for event in s]
        final = s.get_final_completion()
    assert kinds[0] == "chunk" and "content.delta" in kinds and "content.done" in kinds
    assert final.choices[0].message.content.startswith("Hello from mockserver!") and final.usage.total_tokens > 0
    ask = [{"role": "user", "content": "which city?"}]
    with sdk.chat.completions.stream(model="gpt-4o", messages=ask, tools=[CITY]) as s:
        done = [e for e in s if e.type == "tool_calls.function.arguments.done"]
    assert done[0].name == "get_city" and done[0].parsed_arguments == {"city": "Rome"}


def test_sdk_create_stream_strict(sdk: Any) -> None:
    chunks = list(
        sdk.chat.completions.create(model="gpt-4o", messages=U, stream=True, stream_options={"include_usage": True})
    )
    assert all(isinstance(c, ChatCompletionChunk) for c in chunks)
    assert chunks[-1].usage is not None and chunks[-1].choices == []


def test_async_stream_helper(fresh_server: MockServer) -> None:
    async def run() -> str:
        client = fresh_server.async_client(_strict_response_validation=True)
        async with client, client.chat.completions.stream(model="gpt-4o", messages=U) as s:
            async for _ in s:
                pass
            final = await s.get_final_completion()
        return str(final.choices[0].message.content)

    assert asyncio.run(run()).startswith("Hello from mockserver!")


def test_stream_cut_fault(sdk: Any, fresh_server: MockServer) -> None:
    complete = [
        c.choices[0].delta.content for c in sdk.chat.completions.create(model="gpt-4o", messages=U, stream=True)
    ]
    fresh_server.add_fault(method="POST", path="/v1/chat/completions", cut_stream_after=3, times=1)
    seen: list[Any] = []
    with pytest.raises(Exception) as info:  # the SDK lets the transport error through
        for chunk in sdk.chat.completions.create(model="gpt-4o", messages=U, stream=True):
            seen.append(chunk.choices[0].delta.content)
    assert (
        "closed" in str(info.value)
        or isinstance(info.value, openai.APIConnectionError)
        or "incomplete" in str(info.value)
    )
    assert seen == complete[:3]


# -- streamed == non-streamed ---------------------------------------------------------------------------------

REPLIES = st.one_of(
    st.none(),
    st.text(min_size=0, max_size=40).map(lambda t: {"text": t}),
    st.just({"tool_calls": [{"name": "get_city", "arguments": {"city": "Oslo"}}, {"name": "get_time"}]}),
)


def _completion(store: Store, body: dict[str, Any]) -> Any:
    with TestClient(create_app(store), headers=HEADERS) as client:
        response = client.post("/v1/chat/completions", json=body)
    assert response.status_code == 200, response.text
    return response


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    reply=REPLIES,
    n=st.integers(1, 3),
    logprobs=st.booleans(),
    limit=st.none() | st.integers(1, 8),
    stop=st.none() | st.sampled_from(["!", "o", " "]),
    usage=st.booleans(),
)
def test_streamed_equals_non_streamed(
    reply: Any, n: int, logprobs: bool, limit: int | None, stop: str | None, usage: bool
) -> None:
    # non-strict tools: with a strict one the SDK's accumulator refuses a 'length' finish (LengthFinishReasonError)
    loose = {"type": "function", "function": {**CITY["function"], "strict": False}}
    body: dict[str, Any] = {"model": "gpt-4o", "messages": U, "n": n, "tools": [loose, TIME], "logprobs": logprobs}
    if limit is not None:
        body["max_completion_tokens"] = limit
    if stop is not None:
        body["stop"] = stop
    stores = [Store(), Store()]
    if reply is not None:
        for store in stores:
            store.script.add_script_rules(None, [{"reply": reply}])
    plain = ChatCompletion.model_validate(_completion(stores[0], body).json())
    raw = _completion(
        stores[1], {**body, "stream": True, **({"stream_options": {"include_usage": True}} if usage else {})}
    )
    state: ChatCompletionStreamState[Any] = ChatCompletionStreamState(input_tools=body["tools"])
    for chunk in sse_chunks(raw.text)[:-1]:
        state.handle_chunk(ChatCompletionChunk.model_validate(chunk))
    streamed = state.current_completion_snapshot  # get_final_completion() refuses 'length' finishes
    assert streamed.id == plain.id and streamed.created == plain.created
    if usage:
        assert streamed.usage == plain.usage
    for got, want in zip(streamed.choices, plain.choices, strict=True):
        assert got.finish_reason == want.finish_reason
        assert got.message.content == want.message.content
        assert got.message.refusal == want.message.refusal
        got_calls = [(c.id, c.function.name, c.function.arguments) for c in got.message.tool_calls or []]
        want_calls = [(c.id, c.function.name, c.function.arguments) for c in want.message.tool_calls or []]
        assert got_calls == want_calls
        if logprobs and want.logprobs is not None and want.logprobs.content is not None:
            assert got.logprobs is not None and got.logprobs.content == want.logprobs.content


@pytest.mark.parametrize("usage", [True, False])
def test_frames_are_the_chunks_byte_for_byte(store: Store, usage: bool) -> None:
    data, _ = store.chat.create("p", {"model": "gpt-4o", "messages": U, "n": 2, "logprobs": True, "top_logprobs": 1})
    options = {"include_usage": usage, "logprobs": True, "top_logprobs": 1}
    expected = [stream_module.frame(chunk) for chunk in stream_module.chunks(data, **options)]
    assert stream_module.frames(data, **options) == [*expected, stream_module.DONE]


def test_chunk_delay_sends_the_same_bytes(fresh_server: MockServer) -> None:
    client = tracked(fresh_server.client(api_key="sk-test-key"))

    def raw(delay_ms: int) -> bytes:
        fresh_server.reset()  # same ids for both streams (a full reset also clears model settings)
        fresh_server.configure_runs(chunk_delay_ms=delay_ms)
        assert fresh_server.store.script.run_settings("sk-test-key")["chunk_delay_ms"] == delay_ms
        response = client.chat.completions.with_raw_response.create(model="gpt-4o", messages=U, stream=True)
        return bytes(response.http_response.read())

    try:
        assert raw(1) == raw(0)
    finally:
        fresh_server.reset()
