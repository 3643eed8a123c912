"""``/v1/responses/**``: parse the request, call the operations, answer JSON or server-sent events.

Streams are a cursor over the response's event log (reference 5.1 framing: ``event:`` equals ``data.type``, no
``data: [DONE]``); the store computes events under its lock, this module only frames and sends them, sleeping
between polls (never holding the lock across an ``await``) while a background response waits for the clock.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from mockserver.core import errors as e
from mockserver.surfaces.http import JSONResponse, invalid_url, json_body, query_params, sse_frame, surface_context
from mockserver.surfaces.responses.ops import ResponseStream
from mockserver.surfaces.responses.shapes import error_event_body

if TYPE_CHECKING:
    from mockserver.store import Store

#: How often a live stream re-checks a background response that waits (``on_clock`` progress).
POLL_SECONDS = 0.005


#: Rate-limit headers real inference answers carry; constants, so answers stay deterministic (docs/responses.md).
RATE_LIMIT_HEADERS = {
    "x-ratelimit-limit-requests": "10000",
    "x-ratelimit-remaining-requests": "9999",
    "x-ratelimit-reset-requests": "6ms",
    "x-ratelimit-limit-tokens": "30000000",
    "x-ratelimit-remaining-tokens": "29999000",
    "x-ratelimit-reset-tokens": "2ms",
}


def include_values(request: Request) -> list[str]:
    return [*request.query_params.getlist("include[]"), *request.query_params.getlist("include")]


def read_response(request: Request, data: dict[str, Any]) -> Response:
    """A response as JSON, with ``openai-poll-after-ms`` so pollers barely sleep between reads."""
    return JSONResponse(data, headers={"openai-poll-after-ms": str(request.app.state.config.poll_after_ms)})


def frame(event: dict[str, Any]) -> bytes:
    return sse_frame(str(event["type"]), event)


async def paced(events: list[dict[str, Any]], delay: float) -> AsyncIterator[bytes]:
    """``events`` framed: in one chunk without a delay (the bytes are the same; a client cannot tell), else one by
    one with ``delay`` before each delta."""
    if not delay:
        if events:
            yield b"".join(map(frame, events))
        return
    for event in events:
        if event["type"].endswith(".delta"):
            await asyncio.sleep(delay)
        yield frame(event)


async def events(store: Store, project: str, ticket: ResponseStream) -> AsyncIterator[bytes]:
    settings = store.responses.stream_settings(project)
    delay = settings["chunk_delay_ms"] / 1000
    deadline = time.monotonic() + settings["stream_timeout_ms"] / 1000
    sequence = len(ticket.events)
    async for chunk in paced(ticket.events, delay):
        yield chunk
    cursor = ticket.cursor
    while ticket.live:
        try:
            batch, cursor, finished = store.responses.stream_events(project, ticket.response_id, cursor)
        except e.MockError as exc:
            yield frame({"type": "error", "error": exc.body()["error"], "sequence_number": max(sequence, cursor)})
            return
        async for chunk in paced(batch, delay):
            yield chunk
        if finished:
            return
        if time.monotonic() > deadline:
            body = error_event_body("server_error", e.STREAM_TIMEOUT.format(ms=settings["stream_timeout_ms"]))
            yield frame({"type": "error", "error": body, "sequence_number": cursor})
            return
        await asyncio.sleep(POLL_SECONDS)


def sse(store: Store, project: str, ticket: ResponseStream, headers: dict[str, str] | None = None) -> StreamingResponse:
    return StreamingResponse(
        events(store, project, ticket),
        media_type="text/event-stream; charset=utf-8",
        headers={"cache-control": "no-cache", **(headers or {})},
    )


async def create(request: Request) -> Response:
    store, project = surface_context(request)
    body = await json_body(request)
    if body.get("stream") is True:
        return sse(store, project, store.responses.create_stream(project, body), RATE_LIMIT_HEADERS)
    answer = read_response(request, store.responses.create(project, body))
    answer.headers.update(RATE_LIMIT_HEADERS)
    return answer


async def input_tokens(request: Request) -> Response:
    store, project = surface_context(request)
    body = await json_body(request)
    return JSONResponse(store.responses.input_tokens(project, body))


def _starting_after(request: Request) -> int | None:
    raw = request.query_params.get("starting_after")
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise e.InvalidRequestError(
            e.QUERY_NOT_INTEGER.format(param="starting_after", value=raw), param="starting_after", code="invalid_type"
        ) from None


async def retrieve(request: Request) -> Response:
    store, project = surface_context(request)
    response_id = request.path_params["response_id"]
    if request.query_params.get("stream", "").lower() == "true":
        store.responses.check(project, response_id)
        ticket = store.responses.stream_from(project, response_id, _starting_after(request))
        return sse(store, project, ticket)
    return read_response(request, store.responses.get(project, response_id, include_values(request)))


async def delete(request: Request) -> Response:
    store, project = surface_context(request)
    return JSONResponse(store.responses.delete(project, request.path_params["response_id"]))


async def cancel(request: Request) -> Response:
    store, project = surface_context(request)
    return read_response(request, store.responses.cancel(project, request.path_params["response_id"]))


async def input_items(request: Request) -> Response:
    store, project = surface_context(request)
    page = store.responses.list_input_items(
        project, request.path_params["response_id"], query_params(request), include_values(request)
    )
    return JSONResponse(page)


routes = [
    Route("/v1/responses", create, methods=["POST"]),
    Route("/v1/responses/input_tokens", input_tokens, methods=["POST"]),
    Route("/v1/responses/{response_id}", retrieve, methods=["GET"]),
    Route("/v1/responses/{response_id}", delete, methods=["DELETE"]),
    Route("/v1/responses/{response_id}/cancel", cancel, methods=["POST"]),
    Route("/v1/responses/{response_id}/input_items", input_items, methods=["GET"]),
    # Last: any other sub-path of a response (reference 6.1).
    Route("/v1/responses/{response_id}/{rest:path}", invalid_url, methods=["GET", "POST", "DELETE", "PUT", "PATCH"]),
]
