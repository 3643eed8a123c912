"""A project's conversations: each conversation's items in order, and every item ever added by id."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mockserver.core.pagination import SortedIndex


@dataclass
class ConversationRecord:
    data: dict[str, Any]
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Item ids in the order they were added (created_at, then creation sequence).
    index: SortedIndex = field(default_factory=SortedIndex)

    def clone(self) -> ConversationRecord:
        return ConversationRecord(data=self.data, items=dict(self.items), index=self.index.copy())


@dataclass
class ConversationsState:
    conversations: dict[str, ConversationRecord] = field(default_factory=dict)
    #: Item id -> item, for ``item_reference`` inputs. Deleting a conversation keeps its items ("Items in the
    #: conversation will not be deleted", reference 4.4); deleting an item removes it.
    items: dict[str, dict[str, Any]] = field(default_factory=dict)

    def clone(self) -> ConversationsState:
        return ConversationsState(
            conversations={k: r.clone() for k, r in self.conversations.items()}, items=dict(self.items)
        )
