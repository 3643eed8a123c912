"""In-process HTTP tests of vector stores: shapes, counts, processing modes, batches, search, errors."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from mockserver.core.ids import DEFAULT_EPOCH
from mockserver.store import Store

from .files_support import error_of, new_store, upload

KEY = "sk-test-key"
STORE_KEYS = [
    "id", "object", "created_at", "name", "description", "usage_bytes", "file_counts", "status", "expires_after",
    "expires_at", "last_active_at", "metadata",
]  # fmt: skip
FILE_KEYS = [
    "id", "object", "usage_bytes", "created_at", "vector_store_id", "status", "last_error", "chunking_strategy",
    "attributes",
]  # fmt: skip


def counts(in_progress: int = 0, completed: int = 0, failed: int = 0, cancelled: int = 0) -> dict[str, int]:
    total = in_progress + completed + failed + cancelled
    return {"in_progress": in_progress, "completed": completed, "failed": failed, "cancelled": cancelled,
            "total": total}  # fmt: skip


def test_an_empty_store_is_completed_at_once_in_the_real_key_order(api: TestClient) -> None:
    made = new_store(api)
    assert list(made) == STORE_KEYS
    assert made["id"].startswith("vs_") and len(made["id"]) == 35
    assert int(made["id"][3:11], 16) == DEFAULT_EPOCH, "the first 8 hex digits are created_at"
    assert (made["name"], made["description"], made["status"], made["usage_bytes"]) == ("", None, "completed", 0)
    assert made["file_counts"] == counts() and made["last_active_at"] == made["created_at"]
    assert api.get(f"/v1/vector_stores/{made['id']}", headers={"OpenAI-Beta": ""}).json() == made


def test_attached_files_are_in_progress_then_complete_on_the_next_read(api: TestClient) -> None:
    doc = upload(api, "doc.md", b"Refunds within 30 days.")
    made = new_store(api, name="kb", file_ids=[doc["id"]])
    assert made["status"] == "in_progress" and made["file_counts"] == counts(in_progress=1)
    read = api.get(f"/v1/vector_stores/{made['id']}")
    assert read.headers["openai-poll-after-ms"].isdigit()
    store = read.json()
    assert store["status"] == "completed" and store["file_counts"] == counts(completed=1)
    assert store["usage_bytes"] == len(b"Refunds within 30 days.")
    vs_file = api.get(f"/v1/vector_stores/{made['id']}/files/{doc['id']}").json()
    assert list(vs_file) == FILE_KEYS
    assert vs_file["chunking_strategy"] == {
        "type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}
    }  # fmt: skip


@pytest.mark.parametrize(("mode", "reads_to_complete"), [("immediate", 0), ("on_read", 3)])
def test_processing_modes(api: TestClient, store: Store, mode: str, reads_to_complete: int) -> None:
    store.vector_stores.configure_processing(KEY, {"progress": mode, "reads": max(reads_to_complete, 1)})
    made = new_store(api)
    doc = upload(api)
    attached = api.post(f"/v1/vector_stores/{made['id']}/files", json={"file_id": doc["id"]}).json()
    statuses = [attached["status"]]
    for _ in range(reads_to_complete):
        statuses.append(api.get(f"/v1/vector_stores/{made['id']}/files/{doc['id']}").json()["status"])
    assert statuses[-1] == "completed" and all(s == "in_progress" for s in statuses[:-1])


def test_on_clock_processing_waits_for_the_clock(api: TestClient, store: Store) -> None:
    store.vector_stores.configure_processing(KEY, {"progress": "on_clock"})
    made = new_store(api)
    doc = upload(api)
    api.post(f"/v1/vector_stores/{made['id']}/files", json={"file_id": doc["id"]})
    assert api.get(f"/v1/vector_stores/{made['id']}").json()["status"] == "in_progress"
    store.advance_clock(KEY, 1)
    assert api.get(f"/v1/vector_stores/{made['id']}").json()["status"] == "completed"


def test_file_list_filters_and_pages(api: TestClient, store: Store) -> None:
    made = new_store(api)
    docs = [upload(api, f"d{i}.txt", f"doc {i}".encode()) for i in range(3)]
    for doc in docs:
        api.post(f"/v1/vector_stores/{made['id']}/files", json={"file_id": doc["id"]})
        store.advance_clock(KEY, 1)
    base = f"/v1/vector_stores/{made['id']}/files"
    everything = api.get(base, params={"order": "asc"}).json()
    assert [f["id"] for f in everything["data"]] == [d["id"] for d in docs]
    assert api.get(base, params={"filter": "in_progress"}).json()["data"] == []
    done = api.get(base, params={"filter": "completed", "limit": 2}).json()
    assert [f["id"] for f in done["data"]] == [docs[2]["id"], docs[1]["id"]] and done["has_more"]
    after = api.get(base, params={"filter": "completed", "after": docs[1]["id"]}).json()
    assert [f["id"] for f in after["data"]] == [docs[0]["id"]] and not after["has_more"]
    assert error_of(api.get(base, params={"filter": "nope"}))["param"] == "filter"


def test_update_attributes_detach_and_content(api: TestClient) -> None:
    doc = upload(api, "doc.md", b"Some text.")
    made = new_store(api, file_ids=[doc["id"]])
    base = f"/v1/vector_stores/{made['id']}/files/{doc['id']}"
    updated = api.post(base, json={"attributes": {"team": "support", "year": 2024, "public": True}}).json()
    assert updated["attributes"] == {"team": "support", "year": 2024, "public": True}
    assert api.post(base, json={"attributes": None}).json()["attributes"] == {}
    assert api.post(base, json={}).status_code == 400
    content = api.get(f"{base}/content").json()
    assert content == {"object": "vector_store.file_content.page", "data": [{"type": "text", "text": "Some text."}],
                       "has_more": False, "next_page": None}  # fmt: skip
    gone = api.delete(base).json()
    assert gone == {"id": doc["id"], "object": "vector_store.file.deleted", "deleted": True}
    missing = api.get(base)
    assert missing.status_code == 404
    assert error_of(missing)["message"] == f"No file found with id '{doc['id']}' in vector store '{made['id']}'."
    assert api.get(f"/v1/files/{doc['id']}").status_code == 200, "the File itself stays"


def test_deleting_the_file_removes_it_from_every_store(api: TestClient) -> None:
    doc = upload(api, "doc.md", b"12345")
    one, two = new_store(api, file_ids=[doc["id"]]), new_store(api, file_ids=[doc["id"]])
    api.delete(f"/v1/files/{doc['id']}")
    for made in (one, two):
        store = api.get(f"/v1/vector_stores/{made['id']}").json()
        assert store["file_counts"] == counts() and store["usage_bytes"] == 0


def test_attach_checks_files_and_extensions(api: TestClient) -> None:
    made = new_store(api)
    missing = api.post(f"/v1/vector_stores/{made['id']}/files", json={"file_id": "file-nope"})
    assert missing.status_code == 404 and error_of(missing)["message"] == "No such File object: file-nope"
    csv = upload(api, "data.csv", b"a,b\n")
    refused = api.post(f"/v1/vector_stores/{made['id']}/files", json={"file_id": csv["id"]})
    assert refused.status_code == 400
    assert error_of(refused) == {
        "message": "Files with extensions [.csv] are not supported for retrieval. See "
        "https://platform.openai.com/docs/assistants/tools/file-search/supported-files",
        "type": "invalid_request_error", "param": "file_id", "code": "unsupported_file",
    }  # fmt: skip
    created = api.post("/v1/vector_stores", json={"file_ids": [csv["id"]]})
    assert created.status_code == 400 and api.get("/v1/vector_stores").json()["data"] == [made]


def test_attaching_twice_returns_the_existing_file(api: TestClient) -> None:
    doc = upload(api)
    made = new_store(api, file_ids=[doc["id"]])
    again = api.post(f"/v1/vector_stores/{made['id']}/files", json={"file_id": doc["id"], "attributes": {"a": "b"}})
    assert again.status_code == 200 and again.json()["attributes"] == {}
    assert api.get(f"/v1/vector_stores/{made['id']}").json()["file_counts"]["total"] == 1


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"name": 5}, "name"),
        ({"file_ids": "file-x"}, "file_ids"),
        ({"file_ids": ["file-x"] * 501}, "file_ids"),
        ({"expires_after": {"anchor": "created_at", "days": 1}}, "expires_after.anchor"),
        ({"expires_after": {"anchor": "last_active_at", "days": 366}}, "expires_after.days"),
        ({"chunking_strategy": {"type": "static", "static": {"max_chunk_size_tokens": 99, "chunk_overlap_tokens": 0}}},
         "chunking_strategy.static.max_chunk_size_tokens"),
        ({"chunking_strategy": {"type": "static", "static": {"max_chunk_size_tokens": 200,
                                                             "chunk_overlap_tokens": 101}}},
         "chunking_strategy.static.chunk_overlap_tokens"),
        ({"metadata": {"k": 1}}, "metadata.k"),
        ({"colour": "red"}, None),
    ],
)  # fmt: skip
def test_create_validation_is_400_and_stores_nothing(api: TestClient, body: dict[str, object], param: str) -> None:
    response = api.post("/v1/vector_stores", json=body)
    assert response.status_code == 400 and error_of(response)["param"] == param, response.text
    assert api.get("/v1/vector_stores").json()["data"] == []


def test_update_delete_and_list(api: TestClient, store: Store) -> None:
    first = new_store(api, name="a")
    store.advance_clock(KEY, 10)
    second = new_store(api, name="b", metadata={"k": "v"})
    updated = api.post(
        f"/v1/vector_stores/{first['id']}",
        json={"name": "renamed", "expires_after": {"anchor": "last_active_at", "days": 2}},
    ).json()
    assert updated["name"] == "renamed" and updated["expires_at"] == first["last_active_at"] + 2 * 86400
    listed = api.get("/v1/vector_stores", params={"limit": 1}).json()
    assert [s["id"] for s in listed["data"]] == [second["id"]] and listed["has_more"]
    deleted = api.delete(f"/v1/vector_stores/{second['id']}").json()
    assert deleted == {"id": second["id"], "object": "vector_store.deleted", "deleted": True}
    missing = api.get(f"/v1/vector_stores/{second['id']}")
    assert (
        missing.status_code == 404
        and error_of(missing)["message"] == f"No vector store found with id '{second['id']}'."
    )
    odd = api.get("/v1/vector_stores/vs%20x")
    assert odd.status_code == 400 and error_of(odd)["code"] == "invalid_value"


def test_expiry_stops_use(api: TestClient, store: Store) -> None:
    doc = upload(api, "doc.txt", b"hello")
    made = new_store(api, file_ids=[doc["id"]], expires_after={"anchor": "last_active_at", "days": 1})
    assert made["expires_at"] == made["last_active_at"] + 86400
    store.advance_clock(KEY, 3600)
    api.post(f"/v1/vector_stores/{made['id']}/search", json={"query": "hello"})
    assert api.get(f"/v1/vector_stores/{made['id']}").json()["last_active_at"] == made["created_at"] + 3600
    store.advance_clock(KEY, 86400)
    assert api.get(f"/v1/vector_stores/{made['id']}").json()["status"] == "expired"
    refused = api.post(f"/v1/vector_stores/{made['id']}/search", json={"query": "hello"})
    assert refused.status_code == 400 and error_of(refused)["message"] == f"Vector store '{made['id']}' has expired."


# -- batches -------------------------------------------------------------------------------------------------


def test_batch_lifecycle(api: TestClient) -> None:
    made = new_store(api)
    docs = [upload(api, f"d{i}.txt") for i in range(2)]
    base = f"/v1/vector_stores/{made['id']}/file_batches"
    batch = api.post(base, json={"file_ids": [d["id"] for d in docs], "attributes": {"src": "x"}}).json()
    assert list(batch) == ["id", "object", "created_at", "vector_store_id", "status", "file_counts"]
    assert batch["object"] == "vector_store.files_batch" and batch["id"].startswith("vsfb_")
    assert batch["status"] == "in_progress" and batch["file_counts"] == counts(in_progress=2)
    read = api.get(f"{base}/{batch['id']}").json()
    assert read["status"] == "completed" and read["file_counts"] == counts(completed=2)
    files = api.get(f"{base}/{batch['id']}/files").json()["data"]
    assert sorted(f["id"] for f in files) == sorted(d["id"] for d in docs)
    assert all(f["attributes"] == {"src": "x"} for f in files)
    late = api.post(f"{base}/{batch['id']}/cancel")
    assert late.status_code == 400


def test_cancel_moves_in_progress_files_to_cancelled(api: TestClient, store: Store) -> None:
    store.vector_stores.configure_processing(KEY, {"reads": 5})
    made = new_store(api)
    doc = upload(api)
    base = f"/v1/vector_stores/{made['id']}/file_batches"
    batch = api.post(base, json={"files": [{"file_id": doc["id"], "attributes": {"n": 1}}]}).json()
    cancelled = api.post(f"{base}/{batch['id']}/cancel").json()
    assert cancelled["status"] == "cancelled" and cancelled["file_counts"] == counts(cancelled=1)
    assert api.get(f"/v1/vector_stores/{made['id']}").json()["file_counts"] == counts(cancelled=1)


def test_batch_errors(api: TestClient) -> None:
    made = new_store(api)
    doc = upload(api)
    base = f"/v1/vector_stores/{made['id']}/file_batches"
    both = api.post(base, json={"file_ids": [doc["id"]], "files": [{"file_id": doc["id"]}]})
    assert error_of(both)["code"] == "mutually_exclusive_parameters"
    assert error_of(api.post(base, json={"file_ids": []}))["param"] == "file_ids"
    assert error_of(api.post(base, json={}))["param"] == "file_ids"
    bad_prefix = api.get(f"{base}/vs_my-vector-store-id")
    assert error_of(bad_prefix)["message"] == (
        "Invalid 'batch_id': 'vs_my-vector-store-id'. Expected an ID that begins with 'vsfb_'."
    )
    assert api.get(f"{base}/vsfb_{'0' * 32}").status_code == 404
    unknown = api.post(base, json={"file_ids": [doc["id"], "file-nope"]})
    assert unknown.status_code == 404 and error_of(unknown)["param"] == "file_ids[1]"
    assert api.get(f"/v1/vector_stores/{made['id']}/files").json()["data"] == [], "nothing was attached"


# -- search --------------------------------------------------------------------------------------------------


def searchable(api: TestClient) -> tuple[str, list[dict[str, object]]]:
    docs = [
        upload(api, "refunds.md", b"Refunds are accepted within 30 days of purchase."),
        upload(api, "shipping.md", b"Shipping takes 5 business days."),
        upload(api, "jobs.md", b"We are hiring engineers."),
    ]
    made = new_store(api)
    api.post(
        f"/v1/vector_stores/{made['id']}/file_batches",
        json={"files": [
            {"file_id": docs[0]["id"], "attributes": {"topic": "refunds", "year": 2024}},
            {"file_id": docs[1]["id"], "attributes": {"topic": "shipping", "year": 2025}},
            {"file_id": docs[2]["id"], "attributes": {"topic": "jobs", "year": 2023}},
        ]},
    )  # fmt: skip
    return made["id"], docs


def test_search_scores_lexically_and_deterministically(api: TestClient) -> None:
    store_id, _ = searchable(api)
    page = api.post(f"/v1/vector_stores/{store_id}/search", json={"query": "refunds days"}).json()
    assert page["object"] == "vector_store.search_results.page" and page["search_query"] == ["refunds days"]
    assert (page["has_more"], page["next_page"]) == (False, None)
    assert [(r["filename"], r["score"]) for r in page["data"]] == [("refunds.md", 1.0), ("shipping.md", 0.5)]
    first = page["data"][0]
    assert list(first) == ["file_id", "filename", "score", "attributes", "content"]
    assert first["content"] == [{"type": "text", "text": "Refunds are accepted within 30 days of purchase."}]
    assert first["attributes"] == {"topic": "refunds", "year": 2024}
    assert api.post(f"/v1/vector_stores/{store_id}/search", json={"query": "zebra"}).json()["data"] == []


def test_search_options_and_filters(api: TestClient) -> None:
    store_id, _ = searchable(api)
    url = f"/v1/vector_stores/{store_id}/search"

    def names(**body: object) -> list[str]:
        response = api.post(url, json={"query": ["days", "hiring"], **body})
        assert response.status_code == 200, response.text
        return [r["filename"] for r in response.json()["data"]]

    assert names() == ["refunds.md", "shipping.md", "jobs.md"]
    assert names(max_num_results=1) == ["refunds.md"]
    assert names(filters={"type": "eq", "key": "topic", "value": "shipping"}) == ["shipping.md"]
    assert names(filters={"type": "gte", "key": "year", "value": 2024}) == ["refunds.md", "shipping.md"]
    assert names(filters={"type": "nin", "key": "topic", "value": ["jobs", "refunds"]}) == ["shipping.md"]
    assert names(
        filters={
            "type": "or",
            "filters": [{"type": "eq", "key": "topic", "value": "jobs"}, {"type": "lt", "key": "year", "value": 2024}],
        }
    ) == ["jobs.md"]
    assert names(filters={"type": "eq", "key": "missing", "value": "x"}) == []
    assert names(ranking_options={"ranker": "none", "score_threshold": 1.0}, rewrite_query=True) == [
        "refunds.md", "shipping.md", "jobs.md"]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({}, "query"),
        ({"query": 5}, "query"),
        ({"query": []}, "query"),
        ({"query": "x", "max_num_results": 51}, "max_num_results"),
        ({"query": "x", "ranking_options": {"ranker": "best"}}, "ranking_options.ranker"),
        ({"query": "x", "ranking_options": {"score_threshold": 2}}, "ranking_options.score_threshold"),
        ({"query": "x", "filters": {"type": "eq", "key": "k"}}, "filters.value"),
        ({"query": "x", "filters": {"type": "and", "filters": [{"type": "like"}]}}, "filters.filters[0].type"),
        ({"query": "x", "rewrite_query": "yes"}, "rewrite_query"),
    ],
)
def test_search_validation(api: TestClient, body: dict[str, object], param: str) -> None:
    made = new_store(api)
    response = api.post(f"/v1/vector_stores/{made['id']}/search", json=body)
    assert response.status_code == 400 and error_of(response)["param"] == param, response.text


def test_scripted_search_results(api: TestClient, store: Store) -> None:
    store_id, docs = searchable(api)
    store.vector_stores.script_search(
        KEY, store_id, [{"match": {"contains": "policy"}, "results": [
            {"file_id": docs[2]["id"], "score": 0.9, "text": "scripted"}, {"file_id": docs[0]["id"]}]}],
    )  # fmt: skip
    page = api.post(f"/v1/vector_stores/{store_id}/search", json={"query": "what is the policy"}).json()
    assert [(r["filename"], r["score"], r["content"][0]["text"]) for r in page["data"]] == [
        ("refunds.md", 0.95, "Refunds are accepted within 30 days of purchase."),  # default: 1.0 - 0.05 * position
        ("jobs.md", 0.9, "scripted"),
    ]
    unscripted = api.post(f"/v1/vector_stores/{store_id}/search", json={"query": "hiring"}).json()
    assert [r["filename"] for r in unscripted["data"]] == ["jobs.md"]
