"""A bounded record of every request the server answered, for assertions and debugging.

Readers that want new entries as they arrive (the inspector's live journal) :meth:`Journal.subscribe`: each
subscription is a bounded queue filled by :meth:`Journal.record` on the subscriber's event loop, so a slow
reader drops entries (and is told how many) instead of growing memory, and nobody polls.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from mockserver.core import jsonlimits, multipart
from mockserver.core.secrets import mask_authorization, seal

DEFAULT_JOURNAL_LIMIT = 10_000
#: A kept request body is cut to this many bytes (``body_truncated`` then holds the original size): the journal is
#: for assertions on what clients sent, and an 8 MiB upload repeated must not grow the server by gigabytes.
DEFAULT_JOURNAL_BODY_BYTES = 64 * 1024
#: All kept bodies together: beyond this, the oldest entries are dropped even under the count limit.
DEFAULT_JOURNAL_BYTES = 64 * 1024 * 1024


#: Headers whose values are credentials: the journal keeps them masked (docs/stub.md, "Security").
_SECRET_HEADERS = {b"authorization", b"api-key", b"x-api-key", b"x-mockserver-token", b"cookie"}


def _masked(name: bytes, value: str) -> str:
    return mask_authorization(value) if name in _SECRET_HEADERS else value


def summarize_multipart(raw_headers: list[tuple[bytes, bytes]], raw_body: bytes) -> bytes:
    """A multipart body as the journal keeps it: JSON of its fields, each file part summarized as
    ``{"filename", "content_type", "bytes", "sha256"}`` (uploads are not kept twice; the store has the bytes).
    Other bodies are kept as they are; a malformed multipart body becomes ``{"multipart_error", "bytes"}``."""
    if not raw_body:
        return raw_body
    content_type = next((v.decode("latin-1") for k, v in raw_headers if k.lower() == b"content-type"), None)
    if content_type is None or "multipart" not in content_type.lower():  # most bodies: nothing to parse
        return raw_body
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
    #: The body's real size when only its first ``body_bytes`` were kept (None: kept whole).
    body_truncated: int | None = None
    #: Milliseconds from the request's arrival to its response headers (diagnostics only; None if unmeasured).
    duration_ms: float | None = None
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
            if self.body_truncated is not None:  # a prefix is not JSON: the text, and a marker saying so
                self._body = self.raw_body.decode("utf-8", "replace") + f"...[truncated: {self.body_truncated} bytes]"
                return self._body
            try:
                self._body = (
                    json.loads(self.raw_body, parse_constant=jsonlimits.refuse_constant) if self.raw_body else None
                )
                if jsonlimits.needs_check(self.raw_body) and jsonlimits.value_problem(self._body, None):
                    raise ValueError("cannot be served back as JSON")  # a lone surrogate: keep the text
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
            "project": seal(self.project),  # a key-named project is shown sealed (core/secrets.py)
            "request_id": self.request_id,
            "unknown_route": self.unknown_route,
            "body_truncated": self.body_truncated,
            "duration_ms": self.duration_ms,
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


#: What a subscription delivers: a new entry, the journal cleared (of a project, or all: None), or the end.
#: (``"entry"``, JournalEntry), (``"cleared"``, project or None) or (``"closed"``, None).
Notice = tuple[str, Any]
#: Entries a subscriber may fall behind by before new ones are dropped for it.
SUBSCRIPTION_LIMIT = 1000


class Subscription:
    """New journal entries for one reader, delivered on the event loop that subscribed.

    ``record`` may run on another thread (a server thread, a test client's portal): notices cross over with
    ``call_soon_threadsafe``. When ``limit`` notices are waiting, later entries are counted in ``dropped``
    rather than queued; a reader that sees ``dropped`` grow knows it has a gap it can fill from the journal.
    """

    def __init__(self, journal: Journal, loop: asyncio.AbstractEventLoop, limit: int = SUBSCRIPTION_LIMIT) -> None:
        self._journal = journal
        self._loop = loop
        self._thread = threading.get_ident()
        self._queue: asyncio.Queue[Notice] = asyncio.Queue()
        self._limit = max(1, limit)
        self.dropped = 0
        self.closed = False

    def _put(self, notice: Notice) -> None:
        if self.closed:
            return
        if notice[0] == "closed":
            self.closed = True
        elif notice[0] == "entry" and self._queue.qsize() >= self._limit:
            self.dropped += 1
            return
        self._queue.put_nowait(notice)

    def notify(self, notice: Notice) -> None:
        if threading.get_ident() == self._thread:
            self._put(notice)
            return
        with contextlib.suppress(RuntimeError):  # the subscriber's loop is gone: nobody is listening any more
            self._loop.call_soon_threadsafe(self._put, notice)

    async def get(self, timeout: float | None = None) -> Notice | None:
        """The next notice, or None after ``timeout`` seconds without one (for keep-alives)."""
        if not self._queue.empty():
            return self._queue.get_nowait()
        try:
            return await asyncio.wait_for(self._queue.get(), timeout)
        except asyncio.TimeoutError:
            return None

    def close(self) -> None:
        """Stop receiving (idempotent); the reader calls this when it leaves."""
        self.closed = True
        self._journal._unsubscribe(self)


class Journal:
    """Thread-safe, bounded (oldest entries drop first); indices keep growing so a reader can mark a point."""

    def __init__(
        self,
        limit: int = DEFAULT_JOURNAL_LIMIT,
        *,
        body_bytes: int = DEFAULT_JOURNAL_BODY_BYTES,
        total_bytes: int = DEFAULT_JOURNAL_BYTES,
    ) -> None:
        self._entries: deque[JournalEntry] = deque()
        self._limit = max(1, limit)
        self.body_bytes, self.total_bytes = body_bytes, total_bytes
        self._bytes = 0  # kept body bytes
        self._next_index = 0
        self._lock = threading.Lock()
        #: Replaced, never mutated, so ``record`` reads it without copying; empty costs one check per request.
        self._subscribers: tuple[Subscription, ...] = ()
        self._closed = False

    def subscribe(self, limit: int = SUBSCRIPTION_LIMIT) -> Subscription:
        """A feed of entries recorded from now on, delivered to the running event loop (call it from there).

        After :meth:`close_subscribers` (the server stopping) the feed starts closed, so a late reader ends
        at once instead of holding the server's shutdown open.
        """
        subscription = Subscription(self, asyncio.get_running_loop(), limit)
        with self._lock:
            if self._closed:
                subscription.notify(("closed", None))
            else:
                self._subscribers = (*self._subscribers, subscription)
        return subscription

    def _unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            self._subscribers = tuple(s for s in self._subscribers if s is not subscription)

    def close_subscribers(self) -> None:
        """End every live feed (the server is stopping); new feeds start closed until :meth:`reopen`."""
        with self._lock:
            subscribers, self._subscribers, self._closed = self._subscribers, (), True
        for subscription in subscribers:
            subscription.notify(("closed", None))

    def reopen(self) -> None:
        with self._lock:
            self._closed = False

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def get(self, index: int) -> JournalEntry | None:
        """The entry with this index, if it is still kept."""
        with self._lock:
            if not self._entries or index < self._entries[0].index or index > self._entries[-1].index:
                return None
            # Indices grow by one per entry unless a project's entries were cleared: start at the likely spot.
            guess = index - self._entries[0].index
            if guess < len(self._entries) and self._entries[guess].index == index:
                return self._entries[guess]
            return next((entry for entry in self._entries if entry.index == index), None)

    def next_index(self) -> int:
        with self._lock:
            return self._next_index

    def record(self, **fields: Any) -> JournalEntry:
        raw = fields.get("raw_headers")
        if raw and any(k in _SECRET_HEADERS for k, _ in raw):  # never keep a credential, even in memory
            fields["raw_headers"] = [
                (k, _masked(k, v.decode("latin-1")).encode("latin-1") if k in _SECRET_HEADERS else v) for k, v in raw
            ]
        fields["raw_body"] = summarize_multipart(fields.get("raw_headers", []), fields.get("raw_body", b""))
        body: bytes = fields.get("raw_body", b"")
        if len(body) > self.body_bytes:
            fields["raw_body"], fields["body_truncated"] = body[: self.body_bytes], len(body)
        with self._lock:
            entry = JournalEntry(index=self._next_index, **fields)
            self._next_index += 1
            self._entries.append(entry)
            self._bytes += len(entry.raw_body)
            while len(self._entries) > self._limit or (self._bytes > self.total_bytes and len(self._entries) > 1):
                self._bytes -= len(self._entries.popleft().raw_body)
            # Under the lock: every reader gets entries in index order, whichever threads record them.
            for subscription in self._subscribers:
                subscription.notify(("entry", entry))
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
            self._bytes = sum(len(e.raw_body) for e in self._entries)
            subscribers = self._subscribers
        for subscription in subscribers:
            subscription.notify(("cleared", project))
