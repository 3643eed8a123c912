"""File batches: attach many files at once, follow them as one, cancel them together."""

from __future__ import annotations

import dataclasses
from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.core.store import locked
from mockserver.surfaces.vector_stores import params as vp
from mockserver.surfaces.vector_stores import shapes
from mockserver.surfaces.vector_stores.state import Batch, StoreState
from mockserver.surfaces.vector_stores.store_files import StoreFileOps

BATCH_FIELDS = ("file_ids", "files", "attributes", "chunking_strategy")
BATCH_MAX = 2000


class BatchOps(StoreFileOps):
    def _batch(self, ss: StoreState, batch_id: str) -> Batch:
        if not batch_id.startswith("vsfb_"):  # V-real wording, with the underscore (openai-node#1700)
            raise e.InvalidRequestError(
                e.BAD_ID_PREFIX.format(param="batch_id", value=batch_id, prefix="vsfb_"),
                param="batch_id",
                code="invalid_id_prefix",
            )
        batch = ss.batches.get(batch_id)
        if batch is None:
            raise e.NotFoundError(e.FILE_BATCH_NOT_FOUND.format(batch_id=batch_id, vector_store_id=ss.data["id"]))
        return batch

    @locked
    def create_batch(self, project: str, store_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Exactly one of ``file_ids`` (top-level ``attributes``/``chunking_strategy`` apply to each) or ``files``
        (each with its own); 1..2000 files."""
        p = self._project(project)
        ss = self._store(p, store_id)
        v.reject_unknown(body, BATCH_FIELDS)
        if "file_ids" in body and "files" in body:
            raise e.InvalidRequestError(
                e.MUTUALLY_EXCLUSIVE_PARAMS.format(first="file_ids", second="files"),
                code="mutually_exclusive_parameters",
            )
        attributes = vp.attributes(body.get("attributes"))
        chunking = vp.chunking_strategy(body.get("chunking_strategy"))
        wanted: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
        if "files" in body:
            items = v.expect_array(body["files"], "files", max_items=BATCH_MAX) or []
            if not items:
                raise e.InvalidRequestError(e.EMPTY_ARRAY.format(param="files"), param="files", code="empty_array")
            for i, item in enumerate(items):
                where = f"files[{i}]"
                entry = v.expect_object(item, where) or {}
                v.reject_unknown(entry, ("file_id", "attributes", "chunking_strategy"))
                file_id = v.expect_string(v.require(entry, "file_id", where), f"{where}.file_id") or ""
                wanted.append(
                    (
                        file_id,
                        vp.attributes(entry.get("attributes"), f"{where}.attributes"),
                        vp.chunking_strategy(entry.get("chunking_strategy"), f"{where}.chunking_strategy"),
                    )
                )
        else:
            ids = vp.file_ids(v.require(body, "file_ids"), "file_ids", max_items=BATCH_MAX, min_items=1)
            wanted = [(file_id, attributes, chunking) for file_id in ids]
        self._usable(p, ss)
        param = "files" if "files" in body else "file_ids"
        names = self._attachable(p, [w[0] for w in wanted], param)
        state = self._state(p)
        taken = {b for store in state.stores.values() for b in store.batches}
        batch_id = self.new_id(p, "vector_store_file_batch", taken)
        now = p.clock.now()
        for file_id, attrs, strategy in wanted:
            self._attach(p, ss, file_id, names[file_id], attributes=attrs, chunking=strategy, batch_id=batch_id)
        file_ids = tuple(dict.fromkeys(w[0] for w in wanted))
        data = shapes.file_batch(
            batch_id, created_at=now, vector_store_id=ss.data["id"], status="in_progress",
            counts=shapes.file_counts([]),
        )  # fmt: skip
        sequence = p.next_sequence()
        ss.batches[batch_id] = Batch(data=data, file_ids=file_ids, sequence=sequence)
        ss.batch_index.add(batch_id, now, sequence)
        self._refresh(p, ss)
        self._settle(p, ss, read=False)
        return ss.batches[batch_id].data

    @locked
    def get_batch(self, project: str, store_id: str, batch_id: str) -> dict[str, Any]:
        p = self._project(project)
        ss = self._store(p, store_id)
        self._batch(ss, batch_id)
        self._settle(p, ss, read=True)
        return ss.batches[batch_id].data

    @locked
    def cancel_batch(self, project: str, store_id: str, batch_id: str) -> dict[str, Any]:
        """Cancelled at once: its files still in progress become ``cancelled``, so the SDK's poll loop (which
        watches ``file_counts.in_progress``) ends (INF, reference 11.9)."""
        p = self._project(project)
        ss = self._store(p, store_id)
        batch = self._batch(ss, batch_id)
        self._settle(p, ss, read=False)
        status = ss.batches[batch_id].data["status"]
        if status != "in_progress":
            raise e.ConflictStateError(e.CANNOT_CANCEL_BATCH.format(status=status))
        for file_id in batch.file_ids:
            sf = ss.files.get(file_id)
            if sf is not None and sf.status == "in_progress":
                ss.files[file_id] = dataclasses.replace(sf, data={**sf.data, "status": "cancelled"})
        ss.batches[batch_id] = dataclasses.replace(ss.batches[batch_id], cancelled=True)
        self._refresh(p, ss)
        return ss.batches[batch_id].data

    @locked
    def list_batch_files(self, project: str, store_id: str, batch_id: str, query: dict[str, str]) -> dict[str, Any]:
        p = self._project(project)
        ss = self._store(p, store_id)
        self._batch(ss, batch_id)
        return self._list(project, ss, query, batch_id)
