"""Record against a second mockserver standing in for the real API, then replay offline, strictly."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from mockserver import MockServer
from mockserver.core.secrets import mask_authorization
from mockserver.replay import UPSTREAM_KEY_ENV, ReplayConfigError, load_interactions
from mockserver.replay.lint import lint_file

from .clients import tracked
from .ports import refused_base_url

UPSTREAM_KEY = "sk-proj-UpstreamSecretKey0123456789abcdef"
DUMMY_KEY = "sk-dummy"
PLANTED = "sk-svcacct-PlantedSecretInBody0123456789"


@pytest.fixture(scope="module")
def upstream() -> Iterator[MockServer]:
    with MockServer(seed="upstream") as server:
        yield server


@pytest.fixture(autouse=True)
def _upstream_key(monkeypatch: pytest.MonkeyPatch, upstream: MockServer) -> None:
    monkeypatch.setenv(UPSTREAM_KEY_ENV, UPSTREAM_KEY)
    upstream.reset()


def sdk(server: MockServer) -> Any:
    client = server.client(api_key=DUMMY_KEY, _strict_response_validation=True)
    tracked(client)
    return client


def conversation(client: Any) -> tuple[str, list[bytes]]:
    """A short Assistants exchange; returns the thread id and every raw response body, in order."""
    bodies: list[bytes] = []
    raw = client.beta.threads.with_raw_response.create(metadata={"team": "replay"})
    bodies.append(raw.http_response.content)
    thread_id = raw.parse().id
    for text in ("first", "second"):
        raw = client.beta.threads.messages.with_raw_response.create(thread_id=thread_id, role="user", content=text)
        bodies.append(raw.http_response.content)
    raw = client.beta.threads.messages.with_raw_response.list(thread_id=thread_id, order="asc", limit=10)
    bodies.append(raw.http_response.content)
    return thread_id, bodies


def test_recorded_conversation_replays_byte_identical_offline(tmp_path: Path, upstream: MockServer) -> None:
    cassette = tmp_path / "conversation.yaml"
    with MockServer(cassette=cassette, record_mode="once", upstream=upstream.base_url) as recorder:
        thread_id, recorded = conversation(sdk(recorder))
    assert len(load_interactions(cassette)) == 4
    upstream.reset()  # the upstream forgets everything: replay must not need it
    with MockServer(cassette=cassette) as replayer:
        replay_thread, replayed = conversation(sdk(replayer))
        report = replayer.replay.finish()
    assert replay_thread == thread_id
    assert replayed == recorded
    assert report is not None and not report.misses and not report.unused


def test_requests_replay_in_any_order_across_keys_and_fifo_within_a_key(tmp_path: Path, upstream: MockServer) -> None:
    cassette = tmp_path / "order.json"
    with MockServer(cassette=cassette, record_mode="once", upstream=upstream.base_url) as recorder:
        client = sdk(recorder)
        thread = client.beta.threads.create()
        client.beta.threads.messages.create(thread_id=thread.id, role="user", content="a")
        first = client.beta.threads.messages.list(thread_id=thread.id).data
        client.beta.threads.messages.create(thread_id=thread.id, role="user", content="b")
        second = client.beta.threads.messages.list(thread_id=thread.id).data
        retrieved = client.beta.threads.retrieve(thread.id)
    assert [len(first), len(second)] == [1, 2]
    with MockServer(cassette=cassette) as replayer:
        client = sdk(replayer)
        # retrieve first, then the lists before the creations that preceded them: keys differ, so order is free
        assert client.beta.threads.retrieve(thread.id) == retrieved
        assert len(client.beta.threads.messages.list(thread_id=thread.id).data) == 1  # first recorded first
        assert len(client.beta.threads.messages.list(thread_id=thread.id).data) == 2
        with pytest.raises(openai.BadRequestError) as caught:  # exhausted: never "the next response"
            client.beta.threads.messages.list(thread_id=thread.id)
        assert caught.value.code == "replay_miss"
        assert "already used" in caught.value.message


def test_a_miss_is_an_openai_400_with_a_diff_against_the_closest(tmp_path: Path, upstream: MockServer) -> None:
    cassette = tmp_path / "miss.yaml"
    with MockServer(cassette=cassette, record_mode="once", upstream=upstream.base_url) as recorder:
        client = sdk(recorder)
        thread = client.beta.threads.create()
        client.beta.threads.messages.create(thread_id=thread.id, role="user", content="the recorded text")
    with MockServer(cassette=cassette) as replayer:
        response = httpx.post(
            f"{replayer.base_url}/threads/{thread.id}/messages",
            headers={"Authorization": f"Bearer {DUMMY_KEY}", "OpenAI-Beta": "assistants=v2"},
            json={"role": "user", "content": "a different text"},
        )
        report = replayer.replay.finish()
    assert response.status_code == 400
    assert response.headers["x-should-retry"] == "false"
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["type"] == "invalid_request_error" and error["code"] == "replay_miss"
    assert f"POST /v1/threads/{thread.id}/messages" in error["message"]
    assert report is not None and len(report.misses) == 1
    text = report.format(include_unused=True)
    assert '-  "content": "the recorded text",' in text
    assert '+  "content": "a different text",' in text
    assert "recorded #1 (unused)" in text
    assert "never used" in text and "#0: POST /v1/threads" in text


def test_headers_and_key_order_do_not_matter_but_query_values_do(tmp_path: Path, upstream: MockServer) -> None:
    cassette = tmp_path / "keys.yaml"
    with MockServer(cassette=cassette, record_mode="once", upstream=upstream.base_url) as recorder:
        client = sdk(recorder)
        thread = client.beta.threads.create(metadata={"a": "1", "b": "2"})
        client.beta.threads.messages.list(thread_id=thread.id, limit=5, order="asc")
    base_headers = {"Authorization": "Bearer another-dummy", "OpenAI-Beta": "assistants=v2", "X-Trace": "volatile"}
    with MockServer(cassette=cassette) as replayer:
        created = httpx.post(
            f"{replayer.base_url}/threads",
            headers={**base_headers, "Content-Type": "application/json"},
            content=b'{ "metadata": {"b": "2", "a": "1"} }',
        )
        listed = httpx.get(f"{replayer.base_url}/threads/{thread.id}/messages?order=asc&limit=5", headers=base_headers)
        other = httpx.get(f"{replayer.base_url}/threads/{thread.id}/messages?order=asc&limit=6", headers=base_headers)
    assert created.status_code == 200 and created.json()["id"] == thread.id
    assert listed.status_code == 200
    assert other.status_code == 400


def test_secrets_never_reach_the_cassette(tmp_path: Path, upstream: MockServer) -> None:
    cassette = tmp_path / "secrets.yaml"
    with MockServer(cassette=cassette, record_mode="once", upstream=upstream.base_url) as recorder:
        client = sdk(recorder)
        thread = client.beta.threads.create(metadata={"token": PLANTED})  # echoed back in the response
        client.beta.threads.messages.create(
            thread_id=thread.id, role="user", content=f"key={UPSTREAM_KEY} and Authorization: Bearer {PLANTED}"
        )
    seen = upstream.requests(method="POST")
    masked = mask_authorization(f"Bearer {UPSTREAM_KEY}")  # the journal keeps credentials masked
    assert seen and all(entry.headers["authorization"] == masked for entry in seen)
    text = cassette.read_text()
    for secret in (UPSTREAM_KEY, PLANTED, DUMMY_KEY):
        assert secret not in text
    assert "sk-REDACTED" in text
    for interaction in load_interactions(cassette):
        assert not {"authorization", "openai-organization"} & set(interaction["request"].get("headers", {}))
    assert lint_file(cassette) == []
    # A replayed request carrying the same secret still matches its scrubbed recording.
    with MockServer(cassette=cassette) as replayer:
        assert sdk(replayer).beta.threads.create(metadata={"token": PLANTED}).metadata == {"token": "sk-REDACTED"}


def test_new_episodes_replays_known_requests_and_appends_new_ones(tmp_path: Path, upstream: MockServer) -> None:
    cassette = tmp_path / "episodes.yaml"
    with MockServer(cassette=cassette, record_mode="once", upstream=upstream.base_url) as recorder:
        thread = sdk(recorder).beta.threads.create()
    before = len(upstream.requests())
    with MockServer(cassette=cassette, record_mode="new_episodes", upstream=upstream.base_url) as recorder:
        client = sdk(recorder)
        assert client.beta.threads.create().id == thread.id  # replayed: upstream not asked
        assert len(upstream.requests()) == before
        client.beta.threads.retrieve(thread.id)  # new: recorded
        assert len(upstream.requests()) == before + 1
    assert [x["request"]["method"] for x in load_interactions(cassette)] == ["POST", "GET"]


def test_once_with_an_existing_cassette_only_replays(tmp_path: Path, upstream: MockServer) -> None:
    cassette = tmp_path / "once.yaml"
    with MockServer(cassette=cassette, record_mode="once", upstream=upstream.base_url) as recorder:
        thread = sdk(recorder).beta.threads.create()
    with MockServer(cassette=cassette, record_mode="once", upstream=upstream.base_url) as again:
        client = sdk(again)
        assert client.beta.threads.create().id == thread.id
        with pytest.raises(openai.BadRequestError):
            client.beta.threads.retrieve(thread.id)
    assert len(load_interactions(cassette)) == 1


def test_all_rerecords_everything_and_replaces_the_file(tmp_path: Path, upstream: MockServer) -> None:
    cassette = tmp_path / "all.yaml"
    with MockServer(cassette=cassette, record_mode="once", upstream=upstream.base_url) as recorder:
        old = sdk(recorder).beta.threads.create()
    with MockServer(cassette=cassette, record_mode="all", upstream=upstream.base_url) as recorder:
        new = sdk(recorder).beta.threads.create()
    assert new.id != old.id
    assert [x["response"]["body"]["json"]["id"] for x in load_interactions(cassette)] == [new.id]


def test_hybrid_serves_unrecorded_requests_from_the_stateful_fake(tmp_path: Path, upstream: MockServer) -> None:
    cassette = tmp_path / "hybrid.yaml"
    with MockServer(cassette=cassette, record_mode="once", upstream=upstream.base_url) as recorder:
        recorded = sdk(recorder).beta.threads.create(metadata={"from": "cassette"})
    with MockServer(cassette=cassette, hybrid=True) as server:
        client = sdk(server)
        assert client.beta.threads.create(metadata={"from": "cassette"}).id == recorded.id
        local = client.beta.threads.create(metadata={"from": "fake"})  # no recording: the fake answers
        client.beta.threads.messages.create(thread_id=local.id, role="user", content="kept locally")
        assert client.beta.threads.messages.list(thread_id=local.id).data[0].content[0].text.value == "kept locally"
        report = server.replay.finish()
        statuses = [entry.status for entry in server.requests()]
    assert report is not None and not report.misses
    assert statuses == [200, 200, 200, 200]  # the journal saw replayed and local requests alike


def test_async_client_records_and_replays_too(tmp_path: Path, upstream: MockServer) -> None:
    async def create(server: MockServer) -> str:
        client = server.async_client(api_key=DUMMY_KEY, _strict_response_validation=True)
        thread = await client.beta.threads.create()
        await client.close()
        return str(thread.id)

    cassette = tmp_path / "async.yaml"
    with MockServer(cassette=cassette, record_mode="once", upstream=upstream.base_url) as recorder:
        recorded = asyncio.run(create(recorder))
    with MockServer(cassette=cassette) as replayer:
        assert asyncio.run(create(replayer)) == recorded


def test_replay_only_needs_an_existing_cassette(tmp_path: Path) -> None:
    with pytest.raises(ReplayConfigError, match="not found"):
        MockServer(cassette=tmp_path / "missing.yaml")
    with pytest.raises(ReplayConfigError, match="upstream"):
        MockServer(cassette=tmp_path / "missing.yaml", record_mode="once")
    with pytest.raises(ReplayConfigError, match="record mode"):
        MockServer(cassette=tmp_path / "missing.yaml", record_mode="sometimes")


def test_recording_without_the_upstream_key_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(UPSTREAM_KEY_ENV)
    with pytest.raises(ReplayConfigError, match=UPSTREAM_KEY_ENV):
        MockServer(cassette=tmp_path / "c.yaml", record_mode="all", upstream="http://127.0.0.1:9/v1")


def test_an_unreachable_upstream_is_an_openai_error_and_nothing_is_recorded(tmp_path: Path) -> None:
    cassette = tmp_path / "dead.yaml"
    with (
        refused_base_url() as dead,
        MockServer(cassette=cassette, record_mode="all", upstream=dead) as recorder,
        pytest.raises(openai.InternalServerError) as caught,
    ):
        sdk(recorder).beta.threads.create()
    seen = [(r.status, r.path) for r in recorder.journal.entries()]
    assert "could not reach the upstream" in caught.value.message, (recorder.errors.items, seen)
    # A gateway failure, not the fake's own 500, and not retried by the SDK.
    assert caught.value.status_code == 502 and caught.value.code == "upstream_unreachable"
    assert caught.value.response.headers["x-should-retry"] == "false"
    assert not cassette.exists()


@pytest.mark.parametrize("url", ["api.openai.com/v1", "ftp://example.com/v1", "http://", "https:///v1"])
def test_an_unusable_upstream_url_is_refused_up_front(tmp_path: Path, url: str) -> None:
    with pytest.raises(ReplayConfigError, match="upstream"):
        MockServer(cassette=tmp_path / "c.yaml", record_mode="all", upstream=url)
