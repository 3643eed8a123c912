"""What the vector-store operations share: finding a store, deriving its counts and status, and processing.

Processing (docs/files.md, "Processing"): an attached file is ``in_progress`` in the answer to the request that
attached it, then completes according to the project's processing settings, like runs do:

- ``on_read`` (default): the ``reads``-th read of its store (retrieve or list of the store, its files or a batch,
  a search, a run or response searching it) completes it, so ``create_and_poll`` / ``upload_and_poll`` finish
  after one poll;
- ``immediate``: it is completed before the attaching request answers;
- ``on_clock``: it completes once the project's clock has moved past the time it was attached.
"""

from __future__ import annotations

import dataclasses
import os
import re
from typing import TYPE_CHECKING, Any

from mockserver.core import errors as e
from mockserver.core.project import Project
from mockserver.core.store import SurfaceOps
from mockserver.surfaces.vector_stores import search as s
from mockserver.surfaces.vector_stores import shapes
from mockserver.surfaces.vector_stores.state import StoreFile, StoreState, VectorStoresState

if TYPE_CHECKING:
    from mockserver.store import Store

_ID_CHARS_RE = re.compile(r"^[A-Za-z0-9_-]+$")


def check_path_id(value: str, param: str) -> None:
    """Ids with characters no id has are a 400 (V-real wording); any other unknown id is a 404."""
    if not _ID_CHARS_RE.match(value):
        raise e.InvalidRequestError(
            e.ID_BAD_CHARACTERS.format(param=param, value=value), param=param, code="invalid_value"
        )


