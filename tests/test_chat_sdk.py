"""Chat Completions end to end with the real SDK (strict response validation), sync and async."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import openai
import pytest
from pydantic import BaseModel

from mockserver import MockServer

from .clients import tracked

U = [{"role": "user", "content": "What is the weather in Paris?"}]
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "strict": True,
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["c", "f"]}},
            "required": ["city", "unit"],
            "additionalProperties": False,
        },
    },
}
TIME = {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object", "properties": {}}}}


class Step(BaseModel):
    explanation: str
    output: str


class MathReasoning(BaseModel):
    steps: list[Step]
    final_answer: str


def test_default_reply_shape(sdk: Any) -> None:
    completion = sdk.chat.completions.create(model="gpt-4o-mini", messages=U)
    assert completion.object == "chat.completion"
    assert completion.id.startswith("chatcmpl-") and len(completion.id) == len("chatcmpl-") + 29
    assert completion.model == "gpt-4o-mini"
    assert completion.service_tier == "default"
    assert completion.system_fingerprint.startswith("fp_") and len(completion.system_fingerprint) == 13
    choice = completion.choices[0]
    assert choice.finish_reason == "stop" and choice.logprobs is None
    assert choice.message.role == "assistant" and choice.message.refusal is None and choice.message.annotations == []
    assert choice.message.content.startswith("Hello from mockserver!")
    usage = completion.usage
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    assert usage.prompt_tokens_details.cached_tokens == 0 and usage.completion_tokens_details.reasoning_tokens == 0


def test_async_create_and_parse(fresh_server: MockServer) -> None:
    async def run() -> tuple[str, MathReasoning]:
        async with fresh_server.async_client(_strict_response_validation=True) as client:
            plain = await client.chat.completions.create(model="gpt-4o", messages=U)
            parsed = await client.chat.completions.parse(model="gpt-4o", messages=U, response_format=MathReasoning)
            assert parsed.choices[0].message.parsed is not None
            return plain.choices[0].message.content, parsed.choices[0].message.parsed

    content, parsed = asyncio.run(run())
    assert content.startswith("Hello from mockserver!")
    assert parsed == MathReasoning(
        steps=[Step(explanation="explanation", output="output")], final_answer="final_answer"
    )


def test_rule_text_with_template(sdk: Any, fresh_server: MockServer) -> None:
    fresh_server.add_rule(match={"contains": "Paris"}, reply="You asked: {{message}}")
    completion = sdk.chat.completions.create(model="gpt-4o", messages=U)
    assert completion.choices[0].message.content == "You asked: What is the weather in Paris?"


def test_rules_match_on_model_and_metadata(sdk: Any, fresh_server: MockServer) -> None:
    fresh_server.add_rule(match={"model": "gpt-4o-mini"}, reply="mini")
    fresh_server.add_rule(match={"metadata": {"team": "a"}}, reply="team a")
    ask = sdk.chat.completions.create
    assert ask(model="gpt-4o-mini", messages=U).choices[0].message.content == "mini"
    assert ask(model="gpt-4o", messages=U, metadata={"team": "a"}).choices[0].message.content == "team a"
    assert ask(model="gpt-4o", messages=U).choices[0].message.content.startswith("Hello from mockserver!")


def test_tool_call_then_follow_up_continues_the_rule(sdk: Any, fresh_server: MockServer) -> None:
    fresh_server.add_rule(
        match={"contains": "weather"},
        reply={"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris", "unit": "c"}}]},
        then=["It is {{output}} in Paris."],
        times=1,
    )
    messages: list[Any] = list(U)
    first = sdk.chat.completions.create(model="gpt-4o", messages=messages, tools=[WEATHER])
    choice = first.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    (call,) = choice.message.tool_calls
    assert call.id.startswith("call_") and len(call.id) == 29 and call.type == "function"
    assert json.loads(call.function.arguments) == {"city": "Paris", "unit": "c"}
    messages += [choice.message, {"role": "tool", "tool_call_id": call.id, "content": "22C"}]
    second = sdk.chat.completions.create(model="gpt-4o", messages=messages, tools=[WEATHER])
    assert second.choices[0].message.content == "It is 22C in Paris."
    # times: 1 counted one use for the whole exchange; a new question gets the default reply
    third = sdk.chat.completions.create(model="gpt-4o", messages=U, tools=[WEATHER])
    assert third.choices[0].message.tool_calls is None


def test_follow_up_without_a_known_call_uses_the_turn_index(sdk: Any, fresh_server: MockServer) -> None:
    fresh_server.add_rule(match={"contains": "weather"}, reply={"tool_calls": [{"name": "get_time"}]}, then=["done"])
    call = {"id": "call_x", "type": "function", "function": {"name": "get_time", "arguments": "{}"}}
    messages = [
        *U,
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "call_x", "content": "9"},
    ]
    assert (
        sdk.chat.completions.create(model="gpt-4o", messages=messages, tools=[TIME]).choices[0].message.content
        == "done"
    )


def test_parallel_calls_and_parallel_off(sdk: Any, fresh_server: MockServer) -> None:
    calls = [{"name": "get_time"}, {"name": "get_weather", "arguments": {"city": "Oslo", "unit": "c"}}]
    fresh_server.add_rule(reply={"tool_calls": calls})
    both = sdk.chat.completions.create(model="gpt-4o", messages=U, tools=[TIME, WEATHER])
    assert [c.function.name for c in both.choices[0].message.tool_calls] == ["get_time", "get_weather"]
    one = sdk.chat.completions.create(model="gpt-4o", messages=U, tools=[TIME, WEATHER], parallel_tool_calls=False)
    assert [c.function.name for c in one.choices[0].message.tool_calls] == ["get_time"]


def test_forced_tool_choice_calls_with_schema_valid_arguments(sdk: Any) -> None:
    forced = {"type": "function", "function": {"name": "get_weather"}}
    completion = sdk.chat.completions.create(model="gpt-4o", messages=U, tools=[TIME, WEATHER], tool_choice=forced)
    (call,) = completion.choices[0].message.tool_calls
    assert call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == {"city": "city", "unit": "c"}
    required = sdk.chat.completions.create(model="gpt-4o", messages=U, tools=[TIME], tool_choice="required")
    assert required.choices[0].message.tool_calls[0].function.name == "get_time"


def test_tool_choice_none_skips_a_tool_call_turn(sdk: Any, fresh_server: MockServer) -> None:
    fresh_server.add_rule(reply={"tool_calls": [{"name": "get_time"}]})
    completion = sdk.chat.completions.create(model="gpt-4o", messages=U, tools=[TIME], tool_choice="none")
    assert completion.choices[0].finish_reason == "stop" and completion.choices[0].message.tool_calls is None


def test_a_rule_calling_an_unknown_function_is_a_clear_error(sdk: Any, fresh_server: MockServer) -> None:
    fresh_server.add_rule(name="bad", reply={"tool_calls": [{"name": "nope"}]})
    with pytest.raises(openai.InternalServerError) as info:
        sdk.chat.completions.create(model="gpt-4o", messages=U, tools=[TIME])
    assert info.value.body["message"] == (
        "mockserver: script rule 'bad' calls function 'nope', but the request has no tool of that name "
        "(tools: get_time)."
    )
    assert fresh_server.script_misses()[0]["message"] == info.value.body["message"]
    fresh_server.store.script.clear_script_misses()


def test_strict_arguments_are_checked(sdk: Any, fresh_server: MockServer) -> None:
    fresh_server.add_rule(name="loose", reply={"tool_calls": [{"name": "get_weather", "arguments": {"city": 1}}]})
    with pytest.raises(openai.InternalServerError) as info:
        sdk.chat.completions.create(model="gpt-4o", messages=U, tools=[WEATHER])
    assert (
        "does not match the schema of function 'get_weather': $: 'unit' is a required property"
        in info.value.body["message"]
    )
    fresh_server.store.script.clear_script_misses()


def test_refusal(sdk: Any, fresh_server: MockServer) -> None:
    fresh_server.add_rule(reply={"refusal": "I'm sorry, I can't assist with that request."})
    completion = sdk.chat.completions.create(model="gpt-4o", messages=U)
    message = completion.choices[0].message
    assert message.content is None and message.refusal == "I'm sorry, I can't assist with that request."
    parsed = sdk.chat.completions.parse(model="gpt-4o", messages=U, response_format=MathReasoning)
    assert parsed.choices[0].message.parsed is None and parsed.choices[0].message.refusal


def test_parse_with_scripted_json(sdk: Any, fresh_server: MockServer) -> None:
    answer = {"steps": [{"explanation": "add", "output": "2"}], "final_answer": "2"}
    fresh_server.add_rule(match={"contains": "1+1"}, reply=json.dumps(answer))
    parsed = sdk.chat.completions.parse(
        model="gpt-4o", messages=[{"role": "user", "content": "1+1"}], response_format=MathReasoning
    )
    assert parsed.choices[0].message.parsed == MathReasoning.model_validate(answer)


def test_scripted_json_that_breaks_a_strict_schema_is_a_clear_error(sdk: Any, fresh_server: MockServer) -> None:
    fresh_server.add_rule(name="wrong", reply='{"final_answer": 2}')
    with pytest.raises(openai.InternalServerError) as info:
        sdk.chat.completions.parse(model="gpt-4o", messages=U, response_format=MathReasoning)
    assert info.value.body["message"] == (
        "mockserver: script rule 'wrong' replies with text that does not match the schema of response_format "
        "'MathReasoning': $: 'steps' is a required property; $.final_answer: 2 is not of type 'string'"
    )
    assert info.value.body["code"] == "script_error"
    fresh_server.store.script.clear_script_misses()


def test_n_choices_are_distinct_and_logprobs_deterministic(sdk: Any) -> None:
    kwargs: dict[str, Any] = {"model": "gpt-4o", "messages": U, "n": 3, "logprobs": True, "top_logprobs": 2}
    first = sdk.chat.completions.create(**kwargs)
    assert [c.index for c in first.choices] == [0, 1, 2]
    assert len({c.message.content for c in first.choices}) == 3
    tokens = first.choices[0].logprobs.content
    assert "".join(t.token for t in tokens) == first.choices[0].message.content
    assert all(len(t.top_logprobs) == 2 and t.top_logprobs[0].logprob == t.logprob for t in tokens)
    assert all(bytes(t.bytes) == t.token.encode() for t in tokens)
    again = sdk.chat.completions.create(**kwargs)
    assert [c.logprobs for c in again.choices] == [c.logprobs for c in first.choices]


def test_max_completion_tokens_cuts_with_length(sdk: Any) -> None:
    completion = sdk.chat.completions.create(model="gpt-4o", messages=U, max_completion_tokens=2)
    assert completion.choices[0].finish_reason == "length"
    assert completion.choices[0].message.content == "Hello fr"
    with pytest.raises(openai.LengthFinishReasonError):
        sdk.chat.completions.parse(model="gpt-4o", messages=U, response_format=MathReasoning, max_completion_tokens=2)


def test_stop_sequences_and_seed(sdk: Any) -> None:
    completion = sdk.chat.completions.create(model="gpt-4o", messages=U, stop=["!"], seed=7)
    assert completion.choices[0].message.content == "Hello from mockserver"


def test_json_object_default_reply(sdk: Any) -> None:
    messages = [{"role": "user", "content": "Answer in JSON"}]
    completion = sdk.chat.completions.create(model="gpt-4o", messages=messages, response_format={"type": "json_object"})
    assert json.loads(completion.choices[0].message.content)["reply"].startswith("Hello from mockserver!")


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("rate_limit_exceeded", openai.RateLimitError),
        ("server_error", openai.InternalServerError),
        ("invalid_prompt", openai.BadRequestError),
    ],
)
def test_fail_replies_are_http_errors(sdk: Any, fresh_server: MockServer, code: str, error: type[Exception]) -> None:
    fresh_server.add_rule(reply={"fail": {"code": code, "message": "nope"}})
    with pytest.raises(error) as info:
        sdk.chat.completions.create(model="gpt-4o", messages=U)
    assert info.value.body["message"] == "nope" and info.value.body["code"] == code  # type: ignore[attr-defined]


def test_strict_mode_miss(sdk: Any, fresh_server: MockServer) -> None:
    fresh_server.configure_runs(strict=True)
    fresh_server.add_rule(name="greeting", match={"contains": "hello"}, reply="hi")
    with pytest.raises(openai.InternalServerError) as info:
        sdk.chat.completions.create(model="gpt-4o", messages=U)
    message = info.value.body["message"]
    assert message.startswith("mockserver strict mode: no script rule matched this chat completion")
    assert "'greeting'" in message
    (miss,) = fresh_server.script_misses()
    assert miss["surface"] == "chat.completions"
    fresh_server.store.script.clear_script_misses()


def test_requests_are_journaled(sdk: Any, fresh_server: MockServer) -> None:
    sdk.chat.completions.create(model="gpt-4o", messages=U)
    (entry,) = fresh_server.requests(path="/v1/chat/completions")
    assert entry.status == 200


def test_project_isolation_of_stored_completions(fresh_server: MockServer) -> None:
    a = tracked(fresh_server.client(api_key="sk-a", _strict_response_validation=True))
    b = tracked(fresh_server.client(api_key="sk-b", _strict_response_validation=True))
    made = a.chat.completions.create(model="gpt-4o", messages=U, store=True)
    assert a.chat.completions.retrieve(made.id).id == made.id
    with pytest.raises(openai.NotFoundError):
        b.chat.completions.retrieve(made.id)
    assert b.chat.completions.list().data == []
