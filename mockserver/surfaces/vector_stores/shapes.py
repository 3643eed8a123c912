"""The wire shapes of the Vector Stores API (platform-surfaces.md section 4).

Key orders follow real captures: a store is ``id, object, created_at, name, description, usage_bytes,
file_counts, status, expires_after, expires_at, last_active_at, metadata`` (openai-node#1700); a store file is
``id, object, usage_bytes, created_at, vector_store_id, status, last_error, chunking_strategy`` plus
``attributes`` (openai-openapi#300 and 2025 reprs).
"""

from __future__ import annotations

from typing import Any

#: ``auto`` resolves to this in every response (V-real).
DEFAULT_CHUNKING = {"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}}
FILE_STATUSES = ["in_progress", "completed", "failed", "cancelled"]
STORE_STATUSES = ["expired", "in_progress", "completed"]
BATCH_STATUSES = ["in_progress", "completed", "cancelled", "failed"]
LAST_ERROR_CODES = ["server_error", "unsupported_file", "invalid_file"]
#: The file search documentation's supported extensions; others are refused at attach time (V-real for .csv).
RETRIEVAL_EXTENSIONS = frozenset(
    {
        ".c", ".cpp", ".cs", ".css", ".doc", ".docx", ".go", ".html", ".java", ".js", ".json", ".md", ".pdf",
        ".php", ".pptx", ".py", ".rb", ".sh", ".tex", ".ts", ".txt",
    }
)  # fmt: skip
SECONDS_PER_DAY = 86_400


def file_counts(statuses: list[str]) -> dict[str, int]:
    """Key order ``in_progress, completed, failed, cancelled, total`` (V-real #1700)."""
    counts = {status: statuses.count(status) for status in ("in_progress", "completed", "failed", "cancelled")}
    counts["total"] = len(statuses)
    return counts


def vector_store(
    store_id: str,
    *,
    created_at: int,
    name: str,
    description: str | None,
    usage_bytes: int,
    counts: dict[str, int],
    status: str,
    expires_after: dict[str, Any] | None,
    expires_at: int | None,
    last_active_at: int,
    metadata: dict[str, str],
) -> dict[str, Any]:
    return {
        "id": store_id,
        "object": "vector_store",
        "created_at": created_at,
        "name": name,
        "description": description,
        "usage_bytes": usage_bytes,
        "file_counts": counts,
        "status": status,
        "expires_after": expires_after,
        "expires_at": expires_at,
        "last_active_at": last_active_at,
        "metadata": metadata,
    }


def store_file(
    file_id: str,
    *,
    usage_bytes: int,
    created_at: int,
    vector_store_id: str,
    status: str,
    last_error: dict[str, str] | None,
    chunking_strategy: dict[str, Any],
    attributes: dict[str, Any],
) -> dict[str, Any]:
    return {
        "id": file_id,
        "object": "vector_store.file",
        "usage_bytes": usage_bytes,
        "created_at": created_at,
        "vector_store_id": vector_store_id,
        "status": status,
        "last_error": last_error,
        "chunking_strategy": chunking_strategy,
        "attributes": attributes,
    }


def file_batch(
    batch_id: str, *, created_at: int, vector_store_id: str, status: str, counts: dict[str, int]
) -> dict[str, Any]:
    """``object`` is ``vector_store.files_batch`` (schema, SDK Literal), not the examples' ``file_batch`` (INF)."""
    return {
        "id": batch_id,
        "object": "vector_store.files_batch",
        "created_at": created_at,
        "vector_store_id": vector_store_id,
        "status": status,
        "file_counts": counts,
    }


def deleted(object_id: str, object_type: str) -> dict[str, Any]:
    return {"id": object_id, "object": f"{object_type}.deleted", "deleted": True}


def search_page(queries: list[str], data: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "object": "vector_store.search_results.page",
        "search_query": queries,
        "data": data,
        "has_more": False,
        "next_page": None,
    }


def search_result(file_id: str, filename: str, score: float, attributes: dict[str, Any], text: str) -> dict[str, Any]:
    return {
        "file_id": file_id,
        "filename": filename,
        "score": score,
        "attributes": attributes,
        "content": [{"type": "text", "text": text}],
    }


def content_page(text: str) -> dict[str, Any]:
    return {
        "object": "vector_store.file_content.page",
        "data": [{"type": "text", "text": text}] if text else [],
        "has_more": False,
        "next_page": None,
    }
