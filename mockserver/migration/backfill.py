"""Backfill in the fake's own state: a thread becomes a conversation in the same project, through the public
operations of both surfaces (reference 7.3 point 3: "old thread -> new conversation -> continue with Responses").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockserver.core import errors as e
from mockserver.migration.convert import Note, thread_to_conversation
from mockserver.migration.errors import MigrationError

if TYPE_CHECKING:
    from mockserver.store import Store

#: ``conversations.create`` and ``items.create`` take at most this many items (reference 6.3).
BATCH = 20


def exported_thread(store: Store, project: str, thread_id: str) -> dict[str, Any]:
    """The thread with its messages and runs (steps inline), in the scenario shape the converter reads."""
    for entry in store.assistants.export_state(project)["threads"]:
        if entry["thread"]["id"] == thread_id:
            runs = [{**run["run"], "steps": run["steps"]} for run in entry["runs"]]
            return {**entry["thread"], "messages": entry["messages"], "runs": runs}
    raise MigrationError(f"thread {thread_id!r}: no such thread in project {project!r}")


def backfill_thread(store: Store, project: str, thread_id: str) -> tuple[dict[str, Any], list[Note]]:
    """Create the conversation ``thread_id`` becomes (id from :func:`conversation_id_for`) and return it with
    what could not be carried over. Items go in batches of 20, as the real API requires."""
    where = f"thread {thread_id}"
    conversation, notes = thread_to_conversation(exported_thread(store, project, thread_id), where)
    items = conversation["items"]
    seed = {"id": conversation["id"]}
    try:
        created = store.conversations.restore(
            project, {"items": items[:BATCH], "metadata": conversation["metadata"]}, seed
        )
        for start in range(BATCH, len(items), BATCH):
            store.conversations.create_items(project, created["id"], {"items": items[start : start + BATCH]})
    except e.MockError as err:
        raise MigrationError(f"{where}: the conversation was refused: {err.message}") from None
    return created, notes
