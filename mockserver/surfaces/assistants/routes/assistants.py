"""``/v1/assistants`` and ``/v1/assistants/{assistant_id}``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockserver.surfaces.http import JSONResponse, api_context, json_body, query_params


async def create_assistant(request: Request) -> Response:
    store, project = api_context(request)
    return JSONResponse(store.assistants.create_assistant(project, await json_body(request)))


async def list_assistants(request: Request) -> Response:
    store, project = api_context(request)
    return JSONResponse(store.assistants.list_assistants(project, query_params(request)))


async def retrieve_assistant(request: Request) -> Response:
    store, project = api_context(request)
    return JSONResponse(store.assistants.get_assistant(project, request.path_params["assistant_id"]))


async def modify_assistant(request: Request) -> Response:
    store, project = api_context(request)
    assistant_id = request.path_params["assistant_id"]
    body = await json_body(request, lambda: store.assistants.get_assistant(project, assistant_id))
    return JSONResponse(store.assistants.modify_assistant(project, assistant_id, body))


async def delete_assistant(request: Request) -> Response:
    store, project = api_context(request)
    return JSONResponse(store.assistants.delete_assistant(project, request.path_params["assistant_id"]))


routes = [
    Route("/v1/assistants", create_assistant, methods=["POST"]),
    Route("/v1/assistants", list_assistants, methods=["GET"]),
    Route("/v1/assistants/{assistant_id}", retrieve_assistant, methods=["GET"]),
    Route("/v1/assistants/{assistant_id}", modify_assistant, methods=["POST"]),
    Route("/v1/assistants/{assistant_id}", delete_assistant, methods=["DELETE"]),
]
