"""Runs across an export, seen through the real SDK: two servers, the second loaded from the first's export,
answer every read the same and continue a run that waits for tool outputs the same way (IDs and events too)."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from mockserver import MockServer
from mockserver.control.persistence import export_all, import_all
from mockserver.remote import RemoteServer
from mockserver.store import Store
from tests.stub_process import StubProcess

from .clients import tracked

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TOOL = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}
RULES = [
    {
        "name": "weather",
        "match": {"contains": "weather"},
        "reply": {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]},
        "then": ["It is {{output}} in Paris."],
    },
    {"name": "cite", "match": {"contains": "cite"}, "reply": {"text": "See the manual.", "annotations": [
        {"text": "manual", "file_id": "file-1"}]}},
]  # fmt: skip


def dumps(items: Any) -> list[Any]:
    return [item.model_dump() for item in items]


def everything(sdk: Any, thread_ids: list[str]) -> list[Any]:
    """Every read a client can make of the threads' runs, steps and messages."""
    out: list[Any] = []
    for thread_id in thread_ids:
        out.append(sdk.beta.threads.retrieve(thread_id).model_dump())
        out.append(dumps(sdk.beta.threads.messages.list(thread_id=thread_id, order="asc")))
        runs = sdk.beta.threads.runs.list(thread_id=thread_id, order="asc")
        out.append(dumps(runs))
        for run in runs:
            out.append(sdk.beta.threads.runs.retrieve(run.id, thread_id=thread_id).model_dump())
            out.append(dumps(sdk.beta.threads.messages.list(thread_id=thread_id, run_id=run.id)))
            steps = sdk.beta.threads.runs.steps.list(run.id, thread_id=thread_id, order="asc")
            out.append(dumps(steps))
            out += [sdk.beta.threads.runs.steps.retrieve(s.id, thread_id=thread_id, run_id=run.id).model_dump()
                    for s in steps]  # fmt: skip
    return out


def sdk_for(server: MockServer) -> Any:
    made = server.client(_strict_response_validation=True)
    tracked(made)
    return made


@pytest.fixture
def first() -> Iterator[MockServer]:
    with MockServer(seed="runs-export") as server:
        yield server


def build_history(server: MockServer) -> tuple[Any, list[str], str]:
    """A finished run with a cited answer, then a run left waiting for its tool output."""
    server.store.script.add_script_rules("sk-mockserver", RULES)
    sdk = sdk_for(server)
    bot = sdk.beta.assistants.create(model="gpt-4o", tools=[TOOL])
    done = sdk.beta.threads.create_and_run_poll(
        assistant_id=bot.id, thread={"messages": [{"role": "user", "content": "please cite"}]}
    )
    assert done.status == "completed"
    server.store.advance_clock("sk-mockserver", 5)
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "what's the weather?"}])
    waiting = sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=bot.id)
    assert waiting.status == "requires_action"
    return sdk, [done.thread_id, thread.id], waiting.id


def test_a_waiting_run_continues_after_loading_the_export_into_another_server(first: MockServer) -> None:
    sdk, threads, run_id = build_history(first)
    document = first.export()
    with MockServer(seed="runs-export", scenario=document) as second:
        other = sdk_for(second)
        assert everything(other, threads) == everything(sdk, threads)
        waiting = other.beta.threads.runs.retrieve(run_id, thread_id=threads[1])
        outputs = [
            {"tool_call_id": c.id, "output": "sunny"} for c in waiting.required_action.submit_tool_outputs.tool_calls
        ]
        theirs = other.beta.threads.runs.submit_tool_outputs_and_poll(
            run_id=run_id, thread_id=threads[1], tool_outputs=outputs
        )
        mine = sdk.beta.threads.runs.submit_tool_outputs_and_poll(
            run_id=run_id, thread_id=threads[1], tool_outputs=outputs
        )
        assert theirs.model_dump() == mine.model_dump()
        assert theirs.status == "completed"
        reply = other.beta.threads.messages.list(thread_id=threads[1], run_id=run_id).data[0]
        assert reply.content[0].text.value == "It is sunny in Paris."
        assert everything(other, threads) == everything(sdk, threads)
        # New objects get the IDs and timestamps they would have got without the export.
        assert other.beta.threads.create().model_dump() == sdk.beta.threads.create().model_dump()


def test_the_follow_up_streams_the_same_events(first: MockServer) -> None:
    sdk, threads, run_id = build_history(first)
    with MockServer(seed="runs-export", scenario=first.export()) as second:
        other = sdk_for(second)
        streams = []
        for client in (other, sdk):
            run = client.beta.threads.runs.retrieve(run_id, thread_id=threads[1])
            calls = run.required_action.submit_tool_outputs.tool_calls
            with client.beta.threads.runs.submit_tool_outputs_stream(
                run_id=run_id,
                thread_id=threads[1],
                tool_outputs=[{"tool_call_id": c.id, "output": "rainy"} for c in calls],
            ) as stream:
                streams.append([(event.event, event.data.model_dump()) for event in stream])
        assert streams[0] == streams[1]
        assert streams[0][-1][0] == "thread.run.completed"


