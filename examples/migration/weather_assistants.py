"""The legacy app: a weather bot on the Assistants API (retired 2026-08-26), with a function tool and streaming."""

from __future__ import annotations

import json

from openai import OpenAI

MODEL = "gpt-4o"
INSTRUCTIONS = "You answer weather questions. Call get_weather for the forecast."
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Today's weather in a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


def get_weather(city: str) -> str:
    return "sunny" if city == "Paris" else "rainy"


def ask(question: str) -> str:
    """Ask the bot one question; returns the answer as it was streamed."""
    client = OpenAI()
    assistant = client.beta.assistants.create(model=MODEL, instructions=INSTRUCTIONS, tools=[WEATHER_TOOL])
    thread = client.beta.threads.create(messages=[{"role": "user", "content": question}])
    with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
        answer = "".join(stream.text_deltas)
        run = stream.get_final_run()
    while run.status == "requires_action" and run.required_action is not None:
        outputs = [
            {"tool_call_id": call.id, "output": get_weather(**json.loads(call.function.arguments))}
            for call in run.required_action.submit_tool_outputs.tool_calls
        ]
        with client.beta.threads.runs.submit_tool_outputs_stream(
            thread_id=thread.id, run_id=run.id, tool_outputs=outputs
        ) as stream:
            answer += "".join(stream.text_deltas)
            run = stream.get_final_run()
    return answer
