"""Small apps written twice, against Assistants and against Responses, for the migration tests.

Each takes an ``openai.OpenAI`` (sync) or ``openai.AsyncOpenAI`` (the ``a*`` ones) and asks one question with
a function tool, answering tool calls with ``OUTPUT`` (or the ``output`` given).
"""

from __future__ import annotations

from typing import Any

QUESTION = "What's the weather?"
OUTPUT = "sunny"
FUNCTION = {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}
ASSISTANTS_TOOL = {"type": "function", "function": FUNCTION}
RESPONSES_TOOL = {"type": "function", **FUNCTION}
WEATHER_RULE = {
    "match": {"contains": "weather"},
    "reply": {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]},
    "then": "It is {{output}} in Paris.",
}


def assistants_app(client: Any, question: str = QUESTION, output: str = OUTPUT) -> str:
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[ASSISTANTS_TOOL])
    thread = client.beta.threads.create(messages=[{"role": "user", "content": question}])
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    while run.status == "requires_action":
        calls = run.required_action.submit_tool_outputs.tool_calls
        outputs = [{"tool_call_id": call.id, "output": output} for call in calls]
        run = client.beta.threads.runs.submit_tool_outputs_and_poll(
            thread_id=thread.id, run_id=run.id, tool_outputs=outputs
        )
    return str(client.beta.threads.messages.list(thread_id=thread.id, limit=1).data[0].content[0].text.value)


def conversation_app(client: Any, question: str = QUESTION, output: str = OUTPUT) -> str:
    conversation = client.conversations.create()
    turn: list[Any] = [{"role": "user", "content": question}]
    while True:
        response = client.responses.create(
            model="gpt-4o", input=turn, conversation=conversation.id, tools=[RESPONSES_TOOL]
        )
        calls = [item for item in response.output if item.type == "function_call"]
        if not calls:
            return str(response.output_text)
        turn = [{"type": "function_call_output", "call_id": c.call_id, "output": output} for c in calls]


def chained_app(client: Any, question: str = QUESTION, output: str = OUTPUT) -> str:
    response = client.responses.create(model="gpt-4o", input=question, tools=[RESPONSES_TOOL])
    while calls := [item for item in response.output if item.type == "function_call"]:
        outputs = [{"type": "function_call_output", "call_id": c.call_id, "output": output} for c in calls]
        response = client.responses.create(
            model="gpt-4o", input=outputs, previous_response_id=response.id, tools=[RESPONSES_TOOL]
        )
    return str(response.output_text)


def replaying_app(client: Any, question: str = QUESTION, output: str = OUTPUT) -> str:
    """Keeps the history itself and sends all of it every time (no store, no chaining)."""
    history: list[Any] = [{"role": "user", "content": question}]
    while True:
        response = client.responses.create(model="gpt-4o", input=history, tools=[RESPONSES_TOOL])
        history += [item.model_dump(exclude_none=True) for item in response.output]
        calls = [item for item in response.output if item.type == "function_call"]
        if not calls:
            return str(response.output_text)
        history += [{"type": "function_call_output", "call_id": c.call_id, "output": output} for c in calls]


async def async_conversation_app(client: Any) -> str:
    conversation = await client.conversations.create()
    turn: list[Any] = [{"role": "user", "content": QUESTION}]
    while True:
        response = await client.responses.create(
            model="gpt-4o", input=turn, conversation=conversation.id, tools=[RESPONSES_TOOL]
        )
        calls = [item for item in response.output if item.type == "function_call"]
        if not calls:
            return str(response.output_text)
        turn = [{"type": "function_call_output", "call_id": c.call_id, "output": OUTPUT} for c in calls]


async def async_assistants_app(client: Any) -> str:
    assistant = await client.beta.assistants.create(model="gpt-4o", tools=[ASSISTANTS_TOOL])
    thread = await client.beta.threads.create(messages=[{"role": "user", "content": QUESTION}])
    run = await client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    while run.status == "requires_action":
        calls = run.required_action.submit_tool_outputs.tool_calls
        run = await client.beta.threads.runs.submit_tool_outputs_and_poll(
            thread_id=thread.id, run_id=run.id, tool_outputs=[{"tool_call_id": c.id, "output": OUTPUT} for c in calls]
        )
    page = await client.beta.threads.messages.list(thread_id=thread.id, limit=1)
    return str(page.data[0].content[0].text.value)
