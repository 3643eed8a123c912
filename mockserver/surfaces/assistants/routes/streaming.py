"""Server-sent events for streamed runs: a cursor over the run's event log (reference section 6).

The store computes events under its lock; this module only frames and sends them, sleeping between polls
(never holding the lock across an ``await``) while a run waits for the fake clock.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from starlette.responses import StreamingResponse

from mockserver.core import errors as e
from mockserver.surfaces.assistants.ops import RunStream
from mockserver.surfaces.http import sse_frame

if TYPE_CHECKING:
    from mockserver.store import Store

#: How often a stream re-checks a run that is waiting (``on_clock`` progress or a pending cancel).
POLL_SECONDS = 0.005


async def run_events(store: Store, project: str, ticket: RunStream) -> AsyncIterator[bytes]:
    settings = store.script.run_settings(project)
    delay = settings["chunk_delay_ms"] / 1000
    deadline = time.monotonic() + settings["stream_timeout_ms"] / 1000
    for name, data in ticket.prefix:
        yield sse_frame(name, data)
    cursor = ticket.cursor
    while True:
        try:
            events, cursor, finished = store.assistants.stream_events(
                project, ticket.thread_id, ticket.run_id, cursor, ticket.include_content
            )
        except e.MockError as exc:
            # The SDK raises APIError for an ``error`` event whose data has a top-level "error" key.
            yield sse_frame("error", exc.body())
            break
        for name, data in events:
            if delay and name.endswith(".delta"):
                await asyncio.sleep(delay)
            yield sse_frame(name, data)
        if finished:
            break
        if time.monotonic() > deadline:
            timeout = e.MockError(e.STREAM_TIMEOUT.format(ms=settings["stream_timeout_ms"]))
            yield sse_frame("error", timeout.body())
            break
        await asyncio.sleep(POLL_SECONDS)
    yield sse_frame("done", "[DONE]")


def sse_response(store: Store, project: str, ticket: RunStream) -> StreamingResponse:
    return StreamingResponse(
        run_events(store, project, ticket),
        media_type="text/event-stream; charset=utf-8",
        headers={"cache-control": "no-cache"},
    )
