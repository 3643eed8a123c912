"""Streaming with the real SDK: exact event sequences (reference section 6.3) and every helper, sync and async."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import openai
import pytest
from openai import AssistantEventHandler, AsyncAssistantEventHandler

from mockserver import MockServer

from .conftest import API_KEY, HEADERS

WEATHER_TOOL = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}
RULES = [
    {
        "match": {"contains": "weather"},
        "reply": {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]},
        "then": "It is {{output}} in Paris.",
    },
    {"match": {"contains": "fail"}, "reply": {"fail": "Sorry, something went wrong."}},
    {"match": {"contains": "hello"}, "reply": "Hello there, friend!"},
]
OPEN = ["thread.run.created", "thread.run.queued", "thread.run.in_progress"]
TEXT_TURN = [
    "thread.run.step.created",
    "thread.run.step.in_progress",
    "thread.message.created",
    "thread.message.in_progress",
    "thread.message.delta",
    "thread.message.delta",
    "thread.message.completed",
    "thread.run.step.completed",
    "thread.run.completed",
]
TOOL_TURN = [
    "thread.run.step.created",
    "thread.run.step.in_progress",
    "thread.run.step.delta",
    "thread.run.step.delta",
    "thread.run.step.delta",
    "thread.run.requires_action",
]


class Recorder(AssistantEventHandler):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def on_event(self, event: Any) -> None:
        self.names.append(event.event)


@pytest.fixture
def scripted(fresh_server: MockServer) -> MockServer:
    fresh_server.add_rules(RULES)
    fresh_server.configure_runs(chunk_size=12)
    return fresh_server


def setup(sdk: Any, text: str) -> tuple[str, str]:
    assistant = sdk.beta.assistants.create(model="gpt-4o", tools=[WEATHER_TOOL])
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": text}])
    return assistant.id, thread.id


def test_text_answer_sequence_and_helpers(scripted: MockServer, sdk: Any) -> None:
    assistant_id, thread_id = setup(sdk, "hello")
    handler = Recorder()
    with sdk.beta.threads.runs.stream(thread_id=thread_id, assistant_id=assistant_id, event_handler=handler) as stream:
        stream.until_done()
        run = stream.get_final_run()
        messages = stream.get_final_messages()
    assert handler.names == OPEN + TEXT_TURN
    assert run.status == "completed" and run.usage is not None
    assert messages[0].content[0].text.value == "Hello there, friend!"
    assert sdk.beta.threads.messages.list(thread_id=thread_id, run_id=run.id).data[0].id == messages[0].id


def test_text_deltas_are_split_by_chunk_size(scripted: MockServer, sdk: Any) -> None:
    assistant_id, thread_id = setup(sdk, "hello")
    with sdk.beta.threads.runs.stream(thread_id=thread_id, assistant_id=assistant_id) as stream:
        assert list(stream.text_deltas) == ["Hello there,", " friend!"]


def test_function_call_then_submit_tool_outputs_stream(scripted: MockServer, sdk: Any) -> None:
    assistant_id, thread_id = setup(sdk, "weather?")
    first = Recorder()
    with sdk.beta.threads.runs.stream(thread_id=thread_id, assistant_id=assistant_id, event_handler=first) as stream:
        stream.until_done()
        run = stream.get_final_run()
        steps = stream.get_final_run_steps()
    assert first.names == OPEN + TOOL_TURN
    call = run.required_action.submit_tool_outputs.tool_calls[0]
    assert call.function.arguments == '{"city":"Paris"}'
    assert steps[0].step_details.tool_calls[0].function.arguments == '{"city":"Paris"}'
    second = Recorder()
    with sdk.beta.threads.runs.submit_tool_outputs_stream(
        thread_id=thread_id,
        run_id=run.id,
        tool_outputs=[{"tool_call_id": call.id, "output": "sunny"}],
        event_handler=second,
    ) as stream:
        stream.until_done()
        assert stream.get_final_messages()[0].content[0].text.value == "It is sunny in Paris."
    assert second.names == [
        "thread.run.step.completed",
        "thread.run.queued",
        "thread.run.in_progress",
        *TEXT_TURN,
    ]


def test_create_and_run_stream_starts_with_thread_created(scripted: MockServer, sdk: Any) -> None:
    assistant = sdk.beta.assistants.create(model="gpt-4o")
    handler = Recorder()
    with sdk.beta.threads.create_and_run_stream(
        assistant_id=assistant.id, thread={"messages": [{"role": "user", "content": "hello"}]}, event_handler=handler
    ) as stream:
        stream.until_done()
    assert handler.names == ["thread.created", *OPEN, *TEXT_TURN]


def test_failure_sequence(scripted: MockServer, sdk: Any) -> None:
    assistant_id, thread_id = setup(sdk, "please fail")
    handler = Recorder()
    with sdk.beta.threads.runs.stream(thread_id=thread_id, assistant_id=assistant_id, event_handler=handler) as stream:
        stream.until_done()
        run = stream.get_final_run()
    assert handler.names == [*OPEN, "thread.run.failed"]
    assert run.last_error.code == "server_error" and run.last_error.message == "Sorry, something went wrong."


def test_cancel_while_streaming(scripted: MockServer, sdk: Any) -> None:
    """Under ``on_clock`` the stream waits after ``queued``; a cancel from the handler ends it."""
    scripted.configure_runs(progress="on_clock")
    assistant_id, thread_id = setup(sdk, "hello")

    class Canceller(Recorder):
        def on_event(self, event: Any) -> None:
            super().on_event(event)
            if event.event == "thread.run.queued":
                sdk.beta.threads.runs.cancel(run_id=event.data.id, thread_id=thread_id)

    handler = Canceller()
    with sdk.beta.threads.runs.stream(thread_id=thread_id, assistant_id=assistant_id, event_handler=handler) as stream:
        stream.until_done()
        assert stream.get_final_run().status == "cancelled"
    assert handler.names == ["thread.run.created", "thread.run.queued", "thread.run.cancelling", "thread.run.cancelled"]


def test_streamed_and_polled_runs_end_in_the_same_state(scripted: MockServer, sdk: Any) -> None:
    def play(stream: bool) -> list[Any]:
        scripted.reset()
        scripted.add_rules(RULES)
        assistant_id, thread_id = setup(sdk, "weather?")
        if stream:
            with sdk.beta.threads.runs.stream(thread_id=thread_id, assistant_id=assistant_id) as s:
                s.until_done()
                run = s.get_final_run()
            call = run.required_action.submit_tool_outputs.tool_calls[0].id
            with sdk.beta.threads.runs.submit_tool_outputs_stream(
                thread_id=thread_id, run_id=run.id, tool_outputs=[{"tool_call_id": call, "output": "22C"}]
            ) as s:
                s.until_done()
        else:
            run = sdk.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
            call = run.required_action.submit_tool_outputs.tool_calls[0].id
            sdk.beta.threads.runs.submit_tool_outputs_and_poll(
                thread_id=thread_id, run_id=run.id, tool_outputs=[{"tool_call_id": call, "output": "22C"}]
            )
        return [
            sdk.beta.threads.runs.retrieve(run.id, thread_id=thread_id).to_dict(),
            [m.to_dict() for m in sdk.beta.threads.messages.list(thread_id=thread_id)],
            [s.to_dict() for s in sdk.beta.threads.runs.steps.list(run_id=run.id, thread_id=thread_id)],
        ]

    assert play(stream=True) == play(stream=False)


def test_stream_errors_before_streaming_are_plain_json(fresh_server: MockServer, sdk: Any) -> None:
    stream = sdk.beta.threads.runs.stream(thread_id="thread_" + "x" * 24, assistant_id="asst_" + "x" * 24)
    with pytest.raises(openai.NotFoundError), stream as s:
        s.until_done()


def test_wire_framing_ends_with_done(fresh_server: MockServer, sdk: Any) -> None:
    assistant_id, thread_id = setup(sdk, "hi")
    response = httpx.post(
        f"{fresh_server.base_url}/threads/{thread_id}/runs",
        json={"assistant_id": assistant_id, "stream": True},
        headers=HEADERS,
    )
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert response.text.startswith("event: thread.run.created\ndata: {")
    assert response.text.endswith("event: done\ndata: [DONE]\n\n")


def test_async_stream_helpers(scripted: MockServer) -> None:
    async def scenario() -> tuple[list[str], str, str]:
        client = scripted.async_client(api_key=API_KEY, _strict_response_validation=True)
        assistant = await client.beta.assistants.create(model="gpt-4o", tools=[WEATHER_TOOL])
        thread = await client.beta.threads.create(messages=[{"role": "user", "content": "weather?"}])
        names: list[str] = []

        class Handler(AsyncAssistantEventHandler):
            async def on_event(self, event: Any) -> None:
                names.append(event.event)

        async with client.beta.threads.runs.stream(
            thread_id=thread.id, assistant_id=assistant.id, event_handler=Handler()
        ) as stream:
            await stream.until_done()
            run = await stream.get_final_run()
        call = run.required_action.submit_tool_outputs.tool_calls[0].id
        async with client.beta.threads.runs.submit_tool_outputs_stream(
            thread_id=thread.id, run_id=run.id, tool_outputs=[{"tool_call_id": call, "output": "mild"}]
        ) as stream:
            text = "".join([delta async for delta in stream.text_deltas])
        async with client.beta.threads.create_and_run_stream(
            assistant_id=assistant.id, thread={"messages": [{"role": "user", "content": "hello"}]}
        ) as stream:
            await stream.until_done()
            final = (await stream.get_final_messages())[0].content[0].text.value
        await client.close()
        return names, text, final

    names, text, final = asyncio.run(scenario())
    assert names == OPEN + TOOL_TURN
    assert text == "It is mild in Paris." and final == "Hello there, friend!"


def test_chunk_delay_keeps_the_sequence(scripted: MockServer, sdk: Any) -> None:
    scripted.configure_runs(chunk_size=4, chunk_delay_ms=1)
    assistant_id, thread_id = setup(sdk, "hello")
    with sdk.beta.threads.runs.stream(thread_id=thread_id, assistant_id=assistant_id) as stream:
        pieces = list(stream.text_deltas)
    assert pieces == ["Hell", "o th", "ere,", " fri", "end!"]


def test_on_clock_stream_that_never_progresses_ends_with_an_error(scripted: MockServer, sdk: Any) -> None:
    scripted.configure_runs(progress="on_clock", stream_timeout_ms=0)
    assistant_id, thread_id = setup(sdk, "hello")
    stream = sdk.beta.threads.runs.stream(thread_id=thread_id, assistant_id=assistant_id)
    with pytest.raises(openai.APIError, match="did not reach a state that ends the stream"), stream as events:
        events.until_done()


def test_annotations_ride_on_text_deltas(fresh_server: MockServer, sdk: Any) -> None:
    """Annotations arrive on the delta whose text completes them (as real streams do), never in a value-less
    delta: the SDK docs' handler ``print(delta.value, end="")`` must not print ``None``."""
    note = {"type": "file_citation", "text": "the policy", "file_id": "file-x"}
    fresh_server.add_rule(
        match={"contains": "cite"}, reply={"text": "See the policy for details.", "annotations": [note]}
    )
    fresh_server.configure_runs(chunk_size=5)
    assistant_id, thread_id = setup(sdk, "cite")
    deltas: list[tuple[str | None, list[Any]]] = []

    class Handler(AssistantEventHandler):
        def on_text_delta(self, delta: Any, snapshot: Any) -> None:
            deltas.append((delta.value, list(delta.annotations or [])))

    with sdk.beta.threads.runs.stream(thread_id=thread_id, assistant_id=assistant_id, event_handler=Handler()) as s:
        s.until_done()
        final = s.get_final_messages()[0].content[0].text
    assert [value for value, _ in deltas] == ["See t", "he po", "licy ", "for d", "etail", "s."]
    assert [len(notes) for _, notes in deltas] == [0, 0, 1, 0, 0, 0]
    assert deltas[2][1][0].start_index == 4 and deltas[2][1][0].end_index == 14
    assert final.value[final.annotations[0].start_index : final.annotations[0].end_index] == "the policy"
