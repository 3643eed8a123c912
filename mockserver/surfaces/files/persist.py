"""Files and uploads as scenarios and exports give them back (docs/files.md, "Scenarios and exports").

Content is kept inline in the document (UTF-8 text as ``content``, other bytes as ``content_base64``): one
self-contained file, written atomically like the rest of the state file. An upload still ``pending`` keeps its
parts (with their bytes); a finished one names the file it became.
"""

from __future__ import annotations

from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.core.ids import MAX_TIMESTAMP
from mockserver.core.store import locked
from mockserver.surfaces.files import shapes
from mockserver.surfaces.files.base import FilesBase
from mockserver.surfaces.files.restore import check_seed, decode_content, export_content, export_file
from mockserver.surfaces.files.state import UploadState

UPLOAD_SEED_FIELDS = (
    "id", "bytes", "filename", "purpose", "mime_type", "created_at", "expires_at", "status", "file_id",
    "expires_after_seconds", "parts",
)  # fmt: skip
UPLOAD_STATUSES = ["pending", "completed", "cancelled", "expired"]


class PersistOps(FilesBase):
    @locked
    def seed_file(self, project: str, item: dict[str, Any]) -> dict[str, Any]:
        """A file from a scenario or export (docs/files.md, "Scenarios"): explicit id, times and content allowed."""
        p = self._project(project)
        state = self._state(p)
        seed = check_seed(item, p.clock.now())
        if seed.file_id is not None:
            self.check_new_id(state.files, seed.file_id, "file")
        file_id = seed.file_id or self.new_id(p, "file", state.files)
        data = shapes.file_object(
            file_id, purpose=seed.purpose, filename=seed.filename, size=len(seed.content), created_at=seed.created_at,
            expires_at=seed.expires_at, status=seed.status, status_details=seed.status_details,
        )  # fmt: skip
        state.add(data, seed.content, seed.content_type, p.next_sequence())
        self._expire(p, state)
        return data

    @locked
    def seed_upload(self, project: str, item: Any) -> dict[str, Any]:
        p = self._project(project)
        state = self._state(p)
        now = p.clock.now()
        body = v.expect_object(item, "upload") or {}
        for key in body:
            if key not in UPLOAD_SEED_FIELDS:
                raise e.InvalidRequestError(e.UNKNOWN_ARGUMENT.format(names=key), param=key)
        upload_id = v.expect_string(v.require(body, "id"), "id") or ""
        self.check_new_id(state.uploads, upload_id, "upload")
        size = v.expect_int(v.require(body, "bytes"), "bytes", minimum=0, maximum=shapes.MAX_UPLOAD_BYTES) or 0
        filename = v.expect_string(v.require(body, "filename"), "filename") or ""
        purpose = v.expect_enum(v.require(body, "purpose"), shapes.UPLOAD_PURPOSES_CREATE, "purpose") or ""
        mime_type = v.expect_string(body.get("mime_type", "application/octet-stream"), "mime_type") or ""
        created_at = v.expect_int(body.get("created_at", now), "created_at", minimum=0, maximum=MAX_TIMESTAMP) or 0
        expires_at = v.expect_int(
            body.get("expires_at", created_at + shapes.UPLOAD_TTL_SECONDS), "expires_at", minimum=0,
            maximum=MAX_TIMESTAMP,
        ) or 0  # fmt: skip
        status = v.expect_enum(body.get("status", "pending"), UPLOAD_STATUSES, "status") or "pending"
        after = v.expect_int(
            body.get("expires_after_seconds"), "expires_after_seconds", nullable=True,
            minimum=shapes.EXPIRES_AFTER_MIN, maximum=shapes.EXPIRES_AFTER_MAX,
        )  # fmt: skip
        made = None
        if status == "completed":
            file_id = v.expect_string(v.require(body, "file_id"), "file_id") or ""
            made = self._file(p, file_id, "file_id")
        elif "file_id" in body:
            raise e.InvalidRequestError(
                e.RESTORE_NOT_NULL_UNLESS.format(param="file_id", status="completed"), param="file_id"
            )
        parts: dict[str, tuple[dict[str, Any], bytes]] = {}
        taken = {pid for u in state.uploads.values() for pid in u.parts}
        for i, raw in enumerate(v.expect_array(body.get("parts"), "parts", nullable=True) or []):
            where = f"parts[{i}]"
            part = v.expect_object(raw, where) or {}
            for key in part:
                if key not in ("id", "created_at", "content", "content_base64"):
                    raise e.InvalidRequestError(
                        e.UNKNOWN_ARGUMENT.format(names=f"{where}.{key}"), param=f"{where}.{key}"
                    )
            part_id = v.expect_string(v.require(part, "id", where), f"{where}.id") or ""
            self.check_new_id(taken | set(parts), part_id, "upload_part")
            stamp = v.expect_int(part.get("created_at", created_at), f"{where}.created_at", minimum=0,
                                 maximum=MAX_TIMESTAMP) or 0  # fmt: skip
            content = decode_content(part, where)
            parts[part_id] = (shapes.upload_part(part_id, created_at=stamp, upload_id=upload_id), content)
        data = shapes.upload_object(
            upload_id, size=size, created_at=created_at, filename=filename, purpose=purpose, status=status,
            expires_at=expires_at, file=made,
        )  # fmt: skip
        state.uploads[upload_id] = UploadState(
            data=data, mime_type=mime_type, file_expires_after=after, parts=parts, sequence=p.next_sequence()
        )
        return data

    @locked
    def export_files(self, project: str) -> list[dict[str, Any]]:
        p = self._project(project)
        state = self._state(p)
        return [export_file(state.files[i], state.content[i], state.content_types[i]) for i in state.index.ids()]

    @locked
    def export_uploads(self, project: str) -> list[dict[str, Any]]:
        p = self._project(project)
        state = self._state(p)
        items = []
        for upload in sorted(state.uploads.values(), key=lambda u: u.sequence):
            data = upload.data
            item: dict[str, Any] = {
                key: data[key] for key in ("id", "bytes", "filename", "purpose", "created_at", "expires_at", "status")
            }
            item["mime_type"] = upload.mime_type
            if upload.file_expires_after is not None:
                item["expires_after_seconds"] = upload.file_expires_after
            if data["file"] is not None:
                item["file_id"] = data["file"]["id"]
            if upload.parts:
                item["parts"] = [
                    {"id": pid, "created_at": part["created_at"], **export_content(content)}
                    for pid, (part, content) in upload.parts.items()
                ]
            items.append(item)
        return items
