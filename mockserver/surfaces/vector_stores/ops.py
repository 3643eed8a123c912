"""Vector store operations: create, list, retrieve, update, delete; processing settings; public operations.

Public operations for other surfaces (``store.vector_stores``), documented in docs/files.md ("For other
surfaces"): :meth:`StoreOps.check_vector_store` (the real 404, honouring reference checks),
:meth:`StoreOps.create_vector_store` (the Assistants ``vector_stores`` helper makes real stores with
it), :meth:`~.searching.SearchOps.search_results` (what a ``file_search`` tool call finds) and
:meth:`StoreOps.file_deleted` (the Files API's delete removes the file from every store).
"""

from __future__ import annotations

from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.core.store import locked
from mockserver.surfaces.vector_stores import params as vp
from mockserver.surfaces.vector_stores import shapes
from mockserver.surfaces.vector_stores.batches import BatchOps
from mockserver.surfaces.vector_stores.searching import SearchOps
from mockserver.surfaces.vector_stores.state import PROGRESS_MODES, StoreState, VectorStoresState
from mockserver.surfaces.vector_stores.store_files import StoreFileOps

CREATE_FIELDS = ("file_ids", "name", "description", "expires_after", "chunking_strategy", "metadata")
UPDATE_FIELDS = ("name", "expires_after", "metadata")
#: V-spec 500 (2024's real limit was 100, with this wording: platform-surfaces.md 4.2).
CREATE_FILE_IDS_MAX = 500


def store_id_for(minted: str, created_at: int) -> str:
    """``vs_`` + 32 hex whose first 8 are ``created_at`` (its low 32 bits), like real 2025-26 ids."""
    return f"vs_{created_at & 0xFFFFFFFF:08x}{minted[11:]}"


