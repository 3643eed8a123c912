"""Uploads: a file sent in parts (``POST /v1/uploads``, ``/parts``, ``/complete``, ``/cancel``).

Rules (V-spec; wording INF, docs/files.md "Uploads"): an upload lives one hour (``expires_at``; after it, its
status is ``expired`` and it takes nothing more); parts hold at most 64 MB; ``complete`` names the parts in file
order, each once, and their sizes must add up to the ``bytes`` announced at creation (and match ``md5`` when
given). Completion stores a File (its bytes are the parts joined in ``part_ids`` order) and forgets the parts.
"""

from __future__ import annotations

import hashlib
from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.core.project import Project
from mockserver.core.store import locked
from mockserver.surfaces.files import form as f
from mockserver.surfaces.files import shapes
from mockserver.surfaces.files.base import FilesBase
from mockserver.surfaces.files.checks import check_expires_after, check_format
from mockserver.surfaces.files.state import FilesState, UploadState

UPLOAD_FIELDS = ("bytes", "filename", "mime_type", "purpose", "expires_after")


class UploadOps(FilesBase):
    def _upload(self, p: Project, state: FilesState, upload_id: str) -> UploadState:
        upload = state.uploads.get(upload_id)
        if upload is None:
            raise e.NotFoundError(e.NO_SUCH_UPLOAD.format(id=upload_id), param="upload_id")
        if upload.data["status"] == "pending" and p.clock.now() >= upload.data["expires_at"]:
            upload.data = {**upload.data, "status": "expired"}
            upload.parts = {}
        return upload

    @staticmethod
    def _require_pending(upload: UploadState, action: str) -> None:
        status = upload.data["status"]
        if status != "pending":
            raise e.InvalidRequestError(
                e.UPLOAD_WRONG_STATUS.format(id=upload.data["id"], status=status, action=action)
            )

    @locked
    def check_upload(self, project: str, upload_id: str) -> None:
        """The path error of an upload URL (404), for routes that must report it before a bad body."""
        p = self._project(project)
        self._upload(p, self._state(p), upload_id)

    @locked
    def create_upload(self, project: str, body: dict[str, Any]) -> dict[str, Any]:
        v.reject_unknown(body, UPLOAD_FIELDS)
        size = v.expect_int(v.require(body, "bytes"), "bytes", minimum=0, maximum=shapes.MAX_UPLOAD_BYTES) or 0
        filename = v.expect_string(v.require(body, "filename"), "filename") or ""
        if not filename:
            raise e.InvalidRequestError(
                e.STRING_TOO_SHORT.format(param="filename", limit=1), param="filename", code="string_below_min_length"
            )
        mime_type = v.expect_string(v.require(body, "mime_type"), "mime_type") or ""
        media = f.media_type(mime_type, "")
        if media == "application/octet-stream" and mime_type.strip().lower() != media:
            raise e.invalid_value(mime_type, ["a MIME type such as 'text/plain'"], "mime_type")
        purpose = v.expect_enum(v.require(body, "purpose"), shapes.UPLOAD_PURPOSES_CREATE, "purpose") or ""
        expires_after = check_expires_after(body.get("expires_after"), present=body.get("expires_after") is not None)
        check_format(purpose, filename)
        p = self._project(project)
        state = self._state(p)
        now = p.clock.now()
        upload_id = self.new_id(p, "upload", state.uploads)
        data = shapes.upload_object(
            upload_id, size=size, created_at=now, filename=filename, purpose=purpose, status="pending",
            expires_at=now + shapes.UPLOAD_TTL_SECONDS,
        )  # fmt: skip
        state.uploads[upload_id] = UploadState(
            data=data, mime_type=media, file_expires_after=expires_after, sequence=p.next_sequence()
        )
        return data

    @locked
    def add_part(self, project: str, upload_id: str, content_type: str | None, body: bytes) -> dict[str, Any]:
        p = self._project(project)
        state = self._state(p)
        upload = self._upload(p, state, upload_id)
        form = f.read_form(content_type, body, f.PART_FIELDS)
        data = f.file_field(form, "data").data
        if len(data) > shapes.MAX_PART_BYTES:
            raise e.InvalidRequestError(
                e.UPLOAD_PART_TOO_LARGE.format(limit=shapes.MAX_PART_BYTES, size=len(data)), param="data"
            )
        self._require_pending(upload, "parts cannot be added")
        part_id = self.new_id(p, "upload_part", {pid for u in state.uploads.values() for pid in u.parts})
        part = shapes.upload_part(part_id, created_at=p.clock.now(), upload_id=upload_id)
        upload.parts = {**upload.parts, part_id: (part, data)}
        return part

    @locked
    def complete_upload(self, project: str, upload_id: str, body: dict[str, Any]) -> dict[str, Any]:
        p = self._project(project)
        state = self._state(p)
        upload = self._upload(p, state, upload_id)
        v.reject_unknown(body, ("part_ids", "md5"))
        part_ids = v.expect_array(v.require(body, "part_ids"), "part_ids") or []
        for i, part_id in enumerate(part_ids):
            v.expect_string(part_id, f"part_ids[{i}]")
        md5 = v.expect_string(body.get("md5"), "md5", nullable=True)
        self._require_pending(upload, "it cannot be completed")
        seen: set[str] = set()
        for part_id in part_ids:
            if part_id in seen:
                raise e.InvalidRequestError(e.UPLOAD_DUPLICATE_PART.format(id=part_id), param="part_ids")
            if part_id not in upload.parts:
                raise e.InvalidRequestError(
                    e.UPLOAD_UNKNOWN_PART.format(id=part_id, upload_id=upload_id), param="part_ids"
                )
            seen.add(part_id)
        content = b"".join(upload.parts[part_id][1] for part_id in part_ids)
        expected = upload.data["bytes"]
        if len(content) != expected:
            raise e.InvalidRequestError(
                e.UPLOAD_BYTES_MISMATCH.format(actual=len(content), expected=expected), param="part_ids"
            )
        if md5 is not None:
            actual = hashlib.md5(content, usedforsecurity=False).hexdigest()
            if actual != md5.strip().lower():
                raise e.InvalidRequestError(e.UPLOAD_MD5_MISMATCH.format(actual=actual, expected=md5), param="md5")
        data = upload.data
        made = self._store_file(
            p, state, data["purpose"], data["filename"], content, upload.mime_type, upload.file_expires_after
        )
        upload.data = {**data, "status": "completed", "file": made}
        upload.parts = {}  # the bytes live on in the file
        return upload.data

    @locked
    def cancel_upload(self, project: str, upload_id: str) -> dict[str, Any]:
        p = self._project(project)
        upload = self._upload(p, self._state(p), upload_id)
        self._require_pending(upload, "it cannot be cancelled")
        upload.data = {**upload.data, "status": "cancelled"}
        upload.parts = {}
        return upload.data
