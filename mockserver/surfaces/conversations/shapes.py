"""The JSON of Conversations objects (reference 3.7): the conversation, its deletion stub, item lists."""

from __future__ import annotations

from typing import Any


def conversation(conversation_id: str, created_at: int, metadata: dict[str, str]) -> dict[str, Any]:
    return {"id": conversation_id, "object": "conversation", "created_at": created_at, "metadata": metadata}


def deleted(conversation_id: str) -> dict[str, Any]:
    return {"id": conversation_id, "object": "conversation.deleted", "deleted": True}


def item_list(data: list[dict[str, Any]], has_more: bool) -> dict[str, Any]:
    """A page of items; an empty page has ``null`` ids (reference 3.6)."""
    return {
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": has_more,
    }
