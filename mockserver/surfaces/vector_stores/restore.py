"""Vector stores as scenarios and exports give them (docs/files.md, "Scenarios and exports").

A store item: ``{"id"?, "name"?, "description"?, "metadata"?, "expires_after"?, "created_at"?,
"last_active_at"?, "status"?, "file_ids"?, "files"?, "batches"?, "search"?}``. ``file_ids`` attaches completed
files; ``files`` gives each file's state: ``{"file_id", "status"?, "attributes"?, "chunking_strategy"?,
"last_error"?, "created_at"?, "reads"?, "since"?}`` (``reads``/``since``: where an ``in_progress`` file is in
its processing). ``batches``: ``{"id", "created_at"?, "file_ids", "cancelled"?}`` over the store's files.
Export writes the same form, leaving out what equals a default, so loading an export re-creates the state.
"""

from __future__ import annotations

from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.core.ids import MAX_COUNT, MAX_TIMESTAMP
from mockserver.core.store import locked
from mockserver.surfaces.vector_stores import params as vp
from mockserver.surfaces.vector_stores import shapes
from mockserver.surfaces.vector_stores.helpers import HelperOps
from mockserver.surfaces.vector_stores.searching import check_search_script
from mockserver.surfaces.vector_stores.state import DEFAULT_PROCESSING, Batch, StoreFile

STORE_FIELDS = (
    "id", "name", "description", "metadata", "expires_after", "created_at", "last_active_at", "status",
    "file_ids", "files", "batches", "search",
)  # fmt: skip
FILE_FIELDS = ("file_id", "status", "attributes", "chunking_strategy", "last_error", "created_at", "reads", "since")
BATCH_FIELDS = ("id", "created_at", "file_ids", "cancelled")


def _reject(body: dict[str, Any], allowed: tuple[str, ...], param: str) -> None:
    for key in body:
        if key not in allowed:
            where = v.join_param(param, key)
            raise e.InvalidRequestError(e.UNKNOWN_ARGUMENT.format(names=where), param=where)


def _stamp(body: dict[str, Any], key: str, param: str, default: int) -> int:
    value = v.expect_int(body.get(key, default), v.join_param(param, key), minimum=0, maximum=MAX_TIMESTAMP)
    return default if value is None else value


def _check_file(item: Any, param: str, now: int, where: str | None = None) -> dict[str, Any]:
    body = v.expect_object(item, param) or {}
    _reject(body, FILE_FIELDS, param)
    checked: dict[str, Any] = {
        "file_id": v.expect_string(v.require(body, "file_id", param), v.join_param(param, "file_id")),
        "status": v.expect_enum(body.get("status", "completed"), shapes.FILE_STATUSES, v.join_param(param, "status")),
        "attributes": vp.attributes(body.get("attributes"), v.join_param(param, "attributes")),
        "chunking_strategy": vp.chunking_strategy(
            body.get("chunking_strategy"), v.join_param(param, "chunking_strategy")
        ),
        "created_at": _stamp(body, "created_at", param, now),
        "reads": v.expect_int(body.get("reads", 0), v.join_param(param, "reads"), minimum=0, maximum=MAX_COUNT),
        "since": _stamp(body, "since", param, now),
        "last_error": None,
        "where": where or v.join_param(param, "file_id"),
    }
    error = v.expect_object(body.get("last_error"), v.join_param(param, "last_error"), nullable=True)
    if error is not None:
        where = v.join_param(param, "last_error")
        _reject(error, ("code", "message"), where)
        code = v.expect_enum(v.require(error, "code", where), shapes.LAST_ERROR_CODES, v.join_param(where, "code"))
        message = v.expect_string(v.require(error, "message", where), v.join_param(where, "message"))
        checked["last_error"] = {"code": code, "message": message}
    return checked


