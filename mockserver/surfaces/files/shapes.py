"""The wire shapes of the Files and Uploads APIs (reference platform-surfaces.md sections 2 and 3).

Key orders follow real captures where one exists: a file is ``object, id, purpose, filename, bytes,
created_at, expires_at, status, status_details`` (2024 raw bodies plus the 2026 ``expires_at``).
"""

from __future__ import annotations

from typing import Any

#: Purposes a client may upload with (``POST /v1/files``), in the order the real error message lists them.
UPLOAD_PURPOSES = ["fine-tune", "assistants", "batch", "user_data", "vision", "evals"]
#: Purposes the server gives files it makes itself (code interpreter images, batch results, fine-tune results).
OUTPUT_PURPOSES = ["assistants_output", "batch_output", "fine-tune-results"]
ALL_PURPOSES = [*UPLOAD_PURPOSES, *OUTPUT_PURPOSES]
#: ``files.content`` refuses these (V-real: "Not allowed to download files of purpose: assistants").
NO_DOWNLOAD_PURPOSES = frozenset({"assistants", "user_data"})
#: Purposes whose uploads must be JSON Lines (V-real for batch: "Invalid file format for Batch API. Must be .jsonl").
JSONL_PURPOSES = {"batch": "Batch API", "fine-tune": "Fine-Tuning API"}

#: 512 MB: the documented limit of one file; batch input files are limited to 200 MB.
MAX_FILE_BYTES = 512 * 1024 * 1024
PURPOSE_MAX_BYTES = {"batch": 200 * 1024 * 1024}
#: Batch files expire 30 days after creation unless ``expires_after`` says otherwise (V-spec, V-real 2026).
BATCH_EXPIRY_SECONDS = 30 * 24 * 3600
EXPIRES_AFTER_MIN = 3600
EXPIRES_AFTER_MAX = 30 * 24 * 3600

#: Uploads: one hour to complete (V-spec), parts of at most 64 MB, at most 8 GB in all.
UPLOAD_TTL_SECONDS = 3600
MAX_PART_BYTES = 64 * 1024 * 1024
MAX_UPLOAD_BYTES = 8 * 1024 * 1024 * 1024
UPLOAD_PURPOSES_CREATE = ["assistants", "batch", "fine-tune", "vision", "user_data", "evals"]


def file_object(
    file_id: str,
    *,
    purpose: str,
    filename: str,
    size: int,
    created_at: int,
    expires_at: int | None,
    status: str = "processed",
    status_details: str | None = None,
) -> dict[str, Any]:
    return {
        "object": "file",
        "id": file_id,
        "purpose": purpose,
        "filename": filename,
        "bytes": size,
        "created_at": created_at,
        "expires_at": expires_at,
        "status": status,
        "status_details": status_details,
    }


def file_deleted(file_id: str) -> dict[str, Any]:
    """V-real (PC-5): ``{"id", "object": "file", "deleted": true}`` (not ``file.deleted``)."""
    return {"id": file_id, "object": "file", "deleted": True}


def upload_object(
    upload_id: str,
    *,
    size: int,
    created_at: int,
    filename: str,
    purpose: str,
    status: str,
    expires_at: int,
    file: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "id": upload_id,
        "object": "upload",
        "bytes": size,
        "created_at": created_at,
        "filename": filename,
        "purpose": purpose,
        "status": status,
        "expires_at": expires_at,
        "file": file,
    }


def upload_part(part_id: str, *, created_at: int, upload_id: str) -> dict[str, Any]:
    return {"id": part_id, "object": "upload.part", "created_at": created_at, "upload_id": upload_id}


def list_page(data: list[dict[str, Any]], has_more: bool) -> dict[str, Any]:
    return {
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": has_more,
    }
