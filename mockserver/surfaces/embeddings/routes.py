"""HTTP route of Embeddings."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockserver.surfaces.http import JSONResponse, json_body


async def create(request: Request) -> Response:
    store, project = request.app.state.store, request.scope["mockserver.project"]
    data = store.embeddings.create(project, await json_body(request))
    return JSONResponse(data, headers={"openai-model": data["model"]})


def routes() -> list[Route]:
    return [Route("/v1/embeddings", create, methods=["POST"])]
