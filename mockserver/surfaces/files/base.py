"""What the files operations share: the state with expiry applied, storing and removing a file."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockserver.core import errors as e
from mockserver.core.project import Project
from mockserver.core.store import SurfaceOps
from mockserver.surfaces.files import shapes
from mockserver.surfaces.files.state import FilesState

if TYPE_CHECKING:
    from mockserver.store import Store


class FilesBase(SurfaceOps):
    name = "files"
    store: Store

    def _state(self, project: Project) -> FilesState:
        state: FilesState = project.states[self.name]
        self._expire(project, state)
        return state

    def _expire(self, project: Project, state: FilesState) -> None:
        """Files whose ``expires_at`` the clock reached are gone, as after a delete (docs/files.md, "Expiry")."""
        now = project.clock.now()
        while state.expiring and state.expiring[0][0] <= now:
            self._remove(project, state, state.expiring[0][1])

    def _file(self, p: Project, file_id: str, param: str | None = "id") -> dict[str, Any]:
        data = self._state(p).files.get(file_id)
        if data is None:
            raise e.NotFoundError(e.NO_SUCH_FILE.format(id=file_id), param=param)
        return data

    def _remove(self, project: Project, state: FilesState, file_id: str) -> dict[str, Any]:
        data = state.remove(file_id)
        # "Removes it from all vector stores" (V-spec): their counts and usage drop with it.
        self.store.vector_stores.file_deleted(project.name, file_id)
        return data

    def _store_file(
        self,
        p: Project,
        state: FilesState,
        purpose: str,
        filename: str,
        content: bytes,
        content_type: str,
        expires_after: int | None,
    ) -> dict[str, Any]:
        now = p.clock.now()
        if expires_after is None and purpose == "batch":
            expires_after = shapes.BATCH_EXPIRY_SECONDS
        file_id = self.new_id(p, "file", state.files)
        data = shapes.file_object(
            file_id, purpose=purpose, filename=filename, size=len(content), created_at=now,
            expires_at=None if expires_after is None else now + expires_after,
        )  # fmt: skip
        state.add(data, content, content_type, p.next_sequence())
        return data
