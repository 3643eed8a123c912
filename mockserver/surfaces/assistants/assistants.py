"""Assistant operations: create, list (cursor pagination), retrieve, modify, delete."""

from __future__ import annotations

from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.core.project import Project
from mockserver.core.store import locked
from mockserver.surfaces.assistants import shapes as models
from mockserver.surfaces.assistants.base import AssistantsBase
from mockserver.surfaces.assistants.runs import params as rp

ASSISTANT_FIELDS = (
    "model",
    "name",
    "description",
    "instructions",
    "reasoning_effort",
    "tools",
    "tool_resources",
    "metadata",
    "temperature",
    "top_p",
    "response_format",
)
MAX_ASSISTANT_TOOLS = 128


class AssistantOps(AssistantsBase):
    def _assistant_fields(
        self, state: Project, body: dict[str, Any], *, creating: bool, seeding: bool = False
    ) -> dict[str, Any]:
        """Validate create/modify fields; returns only the fields present (``null`` resets to the default)."""
        v.reject_unknown(body, ASSISTANT_FIELDS)
        fields: dict[str, Any] = {}
        if creating or "model" in body:
            fields["model"] = v.expect_string(v.require(body, "model"), "model")
        for name, limit in (("name", 256), ("description", 512), ("instructions", 256_000)):
            if name in body:
                fields[name] = v.expect_string(body[name], name, nullable=True, max_length=limit)
        if "reasoning_effort" in body:
            fields["reasoning_effort"] = rp.reasoning_effort(body["reasoning_effort"])
        if "tools" in body:
            fields["tools"] = rp.tools(body["tools"], "tools", max_items=MAX_ASSISTANT_TOOLS)
        if "tool_resources" in body:
            fields["tool_resources"] = models.normalize_tool_resources(body["tool_resources"], allow_helpers=creating)
        if "metadata" in body:
            fields["metadata"] = v.check_metadata(body["metadata"])
        for name, check in (("temperature", rp.temperature), ("top_p", rp.top_p)):
            if name in body:
                value = check(body[name])
                fields[name] = 1.0 if value is None else value
        if "response_format" in body:
            fields["response_format"] = rp.response_format(body["response_format"])
        # Only now, with the whole body valid, check what it refers to and make the stores the ``vector_stores``
        # helper asks for: a rejected request must not store anything or move the ID sequence.
        if "tool_resources" in fields:
            if not seeding:  # a restored assistant (explicit id) keeps its references as written
                self._check_resources(state, fields["tool_resources"], "tool_resources")
            self._mint_vector_stores(state, fields["tool_resources"], thread=False, seeding=seeding)
        return fields

    @locked
    def create_assistant(
        self, project: str, body: dict[str, Any], *, assistant_id: str | None = None, created_at: int | None = None
    ) -> dict[str, Any]:
        """``POST /assistants``. ``assistant_id``/``created_at`` let scenario files seed explicit values."""
        state = self._project(project)
        if assistant_id is not None:
            self.check_new_id(self._s(state).assistants, assistant_id, "assistant")
        fields = self._assistant_fields(state, body, creating=True, seeding=assistant_id is not None)
        assistant_id = assistant_id or state.ids.new("assistant")
        now = state.clock.now() if created_at is None else created_at
        assistant = models.assistant(assistant_id, now, fields)
        self._s(state).assistants[assistant_id] = assistant
        self._s(state).assistant_index.add(assistant_id, now, state.next_sequence())
        return assistant

    def _assistant(self, state: Project, assistant_id: str, param: str = "assistant_id") -> dict[str, Any]:
        v.check_id(assistant_id, "assistant", param)
        assistant = self._s(state).assistants.get(assistant_id)
        if assistant is None:
            raise e.not_found("assistant", assistant_id)
        return assistant

    @locked
    def get_assistant(self, project: str, assistant_id: str) -> dict[str, Any]:
        return self._assistant(self._project(project), assistant_id)

    @locked
    def list_assistants(self, project: str, query: dict[str, str]) -> dict[str, Any]:
        state = self._project(project)
        page = self._s(state).assistant_index.page(**v.parse_list_query(query))
        return models.list_page([self._s(state).assistants[i] for i in page.ids], page.has_more)

    @locked
    def modify_assistant(self, project: str, assistant_id: str, body: dict[str, Any]) -> dict[str, Any]:
        state = self._project(project)
        assistant = self._assistant(state, assistant_id)
        fields = self._assistant_fields(state, body, creating=False)
        if fields:
            # ``null`` for a field means "back to its default", which the builder supplies when the key is absent.
            merged = {k: val for k, val in {**assistant, **fields}.items() if val is not None or k not in fields}
            assistant = models.assistant(assistant_id, assistant["created_at"], merged)
            self._s(state).assistants[assistant_id] = assistant
        return assistant

    @locked
    def delete_assistant(self, project: str, assistant_id: str) -> dict[str, Any]:
        state = self._project(project)
        self._assistant(state, assistant_id)
        del self._s(state).assistants[assistant_id]
        self._s(state).assistant_index.remove(assistant_id)
        return models.deleted(assistant_id, "assistant")
