"""``/v1/threads/{thread_id}/messages`` and ``.../messages/{message_id}``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockserver.surfaces.http import JSONResponse, api_context, json_body, query_params


async def create_message(request: Request) -> Response:
    store, project = api_context(request)
    thread_id = request.path_params["thread_id"]
    body = await json_body(request, lambda: store.assistants.get_thread(project, thread_id))
    return JSONResponse(store.assistants.create_message(project, thread_id, body))


async def list_messages(request: Request) -> Response:
    store, project = api_context(request)
    return JSONResponse(
        store.assistants.list_messages(project, request.path_params["thread_id"], query_params(request))
    )


async def retrieve_message(request: Request) -> Response:
    store, project = api_context(request)
    p = request.path_params
    return JSONResponse(store.assistants.get_message(project, p["thread_id"], p["message_id"]))


async def modify_message(request: Request) -> Response:
    store, project = api_context(request)
    p = request.path_params
    body = await json_body(request, lambda: store.assistants.get_message(project, p["thread_id"], p["message_id"]))
    return JSONResponse(store.assistants.modify_message(project, p["thread_id"], p["message_id"], body))


async def delete_message(request: Request) -> Response:
    store, project = api_context(request)
    p = request.path_params
    return JSONResponse(store.assistants.delete_message(project, p["thread_id"], p["message_id"]))


routes = [
    Route("/v1/threads/{thread_id}/messages", create_message, methods=["POST"]),
    Route("/v1/threads/{thread_id}/messages", list_messages, methods=["GET"]),
    Route("/v1/threads/{thread_id}/messages/{message_id}", retrieve_message, methods=["GET"]),
    Route("/v1/threads/{thread_id}/messages/{message_id}", modify_message, methods=["POST"]),
    Route("/v1/threads/{thread_id}/messages/{message_id}", delete_message, methods=["DELETE"]),
]