class StoreOps(SearchOps, BatchOps, StoreFileOps):
    @locked
    def create_vector_store(
        self,
        project: str,
        body: dict[str, Any],
        *,
        store_id: str | None = None,
        created_at: int | None = None,
        param: str = "",
    ) -> dict[str, Any]:
        """``POST /v1/vector_stores``; ``param`` prefixes error params when another request's helper calls it."""
        p = self._project(project)
        state = self._state(p)
        v.reject_unknown(body, CREATE_FIELDS)

        def where(name: str) -> str:
            return v.join_param(param, name)

        file_ids = vp.file_ids(body.get("file_ids"), where("file_ids"), max_items=CREATE_FILE_IDS_MAX)
        name = v.expect_string(body.get("name"), where("name"), nullable=True) or ""
        description = v.expect_string(body.get("description"), where("description"), nullable=True)
        expires_after = vp.expires_after(body.get("expires_after"), where("expires_after"))
        chunking = vp.chunking_strategy(body.get("chunking_strategy"), where("chunking_strategy"))
        metadata = v.check_metadata(body.get("metadata"), where("metadata"))
        if store_id is not None:
            self.check_new_id(state.stores, store_id, "vector_store")
        names = self._attachable(p, file_ids, where("file_ids"))
        now = p.clock.now() if created_at is None else created_at
        if store_id is None:
            store_id = store_id_for(self.new_id(p, "vector_store", state.stores), now)
            while store_id in state.stores:
                store_id = store_id_for(self.new_id(p, "vector_store", state.stores), now)
        data = shapes.vector_store(
            store_id, created_at=now, name=name, description=description, usage_bytes=0,
            counts=shapes.file_counts([]), status="completed", expires_after=expires_after,
            expires_at=None if expires_after is None else now + expires_after["days"] * shapes.SECONDS_PER_DAY,
            last_active_at=now, metadata=metadata,
        )  # fmt: skip
        sequence = p.next_sequence()
        ss = StoreState(data=data, sequence=sequence)
        state.stores[store_id] = ss
        state.index.add(store_id, now, sequence)
        for file_id, filename in names.items():
            self._attach(p, ss, file_id, filename, attributes={}, chunking=chunking)
        self._refresh(p, ss)
        self._settle(p, ss, read=False)
        return ss.data

    @locked
    def list_vector_stores(self, project: str, query: dict[str, str]) -> dict[str, Any]:
        p = self._project(project)
        params = v.parse_list_query(query)
        state = self._state(p)
        page = state.index.page(**params)
        data = []
        for store_id in page.ids:
            ss = state.stores[store_id]
            self._refresh(p, ss)
            self._settle(p, ss, read=True)
            data.append(ss.data)
        return shapes_list(data, page.has_more)

    @locked
    def get_vector_store(self, project: str, store_id: str) -> dict[str, Any]:
        p = self._project(project)
        ss = self._store(p, store_id)
        self._settle(p, ss, read=True)
        return ss.data

    @locked
    def check_path(self, project: str, store_id: str, file_id: str | None = None) -> None:
        """The path errors of a store (or store file) URL, without reading it: a read moves processing along."""
        ss = self._store(self._project(project), store_id)
        if file_id is not None:
            self._store_file(ss, file_id)

    @locked
    def check_vector_store(self, project: str, store_id: str, param: str | None = None) -> dict[str, Any] | None:
        """For references from other surfaces: the store, the 404 (``param`` reported), or ``None`` for an unknown
        id when the project's reference checks are off. An expired store is a 400."""
        p = self._project(project)
        if store_id not in self._state(p).stores and not self.store.files.references_checked(project):
            return None
        try:
            ss = self._store(p, store_id, param or "vector_store_id")
        except e.NotFoundError as exc:
            exc.param = param
            raise
        self._usable(p, ss)
        return ss.data

    @locked
    def find_object(self, project: str, object_id: str) -> dict[str, Any] | None:
        """A vector store or a file batch with this id as the API returns it, or None: for the inspector, which
        looks without touching (no processing step, unlike a read). A store's files share their file's id, so
        ``vector_store.file`` objects are found from their store's page, not by id."""
        state: VectorStoresState = self._project(project).states[self.name]
        found = state.stores.get(object_id)
        if found is not None:
            return found.data
        for ss in state.stores.values():
            if object_id in ss.batches:
                return ss.batches[object_id].data
        return None

    @locked
    def update_vector_store(self, project: str, store_id: str, body: dict[str, Any]) -> dict[str, Any]:
        p = self._project(project)
        ss = self._store(p, store_id)
        v.reject_unknown(body, UPDATE_FIELDS)
        changes: dict[str, Any] = {}
        if "name" in body:
            changes["name"] = v.expect_string(body["name"], "name", nullable=True) or ""
        if "metadata" in body:
            changes["metadata"] = v.check_metadata(body["metadata"])
        if "expires_after" in body:
            after = vp.expires_after(body["expires_after"])
            changes["expires_after"] = after
            anchor = ss.data["last_active_at"]
            changes["expires_at"] = None if after is None else anchor + after["days"] * shapes.SECONDS_PER_DAY
        self._settle(p, ss, read=False)
        if changes:
            ss.data = {**ss.data, **changes}
            self._refresh(p, ss)
        return ss.data

    @locked
    def delete_vector_store(self, project: str, store_id: str) -> dict[str, Any]:
        p = self._project(project)
        self._store(p, store_id)
        state = self._state(p)
        del state.stores[store_id]
        state.index.remove(store_id)
        return shapes.deleted(store_id, "vector_store")

    @locked
    def file_deleted(self, project: str, file_id: str) -> None:
        """The file is gone from the Files API: it leaves every store (counts and usage drop)."""
        p = self._project(project)
        for ss in p.states[self.name].stores.values():
            if file_id in ss.files:
                ss.files = {k: f for k, f in ss.files.items() if k != file_id}
                ss.file_index.remove(file_id)
                self._refresh(p, ss)

    # -- settings -----------------------------------------------------------------------------------------

    @locked
    def configure_processing(self, project: str, settings: Any, param: str = "processing") -> dict[str, Any]:
        """``{"progress": "on_read"|"immediate"|"on_clock", "reads": n}``; returns the settings in effect."""
        body = v.expect_object(settings, param) or {}
        for key in body:
            if key not in ("progress", "reads"):
                where = v.join_param(param, key)
                raise e.InvalidRequestError(
                    e.RUN_SETTINGS_FIELD.format(param=where, allowed="progress, reads"), param=where
                )
        checked: dict[str, Any] = {}
        if "progress" in body:
            checked["progress"] = v.expect_enum(body["progress"], PROGRESS_MODES, v.join_param(param, "progress"))
        if "reads" in body:
            checked["reads"] = v.expect_int(body["reads"], v.join_param(param, "reads"), minimum=1, maximum=1000)
        p = self._project(project)
        state = self._state(p)
        state.processing = {**state.processing, **checked}
        return dict(state.processing)

    @locked
    def processing_settings(self, project: str) -> dict[str, Any]:
        return dict(self._state(self._project(project)).processing)


def shapes_list(data: list[dict[str, Any]], has_more: bool) -> dict[str, Any]:
    return {
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": has_more,
    }
