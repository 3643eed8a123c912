"""Reference checks: the Assistants API refuses files and vector stores that do not exist (docs/files.md)."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.store import Store

from .files_support import error_of, new_store, upload

KEY = "sk-test-key"


def refused(response: Any, status: int, message: str, param: str | None) -> None:
    assert response.status_code == status, response.text
    error = error_of(response)
    assert (error["message"], error["param"]) == (message, param)


def test_tool_resources_name_existing_files_and_stores(api: TestClient) -> None:
    unknown_file = {"code_interpreter": {"file_ids": ["file-x"]}}
    refused(
        api.post("/v1/assistants", json={"model": "m", "tool_resources": unknown_file}),
        404, "No such File object: file-x", "tool_resources.code_interpreter.file_ids[0]",
    )  # fmt: skip
    refused(
        api.post("/v1/threads", json={"tool_resources": {"file_search": {"vector_store_ids": ["vs_nope"]}}}),
        404, "No vector store found with id 'vs_nope'.", "tool_resources.file_search.vector_store_ids[0]",
    )  # fmt: skip
    assert api.get("/v1/assistants").json()["data"] == []
    file_id, store_id = upload(api)["id"], new_store(api)["id"]
    resources = {"code_interpreter": {"file_ids": [file_id]}, "file_search": {"vector_store_ids": [store_id]}}
    made = api.post("/v1/assistants", json={"model": "m", "tool_resources": resources})
    assert made.status_code == 200 and made.json()["tool_resources"] == resources
    thread = api.post("/v1/threads", json={}).json()
    bad = api.post(f"/v1/threads/{thread['id']}", json={"tool_resources": {"code_interpreter": {"file_ids": ["f"]}}})
    assert bad.status_code == 404
    unknown_store = {"file_search": {"vector_store_ids": ["vs_x"]}}
    bad = api.post("/v1/threads/runs", json={"assistant_id": made.json()["id"], "tool_resources": unknown_store})
    assert bad.status_code == 404 and api.get(f"/v1/threads/{thread['id']}").status_code == 200


def test_message_attachments_and_image_files_are_checked(api: TestClient) -> None:
    thread = api.post("/v1/threads", json={}).json()
    url = f"/v1/threads/{thread['id']}/messages"
    refused(
        api.post(url, json={"role": "user", "content": "x", "attachments": [{"file_id": "file-x", "tools": []}]}),
        404, "No such File object: file-x", "attachments[0].file_id",
    )  # fmt: skip
    image = [{"type": "image_file", "image_file": {"file_id": "file-y"}}]
    refused(api.post(url, json={"role": "user", "content": image}), 404, "No such File object: file-y",
            "content[0].image_file.file_id")  # fmt: skip
    csv = upload(api, "data.csv")["id"]
    response = api.post(url, json={"role": "user", "content": "x",
                                   "attachments": [{"file_id": csv, "tools": [{"type": "file_search"}]}]})  # fmt: skip
    assert response.status_code == 400 and error_of(response)["code"] == "unsupported_file"
    ok = api.post(url, json={"role": "user", "content": "x",
                             "attachments": [{"file_id": csv, "tools": [{"type": "code_interpreter"}]}]})  # fmt: skip
    assert ok.status_code == 200, "code interpreter reads any file"
    assert [m["id"] for m in api.get(url).json()["data"]] == [ok.json()["id"]], "refused messages were not stored"
    refused(
        api.post("/v1/threads", json={"messages": [{"role": "user", "content": "x",
                                                    "attachments": [{"file_id": "file-z", "tools": []}]}]}),
        404, "No such File object: file-z", "messages[0].attachments[0].file_id",
    )  # fmt: skip


def test_file_search_attachments_fill_the_thread_vector_store(api: TestClient) -> None:
    one, two = upload(api, "one.md", b"alpha")["id"], upload(api, "two.md", b"beta")["id"]
    search = [{"type": "file_search"}]
    first = {"role": "user", "content": "x", "attachments": [{"file_id": one, "tools": search}]}
    thread = api.post("/v1/threads", json={"messages": [first]}).json()
    (store_id,) = thread["tool_resources"]["file_search"]["vector_store_ids"]
    second = {"role": "user", "content": "y", "attachments": [{"file_id": two, "tools": search}]}
    api.post(f"/v1/threads/{thread['id']}/messages", json=second)
    assert api.get(f"/v1/threads/{thread['id']}").json()["tool_resources"]["file_search"]["vector_store_ids"] == [
        store_id
    ]
    files = api.get(f"/v1/vector_stores/{store_id}/files", params={"order": "asc"}).json()["data"]
    assert [f["id"] for f in files] == [one, two]


def test_the_vector_stores_helper_checks_its_files(api: TestClient) -> None:
    helper = {"file_search": {"vector_stores": [{"file_ids": []}]}}
    refused(api.post("/v1/threads", json={"tool_resources": helper}), 400,
            "file_search tool configuration is invalid. file_ids must be non-empty",
            "tool_resources.file_search.vector_stores[0].file_ids")  # fmt: skip
    helper = {"file_search": {"vector_stores": [{"file_ids": ["file-x"]}]}}
    refused(api.post("/v1/assistants", json={"model": "m", "tool_resources": helper}), 404,
            "No such File object: file-x", "tool_resources.file_search.vector_stores[0].file_ids[0]")  # fmt: skip
    assert api.get("/v1/vector_stores").json()["data"] == []
    file_id = upload(api, "doc.txt")["id"]
    helper = {"file_search": {"vector_stores": [{"file_ids": [file_id], "metadata": {"k": "v"}}]}}
    made = api.post("/v1/assistants", json={"model": "m", "tool_resources": helper}).json()
    (store_id,) = made["tool_resources"]["file_search"]["vector_store_ids"]
    store = api.get(f"/v1/vector_stores/{store_id}").json()
    assert store["metadata"] == {"k": "v"} and store["expires_after"] is None, "assistant helper stores persist"


def test_reference_checks_can_be_switched_off(api: TestClient, store: Store) -> None:
    store.files.set_reference_checks(KEY, False)
    resources = {"code_interpreter": {"file_ids": ["file-x"]}, "file_search": {"vector_store_ids": ["vs_x"]}}
    assert api.post("/v1/assistants", json={"model": "m", "tool_resources": resources}).status_code == 200
    thread = api.post("/v1/threads", json={"tool_resources": {"file_search": {"vector_stores": [{"file_ids": ["f"]}]}}})
    assert thread.status_code == 200
    message = {
        "role": "user",
        "content": "x",
        "attachments": [{"file_id": "file-y", "tools": [{"type": "file_search"}]}],
    }
    assert api.post(f"/v1/threads/{thread.json()['id']}/messages", json=message).status_code == 200


def test_the_scenario_switch_and_restored_objects(store: Store) -> None:
    from mockserver.scenarios import load_document

    document = {
        "version": 1,
        "reference_checks": False,
        "threads": [{"tool_resources": {"code_interpreter": {"file_ids": ["file-unknown"]}}}],
    }
    load_document(document).apply(store, KEY)
    assert not store.files.references_checked(KEY)
    strict = {
        "version": 1,
        "threads": [
            {"id": "thread_" + "A" * 24, "tool_resources": {"code_interpreter": {"file_ids": ["file-unknown"]}}},
        ],
    }
    other = Store()
    load_document(strict).apply(other, KEY)  # an explicit id restores the object as written
    with pytest.raises(Exception, match="No such File object"):
        load_document({"version": 1, "threads": [{"tool_resources": strict["threads"][0]["tool_resources"]}]}).apply(
            Store(), KEY
        )


def test_run_additional_messages_are_checked(api: TestClient) -> None:
    assistant = api.post("/v1/assistants", json={"model": "m"}).json()
    thread = api.post("/v1/threads", json={}).json()
    body = {
        "assistant_id": assistant["id"],
        "additional_messages": [{"role": "user", "content": "x", "attachments": [{"file_id": "f", "tools": []}]}],
    }
    response = api.post(f"/v1/threads/{thread['id']}/runs", json=body)  # fmt: skip
    refused(response, 404, "No such File object: f", "additional_messages[0].attachments[0].file_id")
    assert api.get(f"/v1/threads/{thread['id']}/runs").json()["data"] == []


def test_v1_file_search_file_ids_is_the_real_unknown_parameter(api: TestClient) -> None:
    body = {"model": "m", "tool_resources": {"file_search": {"file_ids": ["file-x"]}}}
    refused(api.post("/v1/assistants", json=body), 400, "Unknown parameter: 'tool_resources.file_search.file_ids'.",
            "tool_resources.file_search.file_ids")  # fmt: skip


# -- Responses and Conversations (docs/responses.md, "Reference checks") ----------------------------------------


def _file_part(file_id: str, kind: str = "input_file") -> dict[str, Any]:
    return {"type": kind, "file_id": file_id}


def _ask(api: TestClient, *parts: dict[str, Any], tools: list[dict[str, Any]] | None = None, path: str = "") -> Any:
    content = [{"type": "input_text", "text": "what is in it?"}, *parts]
    body = {"model": "m", "input": [{"role": "user", "content": content}], "tools": tools or []}
    return api.post(f"/v1/responses{path}", json=body)


def test_responses_refuse_unknown_files_and_vector_stores_and_mint_nothing(api: TestClient, store: Store) -> None:
    refused(_ask(api, _file_part("file-x")), 404, "No such File object: file-x", "input[0].content[1].file_id")
    refused(_ask(api, _file_part("file-y", "input_image")), 404, "No such File object: file-y",
            "input[0].content[1].file_id")  # fmt: skip
    refused(_ask(api, tools=[{"type": "file_search", "vector_store_ids": ["vs_x"]}]), 404,
            "Vector store with id 'vs_x' not found.", None)  # fmt: skip
    container = {"type": "code_interpreter", "container": {"type": "auto", "file_ids": ["file-z"]}}
    refused(_ask(api, tools=[{"type": "function", "name": "f"}, container]), 404, "No such File object: file-z",
            "tools[1].container.file_ids[0]")  # fmt: skip
    refused(_ask(api, _file_part("file-x"), path="/input_tokens"), 404, "No such File object: file-x",
            "input[0].content[1].file_id")  # fmt: skip
    bad = _ask(api, tools=[{"type": "code_interpreter", "container": {"type": "auto", "file_ids": [7]}}])
    assert bad.status_code == 400 and error_of(bad)["param"] == "tools[0].container.file_ids[0]"
    assert "response" not in store.id_counters(KEY) and "message" not in store.id_counters(KEY)


def test_responses_accept_files_and_stores_that_exist(api: TestClient) -> None:
    file_id, store_id = upload(api)["id"], new_store(api)["id"]
    tools = [
        {"type": "file_search", "vector_store_ids": [store_id]},
        {"type": "code_interpreter", "container": {"type": "auto", "file_ids": [file_id]}},
    ]
    made = _ask(api, _file_part(file_id), _file_part(file_id, "input_image"), tools=tools)
    assert made.status_code == 200, made.text
    assert made.json()["tools"][0]["vector_store_ids"] == [store_id]
    assert _ask(api, _file_part(file_id), path="/input_tokens").status_code == 200
    api.delete(f"/v1/files/{file_id}")
    items = api.get(f"/v1/responses/{made.json()['id']}/input_items").json()["data"]
    assert items[0]["content"][1]["file_id"] == file_id, "what was stored keeps naming a file deleted later"
    refused(_ask(api, _file_part(file_id)), 404, f"No such File object: {file_id}", "input[0].content[1].file_id")


def test_conversation_items_name_existing_files(api: TestClient, store: Store) -> None:
    item = {"type": "message", "role": "user", "content": [_file_part("file-x")]}
    refused(api.post("/v1/conversations", json={"items": [item]}), 404, "No such File object: file-x",
            "items[0].content[0].file_id")  # fmt: skip
    assert "conversation" not in store.id_counters(KEY)
    conversation = api.post("/v1/conversations", json={}).json()["id"]
    refused(api.post(f"/v1/conversations/{conversation}/items", json={"items": [item]}), 404,
            "No such File object: file-x", "items[0].content[0].file_id")  # fmt: skip
    assert api.get(f"/v1/conversations/{conversation}/items").json()["data"] == []
    file_id = upload(api)["id"]
    item["content"] = [_file_part(file_id)]
    assert api.post(f"/v1/conversations/{conversation}/items", json={"items": [item]}).status_code == 200


def test_responses_reference_checks_switch_off_with_the_project(api: TestClient, store: Store) -> None:
    store.files.set_reference_checks(KEY, False)
    tools = [
        {"type": "file_search", "vector_store_ids": ["vs_x"]},
        {"type": "code_interpreter", "container": {"type": "auto", "file_ids": ["file-z"]}},
    ]
    assert _ask(api, _file_part("file-x"), tools=tools).status_code == 200
    item = {"type": "message", "role": "user", "content": [_file_part("file-x")]}
    assert api.post("/v1/conversations", json={"items": [item]}).status_code == 200


def test_the_sdk_sees_the_reference_check_as_a_not_found_error(sdk: Any) -> None:
    import openai

    content = [{"type": "input_text", "text": "x"}, {"type": "input_file", "file_id": "file-nope"}]
    with pytest.raises(openai.NotFoundError) as info:
        sdk.responses.create(model="gpt-4o", input=[{"role": "user", "content": content}])
    assert info.value.body["message"] == "No such File object: file-nope"  # type: ignore[index]
    assert info.value.body["param"] == "input[0].content[1].file_id"  # type: ignore[index]
    with pytest.raises(openai.NotFoundError):
        sdk.responses.create(model="gpt-4o", input="x", tools=[{"type": "file_search", "vector_store_ids": ["vs_n"]}])
