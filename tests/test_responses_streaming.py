"""Streamed responses (reference section 5): exact event sequences over raw HTTP, and the SDK's stream helpers
(sync and async, strict validation): text deltas, function-call argument deltas, get_final_response, parse."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import openai
import pydantic
import pytest

from mockserver import MockServer

from .clients import tracked
from .test_responses_sdk import WEATHER_RULE, WEATHER_TOOL

HEADERS = {"Authorization": "Bearer sk-test-key"}


def raw_stream(
    server: MockServer, body: dict[str, Any], path: str = "/v1/responses"
) -> list[tuple[str, dict[str, Any]]]:
    """(event line, data) of every frame; asserts the framing of reference 5.1 on the way."""
    with httpx.Client(base_url=server.url, headers=HEADERS) as client:
        answer = client.post(path, json=body) if body else client.get(path)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert "[DONE]" not in answer.text and answer.text.endswith("\n\n")
    frames = []
    for block in answer.text.strip("\n").split("\n\n"):
        event_line, data_line = block.split("\n")
        name = event_line.removeprefix("event: ")
        data = json.loads(data_line.removeprefix("data: "))
        assert data["type"] == name
        frames.append((name, data))
    return frames


def names(frames: list[tuple[str, dict[str, Any]]]) -> list[str]:
    return [name for name, _ in frames]


def test_text_stream_is_the_sequence_of_reference_5_3(fresh_server: MockServer) -> None:
    fresh_server.add_rule(reply="Hello there, how are you doing?")
    frames = raw_stream(fresh_server, {"model": "gpt-4o", "input": "hi", "stream": True})
    assert names(frames) == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.delta",
        "response.output_text.delta",
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert [data["sequence_number"] for _, data in frames] == list(range(len(frames)))
    created = frames[0][1]["response"]
    assert created["status"] == "in_progress" and created["usage"] is None and created["service_tier"] == "auto"
    assert "billing" not in frames[-1][1]["response"]
    added = frames[2][1]["item"]
    assert added["status"] == "in_progress" and added["content"] == []
    deltas = [data["delta"] for name, data in frames if name == "response.output_text.delta"]
    assert deltas == ["Hello there, how", " are you doing?"]
    assert frames[6][1]["text"] == "".join(deltas) and frames[6][1]["logprobs"] == []
    final = frames[-1][1]["response"]
    stored = (
        tracked(fresh_server.client(api_key="sk-test-key"))
        .responses.retrieve(final["id"])
        .model_dump(mode="json", exclude_unset=True)
    )
    assert {k: v for k, v in stored.items() if k != "billing"} == final


def test_function_call_stream_is_the_sequence_of_reference_5_4(fresh_server: MockServer) -> None:
    fresh_server.add_rule(
        match={"contains": "two"},
        reply={"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}, {"name": "get_weather"}]},
    )
    body = {"model": "gpt-4o", "input": "two cities", "stream": True, "tools": [WEATHER_TOOL]}
    frames = raw_stream(fresh_server, body)
    assert names(frames) == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.function_call_arguments.delta",
        "response.function_call_arguments.done",
        "response.output_item.done",
        "response.output_item.added",
        "response.function_call_arguments.delta",
        "response.function_call_arguments.done",
        "response.output_item.done",
        "response.completed",
    ]
    opening = frames[2][1]["item"]
    assert opening["arguments"] == "" and opening["status"] == "in_progress" and opening["call_id"].startswith("call_")
    assert "name" not in frames[4][1] and frames[4][1]["arguments"] == '{"city":"Paris"}'
    assert [f[1]["output_index"] for f in frames if f[0] == "response.output_item.added"] == [0, 1]


def test_refusal_failure_and_incomplete_streams(fresh_server: MockServer) -> None:
    fresh_server.add_rule(match={"contains": "secret"}, reply={"refusal": "No."})
    fresh_server.add_rule(match={"contains": "crash"}, reply={"fail": "it broke"})
    fresh_server.add_rule(match={"contains": "long"}, reply="y" * 100)
    refusal = raw_stream(fresh_server, {"model": "m", "input": "secret", "stream": True})
    assert names(refusal)[3:7] == [
        "response.content_part.added",
        "response.refusal.delta",
        "response.refusal.done",
        "response.content_part.done",
    ]
    assert refusal[3][1]["part"] == {"type": "refusal", "refusal": ""} and refusal[5][1]["refusal"] == "No."
    failed = raw_stream(fresh_server, {"model": "m", "input": "crash", "stream": True})
    assert names(failed) == ["response.created", "response.in_progress", "error", "response.failed"]
    assert failed[2][1]["error"] == {
        "type": "server_error",
        "code": "server_error",
        "message": "it broke",
        "param": None,
    }
    assert failed[3][1]["response"]["error"] == {"code": "server_error", "message": "it broke"}
    cut = raw_stream(fresh_server, {"model": "m", "input": "long", "stream": True, "max_output_tokens": 16})
    assert names(cut)[-2:] == ["response.output_item.done", "response.incomplete"]
    assert cut[-2][1]["item"]["status"] == "incomplete"
    assert cut[-1][1]["response"]["incomplete_details"] == {"reason": "max_output_tokens"}


def test_sdk_stream_helper_text_and_final_response(fresh_server: MockServer, sdk: Any) -> None:
    fresh_server.add_rule(reply="The quick brown fox jumps over the lazy dog.")
    with sdk.responses.stream(model="gpt-4o", input="go") as stream:
        deltas = [event.delta for event in stream if event.type == "response.output_text.delta"]
        final = stream.get_final_response()
    assert "".join(deltas) == final.output_text == "The quick brown fox jumps over the lazy dog."
    assert sdk.responses.retrieve(final.id).status == "completed"


def test_sdk_stream_helper_function_call_arguments(fresh_server: MockServer, sdk: Any) -> None:
    fresh_server.add_rule(**WEATHER_RULE)
    with sdk.responses.stream(model="gpt-4o", input="weather?", tools=[WEATHER_TOOL]) as stream:
        snapshots = [e.snapshot for e in stream if e.type == "response.function_call_arguments.delta"]
        final = stream.get_final_response()
    assert snapshots[-1] == final.output[0].arguments == '{"city":"Paris"}'


def test_sdk_stream_raises_api_error_on_a_failure(fresh_server: MockServer, sdk: Any) -> None:
    fresh_server.add_rule(reply={"fail": {"code": "server_error", "message": "boom"}})
    with pytest.raises(openai.APIError, match="boom"), sdk.responses.stream(model="gpt-4o", input="x") as stream:
        for _ in stream:
            pass


class Weather(pydantic.BaseModel):
    city: str
    celsius: int


def test_parse_without_a_rule_yields_a_valid_model(sdk: Any) -> None:
    parsed = sdk.responses.parse(model="gpt-4o", input="weather as JSON", text_format=Weather)
    assert isinstance(parsed.output_parsed, Weather)


def test_strict_schema_mismatch_is_a_clear_failure(fresh_server: MockServer, sdk: Any) -> None:
    fresh_server.add_rule(reply='{"city": "Paris"}')
    response = sdk.responses.create(
        model="gpt-4o",
        input="x",
        text={"format": {"type": "json_schema", "name": "Weather", "strict": True, "schema": {
            "type": "object", "properties": {"city": {"type": "string"}, "celsius": {"type": "integer"}},
            "required": ["city", "celsius"], "additionalProperties": False}}},
    )  # fmt: skip
    assert response.status == "failed" and "does not match the strict json_schema 'Weather'" in response.error.message
    assert fresh_server.script_misses()


def test_async_stream_helper(fresh_server: MockServer, async_sdk: Any) -> None:
    fresh_server.add_rule(match={"equals": "go"}, reply="async hello world, streamed in pieces")

    async def flow() -> tuple[str, str]:
        try:
            async with async_sdk.responses.stream(model="gpt-4o", input="go") as stream:
                deltas = [e.delta async for e in stream if e.type == "response.output_text.delta"]
                final = await stream.get_final_response()
            parsed = await async_sdk.responses.parse(model="gpt-4o", input="x", text_format=Weather)
            assert isinstance(parsed.output_parsed, Weather)
            return "".join(deltas), final.output_text
        finally:
            await async_sdk.close()

    joined, text = asyncio.run(flow())
    assert joined == text == "async hello world, streamed in pieces"
