"""In-process HTTP tests of the Files and Uploads APIs: shapes, purposes, limits, expiry, errors, atomicity."""

from __future__ import annotations

import hashlib

import pytest
from starlette.testclient import TestClient

from mockserver.core.ids import DEFAULT_EPOCH, is_valid_id
from mockserver.store import Store
from mockserver.surfaces.files import shapes

from .files_support import error_of, multipart, upload

FULL_WIDTH_3600 = "\uff13\uff16\uff10\uff10"  # digits str.isdigit() accepts, not an integer on the wire
FILE_KEYS = ["object", "id", "purpose", "filename", "bytes", "created_at", "expires_at", "status", "status_details"]


def test_upload_answers_the_real_file_object(api: TestClient) -> None:
    made = upload(api, "a.txt", b"hello")
    assert list(made) == FILE_KEYS
    assert made["object"] == "file" and is_valid_id(made["id"], "file") and len(made["id"]) == len("file-") + 22
    assert (made["purpose"], made["filename"], made["bytes"]) == ("assistants", "a.txt", 5)
    assert (made["created_at"], made["expires_at"], made["status"], made["status_details"]) == (
        DEFAULT_EPOCH, None, "processed", None,
    )  # fmt: skip
    assert api.get(f"/v1/files/{made['id']}").json() == made


def test_list_filters_by_purpose_orders_and_pages(api: TestClient, store: Store) -> None:
    first = upload(api, "a.txt")
    store.advance_clock("sk-test-key", 5)
    second = upload(api, "b.jsonl", b"{}\n", purpose="batch")
    third = upload(api, "c.txt")
    listed = api.get("/v1/files").json()
    assert [f["id"] for f in listed["data"]] == [third["id"], second["id"], first["id"]]
    assert (listed["first_id"], listed["last_id"], listed["has_more"]) == (third["id"], first["id"], False)
    only = api.get("/v1/files", params={"purpose": "assistants", "order": "asc"}).json()
    assert [f["id"] for f in only["data"]] == [first["id"], third["id"]]
    page = api.get("/v1/files", params={"limit": 1, "after": third["id"]}).json()
    assert [f["id"] for f in page["data"]] == [second["id"]] and page["has_more"]
    assert api.get("/v1/files", params={"purpose": "vision"}).json()["data"] == []


@pytest.mark.parametrize("limit", ["0", "10001", "x"])
def test_list_limit_range_is_1_to_10000(api: TestClient, limit: str) -> None:
    response = api.get("/v1/files", params={"limit": limit})
    assert response.status_code == 400 and error_of(response)["param"] == "limit"


def test_content_returns_the_exact_bytes_and_type(api: TestClient) -> None:
    data = bytes(range(256)) * 3
    made = upload(api, "blob.jsonl", data, purpose="batch")
    response = api.get(f"/v1/files/{made['id']}/content")
    assert response.status_code == 200 and response.content == data
    assert response.headers["content-type"].startswith("application/")


def test_declared_content_type_is_served_back(api: TestClient) -> None:
    headers, body = multipart([("purpose", "vision"), ("file", ("pic", b"\x89PNG", "image/png"))])
    made = api.post("/v1/files", content=body, headers=headers).json()
    assert api.get(f"/v1/files/{made['id']}/content").headers["content-type"] == "image/png"


@pytest.mark.parametrize("purpose", ["assistants", "user_data"])
def test_download_of_assistants_files_is_refused(api: TestClient, purpose: str) -> None:
    made = upload(api, purpose=purpose)
    response = api.get(f"/v1/files/{made['id']}/content")
    assert response.status_code == 400
    assert error_of(response) == {
        "message": f"Not allowed to download files of purpose: {purpose}",
        "type": "invalid_request_error", "param": None, "code": None,
    }  # fmt: skip


def test_delete_then_everything_is_404(api: TestClient) -> None:
    made = upload(api)
    assert api.delete(f"/v1/files/{made['id']}").json() == {"id": made["id"], "object": "file", "deleted": True}
    for response in (
        api.get(f"/v1/files/{made['id']}"),
        api.delete(f"/v1/files/{made['id']}"),
        api.get(f"/v1/files/{made['id']}/content"),
    ):
        assert response.status_code == 404
        assert error_of(response) == {
            "message": f"No such File object: {made['id']}", "type": "invalid_request_error", "param": "id",
            "code": None,
        }  # fmt: skip


def test_invalid_purpose_has_the_real_wording(api: TestClient) -> None:
    response = api.post("/v1/files", data={"purpose": "vector_store"}, files={"file": ("a.txt", b"x")})
    assert response.status_code == 400
    assert error_of(response)["message"] == (
        "'vector_store' is not one of ['fine-tune', 'assistants', 'batch', 'user_data', 'vision', 'evals'] - 'purpose'"
    )
    assert error_of(response)["param"] == "purpose"


