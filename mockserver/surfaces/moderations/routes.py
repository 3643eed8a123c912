"""HTTP route of Moderations."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockserver.surfaces.http import JSONResponse, json_body


async def create(request: Request) -> Response:
    store, project = request.app.state.store, request.scope["mockserver.project"]
    return JSONResponse(store.moderations.create(project, await json_body(request)))


def routes() -> list[Route]:
    return [Route("/v1/moderations", create, methods=["POST"])]
