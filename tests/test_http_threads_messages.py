"""In-process HTTP tests of the threads and messages endpoints: shapes, defaults, normalization, listing."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from mockserver.core.ids import DEFAULT_EPOCH, is_valid_id
from mockserver.store import Store

from .files_support import upload


def new_thread(api: TestClient, **body: Any) -> dict[str, Any]:
    response = api.post("/v1/threads", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


def add_message(
    api: TestClient, thread_id: str, content: Any = "hi", role: str = "user", **extra: Any
) -> dict[str, Any]:
    response = api.post(f"/v1/threads/{thread_id}/messages", json={"role": role, "content": content, **extra})
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_create_thread_with_empty_body_has_real_defaults(api: TestClient) -> None:
    thread = new_thread(api)
    assert list(thread) == ["id", "object", "created_at", "tool_resources", "metadata"]
    assert thread["object"] == "thread" and thread["created_at"] == DEFAULT_EPOCH
    assert thread["metadata"] == {} and thread["tool_resources"] == {}
    assert is_valid_id(thread["id"], "thread")


def test_thread_crud_round_trip(api: TestClient) -> None:
    file_id = upload(api, "data.csv")["id"]
    thread = new_thread(api, metadata={"user": "42"}, tool_resources={"code_interpreter": {"file_ids": [file_id]}})
    assert thread["tool_resources"] == {"code_interpreter": {"file_ids": [file_id]}}
    assert api.get(f"/v1/threads/{thread['id']}").json() == thread
    modified = api.post(f"/v1/threads/{thread['id']}", json={"metadata": {"new": "map"}}).json()
    assert modified["metadata"] == {"new": "map"}, "modify replaces the whole metadata map"
    assert modified["tool_resources"] == thread["tool_resources"]
    deleted = api.delete(f"/v1/threads/{thread['id']}")
    assert deleted.json() == {"id": thread["id"], "object": "thread.deleted", "deleted": True}
    gone = api.get(f"/v1/threads/{thread['id']}/messages")
    assert gone.status_code == 404
    assert gone.json()["error"]["message"] == f"No thread found with id '{thread['id']}'."


def test_vector_store_helper_makes_a_real_vector_store(api: TestClient) -> None:
    file_id = upload(api, "policy.md")["id"]
    thread = new_thread(api, tool_resources={"file_search": {"vector_stores": [{"file_ids": [file_id]}]}})
    (store_id,) = thread["tool_resources"]["file_search"]["vector_store_ids"]
    store = api.get(f"/v1/vector_stores/{store_id}").json()
    assert store["file_counts"]["total"] == 1, "the helper's store holds its files"
    assert store["expires_after"] == {"anchor": "last_active_at", "days": 7}, "thread helper stores expire"


def test_seed_example_message_shape(api: TestClient) -> None:
    thread = new_thread(api)
    text = "How does AI work? Explain it in simple terms."
    message = add_message(api, thread["id"], text)
    assert message["object"] == "thread.message" and message["role"] == "user"
    assert message["content"] == [{"type": "text", "text": {"value": text, "annotations": []}}]
    assert message["attachments"] == [] and message["metadata"] == {}
    assert message["assistant_id"] is None and message["run_id"] is None
    assert message["thread_id"] == thread["id"] and is_valid_id(message["id"], "message")
    listed = api.get(f"/v1/threads/{thread['id']}/messages").json()
    assert listed == {
        "object": "list",
        "data": [message],
        "first_id": message["id"],
        "last_id": message["id"],
        "has_more": False,
    }


def test_content_parts_are_normalized(api: TestClient) -> None:
    thread = new_thread(api)
    image, doc = upload(api, "a.png", purpose="vision")["id"], upload(api, "b.txt")["id"]
    message = add_message(
        api,
        thread["id"],
        [
            {"type": "text", "text": "look"},
            {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
            {"type": "image_file", "image_file": {"file_id": image, "detail": "low"}},
        ],
        attachments=[{"file_id": doc, "tools": [{"type": "file_search"}]}],
    )
    assert message["content"] == [
        {"type": "text", "text": {"value": "look", "annotations": []}},
        {"type": "image_url", "image_url": {"url": "https://example.com/a.png", "detail": "auto"}},
        {"type": "image_file", "image_file": {"file_id": image, "detail": "low"}},
    ]
    assert message["attachments"] == [{"file_id": doc, "tools": [{"type": "file_search"}]}]


def test_null_is_accepted_for_nullable_fields(api: TestClient) -> None:
    thread = new_thread(api, metadata=None, tool_resources=None, messages=None)
    message = add_message(api, thread["id"], attachments=None, metadata=None)
    assert message["attachments"] == [] and message["metadata"] == {}


def test_thread_created_with_messages_keeps_their_order(api: TestClient) -> None:
    thread = new_thread(api, messages=[{"role": "user", "content": "one"}, {"role": "assistant", "content": "two"}])
    data = api.get(f"/v1/threads/{thread['id']}/messages").json()["data"]
    assert [m["content"][0]["text"]["value"] for m in data] == ["two", "one"], "desc: last given comes first"
    assert {m["created_at"] for m in data} == {thread["created_at"]}


def test_message_retrieve_modify_delete(api: TestClient) -> None:
    thread = new_thread(api)
    message = add_message(api, thread["id"])
    url = f"/v1/threads/{thread['id']}/messages/{message['id']}"
    assert api.get(url).json() == message
    modified = api.post(url, json={"metadata": {"k": "v"}}).json()
    assert modified == {**message, "metadata": {"k": "v"}}
    assert api.delete(url).json() == {"id": message["id"], "object": "thread.message.deleted", "deleted": True}
    missing = api.get(url)
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == f"No message found with id '{message['id']}'."


def test_listing_pages_follow_cursors_and_orders(api: TestClient) -> None:
    thread = new_thread(api)
    ids = [add_message(api, thread["id"], f"m{i}")["id"] for i in range(5)]
    url = f"/v1/threads/{thread['id']}/messages"
    first = api.get(url, params={"limit": 2}).json()
    assert [m["id"] for m in first["data"]] == ids[::-1][:2] and first["has_more"] is True
    second = api.get(url, params={"limit": 2, "after": first["last_id"]}).json()
    assert [m["id"] for m in second["data"]] == ids[::-1][2:4] and second["has_more"] is True
    last = api.get(url, params={"limit": 2, "after": second["last_id"]}).json()
    assert [m["id"] for m in last["data"]] == ids[:1] and last["has_more"] is False
    asc = api.get(url, params={"order": "asc", "limit": 3, "before": ids[4]}).json()
    assert [m["id"] for m in asc["data"]] == ids[1:4] and asc["has_more"] is True
    empty = api.get(url, params={"after": "msg_unknown"}).json()
    assert empty == {"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}


def test_default_limit_is_20(api: TestClient) -> None:
    thread = new_thread(api, messages=[{"role": "user", "content": str(i)} for i in range(25)])
    page = api.get(f"/v1/threads/{thread['id']}/messages").json()
    assert len(page["data"]) == 20 and page["has_more"] is True


def test_run_id_filter_returns_only_that_runs_messages(api: TestClient) -> None:
    thread = new_thread(api, messages=[{"role": "user", "content": "x"}])
    page = api.get(f"/v1/threads/{thread['id']}/messages", params={"run_id": "run_nothing"}).json()
    assert page["data"] == [] and page["has_more"] is False


def test_timestamps_follow_the_fake_clock(api: TestClient, store: Store) -> None:
    project = "sk-test-key"
    first = new_thread(api)
    store.advance_clock(project, 90)
    second = new_thread(api)
    assert second["created_at"] - first["created_at"] == 90
    store.set_clock(project, 1_000)
    assert new_thread(api)["created_at"] == 1_000


def test_same_requests_yield_the_same_ids_after_reset(api: TestClient, store: Store) -> None:
    def scenario() -> list[str]:
        thread = new_thread(api)
        return [thread["id"], add_message(api, thread["id"])["id"]]

    first = scenario()
    store.reset()
    assert scenario() == first


def test_projects_are_isolated_by_key_and_project_header(api: TestClient) -> None:
    thread = new_thread(api)
    other_key = {"Authorization": "Bearer sk-someone-else"}
    assert api.get(f"/v1/threads/{thread['id']}", headers=other_key).status_code == 404
    assert api.get(f"/v1/threads/{thread['id']}", headers={"OpenAI-Project": "proj_a"}).status_code == 404
    in_project = api.post("/v1/threads", json={}, headers={"OpenAI-Project": "proj_a"}).json()
    other_key_same_project = {"Authorization": "Bearer sk-other", "OpenAI-Project": "proj_a"}
    assert api.get(f"/v1/threads/{in_project['id']}", headers=other_key_same_project).status_code == 200
    assert in_project["id"] != thread["id"], "projects never share ids"


def test_every_response_has_a_deterministic_request_id(api: TestClient, store: Store) -> None:
    first = [api.post("/v1/threads", json={}).headers["x-request-id"], api.get("/v1/nope").headers["x-request-id"]]
    store.reset()
    again = [api.post("/v1/threads", json={}).headers["x-request-id"], api.get("/v1/nope").headers["x-request-id"]]
    assert first == again and first[0] != first[1]
    assert all(rid.startswith("req_") and len(rid) == 36 for rid in first)
