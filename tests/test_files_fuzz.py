"""Hypothesis: the multipart parser, list pagination of files and store files, and every create body of these
surfaces (a clean 4xx with nothing stored, or a valid object; never a 500)."""

from __future__ import annotations

import contextlib
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from mockserver.app import create_app
from mockserver.core import multipart
from mockserver.store import Store

from .conftest import HEADERS
from .schema import platform_errors

KEY = "sk-test-key"
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

names = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\r\n"), min_size=1, max_size=12)
values = st.binary(max_size=64)


@FUZZ
@given(
    fields=st.lists(st.tuples(names, values, st.booleans(), names), min_size=1, max_size=4, unique_by=lambda f: f[0])
)
def test_what_httpx_encodes_parses_back_exactly(fields: list[tuple[str, bytes, bool, str]]) -> None:
    files = [
        (name, (filename, data, "application/octet-stream")) for name, data, is_file, filename in fields if is_file
    ]
    data = {name: value.decode("latin-1") for name, value, is_file, _ in fields if not is_file}
    request = httpx.Request("POST", "http://x/", data=data, files=files or None)
    if not files:  # httpx sends url-encoded forms without files; that is not multipart
        return
    parts = multipart.parse(request.read(), multipart.boundary_of(request.headers["content-type"]) or "")
    parsed = {p.name: (p.filename, p.data) for p in parts}
    for name, value, is_file, filename in fields:
        if is_file:
            assert parsed[name] == (filename, value)
        else:
            assert parsed[name] == (None, value.decode("latin-1").encode("utf-8"))


@FUZZ
@given(body=st.binary(max_size=300), boundary=st.sampled_from(["b", "x-y", "0" * 70]), noise=st.binary(max_size=20))
def test_arbitrary_bytes_parse_or_fail_with_a_multipart_error(body: bytes, boundary: str, noise: bytes) -> None:
    delimiter = f"--{boundary}".encode()
    for candidate in (body, delimiter + b"\r\n" + body, delimiter + noise + body + delimiter + b"--"):
        with contextlib.suppress(multipart.MultipartError):
            multipart.parse(candidate, boundary)


@FUZZ
@given(header=st.text(max_size=80))
def test_any_content_type_header_is_handled(header: str) -> None:
    with contextlib.suppress(multipart.MultipartError):
        multipart.boundary_of(header)


@FUZZ
@given(
    body=st.binary(max_size=200),
    content_type=st.sampled_from(
        ["multipart/form-data; boundary=zz", "multipart/form-data", "application/json", "text/plain", ""]
    ),
)
def test_bad_uploads_are_400_and_store_nothing(body: bytes, content_type: str) -> None:  # fmt: skip
    store = Store()
    with TestClient(create_app(store), headers=HEADERS) as api:
        headers = {"Content-Type": content_type} if content_type else {}
        response = api.post("/v1/files", content=body, headers=headers)
        assert response.status_code in (200, 400, 404, 413), response.text
        if response.status_code != 200:
            assert store.files.export_files(KEY) == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sizes=st.lists(st.integers(0, 3), min_size=1, max_size=12),
    limit=st.integers(1, 5),
    order=st.sampled_from(["asc", "desc"]),
)
def test_paging_visits_every_file_once_in_order(sizes: list[int], limit: int, order: str) -> None:
    store = Store()
    with TestClient(create_app(store), headers=HEADERS) as api:
        made = []
        for tick in sizes:
            store.advance_clock(KEY, tick)  # ties on created_at are common
            made.append(api.post("/v1/files", data={"purpose": "assistants"}, files={"file": ("a.txt", b"x")}).json())
        vs = api.post("/v1/vector_stores", json={"file_ids": [m["id"] for m in made]}).json()
        expected = [m["id"] for m in made] if order == "asc" else [m["id"] for m in reversed(made)]
        for path in ("/v1/files", f"/v1/vector_stores/{vs['id']}/files"):
            seen: list[str] = []
            params: dict[str, Any] = {"limit": limit, "order": order}
            while True:
                page = api.get(path, params=params).json()
                seen += [item["id"] for item in page["data"]]
                if not page["has_more"]:
                    break
                params["after"] = page["last_id"]
            assert seen == expected, path
        filtered = api.get(f"/v1/vector_stores/{vs['id']}/files", params={"filter": "completed", "order": order})
        assert [f["id"] for f in filtered.json()["data"]] == expected[:20]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 600) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8) | st.sampled_from(["auto", "static", "last_active_at", "eq", "and", "assistants"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["type", "key", "value", "filters", "static", "days", "anchor", "max_chunk_size_tokens",
                         "chunk_overlap_tokens", "ranker", "score_threshold", "x"]), inner, max_size=3),
    max_leaves=10,
)  # fmt: skip
store_bodies = st.fixed_dictionaries({}, optional={
    "name": json_values, "description": json_values, "file_ids": json_values, "expires_after": json_values,
    "chunking_strategy": json_values, "metadata": json_values, "extra": json_values})  # fmt: skip
search_bodies = st.fixed_dictionaries({}, optional={
    "query": json_values | st.text(max_size=8), "filters": json_values, "max_num_results": json_values,
    "ranking_options": json_values, "rewrite_query": json_values})  # fmt: skip
upload_bodies = st.fixed_dictionaries({}, optional={
    "bytes": json_values, "filename": json_values, "mime_type": json_values | st.just("text/plain"),
    "purpose": json_values, "expires_after": json_values})  # fmt: skip


@FUZZ
@given(store_body=store_bodies, search_body=search_bodies, upload_body=upload_bodies, batch=json_values)
def test_create_bodies_answer_4xx_or_a_valid_object(
    store_body: dict[str, Any], search_body: dict[str, Any], upload_body: dict[str, Any], batch: Any
) -> None:
    store = Store()
    with TestClient(create_app(store), headers=HEADERS) as api:
        created = api.post("/v1/vector_stores", json=store_body)
        assert created.status_code in (200, 400, 404), created.text
        if created.status_code == 200:
            assert platform_errors(created.json(), "VectorStoreObject") in (
                [],
                ["expires_after: None is not of type 'object'"],
            )
        else:
            assert store.vector_stores.export_vector_stores(KEY) == []
        vs = api.post("/v1/vector_stores", json={}).json()
        found = api.post(f"/v1/vector_stores/{vs['id']}/search", json=search_body)
        assert found.status_code in (200, 400), found.text
        batch_answer = api.post(f"/v1/vector_stores/{vs['id']}/file_batches", json={"file_ids": batch})
        assert batch_answer.status_code in (400, 404) and "vsfb_" not in str(
            store.vector_stores.export_vector_stores(KEY)
        )
        upload = api.post("/v1/uploads", json=upload_body)
        assert upload.status_code in (200, 400), upload.text
        if upload.status_code != 200:
            assert store.files.export_uploads(KEY) == []
