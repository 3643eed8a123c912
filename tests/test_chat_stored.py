"""Stored chat completions (``store: true``): list with filters, retrieve, update, delete, messages."""

from __future__ import annotations

from typing import Any

import openai
import pytest

from mockserver import MockServer

from .clients import tracked
from .schema import platform_errors

U = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": [{"type": "text", "text": "hi"}]}]


def _store_three(sdk: Any) -> list[str]:
    ids = [
        sdk.chat.completions.create(model="gpt-4o", messages=U, store=True, metadata={"team": "a"}).id,
        sdk.chat.completions.create(model="gpt-4o-mini", messages=U, store=True, metadata={"team": "b"}).id,
        sdk.chat.completions.create(model="gpt-4o", messages=U, store=True).id,
    ]
    sdk.chat.completions.create(model="gpt-4o", messages=U)  # not stored
    return ids


def test_list_filters_and_pages(sdk: Any) -> None:
    ids = _store_three(sdk)
    assert [c.id for c in sdk.chat.completions.list()] == ids  # oldest first by default
    assert [c.id for c in sdk.chat.completions.list(order="desc")] == ids[::-1]
    assert [c.id for c in sdk.chat.completions.list(model="gpt-4o")] == [ids[0], ids[2]]
    assert [c.id for c in sdk.chat.completions.list(metadata={"team": "b"})] == [ids[1]]
    page = sdk.chat.completions.list(limit=2)
    assert [c.id for c in page.data] == ids[:2] and page.has_more
    assert [c.id for c in page.get_next_page().data] == ids[2:]
    assert [c.id for c in sdk.chat.completions.list(limit=1)] == ids  # auto-pagination follows after=


def test_retrieve_update_delete(sdk: Any) -> None:
    ids = _store_three(sdk)
    stored = sdk.chat.completions.retrieve(ids[0])
    assert stored.metadata == {"team": "a"} and stored.choices[0].message.content.startswith("Hello")
    updated = sdk.chat.completions.update(ids[0], metadata={"team": "z"})
    assert updated.metadata == {"team": "z"}
    assert sdk.chat.completions.retrieve(ids[0]).metadata == {"team": "z"}
    deleted = sdk.chat.completions.delete(ids[0])
    assert (deleted.id, deleted.deleted, deleted.object) == (ids[0], True, "chat.completion.deleted")
    with pytest.raises(openai.NotFoundError) as info:
        sdk.chat.completions.retrieve(ids[0])
    assert info.value.body["message"] == f"No chat completion found with id '{ids[0]}'."
    with pytest.raises(openai.NotFoundError):
        sdk.chat.completions.delete(ids[0])


def test_update_needs_metadata(sdk: Any) -> None:
    (first, *_) = _store_three(sdk)
    with pytest.raises(openai.BadRequestError) as info:
        sdk.chat.completions.update(first, extra_body={"model": "x"}, metadata={})
    assert info.value.body["message"] == "Unrecognized request argument supplied: model"


def test_messages_strict_sdk_rejects_non_assistant_roles(sdk: Any) -> None:
    """The SDK types stored messages as assistant-only (platform-surfaces.md 6.9): the real roles fail strictly."""
    (first, *_) = _store_three(sdk)
    with pytest.raises(openai.APIResponseValidationError):
        sdk.chat.completions.messages.list(first)


def test_messages_list(fresh_server: MockServer) -> None:
    client = tracked(fresh_server.client(api_key="sk-test-key"))
    (first, *_) = _store_three(client)
    messages = client.chat.completions.messages.list(first)
    assert [(m.id, m.role, m.content) for m in messages] == [
        (f"{first}-0", "system", "Be brief."),
        (f"{first}-1", "user", "hi"),
    ]
    assert messages.data[1].content_parts[0].text == "hi"
    assert [m.id for m in client.chat.completions.messages.list(first, order="desc", limit=1)] == [
        f"{first}-1",
        f"{first}-0",
    ]


def test_stored_reads_match_the_platform_schema(fresh_server: MockServer) -> None:
    client = tracked(fresh_server.client(api_key="sk-test-key"))
    (first, *_) = _store_three(client)
    raw = client.with_raw_response
    assert platform_errors(raw.chat.completions.list().http_response.json(), "ChatCompletionList") == []
    assert (
        platform_errors(raw.chat.completions.retrieve(first).http_response.json(), "CreateChatCompletionResponse") == []
    )
    listed = raw.chat.completions.messages.list(first).http_response.json()
    # Deliberate difference: the spec (and SDK) say stored messages are 'assistant'; we send the true roles.
    assert platform_errors(listed, "ChatCompletionMessageList") == [
        "data/0/role: 'system' is not one of ['assistant']",
        "data/1/role: 'user' is not one of ['assistant']",
    ]
    assert platform_errors(raw.chat.completions.delete(first).http_response.json(), "ChatCompletionDeleted") == []