class VectorStoresBase(SurfaceOps):
    name = "vector_stores"
    store: Store

    def _state(self, p: Project) -> VectorStoresState:
        self.store.files.sweep(p.name)  # expired files leave their stores before anyone reads them
        state: VectorStoresState = p.states[self.name]
        return state

    def _store(self, p: Project, store_id: str, param: str = "vector_store_id") -> StoreState:
        check_path_id(store_id, param)
        ss = self._state(p).stores.get(store_id)
        if ss is None:
            raise e.not_found("vector store", store_id)
        self._refresh(p, ss)
        return ss

    def _usable(self, p: Project, ss: StoreState) -> None:
        """An expired store takes no more files and answers no searches (INF wording, reference 4.4)."""
        if ss.data["status"] == "expired":
            raise e.InvalidRequestError(e.VECTOR_STORE_EXPIRED.format(id=ss.data["id"]))

    def _store_file(self, ss: StoreState, file_id: str) -> StoreFile:
        check_path_id(file_id, "file_id")
        found = ss.files.get(file_id)
        if found is None:
            raise e.NotFoundError(e.VECTOR_STORE_FILE_NOT_FOUND.format(file_id=file_id, vector_store_id=ss.data["id"]))
        return found

    # -- derived fields ---------------------------------------------------------------------------------------

    def _refresh(self, p: Project, ss: StoreState) -> None:
        """Recompute ``file_counts``, ``usage_bytes``, ``status`` and batch counts from the files."""
        data = ss.data
        counts = shapes.file_counts([f.status for f in ss.files.values()])
        usage = sum(f.data["usage_bytes"] for f in ss.files.values())
        expires_at = data["expires_at"]
        if data["status"] == "expired" or (expires_at is not None and p.clock.now() >= expires_at):
            status = "expired"
        else:
            status = "in_progress" if counts["in_progress"] else "completed"
        if (counts, usage, status) != (data["file_counts"], data["usage_bytes"], data["status"]):
            ss.data = {**data, "file_counts": counts, "usage_bytes": usage, "status": status}
        for batch_id, batch in ss.batches.items():
            statuses = [ss.files[i].status for i in batch.file_ids if i in ss.files]
            counts = shapes.file_counts(statuses)
            if batch.cancelled:
                status = "cancelled"
            elif counts["in_progress"]:
                status = "in_progress"
            elif counts["total"] and counts["failed"] == counts["total"]:
                status = "failed"
            else:
                status = "completed"
            if (counts, status) != (batch.data["file_counts"], batch.data["status"]):
                ss.batches[batch_id] = dataclasses.replace(
                    batch, data={**batch.data, "file_counts": counts, "status": status}
                )

    def _touch(self, p: Project, ss: StoreState) -> None:
        """The store was used (a search, a run): ``last_active_at`` moves and with it ``expires_at``."""
        now = p.clock.now()
        after = ss.data["expires_after"]
        expires_at = None if after is None else now + after["days"] * shapes.SECONDS_PER_DAY
        ss.data = {**ss.data, "last_active_at": now, "expires_at": expires_at}

    # -- processing -------------------------------------------------------------------------------------------

    def _settle(self, p: Project, ss: StoreState, *, read: bool) -> None:
        """Move in-progress files along (see the module docstring); ``read``: this request looks at the store."""
        settings = self._state(p).processing
        mode, reads, now = settings["progress"], settings["reads"], p.clock.now()
        changed = False
        for file_id, sf in list(ss.files.items()):
            if sf.status != "in_progress":
                continue
            if mode == "immediate" or (mode == "on_clock" and now > sf.since):
                ss.files[file_id] = self._complete(p, sf)
            elif mode == "on_read" and read:
                seen = sf.reads + 1
                ss.files[file_id] = self._complete(p, sf) if seen >= reads else dataclasses.replace(sf, reads=seen)
            else:
                continue
            changed = True
        if changed:
            self._refresh(p, ss)

    def _complete(self, p: Project, sf: StoreFile) -> StoreFile:
        text = s.extract_text(self.store.files.read_content(p.name, sf.data["id"]))
        chunks = s.chunk_text(text, sf.data["chunking_strategy"])
        data = {**sf.data, "status": "completed", "usage_bytes": len(text.encode("utf-8"))}
        return dataclasses.replace(sf, data=data, text=text, chunks=chunks)

    # -- attaching files --------------------------------------------------------------------------------------

    def _attachable(self, p: Project, file_ids: list[str], param: str) -> dict[str, str]:
        """Check that every file exists (404) and has a file-search extension (400); -> id -> filename.

        Nothing changes: callers check everything before they attach anything.
        """
        names: dict[str, str] = {}
        for i, file_id in enumerate(file_ids):
            where = param if param.endswith("file_id") else f"{param}[{i}]"
            names[file_id] = self.store.files.get_file(p.name, file_id, param=where)["filename"]
        unsupported: list[str] = []
        for filename in names.values():
            extension = os.path.splitext(filename)[1].lower()
            if extension and extension not in shapes.RETRIEVAL_EXTENSIONS and extension not in unsupported:
                unsupported.append(extension)
        if unsupported:
            raise e.InvalidRequestError(
                e.UNSUPPORTED_RETRIEVAL_FILES.format(extensions=", ".join(unsupported)),
                param=param.split("[")[0],
                code="unsupported_file",
            )
        return names

    def _attach(
        self,
        p: Project,
        ss: StoreState,
        file_id: str,
        filename: str,
        *,
        attributes: dict[str, Any],
        chunking: dict[str, Any],
        batch_id: str | None = None,
    ) -> StoreFile:
        """Attach one checked file (``in_progress``); a file already in the store stays as it is (INF)."""
        existing = ss.files.get(file_id)
        if existing is not None:
            return existing
        now = p.clock.now()
        data = shapes.store_file(
            file_id, usage_bytes=0, created_at=now, vector_store_id=ss.data["id"], status="in_progress",
            last_error=None, chunking_strategy=chunking, attributes=attributes,
        )  # fmt: skip
        sequence = p.next_sequence()
        sf = StoreFile(data=data, filename=filename, sequence=sequence, batch_id=batch_id, since=now)
        ss.files[file_id] = sf
        ss.file_index.add(file_id, now, sequence)
        return sf
