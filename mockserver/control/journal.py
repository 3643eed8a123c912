"""A bounded record of every request the server answered, for assertions and debugging."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from mockserver.core import multipart

DEFAULT_JOURNAL_LIMIT = 10_000


def summarize_multipart(raw_headers: list[tuple[bytes, bytes]], raw_body: bytes) -> bytes:
    """A multipart body as the journal keeps it: JSON of its fields, each file part summarized as
    ``{"filename", "content_type", "bytes", "sha256"}`` (uploads are not kept twice; the store has the bytes).
    Other bodies are kept as they are; a malformed multipart body becomes ``{"multipart_error", "bytes"}``."""
    content_type = next((v.decode("latin-1") for k, v in raw_headers if k.lower() == b"content-type"), None)
    try:
        boundary = multipart.boundary_of(content_type)
        if boundary is None:
            return raw_body
        parts = multipart.parse(raw_body, boundary)
    except multipart.MultipartError as exc:
        return json.dumps({"multipart_error": str(exc), "bytes": len(raw_body)}).encode()
    summary: dict[str, Any] = {}
    for part in parts:
        if part.is_file:
            summary[part.name] = {
                "filename": part.filename,
                "content_type": part.content_type,
                "bytes": len(part.data),
                "sha256": hashlib.sha256(part.data).hexdigest(),
            }
        else:
            summary[part.name] = part.data.decode("utf-8", errors="replace")
    return json.dumps(summary).encode()


@dataclass
class JournalEntry:
    """One request and the status it got. ``body`` is the parsed JSON body (None when empty or not JSON)."""

    index: int
    method: str
    path: str
    query: str
    #: The headers as the server received them (ASGI byte pairs); ``headers`` decodes them on first use.
    raw_headers: list[tuple[bytes, bytes]]
    raw_body: bytes
    status: int
    project: str
    request_id: str
    #: True when no route matched (a typo in the client or an endpoint the fake lacks).
    unknown_route: bool = False
    _body: Any = field(default=None, repr=False)
    _parsed: bool = field(default=False, repr=False)
    _headers: dict[str, str] | None = field(default=None, repr=False)

    @property
    def headers(self) -> dict[str, str]:
        """Lower-case header names to values. Decoded lazily: most entries are never looked at."""
        if self._headers is None:
            self._headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in self.raw_headers}
        return self._headers

    @property
    def body(self) -> Any:
        if not self._parsed:
            self._parsed = True
            try:
                self._body = json.loads(self.raw_body) if self.raw_body else None
            except (ValueError, RecursionError):  # not JSON, or nested too deep to parse: keep the text
                self._body = self.raw_body.decode("utf-8", "replace")
        return self._body

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": dict(self.headers),
            "body": self.body,
            "status": self.status,
            "project": self.project,
            "request_id": self.request_id,
            "unknown_route": self.unknown_route,
        }

    def matches(
        self,
        *,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        project: str | None = None,
        path_contains: str | None = None,
    ) -> bool:
        return (
            (method is None or self.method == method.upper())
            and (path is None or self.path == path)
            and (path_contains is None or path_contains in self.path)
            and (status is None or self.status == status)
            and (project is None or self.project == project)
        )


class Journal:
    """Thread-safe, bounded (oldest entries drop first); indices keep growing so a reader can mark a point."""

    def __init__(self, limit: int = DEFAULT_JOURNAL_LIMIT) -> None:
        self._entries: deque[JournalEntry] = deque(maxlen=max(1, limit))
        self._next_index = 0
        self._lock = threading.Lock()

    def next_index(self) -> int:
        with self._lock:
            return self._next_index

    def record(self, **fields: Any) -> JournalEntry:
        fields["raw_body"] = summarize_multipart(fields.get("raw_headers", []), fields.get("raw_body", b""))
        with self._lock:
            entry = JournalEntry(index=self._next_index, **fields)
            self._next_index += 1
            self._entries.append(entry)
            return entry

    def entries(self, *, since: int = 0, **filters: Any) -> list[JournalEntry]:
        with self._lock:
            snapshot = list(self._entries)
        return [e for e in snapshot if e.index >= since and e.matches(**filters)]

    def clear(self, project: str | None = None) -> None:
        with self._lock:
            if project is None:
                self._entries.clear()
            else:
                kept = [e for e in self._entries if e.project != project]
                self._entries.clear()
                self._entries.extend(kept)
