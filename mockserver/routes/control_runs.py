"""Control endpoints for the scripted model: ``/__mock__/script`` and ``/__mock__/runs/settings``.

A request concerns one project when it names one (``?project=NAME``, else the ``OpenAI-Project`` header, else
the bearer key) and every project otherwise, like the rest of the control plane.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..store import Store
from .common import JSONResponse, json_body


def _target(request: Request) -> tuple[Store, str | None]:
    project = request.query_params.get("project") or request.headers.get("openai-project")
    if project is None:
        auth = request.headers.get("authorization", "")
        project = (auth[7:].strip() or None) if auth[:7].lower() == "bearer " else None
    return request.app.state.store, project


async def add_rules(request: Request) -> Response:
    """Body ``{"rules": [...]}`` (or ``{"rule": {...}}``); answers with the rules as normalized."""
    store, project = _target(request)
    body = await json_body(request)
    rules = body.get("rules", [body["rule"]] if "rule" in body else body.get("script"))
    return JSONResponse({"rules": store.add_script_rules(project, rules)})


async def list_rules(request: Request) -> Response:
    store, project = _target(request)
    misses = store.script_misses(project)
    return JSONResponse({"rules": store.list_script_rules(project), "misses": misses})


async def clear_rules(request: Request) -> Response:
    store, project = _target(request)
    store.clear_script_rules(project)
    store.clear_script_misses(project)
    return JSONResponse({"cleared": True})


async def get_settings(request: Request) -> Response:
    store, project = _target(request)
    return JSONResponse(store.run_settings(project))


async def set_settings(request: Request) -> Response:
    store, project = _target(request)
    return JSONResponse(store.configure_runs(project, await json_body(request)))


routes = [
    Route("/__mock__/script", add_rules, methods=["POST"]),
    Route("/__mock__/script", list_rules, methods=["GET"]),
    Route("/__mock__/script", clear_rules, methods=["DELETE"]),
    Route("/__mock__/runs/settings", get_settings, methods=["GET"]),
    Route("/__mock__/runs/settings", set_settings, methods=["POST"]),
]
