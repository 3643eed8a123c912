"""Files, uploads, vector stores and models in scenario files, exports and the state file: lossless round trips,
located errors, and what a test reads back."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from mockserver import MockServer
from mockserver.app import create_app
from mockserver.control.journal import Journal
from mockserver.control.persistence import StateFile, atomic_write, export_all
from mockserver.scenarios import ScenarioError, export_project, load_document
from mockserver.store import Store

from .conftest import HEADERS
from .files_support import multipart

KEY = "sk-test-key"
DOC_ID = "file-Handbook00000000000000"
PNG_ID = "file-Picture000000000000000"
STORE_ID = "vs_" + "0" * 8 + "a" * 24
SCENARIO: dict[str, Any] = {
    "version": 1,
    "files": [
        {"id": DOC_ID, "filename": "handbook.md", "purpose": "assistants", "content": "Refunds within 30 days."},
        {"id": PNG_ID, "filename": "pic.png", "purpose": "vision", "content_base64": "iVBORw=="},
    ],
    "vector_stores": [
        {"id": STORE_ID, "name": "Handbook", "file_ids": [DOC_ID],
         "search": [{"match": {"contains": "policy"}, "results": [{"file_id": DOC_ID, "score": 0.8}]}]},
    ],
    "models": ["gpt-4o", {"id": "ft:gpt-4o-mini:acme::x1", "owned_by": "acme"}],
}  # fmt: skip


def test_a_scenario_seeds_files_stores_and_models() -> None:
    with MockServer(scenario=load_document(SCENARIO)) as server, server.client(api_key=KEY) as sdk:
        assert sdk.files.retrieve(DOC_ID).bytes == len("Refunds within 30 days.")
        assert sdk.files.content(PNG_ID).read() == b"\x89PNG"
        store = sdk.vector_stores.retrieve(STORE_ID)
        assert store.status == "completed" and store.file_counts.completed == 1
        hits = sdk.vector_stores.search(vector_store_id=STORE_ID, query="what is the policy")
        assert [(h.file_id, h.score) for h in hits] == [(DOC_ID, 0.8)]
        assert [m.id for m in sdk.models.list()] == ["gpt-4o", "ft:gpt-4o-mini:acme::x1"]
        assert server.store.files.read_content(KEY, DOC_ID) == b"Refunds within 30 days."
        sdk.files.delete(DOC_ID)
        server.reset(KEY)
        assert sdk.files.retrieve(DOC_ID).filename == "handbook.md", "reset returns to the scenario"


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ({"files": [{"filename": "a", "purpose": "nope"}]}, "files[0].purpose"),
        ({"files": [{"filename": "a", "purpose": "batch", "content_base64": "%%%"}]}, "files[0].content_base64"),
        ({"files": [{"filename": "a", "purpose": "batch", "content": "x", "bytes": 9}]}, "files[0].bytes"),
        ({"vector_stores": [{"file_ids": ["file-unknown"]}]}, "vector_stores[0].file_ids[0]"),
        ({"vector_stores": [{"files": [{"file_id": "f", "status": "later"}]}]}, "vector_stores[0].files[0].status"),
        ({"models": [{"id": "x", "shutdown_date": "soon"}]}, "models[0].shutdown_date"),
        ({"models": ["a", "a"]}, "models[1].id"),
        ({"vector_store_processing": {"progress": "never"}}, "vector_store_processing.progress"),
    ],
)
def test_mistakes_are_located(document: dict[str, Any], path: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_document({"version": 1, **document}).apply(Store(), KEY)
    assert path in str(info.value), str(info.value)


def busy_state(store: Store) -> None:
    """Everything these surfaces keep, in the states a test can leave them in."""
    store.vector_stores.configure_processing(KEY, {"reads": 3})
    store.models.set_models(KEY, ["gpt-4o", {"id": "ft:m:org::1", "owned_by": "org", "shutdown_date": "2027-01-01"}])
    with TestClient(create_app(store), headers=HEADERS) as api:
        ids = [
            api.post("/v1/files", data={"purpose": purpose}, files={"file": (name, data)}).json()["id"]
            for name, data, purpose in [
                ("a.md", b"alpha beta", "assistants"),
                ("b.txt", b"\xff\xfe not utf-8", "user_data"),
                ("c.txt", b"gamma", "user_data"),
            ]
        ]
        store.advance_clock(KEY, 7)
        expiry = {"anchor": "created_at", "seconds": 3600}
        upload_body = {"bytes": 4, "filename": "u.txt", "mime_type": "text/plain", "purpose": "assistants"}
        upload = api.post("/v1/uploads", json={**upload_body, "expires_after": expiry}).json()
        headers, body = multipart([("data", ("upload", b"\x00\x01", "application/octet-stream"))])
        api.post(f"/v1/uploads/{upload['id']}/parts", content=body, headers=headers)
        store_body = {"name": "kb", "file_ids": [ids[0]], "metadata": {"k": "v"}}
        vs = api.post(
            "/v1/vector_stores", json={**store_body, "expires_after": {"anchor": "last_active_at", "days": 3}}
        )
        vs = vs.json()
        chunking = {"type": "static", "static": {"max_chunk_size_tokens": 100, "chunk_overlap_tokens": 10}}
        entry = {"file_id": ids[2], "attributes": {"n": 1.5, "ok": True}, "chunking_strategy": chunking}
        api.post(f"/v1/vector_stores/{vs['id']}/file_batches", json={"files": [entry]})
        batch = api.post(f"/v1/vector_stores/{vs['id']}/file_batches", json={"file_ids": [ids[1]]}).json()
        api.post(f"/v1/vector_stores/{vs['id']}/file_batches/{batch['id']}/cancel")
        api.get(f"/v1/vector_stores/{vs['id']}")  # one read of three: files stay in progress
        store.vector_stores.script_search(KEY, vs["id"], [{"results": [{"file_id": ids[0], "text": "t"}]}])


def test_export_and_load_are_lossless() -> None:
    original = Store()
    busy_state(original)
    document = export_project(original, KEY)
    copy = Store()
    load_document(json.loads(json.dumps(document))).apply(copy, KEY)
    assert export_project(copy, KEY) == document
    for store in (original, copy):
        store.advance_clock(KEY, 1)
    with TestClient(create_app(original), headers=HEADERS) as a, TestClient(create_app(copy), headers=HEADERS) as b:
        for path in ("/v1/files", "/v1/vector_stores", "/v1/models"):
            assert a.get(path).json() == b.get(path).json()
        store_id = a.get("/v1/vector_stores").json()["data"][0]["id"]
        for _ in range(3):  # the in-progress files continue their count of reads
            assert a.get(f"/v1/vector_stores/{store_id}").json() == b.get(f"/v1/vector_stores/{store_id}").json()
        created = [api.post("/v1/files", data={"purpose": "assistants"}, files={"file": ("n.txt", b"n")}).json()
                   for api in (a, b)]  # fmt: skip
        assert created[0] == created[1], "ids and timestamps continue identically"


def test_the_state_file_keeps_file_content(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    original = Store()
    busy_state(original)
    atomic_write(target, json.dumps(export_all(original)).encode())
    restored = Store()
    assert StateFile(target, restored, Journal()).load() == [KEY]
    file_id = restored.files.export_files(KEY)[1]["id"]
    assert restored.files.read_content(KEY, file_id) == b"\xff\xfe not utf-8"
    assert export_project(restored, KEY) == export_project(original, KEY)


content = st.binary(max_size=40) | st.text(max_size=20).map(str.encode)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(content, st.sampled_from(["a.txt", "b.md", "c.jsonl"])), max_size=5))
def test_any_file_content_survives_export(files: list[tuple[bytes, str]]) -> None:
    store = Store()
    for data, name in files:
        store.files.seed_file(KEY, {"filename": name, "purpose": "user_data",
                                    "content_base64": base64.b64encode(data).decode()})  # fmt: skip
    document = json.loads(json.dumps(export_project(store, KEY)))
    copy = Store()
    load_document(document).apply(copy, KEY)
    assert [copy.files.read_content(KEY, f["id"]) for f in copy.files.export_files(KEY)] == [d for d, _ in files]


def test_the_knowledge_base_example_answers_with_a_citation() -> None:
    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    with MockServer(scenario="knowledge_base", fixtures_dir=fixtures) as server, server.client(api_key=KEY) as sdk:
        thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "What is the refund policy?"}])
        run = sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id="asst_PolicyBot000000000000000")
        text = sdk.beta.threads.messages.list(thread_id=thread.id).data[0].content[0].text
        assert run.status == "completed"
        assert sdk.files.retrieve(text.annotations[0].file_citation.file_id).filename == "refunds.md"
