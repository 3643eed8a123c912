"""Files and Uploads: ``/v1/files/**`` and ``/v1/uploads/**``. Parse, call ``store.files``, answer."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from mockserver.surfaces.http import JSONResponse, json_body, query_params, surface_context


async def create_file(request: Request) -> Response:
    store, project = surface_context(request)
    body = await request.body()
    return JSONResponse(store.files.create_file(project, request.headers.get("content-type"), body))


async def list_files(request: Request) -> Response:
    store, project = surface_context(request)
    return JSONResponse(store.files.list_files(project, query_params(request)))


async def retrieve_file(request: Request) -> Response:
    store, project = surface_context(request)
    return JSONResponse(store.files.get_file(project, request.path_params["file_id"]))


async def delete_file(request: Request) -> Response:
    store, project = surface_context(request)
    return JSONResponse(store.files.delete_file(project, request.path_params["file_id"]))


async def file_content(request: Request) -> Response:
    store, project = surface_context(request)
    content, media_type = store.files.download(project, request.path_params["file_id"])
    return Response(content, media_type=media_type)


async def create_upload(request: Request) -> Response:
    store, project = surface_context(request)
    return JSONResponse(store.files.create_upload(project, await json_body(request)))


async def add_part(request: Request) -> Response:
    store, project = surface_context(request)
    body = await request.body()
    upload_id = request.path_params["upload_id"]
    return JSONResponse(store.files.add_part(project, upload_id, request.headers.get("content-type"), body))


async def complete_upload(request: Request) -> Response:
    store, project = surface_context(request)
    upload_id = request.path_params["upload_id"]
    body = await json_body(request, lambda: store.files.check_upload(project, upload_id))
    return JSONResponse(store.files.complete_upload(project, upload_id, body))


async def cancel_upload(request: Request) -> Response:
    store, project = surface_context(request)
    return JSONResponse(store.files.cancel_upload(project, request.path_params["upload_id"]))


def routes() -> list[BaseRoute]:
    return [
        Route("/v1/files", create_file, methods=["POST"]),
        Route("/v1/files", list_files, methods=["GET"]),
        Route("/v1/files/{file_id}", retrieve_file, methods=["GET"]),
        Route("/v1/files/{file_id}", delete_file, methods=["DELETE"]),
        Route("/v1/files/{file_id}/content", file_content, methods=["GET"]),
        Route("/v1/uploads", create_upload, methods=["POST"]),
        Route("/v1/uploads/{upload_id}/parts", add_part, methods=["POST"]),
        Route("/v1/uploads/{upload_id}/complete", complete_upload, methods=["POST"]),
        Route("/v1/uploads/{upload_id}/cancel", cancel_upload, methods=["POST"]),
    ]
