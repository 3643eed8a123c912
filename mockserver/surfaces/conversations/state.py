"""A project's conversations: each conversation's items in order, and every item ever added by id."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mockserver.core.pagination import SortedIndex


@dataclass
class ConversationRecord:
    data: dict[str, Any]
    #: Items by id, in the order they were added (a dict keeps insertion order).
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: The same order for cursor pages: keyed by creation sequence only, so moving the clock back cannot reorder.
    index: SortedIndex = field(default_factory=SortedIndex)
    #: Running totals a response in this conversation needs, kept as items come and go (so creating a response
    #: in a long conversation does not rescan it): prompt tokens, and function call ids called and answered.
    tokens: int = 0
    calls: dict[str, int] = field(default_factory=dict)
    answered: dict[str, int] = field(default_factory=dict)

    def clone(self) -> ConversationRecord:
        return ConversationRecord(
            data=self.data,
            items=dict(self.items),
            index=self.index.copy(),
            tokens=self.tokens,
            calls=dict(self.calls),
            answered=dict(self.answered),
        )


@dataclass(frozen=True)
class ConversationContext:
    """What a response created in a conversation starts from: its items (oldest first) and their totals."""

    items: tuple[dict[str, Any], ...]
    tokens: int
    calls: frozenset[str]
    answered: frozenset[str]


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
