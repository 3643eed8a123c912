"""Public operations for the Assistants surface's implicit vector stores (docs/files.md, "Reference checks").

- the ``tool_resources.file_search.vector_stores`` helper of threads and assistants makes a real store holding
  its files (:meth:`HelperOps.check_helper` first, with the rest of the request; then
  :meth:`HelperOps.create_helper_store`);
- message attachments for ``file_search`` go into the thread's store (:meth:`HelperOps.add_files`), which is
  created when the thread has none.

Stores made for threads (the helper on a thread, or attachments) expire 7 days after their last use, as the
file search guide says of "vector stores created using thread helpers"; an assistant's helper store does not.
``lenient``: the project does not check references (or an object is being restored), so unknown files are
left out instead of refused.
"""

from __future__ import annotations

from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.core.store import locked
from mockserver.surfaces.vector_stores import params as vp
from mockserver.surfaces.vector_stores.ops import StoreOps

HELPER_FIELDS = ("file_ids", "chunking_strategy", "metadata")
THREAD_STORE_EXPIRY = {"anchor": "last_active_at", "days": 7}
#: The spec's limit on a helper's ``file_ids``.
HELPER_FILE_IDS_MAX = 10_000


class HelperOps(StoreOps):
    def _helper_body(self, project: str, body: Any, param: str, lenient: bool) -> dict[str, Any]:
        helper = v.expect_object(body, param) or {}
        v.reject_unknown(helper, HELPER_FIELDS)
        where = v.join_param(param, "file_ids")
        file_ids = vp.file_ids(helper.get("file_ids"), where, max_items=HELPER_FILE_IDS_MAX)
        if not file_ids:  # V-real (openai-node#795)
            raise e.InvalidRequestError(e.FILE_SEARCH_EMPTY_FILE_IDS, param=where)
        vp.chunking_strategy(helper.get("chunking_strategy"), v.join_param(param, "chunking_strategy"))
        v.check_metadata(helper.get("metadata"), v.join_param(param, "metadata"))
        if lenient:
            file_ids = [f for f in file_ids if self.store.files.exists(project, f)]
        return {**{k: helper[k] for k in ("chunking_strategy", "metadata") if k in helper}, "file_ids": file_ids}

    @locked
    def check_helper(self, project: str, body: Any, param: str, *, lenient: bool = False) -> None:
        """Every error the helper would raise (unknown or unsupported files, bad fields), storing nothing."""
        prepared = self._helper_body(project, body, param, lenient)
        self._attachable(self._project(project), prepared["file_ids"], v.join_param(param, "file_ids"))

    @locked
    def create_helper_store(self, project: str, body: Any, param: str, *, thread: bool, lenient: bool = False) -> str:
        """A real store holding the helper's files; returns its id."""
        prepared = self._helper_body(project, body, param, lenient)
        if thread:
            prepared["expires_after"] = dict(THREAD_STORE_EXPIRY)
        return str(self.create_vector_store(project, prepared, param=param)["id"])

    @locked
    def check_attachable(self, project: str, file_ids: list[str], param: str) -> None:
        """The 404/400 attaching these files to a store would raise (unknown file, unsupported extension)."""
        self._attachable(self._project(project), file_ids, param)

    @locked
    def add_files(self, project: str, store_id: str | None, file_ids: list[str]) -> str:
        """Attach known files to ``store_id`` (a thread's store), or to a new thread store when it is None or
        gone; returns the store's id. Callers checked the files already."""
        p = self._project(project)
        state = self._state(p)
        if store_id is None or store_id not in state.stores:
            return str(
                self.create_vector_store(project, {"file_ids": file_ids, "expires_after": THREAD_STORE_EXPIRY})["id"]
            )
        ss = self._store(p, store_id)
        names = self._attachable(p, file_ids, "file_ids")
        chunking = vp.chunking_strategy(None)
        for file_id, filename in names.items():
            self._attach(p, ss, file_id, filename, attributes={}, chunking=chunking)
        self._refresh(p, ss)
        self._settle(p, ss, read=False)
        return store_id
