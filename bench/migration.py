"""What the migration check costs on top of running the two paths: ``compare(legacy, ported)`` vs the same two
apps run with a reset before each (target: ratio <= 1.3), for a tool round trip on each API.

The check adds a snapshot of the project before each side and a transcript read after it (stored objects
through the surfaces' operations, plus the journal); both are proportional to what the app created. Both sides
here reuse one SDK client (a ``Target``): building a client costs ~0.1 s of its own (the SDK loads the TLS
trust store), which ``compare(..., server=server)`` pays once per call and the pytest forms once per test.
"""

from __future__ import annotations

import argparse
import statistics
from typing import Any

from common import API_KEY, interleaved, spread, table, us, verdict

from mockserver import MockServer
from mockserver.migration import Target, compare

FUNCTION = {"name": "get_weather", "parameters": {"type": "object"}}


def legacy(client: Any) -> None:
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[{"type": "function", "function": FUNCTION}])
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "weather?"}])
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    call = run.required_action.submit_tool_outputs.tool_calls[0]
    client.beta.threads.runs.submit_tool_outputs_and_poll(
        thread_id=thread.id, run_id=run.id, tool_outputs=[{"tool_call_id": call.id, "output": "sunny"}]
    )


def ported(client: Any) -> None:
    tools = [{"type": "function", **FUNCTION}]
    conversation = client.conversations.create()
    first = client.responses.create(model="gpt-4o", input="weather?", conversation=conversation.id, tools=tools)
    output = [{"type": "function_call_output", "call_id": first.output[0].call_id, "output": "sunny"}]
    client.responses.create(model="gpt-4o", input=output, conversation=conversation.id, tools=tools)


def main(quick: bool = False) -> bool:
    calls, repeats = (5, 5) if quick else (20, 9)
    with MockServer() as server, server.client(api_key=API_KEY) as client:
        server.add_rule(
            match={"contains": "weather"},
            reply={"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]},
            then="It is {{output}}.",
        )

        def plain() -> None:
            for app in (legacy, ported):
                server.reset(API_KEY)
                app(client)

        target = Target(server, API_KEY, client_options={"api_key": API_KEY})

        def checked() -> None:
            assert compare(legacy, ported, server=target).equivalent

        r = interleaved({"plain": plain, "compare": checked}, calls=calls, repeats=repeats, warmup=3)
        target.close()
    mp, mc = statistics.median(r["plain"]), statistics.median(r["compare"])
    table(
        "Migration check: compare(legacy, ported) vs running both paths (median per pair, IQR)",
        ["flow", "plain", "plain IQR", "compare", "compare IQR", "ratio"],
        [["tool round trip", us(mp), us(spread(r["plain"])), us(mc), us(spread(r["compare"])), f"{mc / mp:.3f}"]],
    )
    return verdict("migration check overhead ratio", mc / mp, 1.3)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    raise SystemExit(0 if main(parser.parse_args().quick) else 1)