def test_async_clients_continue_the_restored_run_the_same_way(first: MockServer) -> None:
    _, threads, run_id = build_history(first)

    async def follow_up(server: MockServer) -> list[Any]:
        async with server.async_client(_strict_response_validation=True) as client:
            listed = await client.beta.threads.runs.list(thread_id=threads[0])
            run = await client.beta.threads.runs.retrieve(run_id, thread_id=threads[1])
            calls = run.required_action.submit_tool_outputs.tool_calls
            done = await client.beta.threads.runs.submit_tool_outputs_and_poll(
                run_id=run_id,
                thread_id=threads[1],
                tool_outputs=[{"tool_call_id": c.id, "output": "foggy"} for c in calls],
            )
            messages = await client.beta.threads.messages.list(thread_id=threads[1], run_id=run_id)
            return [dumps(listed.data), done.model_dump(), dumps(messages.data)]

    with MockServer(seed="runs-export", scenario=first.export()) as second:
        theirs = asyncio.run(follow_up(second))
    mine = asyncio.run(follow_up(first))
    assert theirs == mine
    assert theirs[1]["status"] == "completed"


def test_runs_survive_the_state_document_a_restart_uses(first: MockServer) -> None:
    sdk, threads, run_id = build_history(first)
    restarted = Store(seed=first.store.seed)
    import_all(restarted, export_all(first.store))
    with MockServer(seed="runs-export") as second:
        second.store.set_baseline([])
        import_all(second.store, export_all(first.store))
        other = sdk_for(second)
        assert everything(other, threads) == everything(sdk, threads)
    assert restarted.assistants.get_run("sk-mockserver", threads[1], run_id)["status"] == "requires_action"


def test_the_runs_history_example_reads_back_and_its_waiting_run_continues() -> None:
    with MockServer(scenario="runs_history", fixtures_dir=FIXTURES) as server:
        sdk = sdk_for(server)
        done = sdk.beta.threads.runs.retrieve(
            "run_HistoryDone0000000000001", thread_id="thread_HistoryDone0000000000001"
        )
        assert (done.status, done.usage.total_tokens, done.tools[0].function.strict) == ("completed", 30, False)
        steps = sdk.beta.threads.runs.steps.list(done.id, thread_id=done.thread_id).data
        assert [s.step_details.message_creation.message_id for s in steps] == ["msg_HistoryAnswer00000000001"]
        written = sdk.beta.threads.messages.list(thread_id=done.thread_id, run_id=done.id).data
        assert [(m.id, m.assistant_id, m.completed_at) for m in written] == [
            ("msg_HistoryAnswer00000000001", "asst_HistoryBot00000000000001", 1735689605)
        ]
        run = sdk.beta.threads.runs.submit_tool_outputs_and_poll(
            run_id="run_HistoryWaiting0000000001",
            thread_id="thread_HistoryWaiting0000000001",
            tool_outputs=[{"tool_call_id": "call_HistoryLookup00000000001", "output": "shipped"}],
        )
        assert run.status == "completed"
        reply = sdk.beta.threads.messages.list(thread_id=run.thread_id, run_id=run.id).data[0]
        assert reply.content[0].text.value == "Order 1042: shipped."
        tool_step = sdk.beta.threads.runs.steps.retrieve(
            "step_HistoryWaitingTool000001", thread_id=run.thread_id, run_id=run.id
        )
        assert (tool_step.status, tool_step.step_details.tool_calls[0].function.output) == ("completed", "shipped")


def test_an_active_run_survives_a_stub_restart_through_the_state_file(tmp_path: Path) -> None:
    """Issue 6's state file: a run waiting for tool outputs before a SIGTERM continues after the restart."""
    args = ("--state-file", str(tmp_path / "state.json"), "--seed", "runs-export", "--save-interval", "0")
    key = "sk-restart-runs"
    with StubProcess(*args) as stub:
        RemoteServer(stub.url).load_scenario(document={"version": 1, "script": RULES}, project=key)
        with openai.OpenAI(api_key=key, base_url=stub.base_url, max_retries=0) as sdk:
            bot = sdk.beta.assistants.create(model="gpt-4o", tools=[TOOL])
            thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "weather?"}])
            waiting = sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=bot.id)
            assert waiting.status == "requires_action"
            before = everything(sdk, [thread.id])
        assert stub.stop(signal.SIGTERM)[0] == 0
    with (
        StubProcess(*args) as stub,
        openai.OpenAI(api_key=key, base_url=stub.base_url, max_retries=0, _strict_response_validation=True) as sdk,
    ):
        assert everything(sdk, [thread.id]) == before
        calls = waiting.required_action.submit_tool_outputs.tool_calls  # type: ignore[union-attr]
        done = sdk.beta.threads.runs.submit_tool_outputs_and_poll(
            run_id=waiting.id,
            thread_id=thread.id,
            tool_outputs=[{"tool_call_id": c.id, "output": "hot"} for c in calls],
        )
        assert done.status == "completed"
        reply = sdk.beta.threads.messages.list(thread_id=thread.id, run_id=waiting.id).data[0]
        assert reply.content[0].text.value == "It is hot in Paris."  # type: ignore[union-attr]


def test_request_ids_continue_after_loading_instead_of_repeating(first: MockServer) -> None:
    sdk, threads, _ = build_history(first)
    with MockServer(seed="runs-export", scenario=first.export()) as second:
        other = sdk_for(second)
        theirs = other.beta.threads.with_raw_response.retrieve(threads[0]).headers["x-request-id"]
        mine = sdk.beta.threads.with_raw_response.retrieve(threads[0]).headers["x-request-id"]
        assert theirs == mine
        # Not a repeat of one the first server already handed out.
        assert mine not in [entry.request_id for entry in first.requests()[:-1]]
