"""Thread operations: create (with initial messages), retrieve, modify, delete."""

from __future__ import annotations

from typing import Any

from mockserver.core import validation as v
from mockserver.core.project import Project
from mockserver.core.store import locked
from mockserver.surfaces.assistants import shapes as models
from mockserver.surfaces.assistants.base import AssistantsBase
from mockserver.surfaces.assistants.state import ThreadState

THREAD_CREATE_FIELDS = ("messages", "metadata", "tool_resources")
THREAD_MODIFY_FIELDS = ("metadata", "tool_resources")


class ThreadOps(AssistantsBase):
    @locked
    def create_thread(
        self, project: str, body: dict[str, Any], *, thread_id: str | None = None, created_at: int | None = None
    ) -> dict[str, Any]:
        """``POST /threads``. ``thread_id``/``created_at`` let scenario files seed explicit values."""
        state = self._project(project)
        v.reject_unknown(body, THREAD_CREATE_FIELDS)
        return self._create_thread(state, body, "", thread_id=thread_id, created_at=created_at)

    def _create_thread(
        self,
        state: Project,
        body: dict[str, Any],
        prefix: str,
        *,
        thread_id: str | None = None,
        created_at: int | None = None,
    ) -> dict[str, Any]:
        """Validate everything first, then create: a rejected request leaves no half-made thread behind."""
        if thread_id is not None:
            self.check_new_id(self._s(state).threads, thread_id, "thread")
        metadata = v.check_metadata(body.get("metadata"), v.join_param(prefix, "metadata"))
        resources = models.normalize_tool_resources(body.get("tool_resources"), v.join_param(prefix, "tool_resources"))
        messages_param = v.join_param(prefix, "messages")
        raw_messages = v.expect_array(body.get("messages"), messages_param, nullable=True) or []
        prepared = [self._prepare_message(m, f"{messages_param}[{i}]") for i, m in enumerate(raw_messages)]
        # Objects restored with an explicit id keep their references as written (references.py).
        seeding = thread_id is not None
        if not seeding:
            self._check_resources(state, resources, v.join_param(prefix, "tool_resources"))
            for i, fields in enumerate(prepared):
                self._check_message_refs(state, fields, f"{messages_param}[{i}]")
        now = state.clock.now() if created_at is None else created_at
        thread_id = thread_id or self.new_id(state, "thread", self._s(state).threads)
        resources = self._mint_vector_stores(state, resources, thread=True, seeding=seeding)
        thread = ThreadState(data=models.thread(thread_id, now, metadata, resources))
        self._s(state).threads[thread_id] = thread
        if not seeding:
            self._attach_to_thread_store(state, thread, prepared)
        for fields in prepared:
            self._insert_message(state, thread, fields)
        return thread.data

    @locked
    def get_thread(self, project: str, thread_id: str) -> dict[str, Any]:
        return self._thread(self._project(project), thread_id).data

    @locked
    def modify_thread(self, project: str, thread_id: str, body: dict[str, Any]) -> dict[str, Any]:
        state = self._project(project)
        thread = self._thread(state, thread_id)
        v.reject_unknown(body, THREAD_MODIFY_FIELDS)
        changes: dict[str, Any] = {}
        if "metadata" in body:
            changes["metadata"] = v.check_metadata(body["metadata"])
        if "tool_resources" in body:
            changes["tool_resources"] = models.normalize_tool_resources(body["tool_resources"], allow_helpers=False)
            self._check_resources(state, changes["tool_resources"], "tool_resources")
        if changes:
            thread.data = {**thread.data, **changes}
        return thread.data

    @locked
    def delete_thread(self, project: str, thread_id: str) -> dict[str, Any]:
        state = self._project(project)
        self._thread(state, thread_id)
        del self._s(state).threads[thread_id]
        return models.deleted(thread_id, "thread")
