"""Chat, embeddings and moderations in scenario files, exports, the state file and record/replay."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mockserver import MockServer
from mockserver.control.journal import Journal
from mockserver.control.persistence import StateFile
from mockserver.replay import UPSTREAM_KEY_ENV
from mockserver.scenarios import ScenarioError, export_project, load_document, load_text
from mockserver.store import Store

from .clients import tracked

KEY = "sk-test-key"
SCENARIO = """
version: 1
script:
  - name: title
    match: {contains: "Summarize"}
    reply: "A short title"
moderation_rules:
  - match: {contains: forbidden}
    categories: [illicit]
chat_completions:
  - model: gpt-4o
    metadata: {topic: seeded}
    messages:
      - {role: user, content: "Summarize this"}
    choices:
      - message: {content: "A short title"}
"""


def test_a_scenario_drives_chat_moderations_and_seeds_stored_completions(fresh_server: MockServer) -> None:
    fresh_server.set_scenario(load_text(SCENARIO, "chat.yaml"))
    try:
        client = fresh_server.client(api_key=KEY, _strict_response_validation=True)
        tracked(client)
        (seeded,) = client.chat.completions.list(metadata={"topic": "seeded"})
        assert seeded.choices[0].message.content == "A short title" and seeded.choices[0].finish_reason == "stop"
        asked = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Summarize: x"}])
        assert asked.choices[0].message.content == "A short title"
        assert client.moderations.create(input="forbidden words").results[0].categories.illicit
        assert asked.id != seeded.id
    finally:
        fresh_server.set_scenario(None)


def test_export_round_trips(store: Store) -> None:
    store.chat.create(
        KEY,
        {
            "model": "gpt-4o",
            "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}],
            "store": True,
            "metadata": {"a": "b"},
            "n": 2,
            "logprobs": True,
        },
    )
    store.chat.create(KEY, {"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}], "store": True})
    store.moderations.add_rules(KEY, [{"name": "r", "match": {"regex": "x+"}, "categories": {"violence": 0.6}}])
    exported = export_project(store, KEY)
    assert [c["model"] for c in exported["chat_completions"]] == ["gpt-4o", "gpt-4o"]
    assert exported["id_counters"]["chat_completion"] == 2
    restored = Store()
    load_document(json.loads(json.dumps(exported))).apply(restored, KEY)
    assert export_project(restored, KEY) == exported
    assert (
        restored.chat.create(KEY, {"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]})[0]["id"]
        == (store.chat.create(KEY, {"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]})[0]["id"])
    )


@pytest.mark.parametrize(
    ("item", "where"),
    [
        ({"model": "gpt-4o"}, "chat_completions[0]: missing required key 'choices'"),
        (
            {"model": "gpt-4o", "choices": [{"message": {"role": "user"}}]},
            "chat_completions[0].choices[0].message.role",
        ),
        ({"id": "chatcmpl-x", "model": "gpt-4o", "choices": []}, "chat_completions[0].id"),
        ({"model": "gpt-4o", "choices": [], "messages": [{"role": "robot"}]}, "chat_completions[0].messages[0].role"),
    ],
)
def test_bad_seeded_completions_are_located(item: dict[str, Any], where: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_document({"version": 1, "chat_completions": [item]}).apply(Store(), KEY)
    assert where in str(info.value)


def test_the_state_file_keeps_stored_completions(tmp_path: Path) -> None:
    store = Store(seed="s")
    made, _ = store.chat.create(
        KEY, {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], "store": True}
    )
    store.moderations.add_rules(KEY, [{"match": {"contains": "a"}, "categories": ["hate"]}])
    state = StateFile(tmp_path / "s.json", store, Journal(), interval=0)
    state.load()
    state.save()
    restored = Store(seed="s")
    StateFile(tmp_path / "s.json", restored, Journal()).load()
    assert restored.chat.get(KEY, made["id"]) == store.chat.get(KEY, made["id"])
    assert restored.chat.list_messages(KEY, made["id"], {}) == store.chat.list_messages(KEY, made["id"], {})
    assert restored.moderations.rules(KEY) == store.moderations.rules(KEY)


def test_chat_streams_record_and_replay_chunk_by_chunk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(UPSTREAM_KEY_ENV, "sk-proj-ChatUpstreamKey0123456789abcdef")
    cassette = tmp_path / "chat.yaml"
    body = {
        "model": "gpt-4o",
        "messages": [{"role": "user", "content": "Hello"}],
        "stream": True,
        "stream_options": {"include_usage": True},
    }

    def streamed(server: MockServer) -> tuple[bytes, Any]:
        client = tracked(server.client(api_key="sk-dummy", _strict_response_validation=True))
        raw = client.chat.completions.with_raw_response.create(**body)
        helper_body = {k: v for k, v in body.items() if k != "stream"}
        with client.chat.completions.stream(**helper_body) as s:  # each recording replays once: record it too
            final = s.get_final_completion()
        return bytes(raw.http_response.read()), final

    with (
        MockServer(seed="chat-upstream") as upstream,
        MockServer(cassette=cassette, record_mode="once", upstream=upstream.base_url) as recorder,
    ):
        recorded, recorded_final = streamed(recorder)
    assert recorded.endswith(b"data: [DONE]\n\n") and b"event:" not in recorded
    with MockServer(cassette=cassette, record_mode="none") as replayer:
        replayed, final = streamed(replayer)
    assert replayed == recorded
    assert final == recorded_final and final.usage is not None


def test_projects_started_from_a_baseline_do_not_share_changes(fresh_server: MockServer) -> None:
    fresh_server.set_scenario(load_text(SCENARIO, "chat.yaml"))
    try:
        a = tracked(fresh_server.client(api_key="sk-a", _strict_response_validation=True))
        b = tracked(fresh_server.client(api_key="sk-b", _strict_response_validation=True))
        (seeded,) = a.chat.completions.list()
        a.chat.completions.update(seeded.id, metadata={"topic": "changed"})
        a.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}], store=True)
        assert b.chat.completions.retrieve(seeded.id).metadata == {"topic": "seeded"}
        a.chat.completions.delete(seeded.id)
        assert [c.id for c in b.chat.completions.list()] == [seeded.id]
        fresh_server.reset()
        assert a.chat.completions.retrieve(seeded.id).metadata == {"topic": "seeded"}
    finally:
        fresh_server.set_scenario(None)
