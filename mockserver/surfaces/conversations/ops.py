"""Conversation operations: create, retrieve, update, delete; items create, list, retrieve, delete.

Responses reach a conversation only through the public operations at the end (``context``,
``append_items``, ``find_item``): a response reads the items when it starts and appends its input and output
once it finishes (reference 4.3).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.core.ids import MAX_TIMESTAMP
from mockserver.core.project import Project
from mockserver.core.store import SurfaceOps, locked
from mockserver.model.replies import count_tokens
from mockserver.surfaces.conversations import shapes as sh
from mockserver.surfaces.conversations.state import ConversationContext, ConversationRecord, ConversationsState
from mockserver.surfaces.responses import checks as c
from mockserver.surfaces.responses import items as it
from mockserver.surfaces.responses.references import check_item_files

if TYPE_CHECKING:
    from mockserver.store import Store

MAX_ITEMS_PER_REQUEST = 20
CREATE_FIELDS = ("items", "metadata", "safety_identifier")


class ConversationOps(SurfaceOps):
    name = "conversations"
    store: Store

    def _state(self, p: Project) -> ConversationsState:
        state: ConversationsState = p.states[self.name]
        return state

    @locked
    def find_object(self, project: str, object_id: str) -> dict[str, Any] | None:
        """A conversation or an item as the API returns it, or None (for the inspector)."""
        state = self._state(self._project(project))
        record = state.conversations.get(object_id)
        return record.data if record is not None else state.items.get(object_id)

    def _conversation(self, p: Project, conversation_id: str, param: str = "conversation_id") -> ConversationRecord:
        c.object_id(conversation_id, "conv_", param)
        record = self._state(p).conversations.get(conversation_id)
        if record is None:
            raise e.NotFoundError(e.CONVERSATION_NOT_FOUND.format(id=conversation_id))
        return record

    def _check_items(
        self, p: Project, value: Any, *, required: bool, limit: int | None = MAX_ITEMS_PER_REQUEST
    ) -> list[dict[str, Any]]:
        """``items``: 1..20 input items (0..20 on create; any number when seeding), references resolved; no id
        minted yet."""
        raw = c.array(value, "items", nullable=not required) or []
        if required and not raw:
            raise e.InvalidRequestError(e.EMPTY_ARRAY.format(param="items"), param="items", code="empty_array")
        if limit is not None and len(raw) > limit:
            raise e.InvalidRequestError(
                e.ARRAY_TOO_LONG.format(param="items", limit=MAX_ITEMS_PER_REQUEST, length=len(raw)),
                param="items",
                code="array_above_max_length",
            )
        checked = it.check_items(raw, "items")
        if limit is not None:  # sent by a client, not seeded (a scenario restores what it was given, as written)
            check_item_files(self.store, p.name, checked, "items")
        return [self._dereference(p, item) for item in checked]

    def _dereference(self, p: Project, item: dict[str, Any]) -> dict[str, Any]:
        if item["type"] != "item_reference":
            return item
        found = self._state(p).items.get(item["id"]) or self.store.responses.find_item(p.name, item["id"])
        if found is None:
            raise e.NotFoundError(e.ITEM_NOT_FOUND.format(id=item["id"]), param="items")
        return {**found, "id": None}

    def _append(self, p: Project, record: ConversationRecord, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Store ``items`` at the end (a sent id already in the conversation gets a new one); returns them."""
        state = self._state(p)
        stored: list[dict[str, Any]] = []
        for item in items:
            if item.get("id") is None or item["id"] in record.items:
                item = {**item, "id": None}
                it.assign_ids([item], p.ids.new)
            record.items[item["id"]] = item
            record.index.add(item["id"], 0, p.next_sequence())
            state.items[item["id"]] = item
            _count(record, item, 1)
            stored.append(item)
        return stored

    # -- conversations --------------------------------------------------------------------------------------

    def _create(self, p: Project, body: dict[str, Any], seed: dict[str, Any] | None = None) -> ConversationRecord:
        c.reject_unknown(body, CREATE_FIELDS)
        limit = None if seed is not None else MAX_ITEMS_PER_REQUEST
        items = self._check_items(p, body.get("items"), required=False, limit=limit)
        metadata = c.metadata(body.get("metadata"))
        c.string(body.get("safety_identifier"), "safety_identifier", max_length=64)
        state = self._state(p)
        seed = seed or {}
        if "id" in seed:
            c.string(seed["id"], "id", nullable=False)
            self.check_new_id(state.conversations, seed["id"], "conversation")
            conversation_id = seed["id"]
        else:
            conversation_id = self.new_id(p, "conversation", state.conversations)
        created_at = seed.get("created_at")
        if created_at is None:
            created_at = p.clock.now()
        record = ConversationRecord(data=sh.conversation(conversation_id, created_at, metadata))
        state.conversations[conversation_id] = record
        self._append(p, record, items)
        return record

    @locked
    def create(self, project: str, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /v1/conversations``: a conversation with up to 20 initial items."""
        return self._create(self._project(project), body).data

    @locked
    def restore(self, project: str, body: dict[str, Any], seed: dict[str, Any]) -> dict[str, Any]:
        """Create with an explicit ``id`` / ``created_at`` and any number of items (scenario files); items keep
        their ids."""
        if seed.get("created_at") is not None:
            v.expect_int(seed["created_at"], "created_at", minimum=0, maximum=MAX_TIMESTAMP)
        return self._create(self._project(project), body, seed).data

    @locked
    def export_state(self, project: str) -> list[dict[str, Any]]:
        """Every conversation with its items, oldest first (exporting is not a read)."""
        state = self._state(self._project(project))
        return [
            {**record.data, "items": [record.items[i] for i in record.index.ids()]}
            for record in state.conversations.values()
        ]

    @locked
    def get(self, project: str, conversation_id: str) -> dict[str, Any]:
        return self._conversation(self._project(project), conversation_id).data

    @locked
    def update(self, project: str, conversation_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """``metadata`` is required and replaces the old one (as for threads)."""
        p = self._project(project)
        record = self._conversation(p, conversation_id)
        c.reject_unknown(body, ("metadata",))
        if "metadata" not in body:
            raise c.missing("metadata")
        record.data = {**record.data, "metadata": c.metadata(body["metadata"])}
        return record.data

    @locked
    def delete(self, project: str, conversation_id: str) -> dict[str, Any]:
        p = self._project(project)
        self._conversation(p, conversation_id)
        del self._state(p).conversations[conversation_id]
        return sh.deleted(conversation_id)

    # -- items ----------------------------------------------------------------------------------------------

    @locked
    def create_items(
        self, project: str, conversation_id: str, body: dict[str, Any], include: list[str] | None = None
    ) -> dict[str, Any]:
        """``POST .../items``: the created items in request order."""
        p = self._project(project)
        record = self._conversation(p, conversation_id)
        c.reject_unknown(body, ("items",))
        if "items" not in body:
            raise c.missing("items")
        items = self._check_items(p, body["items"], required=True)
        it.check_include(include or [])
        return sh.item_list(self._append(p, record, items), False)

    @locked
    def list_items(
        self, project: str, conversation_id: str, query: dict[str, str], include: list[str] | None = None
    ) -> dict[str, Any]:
        p = self._project(project)
        record = self._conversation(p, conversation_id)
        params = v.parse_list_query(query)
        it.check_include(include or [])
        page = record.index.page(limit=params["limit"], order=params["order"], after=params["after"])
        return sh.item_list([record.items[i] for i in page.ids], page.has_more)

    def _item(self, p: Project, conversation_id: str, item_id: str) -> tuple[ConversationRecord, dict[str, Any]]:
        record = self._conversation(p, conversation_id)
        item = record.items.get(item_id)
        if item is None:
            raise e.NotFoundError(e.ITEM_NOT_FOUND.format(id=item_id))
        return record, item

    @locked
    def get_item(
        self, project: str, conversation_id: str, item_id: str, include: list[str] | None = None
    ) -> dict[str, Any]:
        p = self._project(project)
        item = self._item(p, conversation_id, item_id)[1]
        it.check_include(include or [])
        return item

    @locked
    def delete_item(self, project: str, conversation_id: str, item_id: str) -> dict[str, Any]:
        """Removes the item from the conversation; answers the conversation (reference 2)."""
        p = self._project(project)
        record, item = self._item(p, conversation_id, item_id)
        _count(record, item, -1)
        del record.items[item_id]
        record.index.remove(item_id)
        self._state(p).items.pop(item_id, None)
        return record.data

    # -- what responses use ---------------------------------------------------------------------------------

    @locked
    def context(self, project: str, conversation_id: str) -> ConversationContext:
        """Every item, oldest first, with their token total and function call ids (what a response in this
        conversation sees before its input); the ``conversation`` parameter's 404 when unknown."""
        record = self._conversation(self._project(project), conversation_id, "conversation")
        return ConversationContext(
            items=tuple(record.items.values()),
            tokens=record.tokens,
            calls=frozenset(k for k, n in record.calls.items() if n),
            answered=frozenset(k for k, n in record.answered.items() if n),
        )

    @locked
    def append_items(self, project: str, conversation_id: str, items: list[dict[str, Any]]) -> None:
        """A finished response's input and output; a conversation deleted meanwhile gets nothing."""
        p = self._project(project)
        record = self._state(p).conversations.get(conversation_id)
        if record is not None:
            self._append(p, record, items)

    @locked
    def find_item(self, project: str, item_id: str) -> dict[str, Any] | None:
        return self._state(self._project(project)).items.get(item_id)


def _count(record: ConversationRecord, item: dict[str, Any], sign: int) -> None:
    """Keep a conversation's running totals as ``item`` is added (``sign`` 1) or deleted (-1)."""
    record.tokens += sign * count_tokens(it.item_text(item))
    kind = item.get("type")
    if kind in ("function_call", "function_call_output"):
        counts = record.calls if kind == "function_call" else record.answered
        call_id = str(item.get("call_id"))
        counts[call_id] = counts.get(call_id, 0) + sign
