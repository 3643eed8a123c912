"""Every files, uploads, vector store and models response against the official schema (openapi-platform.json).

Deliberate differences, each backed by real captures (platform-surfaces.md) and allowed below by path:

- ``OpenAIFile.expires_at`` / ``status_details`` are ``null`` when unset: real 2026 bodies send both keys as
  null (PC-5), the schema types them as non-null integers/strings (the SDK models them Optional).
- ``VectorStoreObject.expires_after`` is ``null`` for a store without expiry (V-real 2025 reprs and
  openai-node#1700); the schema's ``$ref`` is not nullable (the SDK models it Optional).
- ``first_id`` / ``last_id`` of an empty list are ``null`` (assistants-v2.md section 5), where the schema says string.
"""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from .files_support import new_store, upload
from .schema import platform_errors

#: (schema, path of the violation, message fragment) that are deliberate, as the module docstring says.
ALLOWED = {
    ("expires_at", "None is not of type 'integer'"),
    ("status_details", "None is not of type 'string'"),
    ("expires_after", "None is not of type 'object'"),
    ("first_id", "None is not of type 'string'"),
    ("last_id", "None is not of type 'string'"),
}


def check(instance: Any, schema: str) -> None:
    problems = []
    for problem in platform_errors(instance, schema):
        path, _, message = problem.partition(": ")
        if (path.rsplit("/", 1)[-1], message) not in ALLOWED:
            problems.append(problem)
    assert problems == [], (schema, instance)


def test_files_and_uploads_conform(api: TestClient) -> None:
    check(api.get("/v1/files").json(), "ListFilesResponse")
    made = upload(api, "a.jsonl", b"{}\n", purpose="batch")
    check(made, "OpenAIFile")
    check(api.get(f"/v1/files/{made['id']}").json(), "OpenAIFile")
    check(api.get("/v1/files").json(), "ListFilesResponse")
    pending = api.post(
        "/v1/uploads", json={"bytes": 2, "filename": "x.txt", "mime_type": "text/plain", "purpose": "assistants"}
    ).json()
    check(pending, "Upload")
    part = api.post(f"/v1/uploads/{pending['id']}/parts", files={"data": ("upload", b"ab")}).json()
    check(part, "UploadPart")
    check(api.post(f"/v1/uploads/{pending['id']}/complete", json={"part_ids": [part["id"]]}).json(), "Upload")
    other = api.post(
        "/v1/uploads", json={"bytes": 2, "filename": "y.txt", "mime_type": "text/plain", "purpose": "assistants"}
    ).json()
    check(api.post(f"/v1/uploads/{other['id']}/cancel").json(), "Upload")
    check(api.delete(f"/v1/files/{made['id']}").json(), "DeleteFileResponse")


def test_vector_stores_conform(api: TestClient) -> None:
    doc = upload(api, "doc.md", b"Refunds within 30 days.")
    made = new_store(api, name="kb", file_ids=[doc["id"]], expires_after={"anchor": "last_active_at", "days": 3})
    check(made, "VectorStoreObject")
    check(new_store(api), "VectorStoreObject")
    base = f"/v1/vector_stores/{made['id']}"
    check(api.get(base).json(), "VectorStoreObject")
    check(api.get("/v1/vector_stores").json(), "ListVectorStoresResponse")
    check(api.post(base, json={"name": "renamed"}).json(), "VectorStoreObject")
    check(api.get(f"{base}/files").json(), "ListVectorStoreFilesResponse")
    check(api.get(f"{base}/files/{doc['id']}").json(), "VectorStoreFileObject")
    check(api.post(f"{base}/files/{doc['id']}", json={"attributes": {"a": 1}}).json(), "VectorStoreFileObject")
    check(api.get(f"{base}/files/{doc['id']}/content").json(), "VectorStoreFileContentResponse")
    check(api.post(f"{base}/search", json={"query": "refunds"}).json(), "VectorStoreSearchResultsPage")
    other = upload(api, "other.txt", b"x")
    batch = api.post(f"{base}/file_batches", json={"file_ids": [other["id"]]}).json()
    check(batch, "VectorStoreFileBatchObject")
    check(api.post(f"{base}/file_batches/{batch['id']}/cancel").json(), "VectorStoreFileBatchObject")
    check(api.get(f"{base}/file_batches/{batch['id']}").json(), "VectorStoreFileBatchObject")
    check(api.get(f"{base}/file_batches/{batch['id']}/files").json(), "ListVectorStoreFilesResponse")
    check(api.post(f"{base}/files", json={"file_id": upload(api, "z.txt")["id"]}).json(), "VectorStoreFileObject")
    check(api.delete(f"{base}/files/{doc['id']}").json(), "DeleteVectorStoreFileResponse")
    check(api.delete(base).json(), "DeleteVectorStoreResponse")


def test_models_conform(api: TestClient, store: Any) -> None:
    check(api.get("/v1/models").json(), "ListModelsResponse")
    check(api.get("/v1/models/gpt-4o").json(), "Model")
    store.models.set_models("sk-test-key", ["gpt-4o", {"id": "ft:gpt-4o-mini:acme::abc123", "shutdown_date": None}])
    check(api.delete("/v1/models/ft:gpt-4o-mini:acme::abc123").json(), "DeleteModelResponse")
