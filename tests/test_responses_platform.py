"""Responses on the shared platform: project isolation, faults (429s, cut streams, latency), the journal, the
control plane (script, clock, reset, export/import) and record/replay of a streamed response, event by event."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from mockserver import MockServer
from mockserver.replay import UPSTREAM_KEY_ENV, load_interactions

from .clients import tracked
from .test_replay_streams import CUT_ERRORS

KEY = "sk-test-key"


def client(server: MockServer, key: str = KEY, **options: Any) -> Any:
    return tracked(server.client(api_key=key, _strict_response_validation=True, **options))


def test_projects_are_isolated(fresh_server: MockServer) -> None:
    mine, theirs = client(fresh_server), client(fresh_server, "sk-other")
    response = mine.responses.create(model="m", input="hi")
    conversation = mine.conversations.create()
    with pytest.raises(openai.NotFoundError):
        theirs.responses.retrieve(response.id)
    with pytest.raises(openai.NotFoundError):
        theirs.conversations.items.list(conversation.id)
    with pytest.raises(openai.BadRequestError):
        theirs.responses.create(model="m", input="x", previous_response_id=response.id)


def test_faults_apply_to_responses(fresh_server: MockServer) -> None:
    sdk = client(fresh_server, max_retries=0)
    fresh_server.add_fault(method="POST", path="/v1/responses", status=429, times=1)
    with pytest.raises(openai.RateLimitError):
        sdk.responses.create(model="m", input="hi")
    assert fresh_server.store.id_counters(KEY).get("response") is None, "a faulted request reaches no operation"
    fresh_server.add_rule(reply="a reply long enough to be cut into several deltas")
    fresh_server.add_fault(method="POST", path="/v1/responses", cut_stream_after=3, times=1)
    seen: list[str] = []
    with pytest.raises(CUT_ERRORS):
        for event in sdk.responses.create(model="m", input="hi", stream=True):
            seen.append(event.type)
    assert seen == ["response.created", "response.in_progress", "response.output_item.added"]


def test_journal_control_plane_and_clock(fresh_server: MockServer) -> None:
    sdk = client(fresh_server)
    base = fresh_server.url.removesuffix("/v1")
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {KEY}"}) as http:
        added = http.post(
            "/__mock__/script", json={"rules": [{"match": {"model": "gpt-x"}, "reply": "from the plane"}]}
        )
        assert added.status_code == 200, added.text
        assert sdk.responses.create(model="gpt-x", input="hi").output_text == "from the plane"
        fresh_server.configure_runs(progress="on_clock")
        waiting = sdk.responses.create(model="m", input="later", background=True)
        assert http.post("/__mock__/clock", json={"advance": 5}).status_code == 200
    assert sdk.responses.retrieve(waiting.id).status == "completed"
    paths = [entry.path for entry in fresh_server.requests(path_contains="/v1/responses")]
    assert paths == ["/v1/responses", "/v1/responses", f"/v1/responses/{waiting.id}"]


def test_export_import_and_reset(fresh_server: MockServer) -> None:
    sdk = client(fresh_server)
    conversation = sdk.conversations.create(items=[{"role": "user", "content": "kept"}])
    response = sdk.responses.create(model="m", input="hi", conversation=conversation.id)
    document = fresh_server.export(KEY)
    assert [c["id"] for c in document["conversations"]] == [conversation.id]
    assert [r["id"] for r in document["responses"]] == [response.id]
    fresh_server.reset()
    with pytest.raises(openai.NotFoundError):
        sdk.responses.retrieve(response.id)
    fresh_server.set_scenario(document)
    try:
        assert sdk.responses.retrieve(response.id).output_text == response.output_text
        assert len(sdk.conversations.items.list(conversation.id).data) == 3
    finally:
        fresh_server.set_scenario(None)


def test_a_recorded_response_stream_replays_event_by_event(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(UPSTREAM_KEY_ENV, "sk-proj-ResponsesUpstreamKey0123456789abcd")
    cassette = tmp_path / "responses.yaml"
    with MockServer(seed="upstream") as upstream:
        upstream.add_rule(reply="recorded words, streamed in pieces")
        with MockServer(cassette=cassette, record_mode="once", upstream=upstream.base_url) as recorder:
            sdk = client(recorder, "sk-dummy")
            with sdk.responses.stream(model="m", input="hi") as stream:
                recorded = [(event.type, event.sequence_number) for event in stream]
                text = stream.get_final_response().output_text
    section = load_interactions(cassette)[0]["response"]["stream"]
    assert section["events"][0]["event"] == "response.created" and section["end"] == "clean"
    with MockServer(cassette=cassette) as replayer:
        sdk = client(replayer, "sk-dummy")
        with sdk.responses.stream(model="m", input="hi") as stream:
            replayed = [(event.type, event.sequence_number) for event in stream]
            assert stream.get_final_response().output_text == text
        report = replayer.replay.finish()
    assert replayed == recorded and report is not None and not report.misses
