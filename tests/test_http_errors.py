"""Every error the core endpoints give: status, the real wording, param and code, and the check order."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.app import create_app
from mockserver.config import ServerConfig
from mockserver.store import Store

from .conftest import HEADERS


def error_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"message", "type", "param", "code"}
    assert response.headers["x-should-retry"] == "false"
    assert response.headers["x-request-id"].startswith("req_")
    return dict(body["error"])


@pytest.fixture
def thread_id(api: TestClient) -> str:
    return str(api.post("/v1/threads", json={}).json()["id"])


def test_missing_key_is_401_before_anything_else(api: TestClient) -> None:
    response = api.get("/v1/nowhere", headers={"Authorization": "", "OpenAI-Beta": ""})
    assert response.status_code == 401
    error = error_of(response)
    assert error["message"].startswith("You didn't provide an API key.") and error["code"] is None
    assert response.headers["www-authenticate"] == 'Bearer realm="OpenAI API"'


def test_wrong_key_is_401_invalid_api_key_with_the_key_masked() -> None:
    with TestClient(create_app(Store(), ServerConfig(api_key="sk-right")), headers=HEADERS) as client:
        response = client.post("/v1/threads", json={}, headers={"Authorization": "Bearer sk-wrong-key-123456789"})
    error = error_of(response)
    assert response.status_code == 401 and error["code"] == "invalid_api_key"
    assert error["message"].startswith("Incorrect API key provided: sk-wrong")
    assert "key-123456789" not in error["message"] and error["message"].count("6789") == 1


@pytest.mark.parametrize("beta", [None, "assistants=v1", "other=v2"])
def test_beta_header_is_required(api: TestClient, beta: str | None) -> None:
    headers = {"OpenAI-Beta": beta} if beta else {"OpenAI-Beta": ""}
    response = api.post("/v1/threads", json={"bogus": 1}, headers=headers)
    error = error_of(response)
    assert response.status_code == 400 and error["code"] == "invalid_beta"
    if beta != "assistants=v1":
        assert error["message"] == (
            "You must provide the 'OpenAI-Beta' header to access the Assistants API. Please try again by setting "
            "the header 'OpenAI-Beta: assistants=v2'."
        )


@pytest.mark.parametrize(
    ("method", "path", "param", "prefix"),
    [
        ("GET", "/v1/threads/undefined", "thread_id", "thread"),
        ("POST", "/v1/threads/1234/messages", "thread_id", "thread"),
        ("GET", "/v1/threads/{thread}/messages/abc", "message_id", "msg"),
    ],
)
def test_ids_without_the_right_prefix_are_400(
    api: TestClient, thread_id: str, method: str, path: str, param: str, prefix: str
) -> None:
    response = api.request(method, path.format(thread=thread_id), content=b"not json")
    error = error_of(response)
    value = path.rsplit("/", 2)[-1] if param == "message_id" else path.split("/")[3]
    assert response.status_code == 400
    assert error == {
        "message": f"Invalid '{param}': '{value}'. Expected an ID that begins with '{prefix}'.",
        "type": "invalid_request_error",
        "param": param,
        "code": "invalid_id_prefix",
    }


def test_unknown_thread_is_404_even_with_a_bad_body(api: TestClient) -> None:
    response = api.post("/v1/threads/thread_missing/messages", content=b"{not json")
    assert response.status_code == 404
    assert error_of(response) == {
        "message": "No thread found with id 'thread_missing'.",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }


def test_unknown_url_and_wrong_method(api: TestClient) -> None:
    response = api.get("/v1/xyz", params={"a": "1"})
    error = error_of(response)
    assert response.status_code == 404 and error["code"] == "unknown_url"
    assert error["message"].startswith("Unknown request URL: GET /v1/xyz?a=1. Please check the URL for typos")
    listing = api.get("/v1/threads")
    assert listing.status_code == 405
    assert error_of(listing)["message"] == "Invalid method for URL (GET /v1/threads)"


INVALID_JSON_PREFIX = "We could not parse the JSON body of your request."


@pytest.mark.parametrize(
    ("body", "message", "param", "code"),
    [
        (b"{", INVALID_JSON_PREFIX, None, None),
        (b"[1]", "Invalid body: expected a JSON object, but got an array instead.", None, None),
        ({"content": "x"}, "Missing required parameter: 'role'.", "role", "missing_required_parameter"),
        ({"role": "user"}, "Missing required parameter: 'content'.", "content", "missing_required_parameter"),
        (
            {"role": "system", "content": "x"},
            "Invalid value: 'system'. Supported values are: 'user' and 'assistant'.",
            "role",
            "invalid_value",
        ),
        (
            {"role": 5, "content": "x"},
            "Invalid type for 'role': expected a string, but got an integer instead.",
            "role",
            "invalid_type",
        ),
        (
            {"role": "user", "content": 5},
            "Invalid type for 'content': expected one of a string or array of objects, but got an integer instead.",
            "content",
            "invalid_type",
        ),
        (
            {"role": "user", "content": []},
            "Invalid 'content': empty array. Expected an array with minimum length 1, but got an empty array instead.",
            "content",
            "empty_array",
        ),
        (
            {"role": "user", "content": ""},
            "Invalid 'content': string too short. Expected a string with minimum length 1, "
            "but got an empty string instead.",
            "content",
            "string_below_min_length",
        ),
        (
            {"role": "user", "content": [{"type": "audio"}]},
            "Invalid value: 'audio'. Supported values are: 'image_file', 'image_url' and 'text'.",
            "content[0].type",
            "invalid_value",
        ),
        (
            {"role": "user", "content": [{"type": "image_url", "image_url": {}}]},
            "Missing required parameter: 'content[0].image_url.url'.",
            "content[0].image_url.url",
            "missing_required_parameter",
        ),
        (
            {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "u", "detail": "max"}}]},
            "Invalid value: 'max'. Supported values are: 'auto', 'low' and 'high'.",
            "content[0].image_url.detail",
            "invalid_value",
        ),
        (
            {"role": "user", "content": "x", "colour": "red"},
            "Unrecognized request argument supplied: colour",
            None,
            None,
        ),
        (
            {"role": "user", "content": "x", "a": 1, "b": 2},
            "Unrecognized request arguments supplied: a, b",
            None,
            None,
        ),
        (
            {"role": "user", "content": "x", "attachments": [{"tools": []}]},
            "Missing required parameter: 'attachments[0].file_id'.",
            "attachments[0].file_id",
            "missing_required_parameter",
        ),
        (
            {"role": "user", "content": "x", "metadata": "no"},
            "Invalid type for 'metadata': expected an object, but got a string instead.",
            "metadata",
            "invalid_type",
        ),
    ],
)
def test_message_body_errors(
    api: TestClient, thread_id: str, body: Any, message: str, param: str | None, code: str | None
) -> None:
    url = f"/v1/threads/{thread_id}/messages"
    response = api.post(url, content=body) if isinstance(body, bytes) else api.post(url, json=body)
    assert response.status_code == 400
    error = error_of(response)
    assert error["message"].startswith(message) if message == INVALID_JSON_PREFIX else error["message"] == message
    assert (error["type"], error["param"], error["code"]) == ("invalid_request_error", param, code)
    assert api.get(url).json()["data"] == [], "a rejected request stores nothing"


def test_thread_create_validates_nested_messages_atomically(api: TestClient, store: Store) -> None:
    response = api.post(
        "/v1/threads", json={"messages": [{"role": "user", "content": "ok"}, {"role": "system", "content": "no"}]}
    )
    error = error_of(response)
    assert response.status_code == 400 and error["param"] == "messages[1].role"
    fresh = Store().assistants.create_thread("sk-test-key", {})["id"]
    assert api.post("/v1/threads", json={}).json()["id"] == fresh, "the rejected request minted no id"


def test_metadata_limits_at_their_boundaries(api: TestClient) -> None:
    ok = {f"k{i}": "v" for i in range(16)}
    assert api.post("/v1/threads", json={"metadata": ok}).status_code == 200
    too_many = error_of(api.post("/v1/threads", json={"metadata": {**ok, "k16": "v"}}))
    assert too_many["message"] == (
        "Invalid 'metadata': too many properties. Expected an object with at most 16 properties, "
        "but got an object with 17 properties instead."
    )
    assert too_many["code"] == "object_above_max_properties"
    assert api.post("/v1/threads", json={"metadata": {"k" * 64: "v" * 512}}).status_code == 200
    long_key = error_of(api.post("/v1/threads", json={"metadata": {"k" * 65: "v"}}))
    assert long_key["param"] == "metadata." + "k" * 65 and "maximum length 64" in long_key["message"]
    long_value = error_of(api.post("/v1/threads", json={"metadata": {"k": "v" * 513}}))
    assert long_value["message"] == (
        "Invalid 'metadata.k': string too long. Expected a string with maximum length 512, "
        "but got a string with length 513 instead."
    )
    assert error_of(api.post("/v1/threads", json={"metadata": {"k": 1}}))["param"] == "metadata.k"


@pytest.mark.parametrize(
    ("query", "message", "param", "code"),
    [
        (
            {"limit": "0"},
            "Invalid 'limit': integer below minimum value. Expected a value >= 1, but got 0 instead.",
            "limit",
            "integer_below_min_value",
        ),
        (
            {"limit": "101"},
            "Invalid 'limit': integer above maximum value. Expected a value <= 100, but got 101 instead.",
            "limit",
            "integer_above_max_value",
        ),
        ({"limit": "abc"}, "Invalid 'limit': expected an integer, but got 'abc' instead.", "limit", "invalid_type"),
        (
            {"order": "sideways"},
            "Invalid value: 'sideways'. Supported values are: 'asc' and 'desc'.",
            "order",
            "invalid_value",
        ),
    ],
)
def test_list_query_errors(
    api: TestClient, thread_id: str, query: dict[str, str], message: str, param: str, code: str
) -> None:
    response = api.get(f"/v1/threads/{thread_id}/messages", params=query)
    assert response.status_code == 400
    assert error_of(response) == {"message": message, "type": "invalid_request_error", "param": param, "code": code}


def test_list_query_is_checked_after_existence(api: TestClient) -> None:
    assert api.get("/v1/threads/thread_nope/messages", params={"limit": "0"}).status_code == 404


def test_failed_modify_changes_nothing(api: TestClient, thread_id: str) -> None:
    before = api.get(f"/v1/threads/{thread_id}").json()
    bad = {"metadata": {"ok": "1"}, "tool_resources": {"code_interpreter": {"file_ids": ["f"] * 21}}}
    response = api.post(f"/v1/threads/{thread_id}", json=bad)
    assert response.status_code == 400 and error_of(response)["param"] == "tool_resources.code_interpreter.file_ids"
    assert api.get(f"/v1/threads/{thread_id}").json() == before


def test_oversized_body_is_413(store: Store) -> None:
    app = create_app(store, ServerConfig(max_body_bytes=100))
    with TestClient(app, headers=HEADERS) as client:
        response = client.post("/v1/threads", json={"metadata": {"k": "v" * 200}})
    assert response.status_code == 413
    assert error_of(response)["message"].startswith("Request body too large")


def test_rejected_thread_create_mints_no_vector_store_id(api: TestClient) -> None:
    file_id = api.post("/v1/files", data={"purpose": "assistants"}, files={"file": ("a.txt", b"x")}).json()["id"]
    helper = {"file_search": {"vector_stores": [{"file_ids": [file_id]}]}}
    bad = api.post("/v1/threads", json={"tool_resources": helper, "messages": [{"role": "system", "content": "x"}]})
    assert bad.status_code == 400
    assert api.get("/v1/vector_stores").json()["data"] == [], "and makes no vector store"
    minted = api.post("/v1/threads", json={"tool_resources": helper}).json()["tool_resources"]
    other = Store()
    other.files.seed_file("sk-test-key", {"filename": "a.txt", "purpose": "assistants", "content": "x"})
    fresh = other.assistants.create_thread("sk-test-key", {"tool_resources": helper})["tool_resources"]
    assert minted == fresh, "the rejected request must not have used up the first vs_ id"


def test_a_trailing_slash_is_an_unknown_url_not_a_redirect(api: TestClient) -> None:
    response = api.post("/v1/threads/", json={}, follow_redirects=False)
    assert response.status_code == 404 and error_of(response)["code"] == "unknown_url"


def test_a_body_nested_too_deep_to_parse_is_a_400_not_a_500(api: TestClient, store: Store) -> None:
    response = api.post("/v1/threads", content=b"[" * 100_000)
    assert response.status_code == 400 and error_of(response)["message"].startswith(INVALID_JSON_PREFIX)
    entry = api.app.state.journal.entries()[-1]  # type: ignore[attr-defined]
    assert entry.body.startswith("[[[") and api.app.state.errors.items == []  # type: ignore[attr-defined]
