"""What every API route shares: the error rendering, JSON responses, the JSON body, and the store and project of a
request (with the Assistants beta-header check for that surface)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from mockserver.core import errors as e
from mockserver.core import jsonlimits, wirejson
from mockserver.core.validation import json_type_name

if TYPE_CHECKING:
    from mockserver.store import Store


def error_response(exc: e.MockError) -> Response:
    headers = dict(exc.headers)
    if exc.status == 401:
        headers.setdefault("www-authenticate", 'Bearer realm="OpenAI API"')
    return Response(
        json.dumps(exc.body(), indent=2).encode(),
        status_code=exc.status,
        headers=headers,
        media_type="application/json",
    )


class JSONResponse(Response):
    """Compact JSON; the real API pretty-prints, which no client can tell apart."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return wirejson.dumps(content)


def api_context(request: Request) -> tuple[Store, str]:
    """The store and project for an Assistants request, after the beta-header check (auth ran earlier)."""
    beta = request.headers.get("openai-beta")
    if beta is None or "assistants=v2" not in beta:
        if beta is not None and "assistants=v1" in beta:
            raise e.InvalidRequestError(e.OLD_BETA, code="invalid_beta")
        raise e.InvalidRequestError(e.MISSING_BETA, code="invalid_beta")
    return surface_context(request)


async def json_body(
    request: Request, *checks: Callable[[], object], max_depth: int | None = jsonlimits.MAX_BODY_DEPTH
) -> dict[str, Any]:
    """The request's JSON object (``{}`` when empty).

    ``max_depth``: documents (state, scenarios) pass None: the scenario loader applies the document rule.

    A body that does not parse is a body error, and body errors come after path and existence errors: so
    ``checks`` (thunks that raise those) run first when the body is bad.
    """
    raw = await request.body()
    if not raw:  # no body at all (e.g. a cancel); whitespace alone is not JSON
        return {}
    try:
        body = json.loads(raw, parse_constant=jsonlimits.refuse_constant)
        if isinstance(body, dict):
            # Never store what cannot be served back or reloaded (docs/stub.md, "Limits").
            problem = jsonlimits.value_problem(body, max_depth) if jsonlimits.needs_check(raw) else None
            if problem is None:
                return body
            error = e.InvalidRequestError(e.INVALID_JSON_VALUE.format(reason=problem))
        else:
            error = e.InvalidRequestError(e.BODY_NOT_OBJECT.format(actual=json_type_name(body)))
    except (ValueError, RecursionError):  # RecursionError: nesting too deep for the parser
        error = e.InvalidRequestError(e.INVALID_JSON)
    for check in checks:
        check()
    raise error


def sse_frame(event: str, data: Any) -> bytes:
    """One server-sent event: ``event: <name>``, ``data: <compact JSON>`` (or the text as is), a blank line."""
    payload = data.encode() if isinstance(data, str) else wirejson.dumps(data)
    return b"event: " + event.encode() + b"\ndata: " + payload + b"\n\n"


def query_params(request: Request) -> dict[str, str]:
    return dict(request.query_params)


def surface_context(request: Request) -> tuple[Store, str]:
    """The store and project of a request (authentication ran earlier, in the app's middleware)."""
    return request.app.state.store, request.scope["mockserver.project"]


async def invalid_url(request: Request) -> Response:
    """An unknown sub-path of a known resource (``POST /v1/conversations/conv_1/messages``): the Responses-era
    API answers ``Invalid URL (METHOD path)``. Marked as an unknown route, so strict test teardown reports it."""
    request.scope["mockserver.unknown_route"] = True
    raise e.NotFoundError(e.INVALID_URL.format(method=request.method, path=request.url.path))
