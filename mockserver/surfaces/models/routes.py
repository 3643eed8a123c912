"""Models: ``/v1/models`` and ``/v1/models/{model}``. Parse, call ``store.models``, answer."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from mockserver.surfaces.http import JSONResponse, surface_context


async def list_models(request: Request) -> Response:
    store, project = surface_context(request)
    return JSONResponse(store.models.list_models(project))


async def retrieve_model(request: Request) -> Response:
    store, project = surface_context(request)
    return JSONResponse(store.models.get_model(project, request.path_params["model"]))


async def delete_model(request: Request) -> Response:
    store, project = surface_context(request)
    return JSONResponse(store.models.delete_model(project, request.path_params["model"]))


def routes() -> list[BaseRoute]:
    return [
        Route("/v1/models", list_models, methods=["GET"]),
        Route("/v1/models/{model}", retrieve_model, methods=["GET"]),
        Route("/v1/models/{model}", delete_model, methods=["DELETE"]),
    ]