@pytest.mark.parametrize("purpose", ["batch", "fine-tune"])
def test_batch_and_fine_tune_files_must_be_jsonl(api: TestClient, purpose: str) -> None:
    response = api.post("/v1/files", data={"purpose": purpose}, files={"file": ("notes.txt", b"x")})
    assert response.status_code == 400
    assert error_of(response)["message"].startswith("Invalid file format for ")
    assert error_of(response)["message"].endswith(". Must be .jsonl")


def test_size_limit_per_purpose(api: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(shapes.PURPOSE_MAX_BYTES, "batch", 4)
    response = api.post("/v1/files", data={"purpose": "batch"}, files={"file": ("a.jsonl", b"12345")})
    assert response.status_code == 413
    assert error_of(response) == {
        "message": "Maximum content size limit (4) exceeded (5 bytes read)", "type": "server_error", "param": None,
        "code": None,
    }  # fmt: skip
    assert upload(api, "b.jsonl", b"1234", purpose="batch")["bytes"] == 4


def test_expires_after_sets_expires_at_and_the_file_goes(api: TestClient, store: Store) -> None:
    made = upload(api, **{"expires_after[anchor]": "created_at", "expires_after[seconds]": "3600"})
    assert made["expires_at"] == made["created_at"] + 3600
    store.advance_clock("sk-test-key", 3599)
    assert api.get(f"/v1/files/{made['id']}").status_code == 200
    store.advance_clock("sk-test-key", 1)
    assert api.get(f"/v1/files/{made['id']}").status_code == 404
    assert api.get("/v1/files").json()["data"] == []


def test_batch_files_expire_after_30_days_by_default(api: TestClient) -> None:
    made = upload(api, "in.jsonl", b"{}\n", purpose="batch")
    assert made["expires_at"] == made["created_at"] + 30 * 24 * 3600


@pytest.mark.parametrize(
    ("fields", "param"),
    [
        ({"expires_after[anchor]": "created_at"}, "expires_after.seconds"),
        ({"expires_after[seconds]": "3600"}, "expires_after.anchor"),
        ({"expires_after[anchor]": "last_active_at", "expires_after[seconds]": "3600"}, "expires_after.anchor"),
        ({"expires_after[anchor]": "created_at", "expires_after[seconds]": "60"}, "expires_after.seconds"),
        ({"expires_after[anchor]": "created_at", "expires_after[seconds]": "soon"}, "expires_after.seconds"),
        ({"expires_after[anchor]": "created_at", "expires_after[seconds]": "--5"}, "expires_after.seconds"),
        ({"expires_after[anchor]": "created_at", "expires_after[seconds]": FULL_WIDTH_3600}, "expires_after.seconds"),
        ({"colour": "red"}, None),
    ],
)
def test_bad_form_fields_are_400_and_store_nothing(api: TestClient, fields: dict[str, str], param: str | None) -> None:
    response = api.post("/v1/files", data={"purpose": "assistants", **fields}, files={"file": ("a.txt", b"x")})
    assert response.status_code == 400 and error_of(response)["param"] == param
    assert api.get("/v1/files").json()["data"] == []


@pytest.mark.parametrize(
    ("headers", "body", "param"),
    [
        ({"Content-Type": "application/json"}, b'{"purpose": "assistants"}', "file"),
        ({}, b"", "file"),
        ({"Content-Type": "multipart/form-data"}, b"--x\r\n", None),
        ({"Content-Type": "multipart/form-data; boundary=zz"}, b"--zz\r\nContent-Disposition: form-data", None),
        ({"Content-Type": "multipart/form-data; boundary=zz"}, b"--zz\r\n\r\nno name\r\n--zz--", None),
        ({"Content-Type": "multipart/form-data; boundary=zz"}, b"garbage", None),
    ],
)
def test_malformed_or_missing_multipart_is_a_clean_400(
    api: TestClient, headers: dict[str, str], body: bytes, param: str | None
) -> None:
    response = api.post("/v1/files", content=body, headers=headers)
    assert response.status_code == 400 and error_of(response)["param"] == param


def test_file_field_must_be_a_file_and_purpose_a_field(api: TestClient) -> None:
    headers, body = multipart([("purpose", "assistants"), ("file", "just text")])
    assert error_of(api.post("/v1/files", content=body, headers=headers))["message"] == (
        "Invalid type for 'file': expected a file, but got a string instead."
    )
    headers, body = multipart([("purpose", ("p.txt", b"assistants", "text/plain")), ("file", ("a.txt", b"x", "t/p"))])
    assert error_of(api.post("/v1/files", content=body, headers=headers))["param"] == "purpose"
    headers, body = multipart([("file", ("a.txt", b"x", "text/plain"))])
    assert error_of(api.post("/v1/files", content=body, headers=headers))["message"] == (
        "Missing required parameter: 'purpose'."
    )


def test_repeated_fields_are_refused(api: TestClient) -> None:
    headers, body = multipart([("purpose", "assistants"), ("purpose", "batch"), ("file", ("a.txt", b"x", "t/p"))])
    response = api.post("/v1/files", content=body, headers=headers)
    assert response.status_code == 400 and error_of(response)["param"] == "purpose"


def test_non_ascii_filenames_survive(api: TestClient) -> None:
    made = upload(api, 'résumé "final".txt', b"x")
    assert made["filename"] == 'résumé "final".txt'


# -- uploads -------------------------------------------------------------------------------------------------


def new_upload(api: TestClient, size: int = 10, **extra: object) -> dict[str, object]:
    body = {"bytes": size, "filename": "x.txt", "mime_type": "text/plain", "purpose": "assistants", **extra}
    response = api.post("/v1/uploads", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


def add_part(api: TestClient, upload_id: object, data: bytes) -> dict[str, object]:
    response = api.post(f"/v1/uploads/{upload_id}/parts", files={"data": ("upload", data)})
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_upload_lifecycle_makes_a_file_from_parts_in_part_ids_order(api: TestClient, store: Store) -> None:
    made = new_upload(api)
    assert list(made) == ["id", "object", "bytes", "created_at", "filename", "purpose", "status", "expires_at", "file"]
    assert (made["status"], made["expires_at"], made["file"]) == ("pending", DEFAULT_EPOCH + 3600, None)
    first, second = add_part(api, made["id"], b"56789"), add_part(api, made["id"], b"01234")
    assert list(first) == ["id", "object", "created_at", "upload_id"] and first["object"] == "upload.part"
    md5 = hashlib.md5(b"0123456789").hexdigest()
    done = api.post(f"/v1/uploads/{made['id']}/complete", json={"part_ids": [second["id"], first["id"]], "md5": md5})
    assert done.status_code == 200, done.text
    result = done.json()
    assert result["status"] == "completed" and result["file"]["bytes"] == 10
    assert store.files.read_content("sk-test-key", result["file"]["id"]) == b"0123456789"
    assert api.get(f"/v1/files/{result['file']['id']}").json() == result["file"]
    late = api.post(f"/v1/uploads/{made['id']}/parts", files={"data": ("upload", b"x")})
    assert late.status_code == 400
    assert error_of(late)["message"] == f"Upload {made['id']} has status 'completed'; parts cannot be added."


@pytest.mark.parametrize(
    ("part_ids", "md5", "message"),
    [
        (["A"], None, "hold 5 bytes in total"),  # too few bytes
        (["A", "A"], None, "listed more than once"),
        (["part_unknown"], None, "is not a part of Upload"),
        (["A", "B"], "0" * 32, "md5 checksum"),
    ],
)
def test_complete_checks_parts_sizes_and_md5(
    api: TestClient, part_ids: list[str], md5: str | None, message: str
) -> None:
    made = new_upload(api)
    ids = {"A": add_part(api, made["id"], b"01234")["id"], "B": add_part(api, made["id"], b"56789")["id"]}
    body: dict[str, object] = {"part_ids": [ids.get(p, p) for p in part_ids]}
    if md5:
        body["md5"] = md5
    response = api.post(f"/v1/uploads/{made['id']}/complete", json=body)
    assert response.status_code == 400 and message in error_of(response)["message"]
    assert api.get("/v1/files").json()["data"] == [], "a refused completion makes no file"


def test_cancel_and_expiry(api: TestClient, store: Store) -> None:
    made = new_upload(api)
    cancelled = api.post(f"/v1/uploads/{made['id']}/cancel").json()
    assert cancelled["status"] == "cancelled"
    assert api.post(f"/v1/uploads/{made['id']}/cancel").status_code == 400
    other = new_upload(api)
    store.advance_clock("sk-test-key", 3600)
    response = api.post(f"/v1/uploads/{other['id']}/complete", json={"part_ids": []})
    assert response.status_code == 400 and "'expired'" in error_of(response)["message"]


def test_upload_create_validation(api: TestClient) -> None:
    for body, param in [
        ({"filename": "x", "mime_type": "text/plain", "purpose": "assistants"}, "bytes"),
        ({"bytes": -1, "filename": "x", "mime_type": "text/plain", "purpose": "assistants"}, "bytes"),
        ({"bytes": 9 * 1024**3, "filename": "x", "mime_type": "text/plain", "purpose": "assistants"}, "bytes"),
        ({"bytes": 1, "filename": "x", "mime_type": "text/plain", "purpose": "nope"}, "purpose"),
        ({"bytes": 1, "filename": "x", "mime_type": "not a type", "purpose": "assistants"}, "mime_type"),
        ({"bytes": 1, "filename": "", "mime_type": "text/plain", "purpose": "assistants"}, "filename"),
    ]:
        response = api.post("/v1/uploads", json=body)
        assert response.status_code == 400 and error_of(response)["param"] == param, (body, response.text)
    unknown = api.post("/v1/uploads/upload_nope/parts", files={"data": ("upload", b"x")})
    assert unknown.status_code == 404 and error_of(unknown)["message"] == "No such Upload object: upload_nope"


def test_part_size_limit(api: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shapes, "MAX_PART_BYTES", 3)
    made = new_upload(api, size=4)
    response = api.post(f"/v1/uploads/{made['id']}/parts", files={"data": ("upload", b"1234")})
    assert response.status_code == 400 and error_of(response)["param"] == "data"
