"""``/v1/conversations/**``: parse the request, call the operations, answer JSON."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockserver.surfaces.http import JSONResponse, invalid_url, json_body, query_params, surface_context


def include_values(request: Request) -> list[str]:
    return [*request.query_params.getlist("include[]"), *request.query_params.getlist("include")]


async def create(request: Request) -> Response:
    store, project = surface_context(request)
    return JSONResponse(store.conversations.create(project, await json_body(request)))


async def retrieve(request: Request) -> Response:
    store, project = surface_context(request)
    return JSONResponse(store.conversations.get(project, request.path_params["conversation_id"]))


async def update(request: Request) -> Response:
    store, project = surface_context(request)
    conversation_id = request.path_params["conversation_id"]
    body = await json_body(request, lambda: store.conversations.get(project, conversation_id))
    return JSONResponse(store.conversations.update(project, conversation_id, body))


async def delete(request: Request) -> Response:
    store, project = surface_context(request)
    return JSONResponse(store.conversations.delete(project, request.path_params["conversation_id"]))


async def create_items(request: Request) -> Response:
    store, project = surface_context(request)
    conversation_id = request.path_params["conversation_id"]
    body = await json_body(request, lambda: store.conversations.get(project, conversation_id))
    return JSONResponse(store.conversations.create_items(project, conversation_id, body, include_values(request)))


async def list_items(request: Request) -> Response:
    store, project = surface_context(request)
    conversation_id = request.path_params["conversation_id"]
    page = store.conversations.list_items(project, conversation_id, query_params(request), include_values(request))
    return JSONResponse(page)


async def retrieve_item(request: Request) -> Response:
    store, project = surface_context(request)
    p = request.path_params
    item = store.conversations.get_item(project, p["conversation_id"], p["item_id"], include_values(request))
    return JSONResponse(item)


async def delete_item(request: Request) -> Response:
    store, project = surface_context(request)
    p = request.path_params
    return JSONResponse(store.conversations.delete_item(project, p["conversation_id"], p["item_id"]))


routes = [
    Route("/v1/conversations", create, methods=["POST"]),
    Route("/v1/conversations/{conversation_id}", retrieve, methods=["GET"]),
    Route("/v1/conversations/{conversation_id}", update, methods=["POST"]),
    Route("/v1/conversations/{conversation_id}", delete, methods=["DELETE"]),
    Route("/v1/conversations/{conversation_id}/items", create_items, methods=["POST"]),
    Route("/v1/conversations/{conversation_id}/items", list_items, methods=["GET"]),
    Route("/v1/conversations/{conversation_id}/items/{item_id}", retrieve_item, methods=["GET"]),
    Route("/v1/conversations/{conversation_id}/items/{item_id}", delete_item, methods=["DELETE"]),
    # Last: any other sub-path of a conversation (reference 6.1).
    Route(
        "/v1/conversations/{conversation_id}/{rest:path}",
        invalid_url,
        methods=["GET", "POST", "DELETE", "PUT", "PATCH"],
    ),
]
