"""Faults of every kind, scheduled through the control API of a `mockserver serve` subprocess and observed
through the real ``openai`` SDK: its retries are counted in the journal."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from mockserver import MockServer
from mockserver.remote import RemoteServer

from .clients import tracked
from .stub_process import StubProcess

KEY = "sk-faults"


@pytest.fixture(scope="module")
def stub() -> Iterator[StubProcess]:
    with StubProcess("--log-level", "warning") as process:
        yield process


@pytest.fixture
def remote(stub: StubProcess) -> RemoteServer:
    server = MockServer.connect(stub.url)
    server.reset()
    return server


def _client(stub: StubProcess, max_retries: int = 0) -> Any:
    client = openai.OpenAI(
        api_key=KEY, base_url=stub.base_url, max_retries=max_retries, _strict_response_validation=True
    )
    tracked(client)
    return client


def test_429_for_the_next_two_requests_is_retried_and_the_third_succeeds(
    stub: StubProcess, remote: RemoteServer
) -> None:
    remote.add_fault(method="POST", path="/v1/threads", status=429, times=2)
    thread = _client(stub, max_retries=2).beta.threads.create()
    assert thread.id.startswith("thread_")
    journal = remote.requests(project=KEY)
    assert [(r["method"], r["status"]) for r in journal] == [("POST", 429)] * 2 + [("POST", 200)]
    assert [r["headers"]["x-stainless-retry-count"] for r in journal] == ["0", "1", "2"]
    assert remote.faults()[0]["remaining"] == 0


def test_429_response_headers_and_body(stub: StubProcess, remote: RemoteServer) -> None:
    remote.add_fault(path="/v1/threads", status=429, retry_after=2.5, times=1)
    with pytest.raises(openai.RateLimitError) as info:
        _client(stub).beta.threads.create()
    response = info.value.response
    assert response.headers["retry-after"] == "3" and response.headers["retry-after-ms"] == "2500"
    assert response.headers["x-ratelimit-remaining-requests"] == "0"
    assert "x-should-retry" not in response.headers
    assert info.value.code == "rate_limit_exceeded" and info.value.type == "requests"
    assert info.value.request_id is not None and info.value.request_id.startswith("req_")


def test_more_failures_than_retries_raise_after_three_attempts(stub: StubProcess, remote: RemoteServer) -> None:
    remote.add_fault(path="/v1/threads", status=500, retry_after=0.01)
    with pytest.raises(openai.InternalServerError):
        _client(stub, max_retries=2).beta.threads.create()
    assert [r["status"] for r in remote.requests(project=KEY)] == [500, 500, 500]


def test_should_retry_false_stops_the_sdk_from_retrying(stub: StubProcess, remote: RemoteServer) -> None:
    remote.add_fault(path="/v1/threads", status=503, should_retry=False)
    with pytest.raises(openai.InternalServerError) as info:
        _client(stub, max_retries=2).beta.threads.create()
    assert info.value.status_code == 503 and "overloaded" in info.value.message
    assert len(remote.requests(project=KEY)) == 1


def test_should_retry_true_makes_the_sdk_retry_even_a_400(stub: StubProcess, remote: RemoteServer) -> None:
    remote.add_fault(path="/v1/threads", status=400, should_retry=True, retry_after=0.01, times=1)
    _client(stub, max_retries=1).beta.threads.create()
    assert [r["status"] for r in remote.requests(project=KEY)] == [400, 200]


@pytest.mark.parametrize(
    ("status", "exception"),
    [(500, openai.InternalServerError), (502, openai.InternalServerError), (404, openai.NotFoundError),
     (409, openai.ConflictError), (401, openai.AuthenticationError)],
)  # fmt: skip
def test_statuses_map_to_the_sdk_exceptions(
    stub: StubProcess, remote: RemoteServer, status: int, exception: type[Exception]
) -> None:
    remote.add_fault(path="/v1/threads", status=status, error={"message": f"boom {status}", "code": "x"}, times=1)
    with pytest.raises(exception) as info:
        _client(stub).beta.threads.create()
    assert isinstance(info.value, openai.APIStatusError)
    assert info.value.status_code == status and info.value.message.endswith(f"boom {status}")


def test_drop_closes_the_connection_without_an_answer(stub: StubProcess, remote: RemoteServer) -> None:
    remote.add_fault(method="GET", path="/v1/threads/*", drop=True, times=1)
    client = _client(stub)
    thread = client.beta.threads.create()
    with pytest.raises(openai.APIConnectionError):
        client.beta.threads.retrieve(thread.id)
    assert client.beta.threads.retrieve(thread.id).id == thread.id  # the fault was for one request only
    assert [r["status"] for r in remote.requests(project=KEY, method="GET")] == [0, 200]


def test_latency_delays_but_does_not_change_the_answer(stub: StubProcess, remote: RemoteServer) -> None:
    remote.add_fault(path="/v1/threads", latency_ms=30, times=1)
    assert _client(stub).beta.threads.create().object == "thread"
    (fault,) = remote.faults()
    assert fault["fired"] == 1 and fault["latency_ms"] == 30


def test_latency_then_error(stub: StubProcess, remote: RemoteServer) -> None:
    remote.add_fault(path="/v1/threads", latency_ms=20, status=503, times=1)
    with pytest.raises(openai.InternalServerError):
        _client(stub).beta.threads.create()


def test_a_seeded_fraction_fails_the_same_requests_each_time(stub: StubProcess, remote: RemoteServer) -> None:
    def run() -> list[int]:
        remote.reset()
        remote.add_fault(path="/v1/threads", status=500, probability=0.5, seed="fixed")
        client = _client(stub)
        for _ in range(16):
            with contextlib.suppress(openai.InternalServerError):
                client.beta.threads.create()
        return [r["status"] for r in remote.requests(project=KEY)]

    first = run()
    assert first == run()
    assert {200, 500} <= set(first)


def test_faults_for_one_project_leave_others_alone(stub: StubProcess, remote: RemoteServer) -> None:
    remote.add_fault(project=KEY, path="/v1/threads", status=500)
    other = openai.OpenAI(api_key="sk-other", base_url=stub.base_url, max_retries=0)
    tracked(other)
    assert other.beta.threads.create().object == "thread"
    with pytest.raises(openai.InternalServerError):
        _client(stub).beta.threads.create()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # assistants.create's own deprecation message
def test_stream_cut_after_three_events(stub: StubProcess, remote: RemoteServer) -> None:
    client = _client(stub)
    assistant = client.beta.assistants.create(model="gpt-4o")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "hello"}])
    with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
        complete = [event.event for event in stream]
    assert len(complete) > 3 and complete[-1] == "thread.run.completed"
    remote.add_fault(method="POST", path="/v1/threads/*/runs", cut_stream_after=3, times=1)
    seen: list[str] = []
    stream_manager = client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id)
    with pytest.raises(Exception) as info, stream_manager as stream:  # the SDK lets the transport error through
        seen.extend(event.event for event in stream)
    assert "closed" in str(info.value) or isinstance(info.value, openai.APIConnectionError)
    assert seen == complete[:3]


def test_async_client_retries_a_503(stub: StubProcess, remote: RemoteServer) -> None:
    remote.add_fault(path="/v1/threads", status=503, retry_after=0.01, times=1)

    async def create() -> str:
        client = openai.AsyncOpenAI(
            api_key=KEY, base_url=stub.base_url, max_retries=1, _strict_response_validation=True
        )
        async with client:
            return (await client.beta.threads.create()).object

    assert asyncio.run(create()) == "thread"
    assert [r["status"] for r in remote.requests(project=KEY)] == [503, 200]
