"""The recording proxy passes upstream's answers through as they came (issue 16, item 9), and refuses a loop."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openai
import pytest

from mockserver import MockServer
from mockserver.replay import UPSTREAM_KEY_ENV, load_interactions

from .clients import tracked


@pytest.fixture(scope="module")
def upstream() -> Iterator[MockServer]:
    with MockServer(seed="passthrough-upstream") as server:
        yield server


@pytest.fixture(autouse=True)
def _upstream_key(monkeypatch: pytest.MonkeyPatch, upstream: MockServer) -> None:
    monkeypatch.setenv(UPSTREAM_KEY_ENV, "sk-proj-PassthroughUpstreamKey0123456789")
    upstream.reset()


RATE_LIMIT = {"method": "POST", "path": "/v1/threads", "status": 429, "times": 1, "retry_after": 0.001}


def test_an_upstream_429_reaches_the_sdk_as_sent_so_it_retries_through_it(tmp_path: Path, upstream: MockServer) -> None:
    upstream.add_faults([RATE_LIMIT])
    cassette = tmp_path / "limited.yaml"
    with MockServer(cassette=cassette, record_mode="once", upstream=upstream.base_url) as recorder:
        client = tracked(recorder.client(api_key="sk-dummy", max_retries=2))
        thread = client.beta.threads.create()  # the first try is the 429; the SDK retries, as against upstream
        assert thread.id.startswith("thread_")
    first, second = load_interactions(cassette)
    assert first["response"]["status"] == 429 and second["response"]["status"] == 200
    headers = first["response"]["headers"]
    assert headers["retry-after-ms"] == "1" and headers["x-ratelimit-remaining-requests"] == "0"
    assert "x-should-retry" not in headers

    # Replayed as recorded: the SDK retries through the recorded 429 again and gets the recorded thread.
    with MockServer(cassette=cassette) as replayer:
        client = tracked(replayer.client(api_key="sk-dummy", max_retries=2))
        assert client.beta.threads.create().id == thread.id


def test_the_client_sees_every_upstream_header_and_no_added_retry_verdict(tmp_path: Path, upstream: MockServer) -> None:
    upstream.add_faults([RATE_LIMIT])
    with MockServer(cassette=tmp_path / "c.yaml", record_mode="all", upstream=upstream.base_url) as recorder:
        client = tracked(recorder.client(api_key="sk-dummy", max_retries=0))
        with pytest.raises(openai.RateLimitError) as caught:
            client.beta.threads.create()
    headers = caught.value.response.headers
    assert headers["x-ratelimit-limit-requests"] == "60" and headers["retry-after-ms"] == "1"
    assert "x-should-retry" not in headers
    assert len(headers.get_list("x-request-id")) == 1 and len(headers.get_list("openai-version")) == 1


def test_a_recorder_whose_upstream_is_itself_answers_a_502_instead_of_looping(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mockserver.replay import proxy

    monkeypatch.setattr(proxy, "upstream_url", lambda base, path, query: f"{recorder.base_url}/threads")
    with MockServer(cassette=tmp_path / "loop.yaml", record_mode="all", upstream="http://127.0.0.1:1/v1") as recorder:
        client = tracked(recorder.client(api_key="sk-dummy"))
        with pytest.raises(openai.InternalServerError) as caught:
            client.beta.threads.create()
    assert caught.value.status_code == 502 and "forward in a loop" in caught.value.message
