"""The port: the same weather bot on Responses + Conversations, still with a function tool and streaming.

What moved where (docs/migration.md): the assistant's model, instructions and tools are passed with every
request; the thread is a conversation; a run is a response, and a tool round trip is a new response whose input
is the function_call_output items.
"""

from __future__ import annotations

import json
from typing import Any

from openai import OpenAI

MODEL = "gpt-4o"
INSTRUCTIONS = "You answer weather questions. Call get_weather for the forecast."
WEATHER_TOOL = {
    "type": "function",
    "name": "get_weather",
    "description": "Today's weather in a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    "strict": False,
}


def get_weather(city: str) -> str:
    return "sunny" if city == "Paris" else "rainy"


def ask(question: str) -> str:
    """Ask the bot one question; returns the answer as it was streamed."""
    client = OpenAI()
    conversation = client.conversations.create()
    turn_input: list[Any] = [{"role": "user", "content": question}]
    answer = ""
    while True:
        with client.responses.stream(
            model=MODEL, instructions=INSTRUCTIONS, tools=[WEATHER_TOOL], conversation=conversation.id, input=turn_input
        ) as stream:
            answer += "".join(event.delta for event in stream if event.type == "response.output_text.delta")
            response = stream.get_final_response()
        calls = [item for item in response.output if item.type == "function_call"]
        if not calls:
            return answer
        turn_input = [
            {"type": "function_call_output", "call_id": c.call_id, "output": get_weather(**json.loads(c.arguments))}
            for c in calls
        ]
