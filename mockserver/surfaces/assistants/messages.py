"""Message operations: create, list (cursor pagination, ``run_id`` filter), retrieve, modify, delete."""

from __future__ import annotations

from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.core.pagination import SortedIndex
from mockserver.core.project import Project
from mockserver.core.store import locked
from mockserver.surfaces.assistants import shapes as models
from mockserver.surfaces.assistants.base import AssistantsBase
from mockserver.surfaces.assistants.state import ThreadState

MESSAGE_CREATE_FIELDS = ("role", "content", "attachments", "metadata")
MESSAGE_ROLES = ["user", "assistant"]


class MessageOps(AssistantsBase):
    def _prepare_message(self, body: Any, param: str) -> dict[str, Any]:
        """Validate a message-create object (request body, ``messages[i]``, ``additional_messages[i]``)."""
        if param:
            v.expect_object(body, param)
        v.reject_unknown(body, MESSAGE_CREATE_FIELDS)
        role = v.expect_enum(v.require(body, "role", param), MESSAGE_ROLES, v.join_param(param, "role"))
        content = models.normalize_content(v.require(body, "content", param), v.join_param(param, "content"))
        return {
            "role": role,
            "content": content,
            "attachments": models.normalize_attachments(body.get("attachments"), v.join_param(param, "attachments")),
            "metadata": v.check_metadata(body.get("metadata"), v.join_param(param, "metadata")),
        }

    def _insert_message(self, state: Project, thread: ThreadState, fields: dict[str, Any]) -> dict[str, Any]:
        """Store a prepared message. ``fields`` may carry ``id``/``created_at`` (seeding) and run linkage."""
        message_id = fields.pop("id", None) or self.new_id(state, "message", thread.messages)
        created_at = fields.pop("created_at", None)
        if created_at is None:
            created_at = state.clock.now()
        message = models.message(message_id, thread_id=thread.data["id"], created_at=created_at, **fields)
        sequence = state.next_sequence()
        thread.messages[message_id] = message
        thread.message_index.add(message_id, created_at, sequence)
        run_id = message["run_id"]
        if run_id is not None:
            thread.run_message_index.setdefault(run_id, SortedIndex()).add(message_id, created_at, sequence)
        return message

    def _check_no_active_run(self, state: Project, thread: ThreadState) -> None:
        self._settle_runs(state, thread)
        if thread.active_run_id is not None:
            raise e.ConflictStateError(
                e.MESSAGE_WHILE_RUN_ACTIVE.format(thread_id=thread.data["id"], run_id=thread.active_run_id)
            )

    @locked
    def create_message(
        self,
        project: str,
        thread_id: str,
        body: dict[str, Any],
        *,
        message_id: str | None = None,
        created_at: int | None = None,
    ) -> dict[str, Any]:
        """``POST /threads/{id}/messages``. ``message_id``/``created_at`` let scenario files seed explicit values."""
        state = self._project(project)
        thread = self._thread(state, thread_id)
        fields = self._prepare_message(body, "")
        if message_id is not None:
            self.check_new_id(thread.messages, message_id, "message")
            fields["id"] = message_id
        else:  # a restored message (explicit id) keeps its references as written (references.py)
            self._check_message_refs(state, fields, "")
        if created_at is not None:
            fields["created_at"] = created_at
        self._check_no_active_run(state, thread)
        if message_id is None:
            self._attach_to_thread_store(state, thread, [fields])
        return self._insert_message(state, thread, fields)

    @locked
    def list_messages(self, project: str, thread_id: str, query: dict[str, str]) -> dict[str, Any]:
        thread = self._thread(self._project(project), thread_id)
        params = v.parse_list_query(query)
        index = thread.message_index
        run_id = query.get("run_id")
        if run_id:
            index = thread.run_message_index.get(run_id) or SortedIndex()
        page = index.page(**params)
        return models.list_page([thread.messages[i] for i in page.ids], page.has_more)

    def _message(self, state: Project, thread_id: str, message_id: str) -> tuple[ThreadState, dict[str, Any]]:
        thread = self._thread(state, thread_id)
        v.check_id(message_id, "message", "message_id")
        message = thread.messages.get(message_id)
        if message is None:
            raise e.not_found("message", message_id)
        return thread, message

    @locked
    def get_message(self, project: str, thread_id: str, message_id: str) -> dict[str, Any]:
        return self._message(self._project(project), thread_id, message_id)[1]

    @locked
    def modify_message(self, project: str, thread_id: str, message_id: str, body: dict[str, Any]) -> dict[str, Any]:
        thread, message = self._message(self._project(project), thread_id, message_id)
        v.reject_unknown(body, ("metadata",))
        if "metadata" in body:
            message = {**message, "metadata": v.check_metadata(body["metadata"])}
            thread.messages[message_id] = message
        return message

    @locked
    def delete_message(self, project: str, thread_id: str, message_id: str) -> dict[str, Any]:
        thread, message = self._message(self._project(project), thread_id, message_id)
        del thread.messages[message_id]
        thread.message_index.remove(message_id)
        run_index = thread.run_message_index.get(message["run_id"] or "")
        if run_index is not None:
            run_index.remove(message_id)
        return models.deleted(message_id, "thread.message")
