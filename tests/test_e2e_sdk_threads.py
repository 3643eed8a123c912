"""End-to-end: the real openai SDK (sync and async, strict response validation) against the threaded server."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import openai
import pytest

from mockserver import MockServer, ServerStartError

SEED_TEXT = "How does AI work? Explain it in simple terms."


def test_seed_example_verbatim(sdk: Any) -> None:
    thread = sdk.beta.threads.create()
    message = sdk.beta.threads.messages.create(thread_id=thread.id, role="user", content=SEED_TEXT)
    assert message.object == "thread.message"
    assert message.content[0].type == "text" and message.content[0].text.value == SEED_TEXT
    assert message.content[0].text.annotations == [] and message.attachments == [] and message.metadata == {}
    listed = sdk.beta.threads.messages.list(thread_id=thread.id)
    assert [m.id for m in listed.data] == [message.id]


def test_thread_and_message_lifecycle(sdk: Any) -> None:
    thread = sdk.beta.threads.create(
        messages=[{"role": "user", "content": [{"type": "text", "text": "hi"}]}], metadata={"a": "1"}
    )
    assert sdk.beta.threads.retrieve(thread.id) == thread
    assert sdk.beta.threads.update(thread.id, metadata={"b": "2"}).metadata == {"b": "2"}
    (first,) = sdk.beta.threads.messages.list(thread_id=thread.id).data
    updated = sdk.beta.threads.messages.update(first.id, thread_id=thread.id, metadata={"seen": "yes"})
    assert updated.metadata == {"seen": "yes"}
    assert sdk.beta.threads.messages.retrieve(first.id, thread_id=thread.id) == updated
    assert sdk.beta.threads.messages.delete(first.id, thread_id=thread.id).deleted is True
    assert sdk.beta.threads.delete(thread.id).deleted is True
    with pytest.raises(openai.NotFoundError) as info:
        sdk.beta.threads.retrieve(thread.id)
    assert info.value.message == f"Error code: 404 - No thread found with id '{thread.id}'."
    assert info.value.request_id and info.value.request_id.startswith("req_")


def test_auto_pagination_stops_exactly(sdk: Any, fresh_server: MockServer) -> None:
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": str(i)} for i in range(7)])
    start = fresh_server.journal.next_index()
    values = [m.content[0].text.value for m in sdk.beta.threads.messages.list(thread_id=thread.id, limit=2)]
    assert values == [str(i) for i in reversed(range(7))]
    pages = fresh_server.journal.entries(since=start, method="GET")
    assert len(pages) == 4, "7 items at 2 per page: the fourth page has has_more=false and iteration stops"
    assert "after=" not in pages[0].query and all("after=" in p.query for p in pages[1:])


def test_errors_become_the_right_sdk_exceptions_without_retries(fresh_server: MockServer) -> None:
    client = fresh_server.client(api_key="sk-x", max_retries=2, _strict_response_validation=True)
    thread = client.beta.threads.create()
    start = fresh_server.journal.next_index()
    with pytest.raises(openai.BadRequestError) as info:
        client.beta.threads.messages.create(thread_id=thread.id, role="system", content="x")  # type: ignore[arg-type]
    assert info.value.code == "invalid_value" and info.value.param == "role"
    with pytest.raises(openai.BadRequestError) as bad_limit:
        client.beta.threads.messages.list(thread_id=thread.id, limit=1000)
    assert bad_limit.value.param == "limit"
    assert len(fresh_server.journal.entries(since=start)) == 2, "x-should-retry: false stops the SDK's retries"
    client.close()


def test_missing_key_raises_authentication_error(fresh_server: MockServer) -> None:
    import httpx

    response = httpx.post(fresh_server.base_url + "/threads", json={}, headers={"OpenAI-Beta": "assistants=v2"})
    assert response.status_code == 401
    with fresh_server.client(api_key="sk-x", max_retries=0) as client, pytest.raises(openai.AuthenticationError):
        client.beta.threads.create(extra_headers={"Authorization": ""})


def test_async_client_end_to_end(async_sdk: Any) -> None:
    async def scenario() -> list[str]:
        thread = await async_sdk.beta.threads.create()
        for text in ("a", "b", "c"):
            await async_sdk.beta.threads.messages.create(thread_id=thread.id, role="user", content=text)
        seen = [
            m.content[0].text.value
            async for m in async_sdk.beta.threads.messages.list(thread_id=thread.id, limit=1, order="asc")
        ]
        with pytest.raises(openai.BadRequestError):
            await async_sdk.beta.threads.retrieve("nope")
        await async_sdk.close()
        return seen

    assert asyncio.run(scenario()) == ["a", "b", "c"]


def test_deterministic_ids_across_resets(fresh_server: MockServer, sdk: Any) -> None:
    first = sdk.beta.threads.create().id
    fresh_server.reset()
    assert sdk.beta.threads.create().id == first


def test_start_fails_fast_when_the_port_is_taken() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(ServerStartError, match=f"cannot listen on 127.0.0.1:{port}"):
            MockServer(port=port).start()


def test_server_restarts_cleanly_and_urls_are_consistent() -> None:
    server = MockServer()
    with server:
        assert server.running and server.base_url == server.url + "/v1"
        assert server.url.startswith("http://127.0.0.1:")
    assert not server.running
