"""``/v1/threads`` and ``/v1/threads/{thread_id}``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockserver.surfaces.http import JSONResponse, api_context, json_body


async def create_thread(request: Request) -> Response:
    store, project = api_context(request)
    return JSONResponse(store.assistants.create_thread(project, await json_body(request)))


async def retrieve_thread(request: Request) -> Response:
    store, project = api_context(request)
    return JSONResponse(store.assistants.get_thread(project, request.path_params["thread_id"]))


async def modify_thread(request: Request) -> Response:
    store, project = api_context(request)
    thread_id = request.path_params["thread_id"]
    body = await json_body(request, lambda: store.assistants.get_thread(project, thread_id))
    return JSONResponse(store.assistants.modify_thread(project, thread_id, body))


async def delete_thread(request: Request) -> Response:
    store, project = api_context(request)
    return JSONResponse(store.assistants.delete_thread(project, request.path_params["thread_id"]))


routes = [
    Route("/v1/threads", create_thread, methods=["POST"]),
    Route("/v1/threads/{thread_id}", retrieve_thread, methods=["GET"]),
    Route("/v1/threads/{thread_id}", modify_thread, methods=["POST"]),
    Route("/v1/threads/{thread_id}", delete_thread, methods=["DELETE"]),
]
