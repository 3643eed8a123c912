"""Polled runs with the real SDK (sync and async): poll helpers, tool loop, cancel, failure, expiry, 400s, strict
mode, and script rules from Python, over HTTP and from a scenario file."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from mockserver import MockServer

from .conftest import API_KEY, HEADERS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
WEATHER_TOOL = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}
WEATHER_RULE = {
    "match": {"contains": "weather"},
    "reply": {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]},
    "then": "It is {{output}} in Paris.",
}


def setup(sdk: Any, text: str, **assistant: Any) -> tuple[str, str]:
    created = sdk.beta.assistants.create(model="gpt-4o", tools=[WEATHER_TOOL], **assistant)
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": text}])
    return created.id, thread.id


def test_create_and_poll_finishes_in_one_poll(fresh_server: MockServer, sdk: Any) -> None:
    assistant_id, thread_id = setup(sdk, "hi")
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    assert run.status == "completed"
    retrieves = fresh_server.requests(method="GET", path_contains="/runs/")
    assert len(retrieves) == 1, "the first poll already sees the outcome"
    reply = sdk.beta.threads.messages.list(thread_id=thread_id, run_id=run.id).data[0]
    assert reply.content[0].text.value.startswith("Hello from mockserver!")


def test_function_calling_loop(fresh_server: MockServer, sdk: Any) -> None:
    fresh_server.add_rule(**WEATHER_RULE)
    assistant_id, thread_id = setup(sdk, "What's the weather?")
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    assert run.status == "requires_action"
    outputs = [{"tool_call_id": c.id, "output": "22C"} for c in run.required_action.submit_tool_outputs.tool_calls]
    run = sdk.beta.threads.runs.submit_tool_outputs_and_poll(thread_id=thread_id, run_id=run.id, tool_outputs=outputs)
    assert run.status == "completed" and run.usage.total_tokens > 0
    assert sdk.beta.threads.messages.list(thread_id=thread_id).data[0].content[0].text.value == "It is 22C in Paris."
    tool_step = sdk.beta.threads.runs.steps.list(run_id=run.id, thread_id=thread_id, order="asc").data[0]
    assert tool_step.step_details.tool_calls[0].function.output == "22C"


def test_create_and_run_poll(fresh_server: MockServer, sdk: Any) -> None:
    fresh_server.add_rule(match={"equals": "ping"}, reply="pong")
    assistant = sdk.beta.assistants.create(model="gpt-4o")
    run = sdk.beta.threads.create_and_run_poll(
        assistant_id=assistant.id, thread={"messages": [{"role": "user", "content": "ping"}]}
    )
    assert run.status == "completed"
    assert sdk.beta.threads.messages.list(thread_id=run.thread_id).data[0].content[0].text.value == "pong"


def test_cancel_failure_and_expiry(fresh_server: MockServer, sdk: Any) -> None:
    fresh_server.add_rules([WEATHER_RULE, {"match": {"contains": "crash"}, "reply": {"fail": True}}])
    assistant_id, thread_id = setup(sdk, "weather please")
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    assert sdk.beta.threads.runs.cancel(run_id=run.id, thread_id=thread_id).status == "cancelling"
    assert sdk.beta.threads.runs.poll(run.id, thread_id=thread_id).status == "cancelled"

    sdk.beta.threads.messages.create(thread_id=thread_id, role="user", content="crash now")
    failed = sdk.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    assert failed.status == "failed" and failed.last_error.message == "Sorry, something went wrong."

    sdk.beta.threads.messages.create(thread_id=thread_id, role="user", content="weather again")
    waiting = sdk.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    fresh_server.advance_clock(601)
    expired = sdk.beta.threads.runs.retrieve(waiting.id, thread_id=thread_id)
    assert expired.status == "expired"


def test_every_conflict_is_a_bad_request(fresh_server: MockServer, sdk: Any) -> None:
    fresh_server.add_rule(**WEATHER_RULE)
    assistant_id, thread_id = setup(sdk, "weather")
    run = sdk.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant_id)
    with pytest.raises(openai.BadRequestError, match="while a run"):
        sdk.beta.threads.messages.create(thread_id=thread_id, role="user", content="x")
    with pytest.raises(openai.BadRequestError, match="already has an active run"):
        sdk.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant_id)
    with pytest.raises(openai.BadRequestError, match='status "queued" do not accept tool outputs'):
        sdk.beta.threads.runs.submit_tool_outputs(run_id=run.id, thread_id=thread_id, tool_outputs=[])
    run = sdk.beta.threads.runs.poll(run.id, thread_id=thread_id)
    with pytest.raises(openai.BadRequestError, match="Expected tool outputs for call_ids"):
        sdk.beta.threads.runs.submit_tool_outputs(
            run_id=run.id, thread_id=thread_id, tool_outputs=[{"tool_call_id": "call_wrong", "output": "x"}]
        )
    sdk.beta.threads.runs.cancel(run_id=run.id, thread_id=thread_id)
    with pytest.raises(openai.BadRequestError, match=r"Cannot cancel run with status 'cancelled'\."):
        sdk.beta.threads.runs.cancel(run_id=run.id, thread_id=thread_id)


def test_strict_mode_miss_fails_the_run_and_is_recorded(fresh_server: MockServer, sdk: Any) -> None:
    fresh_server.configure_runs(strict=True)
    fresh_server.add_rule(name="greeting", match={"contains": "hello"}, reply="Hi!")
    fresh_server.add_rule(name="refund", match={"contains": "refund"}, reply="30 days.")
    assistant_id, thread_id = setup(sdk, "helo")
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    assert run.status == "failed" and run.last_error.code == "server_error"
    assert "no script rule matched" in run.last_error.message
    assert run.last_error.message.index("'greeting'") < run.last_error.message.index("'refund'"), "closest first"
    misses = fresh_server.script_misses()
    assert [m["run_id"] for m in misses] == [run.id] and misses[0]["project"] == API_KEY


def test_strict_mode_missing_follow_up(fresh_server: MockServer, sdk: Any) -> None:
    fresh_server.configure_runs(strict=True)
    fresh_server.add_rule(name="tool only", match={"contains": "weather"}, reply=WEATHER_RULE["reply"])
    assistant_id, thread_id = setup(sdk, "weather")
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    call = run.required_action.submit_tool_outputs.tool_calls[0].id
    done = sdk.beta.threads.runs.submit_tool_outputs_and_poll(
        thread_id=thread_id, run_id=run.id, tool_outputs=[{"tool_call_id": call, "output": "x"}]
    )
    assert done.status == "failed" and "'tool only' has no reply" in done.last_error.message
    assert len(fresh_server.script_misses()) == 1


def test_rules_over_http_and_settings(fresh_server: MockServer, sdk: Any) -> None:
    rule = {"name": "http", "match": {"regex": "^bonjour"}, "reply": {"text": "Salut !"}}
    added = httpx.post(f"{fresh_server.url}/__mock__/script", json={"rules": [rule]}, headers=HEADERS)
    assert added.status_code == 200 and added.json()["rules"][0]["name"] == "http"
    bad = httpx.post(f"{fresh_server.url}/__mock__/script", json={"rules": [{"reply": {}}]}, headers=HEADERS)
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "script[0].reply"
    settings = httpx.post(f"{fresh_server.url}/__mock__/runs/settings", json={"chunk_size": 3}, headers=HEADERS)
    assert settings.json()["chunk_size"] == 3
    wrong = httpx.post(f"{fresh_server.url}/__mock__/runs/settings", json={"speed": 3}, headers=HEADERS)
    assert wrong.status_code == 400 and wrong.json()["error"]["param"] == "settings.speed"
    assistant_id, thread_id = setup(sdk, "bonjour")
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    assert sdk.beta.threads.messages.list(thread_id=thread_id, run_id=run.id).data[0].content[0].text.value == "Salut !"
    listed = httpx.get(f"{fresh_server.url}/__mock__/script", headers=HEADERS).json()
    assert [r["name"] for r in listed["rules"]] == ["http"] and listed["misses"] == []
    assert httpx.delete(f"{fresh_server.url}/__mock__/script", headers=HEADERS).json() == {"cleared": True}
    assert httpx.get(f"{fresh_server.url}/__mock__/script", headers=HEADERS).json()["rules"] == []


def test_support_bot_scenario_file() -> None:
    with MockServer(scenario="support_bot", fixtures_dir=FIXTURES) as server:
        sdk = server.client(_strict_response_validation=True)
        thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "Where is order #1042?"}])
        run = sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id="asst_SupportBot00000000000001")
        call = run.required_action.submit_tool_outputs.tool_calls[0]
        assert call.function.name == "lookup_order" and call.function.arguments == '{"order_id":"1042"}'
        run = sdk.beta.threads.runs.submit_tool_outputs_and_poll(
            thread_id=thread.id, run_id=run.id, tool_outputs=[{"tool_call_id": call.id, "output": "shipped"}]
        )
        reply = sdk.beta.threads.messages.list(thread_id=thread.id).data[0].content[0].text
        assert reply.value == "Your order ships tomorrow (shipped)."
        sdk.beta.threads.messages.create(thread_id=thread.id, role="user", content="Can I get a refund?")
        sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id="asst_SupportBot00000000000001")
        cited = sdk.beta.threads.messages.list(thread_id=thread.id).data[0].content[0].text
        assert cited.annotations[0].file_citation.file_id == "file-refundpolicy"
        assert cited.value[cited.annotations[0].start_index : cited.annotations[0].end_index] == "the policy"
        assert server.script_misses() == []


def test_failing_run_scenario_file() -> None:
    with MockServer(scenario="failing_run", fixtures_dir=FIXTURES) as server:
        sdk = server.client(_strict_response_validation=True)
        outcomes = {}
        for text in ("outage", "busy", "write an essay", "stall"):
            run = sdk.beta.threads.create_and_run_poll(
                assistant_id="asst_Flaky0000000000000000001", thread={"messages": [{"role": "user", "content": text}]}
            )
            outcomes[text] = run
        assert outcomes["outage"].status == "failed" and outcomes["outage"].last_error.code == "server_error"
        assert outcomes["busy"].last_error.code == "rate_limit_exceeded"
        assert outcomes["write an essay"].status == "incomplete"
        assert outcomes["stall"].status == "expired"
        partial = sdk.beta.threads.messages.list(thread_id=outcomes["write an essay"].thread_id).data[0]
        assert partial.status == "incomplete" and partial.content[0].text.value == "Once upon a time"


def test_async_polled_runs(fresh_server: MockServer) -> None:
    fresh_server.add_rule(**WEATHER_RULE)

    async def scenario() -> tuple[str, str, str]:
        client = fresh_server.async_client(api_key=API_KEY, _strict_response_validation=True)
        assistant = await client.beta.assistants.create(model="gpt-4o", tools=[WEATHER_TOOL])
        thread = await client.beta.threads.create(messages=[{"role": "user", "content": "weather"}])
        run = await client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
        first = run.status
        call = run.required_action.submit_tool_outputs.tool_calls[0].id
        run = await client.beta.threads.runs.submit_tool_outputs_and_poll(
            thread_id=thread.id, run_id=run.id, tool_outputs=[{"tool_call_id": call, "output": "cold"}]
        )
        fresh = await client.beta.threads.create_and_run_poll(
            assistant_id=assistant.id, thread={"messages": [{"role": "user", "content": "hi"}]}
        )
        await client.close()
        return first, run.status, fresh.status

    assert asyncio.run(scenario()) == ("requires_action", "completed", "completed")
