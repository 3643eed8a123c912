"""HTTP routes of Chat Completions: parse -> operations -> JSON or a ``data:``-only event stream."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from mockserver.surfaces.chat import stream
from mockserver.surfaces.http import JSONResponse, json_body, query_params


def _context(request: Request) -> tuple[Any, str]:
    return request.app.state.store, request.scope["mockserver.project"]


async def create(request: Request) -> Response:
    store, project = _context(request)
    body = await json_body(request)
    data, req = store.chat.create(project, body)
    if not req.stream:
        return JSONResponse(data)
    frames = stream.frames(data, include_usage=req.include_usage, logprobs=req.logprobs, top_logprobs=req.top_logprobs)
    delay = store.script.run_settings(project)["chunk_delay_ms"] / 1000
    return StreamingResponse(
        _send(frames, delay),
        media_type="text/event-stream; charset=utf-8",
        headers={"cache-control": "no-cache", "access-control-expose-headers": "X-Request-ID, CF-Ray"},
    )


async def _send(frames: list[bytes], delay: float) -> AsyncIterator[bytes]:
    if not delay:  # the whole answer is known: one write (the bytes are the same; a client cannot tell)
        yield b"".join(frames)
        return
    for i, frame in enumerate(frames):
        if i:
            await asyncio.sleep(delay)
        yield frame


async def list_completions(request: Request) -> Response:
    store, project = _context(request)
    return JSONResponse(store.chat.list_completions(project, query_params(request)))


async def retrieve(request: Request) -> Response:
    store, project = _context(request)
    return JSONResponse(store.chat.get(project, request.path_params["completion_id"]))


async def update(request: Request) -> Response:
    store, project = _context(request)
    completion_id = request.path_params["completion_id"]
    body = await json_body(request, lambda: store.chat.get(project, completion_id))
    return JSONResponse(store.chat.update(project, completion_id, body))


async def delete(request: Request) -> Response:
    store, project = _context(request)
    return JSONResponse(store.chat.delete(project, request.path_params["completion_id"]))


async def list_messages(request: Request) -> Response:
    store, project = _context(request)
    completion_id = request.path_params["completion_id"]
    return JSONResponse(store.chat.list_messages(project, completion_id, query_params(request)))


def routes() -> list[Route]:
    return [
        Route("/v1/chat/completions", create, methods=["POST"]),
        Route("/v1/chat/completions", list_completions, methods=["GET"]),
        Route("/v1/chat/completions/{completion_id}", retrieve, methods=["GET"]),
        Route("/v1/chat/completions/{completion_id}", update, methods=["POST"]),
        Route("/v1/chat/completions/{completion_id}", delete, methods=["DELETE"]),
        Route("/v1/chat/completions/{completion_id}/messages", list_messages, methods=["GET"]),
    ]
