"""Checks of file fields shared by ``POST /v1/files`` and uploads (purpose, expiry, format, size)."""

from __future__ import annotations

import os
from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.surfaces.files import shapes


def check_upload_purpose(purpose: str) -> None:
    if purpose not in shapes.UPLOAD_PURPOSES:
        raise e.InvalidRequestError(
            e.FILE_PURPOSE_INVALID.format(value=purpose, allowed=shapes.UPLOAD_PURPOSES), param="purpose"
        )


def check_expires_after(value: Any, *, present: bool, param: str = "expires_after") -> int | None:
    """``{"anchor": "created_at", "seconds": 3600..2592000}`` -> the seconds (None when absent)."""
    if not present:
        return None
    body = v.expect_object(value, param) or {}
    v.reject_unknown(body, ("anchor", "seconds"))
    anchor = body.get("anchor")
    if anchor is None:
        raise e.missing_param(v.join_param(param, "anchor"))
    v.expect_enum(anchor, ["created_at"], v.join_param(param, "anchor"))
    seconds = body.get("seconds")
    if seconds is None:
        raise e.missing_param(v.join_param(param, "seconds"))
    return v.expect_int(
        seconds, v.join_param(param, "seconds"), minimum=shapes.EXPIRES_AFTER_MIN, maximum=shapes.EXPIRES_AFTER_MAX
    )


def check_format(purpose: str, filename: str) -> None:
    """Batch and fine-tune input must be JSON Lines (V-real for batch; fine-tune by analogy, INF)."""
    api = shapes.JSONL_PURPOSES.get(purpose)
    if api is not None and os.path.splitext(filename)[1].lower() != ".jsonl":
        raise e.InvalidRequestError(e.FILE_FORMAT_JSONL.format(api=api))


def check_content(purpose: str, filename: str, size: int) -> None:
    """Per-purpose rules: the format, then the size limit (docs/files.md, "Limits")."""
    check_format(purpose, filename)
    limit = shapes.PURPOSE_MAX_BYTES.get(purpose, shapes.MAX_FILE_BYTES)
    if size > limit:
        raise e.ContentTooLargeError(e.CONTENT_TOO_LARGE.format(limit=limit, size=size))
