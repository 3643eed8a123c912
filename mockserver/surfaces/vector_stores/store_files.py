"""Vector-store files: attach, list (with a status filter), retrieve, update attributes, detach, content."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.core.pagination import SortedIndex
from mockserver.core.store import locked
from mockserver.surfaces.vector_stores import params as vp
from mockserver.surfaces.vector_stores import shapes
from mockserver.surfaces.vector_stores.base import VectorStoresBase
from mockserver.surfaces.vector_stores.state import StoreFile, StoreState

ATTACH_FIELDS = ("file_id", "attributes", "chunking_strategy")


def list_query(query: dict[str, str]) -> tuple[dict[str, Any], str | None]:
    """The usual cursor parameters plus ``filter`` (a file status)."""
    params = v.parse_list_query(query)
    status = query.get("filter") or None
    if status is not None and status not in shapes.FILE_STATUSES:
        raise e.invalid_value(status, shapes.FILE_STATUSES, "filter")
    return params, status


def page(
    index: SortedIndex, keep: Callable[[str], bool], *, limit: int, order: str, after: str | None, before: str | None
) -> tuple[list[str], bool]:
    """A cursor page over the ids ``keep`` accepts (a cursor need not be kept itself). O(n), for filtered lists."""
    ids = index.ids()
    if order == "desc":
        ids.reverse()
    lo, hi = 0, len(ids)
    position = {object_id: i for i, object_id in enumerate(ids)} if (after or before) else {}
    if after is not None:
        if after not in position:
            return [], False
        lo = position[after] + 1
    if before is not None:
        if before not in position:
            return [], False
        hi = position[before]
    window = [i for i in ids[lo:hi] if keep(i)]
    if before is not None and after is None:  # travelling backwards: the items nearest the cursor
        return window[-limit:], len(window) > limit
    return window[:limit], len(window) > limit


class StoreFileOps(VectorStoresBase):
    @locked
    def attach_file(self, project: str, store_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /v1/vector_stores/{id}/files``: ``in_progress`` now, processed per the project's settings."""
        p = self._project(project)
        ss = self._store(p, store_id)
        v.reject_unknown(body, ATTACH_FIELDS)
        file_id = v.expect_string(v.require(body, "file_id"), "file_id") or ""
        attributes = vp.attributes(body.get("attributes"))
        chunking = vp.chunking_strategy(body.get("chunking_strategy"))
        self._usable(p, ss)
        names = self._attachable(p, [file_id], "file_id")
        sf = self._attach(p, ss, file_id, names[file_id], attributes=attributes, chunking=chunking)
        self._refresh(p, ss)
        self._settle(p, ss, read=False)
        return ss.files[sf.data["id"]].data

    def _list(self, project: str, ss: StoreState, query: dict[str, str], batch: str | None) -> dict[str, Any]:
        params, status = list_query(query)
        p = self._project(project)
        self._settle(p, ss, read=True)
        in_batch = set(ss.batches[batch].file_ids) if batch is not None else None

        def keep(file_id: str) -> bool:
            sf = ss.files[file_id]
            return (status is None or sf.status == status) and (in_batch is None or file_id in in_batch)

        if status is None and in_batch is None:
            found = ss.file_index.page(**params)
            ids, has_more = found.ids, found.has_more
        else:
            ids, has_more = page(ss.file_index, keep, **params)
        data = [ss.files[i].data for i in ids]
        return {
            "object": "list",
            "data": data,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
            "has_more": has_more,
        }

    @locked
    def list_files(self, project: str, store_id: str, query: dict[str, str]) -> dict[str, Any]:
        return self._list(project, self._store(self._project(project), store_id), query, None)

    def _read_file(self, project: str, store_id: str, file_id: str) -> tuple[StoreState, StoreFile]:
        p = self._project(project)
        ss = self._store(p, store_id)
        self._store_file(ss, file_id)
        self._settle(p, ss, read=True)
        return ss, ss.files[file_id]

    @locked
    def get_store_file(self, project: str, store_id: str, file_id: str) -> dict[str, Any]:
        return self._read_file(project, store_id, file_id)[1].data

    @locked
    def update_store_file(self, project: str, store_id: str, file_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """``attributes`` (required, nullable) replaces the file's attributes."""
        p = self._project(project)
        ss = self._store(p, store_id)
        self._store_file(ss, file_id)
        v.reject_unknown(body, ("attributes",))
        attributes = vp.attributes(v.require(body, "attributes"))
        self._settle(p, ss, read=False)
        sf = ss.files[file_id]
        ss.files[file_id] = dataclasses.replace(sf, data={**sf.data, "attributes": attributes})
        return ss.files[file_id].data

    @locked
    def detach_file(self, project: str, store_id: str, file_id: str) -> dict[str, Any]:
        """The file leaves the store; the File itself stays (V-spec)."""
        p = self._project(project)
        ss = self._store(p, store_id)
        self._store_file(ss, file_id)
        ss.files = {k: f for k, f in ss.files.items() if k != file_id}
        ss.file_index.remove(file_id)
        self._refresh(p, ss)
        return shapes.deleted(file_id, "vector_store.file")

    @locked
    def store_file_content(self, project: str, store_id: str, file_id: str) -> dict[str, Any]:
        """The parsed text of a completed file, as one text part (empty until processing completes; INF)."""
        return shapes.content_page(self._read_file(project, store_id, file_id)[1].text)
