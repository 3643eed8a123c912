"""Responses and Conversations with the real SDK (sync and async, strict validation): create, chaining, conversations,
function calling, refusals, failures, input items, input tokens, deletion and the 4xx answers of reference 6."""

from __future__ import annotations

import asyncio
from typing import Any

import openai
import pytest

from mockserver import MockServer

WEATHER_TOOL = {
    "type": "function",
    "name": "get_weather",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
        "additionalProperties": False,
    },
}
WEATHER_RULE = {
    "match": {"contains": "weather"},
    "reply": {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]},
    "then": "It is {{output}} in Paris.",
}
DEFAULT_REPLY = "Hello from mockserver! No script rule matched this run, so this is the default reply."


def test_create_answers_a_strictly_valid_completed_response(sdk: Any) -> None:
    response = sdk.responses.create(model="gpt-4o", input="hi")
    assert response.status == "completed" and response.object == "response"
    assert response.output_text == DEFAULT_REPLY
    assert response.id.startswith("resp_") and len(response.id) == 55
    assert response.output[0].id.startswith("msg_")
    assert response.store is True and response.background is False and response.previous_response_id is None
    assert response.usage.input_tokens_details.cache_write_tokens == 0
    assert response.usage.total_tokens == response.usage.input_tokens + response.usage.output_tokens
    assert response.service_tier == "default" and response.completed_at == response.created_at
    assert sdk.responses.retrieve(response.id) == response


def test_scripted_text_with_annotations(fresh_server: MockServer, sdk: Any) -> None:
    fresh_server.add_rule(
        match={"contains": "docs"},
        reply={"text": "See the guide.", "annotations": [{"text": "guide", "file_id": "file-1"}]},
    )
    response = sdk.responses.create(model="gpt-4o", input="where are the docs?")
    part = response.output[0].content[0]
    assert part.text == "See the guide."
    assert part.annotations[0].type == "file_citation" and part.annotations[0].file_id == "file-1"
    assert part.annotations[0].index == len("See the guide")


def test_chaining_carries_context_but_not_instructions(fresh_server: MockServer, sdk: Any) -> None:
    fresh_server.add_rule(match={"contains": "name"}, reply="You are {{message}}")
    first = sdk.responses.create(model="gpt-4o", input="my name is Ada", instructions="be brief")
    second = sdk.responses.create(model="gpt-4o", input="thanks", previous_response_id=first.id)
    assert second.previous_response_id == first.id and second.instructions is None
    assert second.usage.input_tokens > first.usage.input_tokens
    items = sdk.responses.input_items.list(second.id, order="asc").data
    assert [i.type for i in items] == ["message", "message", "message"]
    assert items[0].content[0].text == "my name is Ada" and items[-1].content[0].text == "thanks"


def test_unknown_previous_response_and_mutual_exclusion(sdk: Any) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        sdk.responses.create(model="gpt-4o", input="x", previous_response_id="resp_" + "0" * 50)
    assert info.value.code == "previous_response_not_found" and info.value.param == "previous_response_id"
    with pytest.raises(openai.BadRequestError) as info:
        sdk.responses.create(model="gpt-4o", input="x", previous_response_id="resp_1", conversation="conv_1")
    assert info.value.code == "mutually_exclusive_parameters"
    assert info.value.body["message"].endswith("Ensure you are only providing one of: 'pre..._id' or 'conversation'.")


def test_store_false_is_neither_retrievable_nor_chainable(sdk: Any) -> None:
    response = sdk.responses.create(model="gpt-4o", input="hi", store=False)
    assert response.store is False and response.status == "completed"
    with pytest.raises(openai.NotFoundError):
        sdk.responses.retrieve(response.id)
    with pytest.raises(openai.BadRequestError) as info:
        sdk.responses.create(model="gpt-4o", input="x", previous_response_id=response.id)
    assert info.value.code == "previous_response_not_found"
    with pytest.raises(openai.NotFoundError) as info:
        sdk.responses.create(model="gpt-4o", input=[{"type": "item_reference", "id": response.output[0].id}])
    assert "Items are not persisted when `store` is set to false" in info.value.body["message"]


def test_function_call_round_trip_by_chaining(fresh_server: MockServer, sdk: Any) -> None:
    fresh_server.add_rule(**WEATHER_RULE)
    first = sdk.responses.create(model="gpt-4o", input="What's the weather?", tools=[WEATHER_TOOL])
    assert first.status == "completed"
    call = first.output[0]
    assert call.type == "function_call" and call.id.startswith("fc_") and call.call_id.startswith("call_")
    assert call.name == "get_weather" and call.arguments == '{"city":"Paris"}'
    second = sdk.responses.create(
        model="gpt-4o",
        previous_response_id=first.id,
        tools=[WEATHER_TOOL],
        input=[{"type": "function_call_output", "call_id": call.call_id, "output": "22C"}],
    )
    assert second.output_text == "It is 22C in Paris."
    with pytest.raises(openai.BadRequestError) as info:
        sdk.responses.create(
            model="gpt-4o",
            previous_response_id=first.id,
            input=[{"type": "function_call_output", "call_id": "call_nope", "output": "x"}],
        )
    assert info.value.body["message"] == "No tool call found for function call output with call_id call_nope."