class VectorStoresOps(HelperOps):
    """Every vector-store operation (``store.vector_stores``): the API's, plus seeding and exporting."""

    @locked
    def seed_vector_store(self, project: str, item: Any) -> dict[str, Any]:
        """Create a store from a scenario item: everything is checked before anything is stored."""
        p = self._project(project)
        now = p.clock.now()
        body = v.expect_object(item, "vector_store") or {}
        _reject(body, STORE_FIELDS, "")
        created_at = _stamp(body, "created_at", "", now)
        last_active_at = _stamp(body, "last_active_at", "", created_at)
        status = v.expect_enum(body.get("status"), shapes.STORE_STATUSES, "status", nullable=True)
        files = [
            _check_file({"file_id": file_id}, f"file_ids[{i}]", created_at, where=f"file_ids[{i}]")
            for i, file_id in enumerate(vp.file_ids(body.get("file_ids"), "file_ids", max_items=10_000))
        ]
        raw_files = v.expect_array(body.get("files"), "files", nullable=True) or []
        files += [_check_file(f, f"files[{i}]", created_at) for i, f in enumerate(raw_files)]
        attached = {f["file_id"] for f in files}
        if len(attached) != len(files):
            raise e.InvalidRequestError(
                e.CONTROL_BAD_FIELD.format(param="files", reason="a file is attached to the store more than once."),
                param="files",
            )
        batches: list[tuple[str, int, tuple[str, ...], bool]] = []
        state = self._state(p)
        taken = {b for store in state.stores.values() for b in store.batches}
        for i, raw in enumerate(v.expect_array(body.get("batches"), "batches", nullable=True) or []):
            where = f"batches[{i}]"
            batch = v.expect_object(raw, where) or {}
            _reject(batch, BATCH_FIELDS, where)
            batch_id = v.expect_string(v.require(batch, "id", where), f"{where}.id") or ""
            self.check_new_id(taken, batch_id, "vector_store_file_batch")
            taken.add(batch_id)
            ids = tuple(
                vp.file_ids(v.require(batch, "file_ids", where), f"{where}.file_ids", max_items=2000, min_items=1)
            )
            for j, file_id in enumerate(ids):
                if file_id not in attached:
                    raise e.InvalidRequestError(
                        e.VECTOR_STORE_FILE_NOT_FOUND.format(file_id=file_id, vector_store_id=body.get("id", "")),
                        param=f"{where}.file_ids[{j}]",
                    )
            cancelled = v.expect_bool(batch.get("cancelled", False), f"{where}.cancelled")
            batches.append((batch_id, _stamp(batch, "created_at", where, created_at), ids, bool(cancelled)))
        script = check_search_script(body.get("search") or [])
        request: dict[str, Any] = {
            k: body[k] for k in ("name", "description", "metadata", "expires_after") if k in body
        }
        names = {f["file_id"]: self.store.files.get_file(project, f["file_id"], param=f["where"])["filename"]
                 for f in files}  # fmt: skip
        data = self.create_vector_store(project, request, store_id=body.get("id"), created_at=created_at)
        ss = state.stores[data["id"]]
        after = ss.data["expires_after"]
        ss.data = {
            **ss.data,
            "last_active_at": last_active_at,
            "expires_at": None if after is None else last_active_at + after["days"] * shapes.SECONDS_PER_DAY,
            "status": "expired" if status == "expired" else ss.data["status"],
        }
        batch_of = {file_id: b[0] for b in batches for file_id in b[2]}
        for f in files:
            record = shapes.store_file(
                f["file_id"], usage_bytes=0, created_at=f["created_at"], vector_store_id=data["id"],
                status=f["status"], last_error=f["last_error"], chunking_strategy=f["chunking_strategy"],
                attributes=f["attributes"],
            )  # fmt: skip
            sequence = p.next_sequence()
            sf = StoreFile(
                data=record, filename=names[f["file_id"]], sequence=sequence, batch_id=batch_of.get(f["file_id"]),
                reads=f["reads"], since=f["since"],
            )  # fmt: skip
            ss.files[f["file_id"]] = self._complete(p, sf) if f["status"] == "completed" else sf
            ss.file_index.add(f["file_id"], f["created_at"], sequence)
        for batch_id, batch_created, ids, cancelled in batches:
            sequence = p.next_sequence()
            made = shapes.file_batch(
                batch_id, created_at=batch_created, vector_store_id=data["id"], status="in_progress",
                counts=shapes.file_counts([]),
            )  # fmt: skip
            ss.batches[batch_id] = Batch(data=made, file_ids=ids, sequence=sequence, cancelled=cancelled)
            ss.batch_index.add(batch_id, batch_created, sequence)
        ss.search_script = script
        self._refresh(p, ss)
        return ss.data

    @locked
    def export_vector_stores(self, project: str) -> list[dict[str, Any]]:
        p = self._project(project)
        state = self._state(p)
        items = []
        for store_id in state.index.ids():
            ss = state.stores[store_id]
            self._refresh(p, ss)
            data = ss.data
            item: dict[str, Any] = {"id": store_id, "name": data["name"], "created_at": data["created_at"]}
            for key in ("description", "expires_after"):
                if data[key] is not None:
                    item[key] = data[key]
            if data["metadata"]:
                item["metadata"] = data["metadata"]
            if data["last_active_at"] != data["created_at"]:
                item["last_active_at"] = data["last_active_at"]
            if data["status"] == "expired":
                item["status"] = "expired"
            item["files"] = [_export_file(ss.files[i]) for i in ss.file_index.ids()]
            if ss.batches:
                item["batches"] = [_export_batch(ss.batches[i]) for i in ss.batch_index.ids()]
            if ss.search_script:
                item["search"] = list(ss.search_script)
            items.append(item)
        return items

    @locked
    def export_processing(self, project: str) -> dict[str, Any] | None:
        settings = self._state(self._project(project)).processing
        return None if settings == DEFAULT_PROCESSING else dict(settings)


def _export_file(sf: StoreFile) -> dict[str, Any]:
    data = sf.data
    item: dict[str, Any] = {"file_id": data["id"], "created_at": data["created_at"]}
    if data["status"] != "completed":
        item["status"] = data["status"]
    if data["attributes"]:
        item["attributes"] = data["attributes"]
    if data["chunking_strategy"] != shapes.DEFAULT_CHUNKING:
        item["chunking_strategy"] = data["chunking_strategy"]
    if data["last_error"] is not None:
        item["last_error"] = data["last_error"]
    if data["status"] == "in_progress":
        item["reads"], item["since"] = sf.reads, sf.since
    return item


def _export_batch(batch: Batch) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": batch.data["id"],
        "created_at": batch.data["created_at"],
        "file_ids": list(batch.file_ids),
    }
    if batch.cancelled:
        item["cancelled"] = True
    return item
