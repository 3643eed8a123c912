"""A smoke run of the main Assistants flows with whatever ``openai`` SDK is installed (2.x or 3.x).

The suite runs it with the SDK from the test extras (``test_sdk_compat.py``); to check another SDK line, run it
in an environment that has that version: ``pip install 'openai==2.54.0' -e . && python tests/sdk_compat_smoke.py``.
It exits non-zero (an AssertionError) if any flow misbehaves.
"""

from __future__ import annotations

import asyncio
import warnings

import openai

from mockserver import MockServer

WEATHER = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}


def main() -> None:
    warnings.simplefilter("ignore", DeprecationWarning)
    with MockServer() as server:
        server.add_rule(
            match={"contains": "weather"},
            reply={"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]},
            then="It is {{output}} in Paris.",
        )
        kwargs = {"api_key": "sk-compat", "base_url": server.base_url, "max_retries": 0}
        with openai.OpenAI(**kwargs, _strict_response_validation=True) as client:  # type: ignore[arg-type]
            beta = client.beta
            assistant = beta.assistants.create(model="gpt-4o", tools=[WEATHER])  # type: ignore[list-item]
            thread = beta.threads.create(messages=[{"role": "user", "content": "What's the weather?"}])
            run = beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
            assert run.status == "requires_action" and run.required_action is not None
            call = run.required_action.submit_tool_outputs.tool_calls[0]
            run = beta.threads.runs.submit_tool_outputs_and_poll(
                thread_id=thread.id, run_id=run.id, tool_outputs=[{"tool_call_id": call.id, "output": "22C"}]
            )
            reply = beta.threads.messages.list(thread_id=thread.id, run_id=run.id).data[0]
            assert run.status == "completed" and reply.content[0].text.value == "It is 22C in Paris."  # type: ignore[union-attr]

            beta.threads.messages.create(thread_id=thread.id, role="user", content="hello")
            with beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
                assert "".join(stream.text_deltas) and stream.get_final_run().status == "completed"
            events = [
                e.event
                for e in beta.threads.create_and_run(
                    assistant_id=assistant.id, thread={"messages": [{"role": "user", "content": "hi"}]}, stream=True
                )
            ]
            assert events[:2] == ["thread.created", "thread.run.created"] and events[-1] == "thread.run.completed"
            try:
                beta.threads.retrieve("thread_missing")
            except openai.NotFoundError as error:
                assert "No thread found with id 'thread_missing'." in error.message
            else:
                raise AssertionError("expected a 404")

        async def polled_async() -> str:
            async with openai.AsyncOpenAI(**kwargs, _strict_response_validation=True) as aclient:  # type: ignore[arg-type]
                created = await aclient.beta.threads.create()
                done = await aclient.beta.threads.runs.create_and_poll(thread_id=created.id, assistant_id=assistant.id)
                return done.status

        assert asyncio.run(polled_async()) == "completed"
    print(f"openai {openai.__version__}: all flows OK")


if __name__ == "__main__":
    main()
