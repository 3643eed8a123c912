"""Vector stores: ``/v1/vector_stores/**``. Parse, call ``store.vector_stores``, answer.

Every answer carries ``openai-poll-after-ms`` (the server's poll interval), so the SDK's ``*_and_poll``
helpers barely sleep; the ``OpenAI-Beta`` header the SDK sends is accepted, never required (INF, 11.17).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from mockserver.surfaces.http import JSONResponse, json_body, query_params, surface_context


def answer(request: Request, content: Any) -> Response:
    return JSONResponse(content, headers={"openai-poll-after-ms": str(request.app.state.config.poll_after_ms)})


async def create_store(request: Request) -> Response:
    store, project = surface_context(request)
    return answer(request, store.vector_stores.create_vector_store(project, await json_body(request)))


async def list_stores(request: Request) -> Response:
    store, project = surface_context(request)
    return answer(request, store.vector_stores.list_vector_stores(project, query_params(request)))


async def retrieve_store(request: Request) -> Response:
    store, project = surface_context(request)
    return answer(request, store.vector_stores.get_vector_store(project, request.path_params["vector_store_id"]))


async def update_store(request: Request) -> Response:
    store, project = surface_context(request)
    store_id = request.path_params["vector_store_id"]
    body = await json_body(request, lambda: store.vector_stores.check_path(project, store_id))
    return answer(request, store.vector_stores.update_vector_store(project, store_id, body))


async def delete_store(request: Request) -> Response:
    store, project = surface_context(request)
    return answer(request, store.vector_stores.delete_vector_store(project, request.path_params["vector_store_id"]))


async def search(request: Request) -> Response:
    store, project = surface_context(request)
    store_id = request.path_params["vector_store_id"]
    body = await json_body(request, lambda: store.vector_stores.check_path(project, store_id))
    return answer(request, store.vector_stores.search(project, store_id, body))


async def attach_file(request: Request) -> Response:
    store, project = surface_context(request)
    store_id = request.path_params["vector_store_id"]
    body = await json_body(request, lambda: store.vector_stores.check_path(project, store_id))
    return answer(request, store.vector_stores.attach_file(project, store_id, body))


async def list_files(request: Request) -> Response:
    store, project = surface_context(request)
    store_id = request.path_params["vector_store_id"]
    return answer(request, store.vector_stores.list_files(project, store_id, query_params(request)))


async def retrieve_file(request: Request) -> Response:
    store, project = surface_context(request)
    p = request.path_params
    return answer(request, store.vector_stores.get_store_file(project, p["vector_store_id"], p["file_id"]))


async def update_file(request: Request) -> Response:
    store, project = surface_context(request)
    p = request.path_params
    body = await json_body(request, lambda: store.vector_stores.check_path(project, p["vector_store_id"], p["file_id"]))
    return answer(request, store.vector_stores.update_store_file(project, p["vector_store_id"], p["file_id"], body))


async def delete_file(request: Request) -> Response:
    store, project = surface_context(request)
    p = request.path_params
    return answer(request, store.vector_stores.detach_file(project, p["vector_store_id"], p["file_id"]))


async def file_content(request: Request) -> Response:
    store, project = surface_context(request)
    p = request.path_params
    return answer(request, store.vector_stores.store_file_content(project, p["vector_store_id"], p["file_id"]))


async def create_batch(request: Request) -> Response:
    store, project = surface_context(request)
    store_id = request.path_params["vector_store_id"]
    body = await json_body(request, lambda: store.vector_stores.check_path(project, store_id))
    return answer(request, store.vector_stores.create_batch(project, store_id, body))


async def retrieve_batch(request: Request) -> Response:
    store, project = surface_context(request)
    p = request.path_params
    return answer(request, store.vector_stores.get_batch(project, p["vector_store_id"], p["batch_id"]))


async def cancel_batch(request: Request) -> Response:
    store, project = surface_context(request)
    p = request.path_params
    return answer(request, store.vector_stores.cancel_batch(project, p["vector_store_id"], p["batch_id"]))


async def list_batch_files(request: Request) -> Response:
    store, project = surface_context(request)
    p = request.path_params
    found = store.vector_stores.list_batch_files(project, p["vector_store_id"], p["batch_id"], query_params(request))
    return answer(request, found)


def routes() -> list[BaseRoute]:
    base = "/v1/vector_stores/{vector_store_id}"
    return [
        Route("/v1/vector_stores", create_store, methods=["POST"]),
        Route("/v1/vector_stores", list_stores, methods=["GET"]),
        Route(base, retrieve_store, methods=["GET"]),
        Route(base, update_store, methods=["POST"]),
        Route(base, delete_store, methods=["DELETE"]),
        Route(f"{base}/search", search, methods=["POST"]),
        Route(f"{base}/files", attach_file, methods=["POST"]),
        Route(f"{base}/files", list_files, methods=["GET"]),
        Route(f"{base}/files/{{file_id}}", retrieve_file, methods=["GET"]),
        Route(f"{base}/files/{{file_id}}", update_file, methods=["POST"]),
        Route(f"{base}/files/{{file_id}}", delete_file, methods=["DELETE"]),
        Route(f"{base}/files/{{file_id}}/content", file_content, methods=["GET"]),
        Route(f"{base}/file_batches", create_batch, methods=["POST"]),
        Route(f"{base}/file_batches/{{batch_id}}", retrieve_batch, methods=["GET"]),
        Route(f"{base}/file_batches/{{batch_id}}/cancel", cancel_batch, methods=["POST"]),
        Route(f"{base}/file_batches/{{batch_id}}/files", list_batch_files, methods=["GET"]),
    ]
