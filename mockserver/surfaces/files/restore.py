"""A file as a scenario or an export gives it back (docs/files.md, "Scenarios and exports").

``{"id"?, "filename", "purpose", "content" | "content_base64", "content_type"?, "created_at"?, "expires_at"?}``
plus, so a real file object can be pasted, ``object``, ``bytes`` (must equal the content's size), ``status``
and ``status_details``. Content is inline: UTF-8 text as ``content``, anything else as ``content_base64``.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
from dataclasses import dataclass
from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.core.ids import MAX_TIMESTAMP
from mockserver.surfaces.files import shapes
from mockserver.surfaces.files.form import media_type

SEED_FIELDS = (
    "id", "object", "filename", "purpose", "bytes", "created_at", "expires_at", "status", "status_details",
    "content", "content_base64", "content_type",
)  # fmt: skip
FILE_STATUSES = ["uploaded", "processed", "error"]


@dataclass(frozen=True)
class Seed:
    file_id: str | None
    filename: str
    purpose: str
    content: bytes
    content_type: str
    created_at: int
    expires_at: int | None
    status: str
    status_details: str | None


def _restore_reject(body: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for key in body:
        if key not in allowed:
            raise e.InvalidRequestError(e.UNKNOWN_ARGUMENT.format(names=key), param=key)


def check_seed(item: Any, now: int) -> Seed:
    body = v.expect_object(item, "file") or {}
    _restore_reject(body, SEED_FIELDS)
    file_id = v.expect_string(body.get("id"), "id", nullable=True)
    if body.get("object", "file") != "file":
        raise e.InvalidRequestError(
            e.RESTORE_MISMATCH.format(param="object", expected="'file'", value=repr(body["object"])), param="object"
        )
    filename = v.expect_string(v.require(body, "filename"), "filename") or ""
    purpose = v.expect_enum(v.require(body, "purpose"), shapes.ALL_PURPOSES, "purpose") or ""
    if "content" in body and "content_base64" in body:
        raise e.InvalidRequestError(
            e.MUTUALLY_EXCLUSIVE_PARAMS.format(first="content", second="content_base64"),
            code="mutually_exclusive_parameters",
        )
    content = decode_content(body, "")
    if "bytes" in body:
        size = v.expect_int(body["bytes"], "bytes", minimum=0)
        if size != len(content):
            raise e.InvalidRequestError(
                e.RESTORE_MISMATCH.format(param="bytes", expected=len(content), value=size), param="bytes"
            )
    declared = v.expect_string(body.get("content_type"), "content_type", nullable=True)
    content_type = (
        media_type(declared, filename)
        if declared
        else (mimetypes.guess_type(filename)[0] or "application/octet-stream")
    )
    created_at = v.expect_int(body.get("created_at", now), "created_at", minimum=0, maximum=MAX_TIMESTAMP) or 0
    expires_at = v.expect_int(body.get("expires_at"), "expires_at", nullable=True, minimum=0, maximum=MAX_TIMESTAMP)
    return Seed(
        file_id=file_id,
        filename=filename,
        purpose=purpose,
        content=content,
        content_type=content_type,
        created_at=created_at,
        expires_at=expires_at,
        status=v.expect_enum(body.get("status", "processed"), FILE_STATUSES, "status") or "processed",
        status_details=v.expect_string(body.get("status_details"), "status_details", nullable=True),
    )


def export_file(data: dict[str, Any], content: bytes, content_type: str) -> dict[str, Any]:
    """The seed form of a stored file: only what differs from the defaults ``check_seed`` fills in."""
    item: dict[str, Any] = {
        "id": data["id"],
        "filename": data["filename"],
        "purpose": data["purpose"],
        "created_at": data["created_at"],
    }
    if data["expires_at"] is not None:
        item["expires_at"] = data["expires_at"]
    if data["status"] != "processed":
        item["status"] = data["status"]
    if data["status_details"] is not None:
        item["status_details"] = data["status_details"]
    item.update(export_content(content))
    if content_type != (mimetypes.guess_type(data["filename"])[0] or "application/octet-stream"):
        item["content_type"] = content_type
    return item


def decode_content(body: dict[str, Any], param: str) -> bytes:
    """``content`` (UTF-8 text) or ``content_base64``; neither is empty content."""
    if "content" in body and "content_base64" in body:
        raise e.InvalidRequestError(
            e.MUTUALLY_EXCLUSIVE_PARAMS.format(first="content", second="content_base64"),
            param=param or None,
            code="mutually_exclusive_parameters",
        )
    if "content_base64" in body:
        where = v.join_param(param, "content_base64")
        text = v.expect_string(body["content_base64"], where) or ""
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise e.InvalidRequestError(
                e.CONTROL_BAD_FIELD.format(param=where, reason="not valid base64."), param=where
            ) from None
    return (v.expect_string(body.get("content", ""), v.join_param(param, "content")) or "").encode("utf-8")


def export_content(content: bytes) -> dict[str, str]:
    try:
        return {"content": content.decode("utf-8")}
    except UnicodeDecodeError:
        return {"content_base64": base64.b64encode(content).decode("ascii")}
