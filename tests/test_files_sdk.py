"""The official SDK (sync and async, strict response validation) against files, uploads, vector stores, models."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import openai
import pytest

from mockserver import MockServer

KEY = "sk-test-key"


def test_files_round_trip_sync(sdk: Any) -> None:
    made = sdk.files.create(file=("data.jsonl", b'{"a": 1}\n'), purpose="batch")
    assert made.object == "file" and made.filename == "data.jsonl" and made.bytes == 9
    assert sdk.files.retrieve(made.id) == made
    assert sdk.files.wait_for_processing(made.id).status == "processed"
    assert sdk.files.content(made.id).read() == b'{"a": 1}\n'
    assert [f.id for f in sdk.files.list(purpose="batch")] == [made.id]
    assert sdk.files.delete(made.id).deleted
    with pytest.raises(openai.NotFoundError) as caught:
        sdk.files.retrieve(made.id)
    assert caught.value.body == {
        "message": f"No such File object: {made.id}", "type": "invalid_request_error", "param": "id", "code": None
    }  # fmt: skip


def test_upload_of_an_assistants_file_cannot_be_downloaded(sdk: Any) -> None:
    made = sdk.files.create(file=io.BytesIO(b"secret"), purpose="assistants")
    assert made.filename == "upload", "a bare BytesIO is sent as filename='upload'"
    with pytest.raises(openai.BadRequestError, match="Not allowed to download files of purpose: assistants"):
        sdk.files.content(made.id)


def test_files_list_pages_with_the_sdk(sdk: Any) -> None:
    ids = [sdk.files.create(file=(f"f{i}.txt", b"x"), purpose="user_data").id for i in range(5)]
    page = sdk.files.list(limit=2, order="asc")
    assert [f.id for f in page.data] == ids[:2] and page.has_more
    assert [f.id for f in page] == ids, "iterating a page follows the cursor (after=last_id)"


def test_uploads_chunked_sync(sdk: Any, fresh_server: MockServer) -> None:
    done = sdk.uploads.upload_file_chunked(
        file=b"0123456789", filename="x.txt", bytes=10, mime_type="text/plain", purpose="assistants", part_size=4
    )
    assert done.status == "completed" and done.file is not None and done.file.bytes == 10
    assert fresh_server.store.files.read_content(KEY, done.file.id) == b"0123456789"
    pending = sdk.uploads.create(bytes=3, filename="y.txt", mime_type="text/plain", purpose="assistants")
    part = sdk.uploads.parts.create(upload_id=pending.id, data=b"abc")
    assert part.upload_id == pending.id
    assert sdk.uploads.cancel(pending.id).status == "cancelled"
    with pytest.raises(openai.BadRequestError, match="has status 'cancelled'"):
        sdk.uploads.complete(pending.id, part_ids=[part.id])


def test_models_sync(sdk: Any, fresh_server: MockServer) -> None:
    listed = sdk.models.list()
    assert "gpt-4o" in [m.id for m in listed] and not hasattr(listed, "has_more")
    assert sdk.models.retrieve("gpt-4o").owned_by == "system"
    with pytest.raises(openai.NotFoundError) as caught:
        sdk.models.retrieve("gpt-9")
    assert caught.value.code == "model_not_found" and caught.value.param == "model"
    with pytest.raises(openai.PermissionDeniedError):
        sdk.models.delete("gpt-4o")
    fresh_server.store.models.set_models(KEY, ["gpt-4o", "ft:gpt-4o-mini:acme::abc123"])
    assert sdk.models.delete("ft:gpt-4o-mini:acme::abc123").deleted
    assert [m.id for m in sdk.models.list()] == ["gpt-4o"]


def test_vector_store_helpers_sync(sdk: Any) -> None:
    store = sdk.vector_stores.create(name="kb", metadata={"team": "support"})
    assert store.status == "completed" and store.file_counts.total == 0
    vs_file = sdk.vector_stores.files.upload_and_poll(vector_store_id=store.id, file=("a.md", b"Refunds in 30 days"))
    assert vs_file.status == "completed" and vs_file.usage_bytes == 18
    plain = sdk.files.create(file=("b.txt", b"Shipping takes 5 days"), purpose="assistants")
    polled = sdk.vector_stores.files.create_and_poll(file_id=plain.id, vector_store_id=store.id, attributes={"n": 1})
    assert polled.status == "completed" and polled.attributes == {"n": 1}
    batch = sdk.vector_stores.file_batches.upload_and_poll(
        vector_store_id=store.id, files=[("c.txt", b"returns are free"), ("d.txt", b"we ship worldwide")]
    )
    assert batch.status == "completed" and batch.file_counts.completed == 2
    assert len(sdk.vector_stores.file_batches.list_files(batch.id, vector_store_id=store.id).data) == 2
    other = sdk.files.create(file=("e.txt", b"x"), purpose="assistants")
    created = sdk.vector_stores.file_batches.create_and_poll(vector_store_id=store.id, file_ids=[other.id])
    assert created.file_counts.in_progress == 0
    hits = sdk.vector_stores.search(vector_store_id=store.id, query="refunds days")
    assert [h.filename for h in hits][:1] == ["a.md"] and hits.data[0].content[0].text == "Refunds in 30 days"
    content = sdk.vector_stores.files.content(file_id=vs_file.id, vector_store_id=store.id)
    assert [c.text for c in content] == ["Refunds in 30 days"]
    retrieved = sdk.vector_stores.retrieve(store.id)
    assert retrieved.file_counts.completed == 5 and retrieved.usage_bytes > 0
    assert sdk.vector_stores.update(store.id, name="renamed").name == "renamed"
    assert [s.id for s in sdk.vector_stores.list()] == [store.id]
    assert sdk.vector_stores.files.delete(file_id=other.id, vector_store_id=store.id).deleted
    assert sdk.vector_stores.delete(store.id).deleted


def test_cancelled_batch_ends_the_poll_helper(sdk: Any, fresh_server: MockServer) -> None:
    fresh_server.store.vector_stores.configure_processing(KEY, {"reads": 100})
    store = sdk.vector_stores.create()
    made = sdk.files.create(file=("a.txt", b"x"), purpose="assistants")
    batch = sdk.vector_stores.file_batches.create(vector_store_id=store.id, file_ids=[made.id])
    assert sdk.vector_stores.file_batches.cancel(batch.id, vector_store_id=store.id).status == "cancelled"
    assert sdk.vector_stores.file_batches.poll(batch.id, vector_store_id=store.id).file_counts.cancelled == 1


def test_async_client_covers_the_same_endpoints(async_sdk: Any, fresh_server: MockServer) -> None:
    async def scenario() -> None:
        made = await async_sdk.files.create(file=("n.jsonl", b"{}\n"), purpose="batch")
        assert (await async_sdk.files.content(made.id)).read() == b"{}\n"
        assert [f.id async for f in async_sdk.files.list()] == [made.id]
        done = await async_sdk.uploads.upload_file_chunked(
            file=b"abcdef", filename="u.txt", bytes=6, mime_type="text/plain", purpose="assistants", part_size=4
        )
        assert done.file is not None and done.file.bytes == 6
        assert (await async_sdk.models.retrieve("gpt-4o-mini")).id == "gpt-4o-mini"
        store = await async_sdk.vector_stores.create(name="kb")
        vs_file = await async_sdk.vector_stores.files.upload_and_poll(
            vector_store_id=store.id, file=("a.md", b"alpha beta")
        )
        assert vs_file.status == "completed"
        batch = await async_sdk.vector_stores.file_batches.upload_and_poll(
            vector_store_id=store.id, files=[("b.md", b"beta gamma")]
        )
        assert batch.file_counts.completed == 1
        hits = await async_sdk.vector_stores.search(vector_store_id=store.id, query="gamma")
        assert [h.filename async for h in hits] == ["b.md"]
        assert (await async_sdk.files.delete(made.id)).deleted
        await async_sdk.close()

    asyncio.run(scenario())


def test_projects_are_isolated(fresh_server: MockServer) -> None:
    with fresh_server.client(api_key="sk-one") as one, fresh_server.client(api_key="sk-two") as two:
        made = one.files.create(file=("a.txt", b"x"), purpose="assistants")
        with pytest.raises(openai.NotFoundError):
            two.files.retrieve(made.id)
        store = one.vector_stores.create()
        with pytest.raises(openai.NotFoundError):
            two.vector_stores.retrieve(store.id)
