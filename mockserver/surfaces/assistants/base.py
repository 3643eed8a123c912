"""What every part of the Assistants operations shares: the surface's state of a project, thread lookup, and the
hooks one part fills in for the others (threads create messages; runs settle before state checks)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockserver.core import errors as e
from mockserver.core.project import Project
from mockserver.core.store import SurfaceOps
from mockserver.core.validation import check_id
from mockserver.surfaces.assistants.state import AssistantsState, ThreadState

if TYPE_CHECKING:
    from mockserver.store import Store

NAME = "assistants"


class AssistantsBase(SurfaceOps):
    name = NAME
    store: Store

    @staticmethod
    def _s(project: Project) -> AssistantsState:
        state: AssistantsState = project.states[NAME]
        return state

    def _thread(self, project: Project, thread_id: str, param: str = "thread_id") -> ThreadState:
        check_id(thread_id, "thread", param)
        thread = self._s(project).threads.get(thread_id)
        if thread is None:
            raise e.not_found("thread", thread_id)
        return thread

    def _run_settings(self, state: Project) -> dict[str, Any]:
        return self.store.script.settings(state)

    # -- hooks the parts fill in (declared here so every part can call them) ---------------------------------

    def _prepare_message(self, body: Any, param: str) -> dict[str, Any]:
        raise NotImplementedError

    def _insert_message(self, state: Project, thread: ThreadState, fields: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def _mint_vector_stores(
        self, state: Project, resources: dict[str, Any], *, thread: bool, seeding: bool = False
    ) -> dict[str, Any]:
        """Turn ``vector_stores`` helper entries into real stores (references.py)."""
        raise NotImplementedError

    def _check_resources(self, state: Project, resources: dict[str, Any], param: str) -> None:
        """Refuse unknown files and vector stores in ``tool_resources`` (references.py)."""
        raise NotImplementedError

    def _check_message_refs(self, state: Project, fields: dict[str, Any], param: str) -> None:
        """Refuse unknown files in a prepared message's attachments and image parts (references.py)."""
        raise NotImplementedError

    def _attach_to_thread_store(self, state: Project, thread: ThreadState, messages: list[dict[str, Any]]) -> None:
        """Put file_search attachments into the thread's vector store (references.py)."""
        raise NotImplementedError

    def _settle_runs(self, state: Project, thread: ThreadState) -> None:
        """Let runs whose outcome is due reach it before a state check. Overridden by the run operations."""
