"""Streamed runs: recorded event by event through the proxy, replayed as a real stream with the same bytes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from mockserver import MockServer
from mockserver.replay import UPSTREAM_KEY_ENV, load_interactions
from mockserver.replay.cassette import save

from .clients import tracked

DUMMY_KEY = "sk-dummy"

#: What a cut stream raises: openai 3's own httpx fork when present, else httpx's error.
CUT_ERRORS: tuple[type[BaseException], ...] = (httpx.HTTPError, openai.APIConnectionError)
try:
    import httpx2

    CUT_ERRORS += (httpx2.HTTPError,)
except ImportError:  # openai 2.x
    pass
try:  # httpx2 does not map every transport error of a raw response read: httpcore2's escapes as is
    import httpcore2

    CUT_ERRORS += (httpcore2.NetworkError, httpcore2.ProtocolError)
except ImportError:  # openai 2.x
    pass


@pytest.fixture(scope="module")
def upstream() -> Iterator[MockServer]:
    with MockServer(seed="stream-upstream") as server:
        yield server


@pytest.fixture(autouse=True)
def _upstream_key(monkeypatch: pytest.MonkeyPatch, upstream: MockServer) -> None:
    monkeypatch.setenv(UPSTREAM_KEY_ENV, "sk-proj-StreamUpstreamKey0123456789abcdef")
    upstream.reset()


def sdk(server: MockServer) -> Any:
    client = server.client(api_key=DUMMY_KEY, _strict_response_validation=True)
    tracked(client)
    return client


def setup_thread(client: Any) -> tuple[str, str]:
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hello there"}])
    return assistant.id, thread.id


def streamed_run_bytes(client: Any, assistant_id: str, thread_id: str) -> bytes:
    raw = client.beta.threads.runs.with_raw_response.create(thread_id=thread_id, assistant_id=assistant_id, stream=True)
    return bytes(raw.http_response.read())


def test_streamed_run_replays_byte_identical_with_the_same_events(tmp_path: Path, upstream: MockServer) -> None:
    cassette = tmp_path / "stream.yaml"
    with MockServer(cassette=cassette, record_mode="once", upstream=upstream.base_url) as recorder:
        client = sdk(recorder)
        assistant_id, thread_id = setup_thread(client)
        recorded = streamed_run_bytes(client, assistant_id, thread_id)
        with client.beta.threads.runs.stream(thread_id=thread_id, assistant_id=assistant_id) as stream:
            recorded_events = [(event.event, event.data.id) for event in stream]
    stream_section = load_interactions(cassette)[2]["response"]["stream"]
    assert stream_section["end"] == "clean"
    assert stream_section["events"][-1] == {"at_ms": stream_section["events"][-1]["at_ms"], "event": "done",
                                            "data_text": "[DONE]"}  # fmt: skip
    assert recorded.startswith(b"event: thread.run.created\n") and recorded.endswith(b"data: [DONE]\n\n")

    with MockServer(cassette=cassette) as replayer:
        client = sdk(replayer)
        setup_thread(client)
        assert streamed_run_bytes(client, assistant_id, thread_id) == recorded
        with client.beta.threads.runs.stream(thread_id=thread_id, assistant_id=assistant_id) as stream:
            replayed_events = [(event.event, event.data.id) for event in stream]
            final = stream.get_final_run()
        assert replayed_events == recorded_events
        assert final.status == "completed"
        report = replayer.replay.finish()
    assert report is not None and not report.misses and not report.unused


def test_async_stream_replays_the_same_event_sequence(tmp_path: Path, upstream: MockServer) -> None:
    async def events(server: MockServer, assistant_id: str, thread_id: str) -> list[str]:
        client = server.async_client(api_key=DUMMY_KEY, _strict_response_validation=True)
        stream = await client.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant_id, stream=True)
        names = [event.event async for event in stream]
        await client.close()
        return names

    cassette = tmp_path / "async-stream.json"
    with MockServer(cassette=cassette, record_mode="once", upstream=upstream.base_url) as recorder:
        assistant_id, thread_id = setup_thread(sdk(recorder))
        recorded = asyncio.run(events(recorder, assistant_id, thread_id))
    with MockServer(cassette=cassette) as replayer:
        setup_thread(sdk(replayer))
        assert asyncio.run(events(replayer, assistant_id, thread_id)) == recorded
    assert recorded[0] == "thread.run.created" and recorded[-1] == "thread.run.completed"


def test_a_stream_cut_upstream_is_recorded_as_a_disconnect_and_replayed_as_one(
    tmp_path: Path, upstream: MockServer
) -> None:
    cassette = tmp_path / "cut.yaml"
    upstream.store.faults.add_faults(None, [{"method": "POST", "path": "/v1/threads/*/runs", "cut_stream_after": 3}])
    with MockServer(cassette=cassette, record_mode="once", upstream=upstream.base_url) as recorder:
        client = sdk(recorder)
        assistant_id, thread_id = setup_thread(client)
        with pytest.raises(CUT_ERRORS):
            streamed_run_bytes(client, assistant_id, thread_id)
    stream_section = load_interactions(cassette)[2]["response"]["stream"]
    assert stream_section["end"] == "disconnect"
    assert [e["event"] for e in stream_section["events"]] == [
        "thread.run.created",
        "thread.run.queued",
        "thread.run.in_progress",
    ]
    with MockServer(cassette=cassette) as replayer:
        client = sdk(replayer)
        setup_thread(client)
        seen: list[str] = []
        with pytest.raises(CUT_ERRORS):
            for event in client.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant_id, stream=True):
                seen.append(event.event)
        assert seen == ["thread.run.created", "thread.run.queued", "thread.run.in_progress"]
        assert not replayer.errors.items  # a replayed disconnect is not a bug in the fake


RUN_BODY = {"assistant_id": "asst_1", "stream": True}


def handwritten_stream(path: Path, events: list[dict[str, Any]], end: str) -> None:
    save(
        path,
        [
            {
                "request": {"method": "POST", "path": "/v1/threads/thread_1/runs", "body": {"json": RUN_BODY}},
                "response": {
                    "status": 200,
                    "headers": {"content-type": "text/event-stream; charset=utf-8"},
                    "stream": {"end": end, "events": events},
                },
            }
        ],
        replace=True,
    )


def test_an_error_event_ending_replays_as_the_sdk_error(tmp_path: Path) -> None:
    cassette = tmp_path / "error.yaml"
    error = {"message": "The server had an error while processing your request.", "type": "server_error",
             "param": None, "code": None}  # fmt: skip
    handwritten_stream(
        cassette,
        [
            {"at_ms": 0, "event": "error", "data": {"error": error}},
            {"at_ms": 1, "event": "done", "data_text": "[DONE]"},
        ],
        "error",
    )
    with MockServer(cassette=cassette) as replayer, pytest.raises(openai.APIError) as caught:
        list(sdk(replayer).beta.threads.runs.create(thread_id="thread_1", assistant_id="asst_1", stream=True))
    assert caught.value.message == error["message"]


@pytest.mark.parametrize("timing", ["immediate", "recorded"])
def test_recorded_timing_changes_pace_not_content(tmp_path: Path, timing: str) -> None:
    cassette = tmp_path / "timed.yaml"
    events = [
        {"at_ms": 0, "raw": ": a comment line the SDK ignores\n\n"},
        {"at_ms": 2, "event": "thread.run.created", "data": {"id": "run_1", "object": "thread.run"}},
        {"at_ms": 4, "event": "done", "data_text": "[DONE]"},
    ]
    handwritten_stream(cassette, events, "clean")
    with MockServer(cassette=cassette, replay_timing=timing) as replayer:
        response = httpx.post(
            f"{replayer.base_url}/threads/thread_1/runs",
            headers={"Authorization": f"Bearer {DUMMY_KEY}"},
            json=RUN_BODY,
        )
    assert response.content == (
        b": a comment line the SDK ignores\n\n"
        b'event: thread.run.created\ndata: {"id":"run_1","object":"thread.run"}\n\n'
        b"event: done\ndata: [DONE]\n\n"
    )
