"""Files in the layers around the surfaces: the journal's summary of uploads, faults, record and replay of file
content, and the pytest plugin."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from mockserver import MockServer
from mockserver.replay import UPSTREAM_KEY_ENV, load_interactions

from .clients import tracked

KEY = "sk-test-key"


def test_the_journal_summarizes_upload_bodies(fresh_server: MockServer, sdk: Any) -> None:
    data = b"x" * 5000
    made = sdk.files.create(file=("big.txt", data), purpose="assistants")
    entry = fresh_server.requests(method="POST", path="/v1/files")[-1]
    assert entry.body == {
        "purpose": "assistants",
        "file": {"filename": "big.txt", "content_type": "text/plain", "bytes": 5000,
                 "sha256": hashlib.sha256(data).hexdigest()},
    }  # fmt: skip
    assert len(entry.raw_body) < 300, "the upload's bytes are not kept twice"
    assert fresh_server.store.files.read_content(KEY, made.id) == data
    sdk.uploads.parts.create(
        upload_id=sdk.uploads.create(bytes=3, filename="p.txt", mime_type="text/plain", purpose="assistants").id,
        data=b"abc",
    )
    assert fresh_server.requests(path_contains="/parts")[-1].body["data"]["bytes"] == 3


def test_faults_apply_to_file_routes(fresh_server: MockServer, sdk: Any) -> None:
    fresh_server.add_fault(path="/v1/files", method="POST", status=429, times=1)
    with pytest.raises(openai.RateLimitError):
        sdk.files.create(file=("a.txt", b"x"), purpose="assistants")
    assert sdk.files.list().data == [], "the refused upload stored nothing"
    assert sdk.files.create(file=("a.txt", b"x"), purpose="assistants").bytes == 1


@pytest.fixture(scope="module")
def upstream() -> Iterator[MockServer]:
    with MockServer(seed="upstream") as server:
        yield server


def exchange(client: Any) -> tuple[list[Any], bytes]:
    made = client.files.create(file=("rows.jsonl", b'{"n": 1}\n\x00\xff binary tail'), purpose="batch")
    store = client.vector_stores.create(name="kb")
    doc = client.files.create(file=("doc.md", b"alpha beta"), purpose="assistants")
    attached = client.vector_stores.files.create_and_poll(file_id=doc.id, vector_store_id=store.id)
    found = client.vector_stores.search(vector_store_id=store.id, query="alpha").data
    return [made, attached, found], client.files.content(made.id).read()


def test_uploads_and_downloads_record_and_replay(tmp_path: Path, upstream: MockServer,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv(UPSTREAM_KEY_ENV, "sk-proj-UpstreamSecretKey0123456789abcdef")
    upstream.reset()
    cassette = tmp_path / "files.yaml"
    with MockServer(cassette=cassette, record_mode="once", upstream=upstream.base_url) as recorder:
        recorded, content = exchange(tracked(recorder.client(api_key="sk-dummy", _strict_response_validation=True)))
    assert content == b'{"n": 1}\n\x00\xff binary tail'
    assert any(i["request"]["path"].endswith("/content") for i in load_interactions(cassette))
    upstream.reset()
    with MockServer(cassette=cassette) as replayer:
        replayed, again = exchange(tracked(replayer.client(api_key="sk-dummy", _strict_response_validation=True)))
        report = replayer.replay.finish()
    assert (replayed, again) == (recorded, content)
    assert report is not None and not report.misses


@pytest.mark.usefixtures("warm_imports")
def test_the_plugin_fixture_serves_files(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        """
        def test_upload(mockserver, openai_client):
            made = openai_client.files.create(file=("a.txt", b"hello"), purpose="assistants")
            assert mockserver.file_content(made.id) == b"hello"
            assert mockserver.last_request(method="POST").body["file"]["bytes"] == 5
            assert openai_client.models.retrieve("gpt-4o").id == "gpt-4o"

        def test_isolated(openai_client):
            assert openai_client.files.list().data == []
        """
    )
    inner.runpytest().assert_outcomes(passed=2)


def test_the_control_plane_replaces_the_model_catalogue(fresh_server: MockServer, sdk: Any) -> None:
    import httpx

    document = {"version": 1, "models": ["gpt-4o", {"id": "ft:gpt-4o-mini:acme::abc", "owned_by": "acme"}]}
    answer = httpx.post(f"{fresh_server.url}/__mock__/scenario", params={"project": KEY}, json={"document": document})
    assert answer.status_code == 200, answer.text
    assert [m.id for m in sdk.models.list()] == ["gpt-4o", "ft:gpt-4o-mini:acme::abc"]
    assert sdk.models.delete("ft:gpt-4o-mini:acme::abc").deleted
    assert fresh_server.export(KEY)["models"] == [sdk.models.retrieve("gpt-4o").model_dump()]
