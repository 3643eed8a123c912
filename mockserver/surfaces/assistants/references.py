"""Files and vector stores the Assistants API refers to: checked where the real API reads them (docs/files.md,
"Reference checks").

- ``tool_resources.code_interpreter.file_ids`` -> 404 ``No such File object: <id>`` naming the entry;
- ``tool_resources.file_search.vector_store_ids`` -> 404 ``No vector store found with id '<id>'.``;
- the ``vector_stores`` helper -> a real vector store holding its files (empty ``file_ids`` is the real 400);
- message ``attachments[].file_id`` and ``image_file.file_id`` parts -> 404; a ``file_search`` attachment with an
  extension file search does not read -> the real 400 (``.csv``), and the file joins the thread's vector store
  (made on first use, 7-day expiry), which the thread's ``tool_resources`` then shows.

Switched off per project with ``reference_checks: false`` (scenario) or ``store.files.set_reference_checks``:
unknown ids are then accepted as before. Objects restored with an explicit id (scenario ``id:`` fields, exports,
the state file) are taken as written, because the real API keeps references to files deleted later.
"""

from __future__ import annotations

from typing import Any

from mockserver.core import validation as v
from mockserver.core.project import Project
from mockserver.surfaces.assistants.base import AssistantsBase
from mockserver.surfaces.assistants.state import ThreadState


class ReferenceOps(AssistantsBase):
    def _checking(self, state: Project) -> bool:
        return self.store.files.references_checked(state.name)

    def _check_resources(self, state: Project, resources: dict[str, Any], param: str) -> None:
        project = state.name
        for i, file_id in enumerate(resources.get("code_interpreter", {}).get("file_ids", [])):
            self.store.files.check_file(project, file_id, f"{param}.code_interpreter.file_ids[{i}]")
        for i, store_id in enumerate(resources.get("file_search", {}).get("vector_store_ids", [])):
            self.store.vector_stores.check_vector_store(project, store_id, f"{param}.file_search.vector_store_ids[{i}]")
        lenient = not self._checking(state)
        for i, helper in enumerate(resources.get("_new_vector_stores", [])):
            where = f"{param}.file_search.vector_stores[{i}]"
            self.store.vector_stores.check_helper(project, helper, where, lenient=lenient)

    def _mint_vector_stores(
        self, state: Project, resources: dict[str, Any], *, thread: bool, seeding: bool = False
    ) -> dict[str, Any]:
        """Call only once the whole request is valid: the helper's stores are real objects."""
        helpers = resources.pop("_new_vector_stores", [])
        lenient = seeding or not self._checking(state)
        for i, helper in enumerate(helpers):
            where = f"tool_resources.file_search.vector_stores[{i}]"
            made = self.store.vector_stores.create_helper_store(
                state.name, helper, where, thread=thread, lenient=lenient
            )
            resources["file_search"]["vector_store_ids"].append(made)
        return resources

    def _check_message_refs(self, state: Project, fields: dict[str, Any], param: str) -> None:
        project = state.name
        for i, attachment in enumerate(fields["attachments"]):
            where = v.join_param(v.join_param(param, "attachments"), i) + ".file_id"
            found = self.store.files.check_file(project, attachment["file_id"], where)
            if found is not None and any(tool["type"] == "file_search" for tool in attachment["tools"]):
                self.store.vector_stores.check_attachable(project, [attachment["file_id"]], where)
        for i, block in enumerate(fields["content"]):
            if block["type"] == "image_file":
                where = v.join_param(v.join_param(param, "content"), i) + ".image_file.file_id"
                self.store.files.check_file(project, block["image_file"]["file_id"], where)

    def _attach_to_thread_store(self, state: Project, thread: ThreadState, messages: list[dict[str, Any]]) -> None:
        files = self.store.files
        wanted = [
            attachment["file_id"]
            for message in messages
            for attachment in message["attachments"]
            if any(tool["type"] == "file_search" for tool in attachment["tools"])
            and files.exists(state.name, attachment["file_id"])
        ]
        if not wanted:
            return
        resources = thread.data["tool_resources"]
        current = resources.get("file_search", {}).get("vector_store_ids", [])
        store_id = self.store.vector_stores.add_files(state.name, current[0] if current else None, wanted)
        if current != [store_id]:
            thread.data = {
                **thread.data,
                "tool_resources": {**resources, "file_search": {"vector_store_ids": [store_id]}},
            }