def test_conversation_round_trip(fresh_server: MockServer, sdk: Any) -> None:
    fresh_server.add_rule(**WEATHER_RULE)
    conversation = sdk.conversations.create(metadata={"user": "ada"})
    assert conversation.object == "conversation" and conversation.id.startswith("conv_") and len(conversation.id) == 53
    assert sdk.conversations.items.list(conversation.id).data == []
    first = sdk.responses.create(model="gpt-4o", input="weather?", conversation=conversation.id, tools=[WEATHER_TOOL])
    assert first.conversation.id == conversation.id
    call = first.output[0]
    second = sdk.responses.create(
        model="gpt-4o",
        conversation={"id": conversation.id},
        tools=[WEATHER_TOOL],
        input=[{"type": "function_call_output", "call_id": call.call_id, "output": "9C"}],
    )
    assert second.output_text == "It is 9C in Paris."
    items = sdk.conversations.items.list(conversation.id)
    assert [i.type for i in items.data] == ["message", "function_call_output", "function_call", "message"]
    assert all(i.status == "completed" for i in items.data)
    assert [i.type for i in sdk.conversations.items.list(conversation.id, limit=1)] == [i.type for i in items.data]


def test_conversation_crud_and_items(sdk: Any) -> None:
    conversation = sdk.conversations.create(items=[{"role": "user", "content": "hello"}], metadata={"a": "1"})
    updated = sdk.conversations.update(conversation.id, metadata={"b": "2"})
    assert updated.metadata == {"b": "2"}
    created = sdk.conversations.items.create(
        conversation.id, items=[{"role": "assistant", "content": "hi there"}, {"role": "user", "content": "bye"}]
    )
    assert [i.role for i in created.data] == ["assistant", "user"] and created.first_id == created.data[0].id
    item = sdk.conversations.items.retrieve(created.data[0].id, conversation_id=conversation.id)
    assert item.content[0].type == "output_text" and item.content[0].text == "hi there"
    after_delete = sdk.conversations.items.delete(created.data[0].id, conversation_id=conversation.id)
    assert after_delete.id == conversation.id
    with pytest.raises(openai.NotFoundError):
        sdk.conversations.items.retrieve(created.data[0].id, conversation_id=conversation.id)
    deleted = sdk.conversations.delete(conversation.id)
    assert deleted.deleted is True and deleted.object == "conversation.deleted"
    with pytest.raises(openai.NotFoundError) as info:
        sdk.conversations.retrieve(conversation.id)
    assert info.value.body["message"] == f"Conversation with id '{conversation.id}' not found."


def test_refusal_and_failure(fresh_server: MockServer, sdk: Any) -> None:
    fresh_server.add_rule(match={"contains": "secret"}, reply={"refusal": "I can't help with that."})
    fresh_server.add_rule(
        match={"contains": "crash"}, reply={"fail": {"code": "rate_limit_exceeded", "message": "slow"}}
    )
    refused = sdk.responses.create(model="gpt-4o", input="tell me a secret")
    assert refused.status == "completed" and refused.output_text == ""
    assert refused.output[0].content[0].refusal == "I can't help with that."
    failed = sdk.responses.create(model="gpt-4o", input="crash please")
    assert failed.status == "failed" and failed.error.code == "rate_limit_exceeded" and failed.usage is None


def test_max_output_tokens_makes_the_response_incomplete(fresh_server: MockServer, sdk: Any) -> None:
    fresh_server.add_rule(reply="x" * 200)
    response = sdk.responses.create(model="gpt-4o", input="long", max_output_tokens=16)
    assert response.status == "incomplete" and response.incomplete_details.reason == "max_output_tokens"
    assert response.output_text == "x" * 64 and response.output[0].status == "incomplete"


def test_delete_then_404(sdk: Any) -> None:
    response = sdk.responses.create(model="gpt-4o", input="hi")
    assert sdk.responses.delete(response.id) is None
    with pytest.raises(openai.NotFoundError) as info:
        sdk.responses.retrieve(response.id)
    assert info.value.body["message"] == f"Response with id '{response.id}' not found."
    with pytest.raises(openai.BadRequestError) as info:
        sdk.responses.retrieve("bogus")
    assert info.value.code == "invalid_id_prefix"


def test_input_tokens_count_is_deterministic(sdk: Any) -> None:
    count = sdk.responses.input_tokens.count(model="gpt-4o", input="12345678", instructions="abcd")
    assert count.input_tokens == 3 and count.object == "response.input_tokens"


BAD_REQUESTS = [
    ({}, "Missing required parameter: 'model'."),
    ({"model": "gpt-4o"}, "Missing required parameter: 'input'."),
    ({"extra_body": {"stre": 1}}, "Unknown parameter: 'stre'. Did you mean 'store' or 'stream'?"),
    ({"input": []}, "One of \"input\" or \"previous_response_id\" or 'prompt' or 'conversation' must be provided."),
    (
        {"temperature": -1},
        "Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got -1 instead.",
    ),
    ({"truncation": "bogus"}, "Invalid value: 'bogus'. Supported values are: 'auto' and 'disabled'."),
    (
        {"input": [{"role": "bogus", "content": "x"}]},
        "Invalid value: 'bogus'. Supported values are: 'assistant', 'system', 'developer', and 'user'.",
    ),
]


