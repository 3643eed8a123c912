"""Background responses (reference 4.5 and 5.5): progress like runs (on read, immediate, on the clock), cancel,
conversations filled only on completion, and streams resumed with ``starting_after``."""

from __future__ import annotations

from typing import Any

import httpx
import openai
import pytest

from mockserver import MockServer

from .test_responses_streaming import HEADERS, names, raw_stream


def test_background_is_queued_then_in_progress_then_completed(fresh_server: MockServer, sdk: Any) -> None:
    fresh_server.configure_runs(reads=2)
    created = sdk.responses.create(model="gpt-4o", input="hi", background=True)
    assert created.status == "queued" and created.background is True and created.usage is None
    assert sdk.responses.retrieve(created.id).status == "in_progress"
    done = sdk.responses.retrieve(created.id)
    assert done.status == "completed" and done.usage is not None and done.completed_at is not None


def test_poll_after_header_on_reads(fresh_server: MockServer) -> None:
    with httpx.Client(base_url=fresh_server.url, headers=HEADERS) as client:
        created = client.post("/v1/responses", json={"model": "m", "input": "x", "background": True})
        read = client.get(f"/v1/responses/{created.json()['id']}")
    assert created.headers["openai-poll-after-ms"] and read.headers["openai-poll-after-ms"]
    assert (
        created.headers["x-ratelimit-remaining-requests"] == "9999" and "x-ratelimit-limit-requests" not in read.headers
    )


def test_immediate_and_on_clock_progress(fresh_server: MockServer, sdk: Any) -> None:
    fresh_server.configure_runs(progress="immediate")
    assert sdk.responses.create(model="m", input="x", background=True).status == "completed"
    fresh_server.configure_runs(progress="on_clock")
    waiting = sdk.responses.create(model="m", input="x", background=True)
    assert sdk.responses.retrieve(waiting.id).status == "queued"
    fresh_server.advance_clock(1)
    assert sdk.responses.retrieve(waiting.id).status == "completed"


def test_cancel_semantics(fresh_server: MockServer, sdk: Any) -> None:
    fresh_server.configure_runs(progress="on_clock")
    queued = sdk.responses.create(model="m", input="x", background=True)
    cancelled = sdk.responses.cancel(queued.id)
    assert cancelled.status == "cancelled" and cancelled.completed_at is None and cancelled.usage is None
    assert sdk.responses.cancel(queued.id) == cancelled, "cancelling twice is idempotent"
    fresh_server.advance_clock(5)
    assert sdk.responses.retrieve(queued.id).status == "cancelled"
    foreground = sdk.responses.create(model="m", input="x")
    with pytest.raises(openai.BadRequestError) as info:
        sdk.responses.cancel(foreground.id)
    assert info.value.body["message"] == "Cannot cancel a synchronous response."
    fresh_server.configure_runs(progress="immediate")
    finished = sdk.responses.create(model="m", input="x", background=True)
    assert sdk.responses.cancel(finished.id).status == "completed"
    with pytest.raises(openai.NotFoundError):
        sdk.responses.cancel("resp_" + "0" * 50)


def test_conversation_gets_items_only_when_the_response_completes(fresh_server: MockServer, sdk: Any) -> None:
    conversation = sdk.conversations.create()
    created = sdk.responses.create(model="m", input="hi", background=True, conversation=conversation.id)
    assert sdk.conversations.items.list(conversation.id).data == []
    sdk.responses.retrieve(created.id)
    assert [i.role for i in sdk.conversations.items.list(conversation.id)] == ["assistant", "user"]
    fresh_server.configure_runs(progress="on_clock")
    cancelled = sdk.responses.create(model="m", input="again", background=True, conversation=conversation.id)
    sdk.responses.cancel(cancelled.id)
    fresh_server.advance_clock(5)
    assert len(sdk.conversations.items.list(conversation.id).data) == 2, "a cancelled response appends nothing"


def test_background_requires_store(sdk: Any) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        sdk.responses.create(model="m", input="x", background=True, store=False)
    assert info.value.param == "store"


def test_background_stream_and_resume(fresh_server: MockServer, sdk: Any) -> None:
    fresh_server.add_rule(reply="resumable stream text")
    frames = raw_stream(fresh_server, {"model": "m", "input": "x", "background": True, "stream": True})
    assert names(frames)[:3] == ["response.created", "response.queued", "response.in_progress"]
    assert frames[0][1]["response"]["status"] == "queued" and frames[-1][0] == "response.completed"
    response_id = frames[0][1]["response"]["id"]
    resumed = raw_stream(fresh_server, {}, f"/v1/responses/{response_id}?starting_after=3&stream=true")
    assert resumed == frames[4:]
    with sdk.responses.stream(response_id=response_id, starting_after=5) as stream:
        seen = [event.sequence_number for event in stream]
        final = stream.get_final_response()
    assert seen == list(range(6, len(frames))) and final.output_text == "resumable stream text"
    plain = sdk.responses.create(model="m", input="x", background=True)
    with pytest.raises(openai.BadRequestError):
        sdk.responses.retrieve(plain.id, stream=True)


def test_a_clock_waiting_stream_can_be_resumed_after_the_clock_moves(fresh_server: MockServer) -> None:
    fresh_server.configure_runs(progress="on_clock", stream_timeout_ms=50)
    frames = raw_stream(fresh_server, {"model": "m", "input": "x", "background": True, "stream": True})
    assert names(frames) == ["response.created", "response.queued", "error"]
    response_id = frames[0][1]["response"]["id"]
    fresh_server.advance_clock(1)
    resumed = raw_stream(fresh_server, {}, f"/v1/responses/{response_id}?starting_after=1&stream=true")
    assert resumed[0][1]["sequence_number"] == 2 and resumed[-1][0] == "response.completed"