@pytest.mark.parametrize(("kwargs", "message"), BAD_REQUESTS)
def test_bad_requests_answer_the_real_400(sdk: Any, kwargs: dict[str, Any], message: str) -> None:
    if kwargs and "model" not in kwargs:
        kwargs = {"model": "gpt-4o", "input": "x", **kwargs}
    with pytest.raises(openai.BadRequestError) as info:
        sdk.responses.create(**kwargs)
    assert info.value.body["message"] == message


def test_async_client_runs_the_same_flow(fresh_server: MockServer, async_sdk: Any) -> None:
    fresh_server.add_rule(**WEATHER_RULE)

    async def flow() -> str:
        try:
            return await steps()
        finally:
            await async_sdk.close()

    async def steps() -> str:
        conversation = await async_sdk.conversations.create()
        first = await async_sdk.responses.create(
            model="gpt-4o", input="weather?", conversation=conversation.id, tools=[WEATHER_TOOL]
        )
        second = await async_sdk.responses.create(
            model="gpt-4o",
            conversation=conversation.id,
            tools=[WEATHER_TOOL],
            input=[{"type": "function_call_output", "call_id": first.output[0].call_id, "output": "1C"}],
        )
        items = [i async for i in async_sdk.conversations.items.list(conversation.id, limit=1)]
        assert len(items) == 4
        await async_sdk.responses.delete(second.id)
        return second.output_text

    assert asyncio.run(flow()) == "It is 1C in Paris."


def test_async_client_covers_every_endpoint_and_helper(fresh_server: MockServer, async_sdk: Any) -> None:
    fresh_server.add_rule(**WEATHER_RULE)
    fresh_server.configure_runs(reads=2)

    async def steps() -> None:
        c = async_sdk
        conversation = await c.conversations.create(items=[{"role": "user", "content": "hi"}])
        assert (await c.conversations.retrieve(conversation.id)).id == conversation.id
        assert (await c.conversations.update(conversation.id, metadata={"k": "v"})).metadata == {"k": "v"}
        added = await c.conversations.items.create(conversation.id, items=[{"role": "user", "content": "more"}])
        item = await c.conversations.items.retrieve(added.data[0].id, conversation_id=conversation.id)
        assert item.id == added.first_id
        assert (await c.conversations.items.delete(item.id, conversation_id=conversation.id)).id == conversation.id
        async with c.responses.stream(model="m", input="weather?", tools=[WEATHER_TOOL]) as stream:
            snapshots = [e.snapshot async for e in stream if e.type == "response.function_call_arguments.delta"]
            first = await stream.get_final_response()
        assert snapshots[-1] == first.output[0].arguments
        assert (await c.responses.retrieve(first.id)).status == "completed"
        items = [i async for i in c.responses.input_items.list(first.id)]
        assert [i.type for i in items] == ["message"]
        count = await c.responses.input_tokens.count(model="m", input="abcd")
        assert count.input_tokens == 1
        background = await c.responses.create(model="m", input="bg", background=True, stream=True)
        events = [event async for event in background]
        created = events[0]
        assert created.type == "response.created" and events[-1].type == "response.completed"
        async with c.responses.stream(response_id=created.response.id, starting_after=1) as resumed:
            final = await resumed.get_final_response()
        assert final.status == "completed"
        queued = await c.responses.create(model="m", input="later", background=True)
        assert (await c.responses.cancel(queued.id)).status == "cancelled"
        assert await c.responses.delete(queued.id) is None
        assert (await c.conversations.delete(conversation.id)).deleted is True

    async def flow() -> None:
        try:
            await steps()
        finally:
            await async_sdk.close()

    asyncio.run(flow())


def test_file_search_searches_the_request_vector_stores(fresh_server: MockServer, sdk: Any) -> None:
    uploaded = sdk.files.create(file=("refunds.txt", b"Refunds are issued within 14 days."), purpose="assistants")
    store = sdk.vector_stores.create(name="policies", file_ids=[uploaded.id])
    fresh_server.add_rule(
        match={"contains": "refund"},
        reply={"tool_calls": [{"type": "file_search", "queries": ["refunds"]}]},
        then="Within 14 days.",
    )
    tools = [{"type": "file_search", "vector_store_ids": [store.id]}]
    response = sdk.responses.create(
        model="gpt-4o", input="refund policy?", tools=tools, include=["file_search_call.results"]
    )
    call, answer = response.output
    assert call.type == "file_search_call" and call.queries == ["refunds"]
    assert call.results[0].file_id == uploaded.id and call.results[0].filename == "refunds.txt"
    assert "14 days" in call.results[0].text
    assert answer.content[0].text == "Within 14 days."
    hidden = sdk.responses.create(model="gpt-4o", input="refund again", tools=tools)
    assert hidden.output[0].results is None
