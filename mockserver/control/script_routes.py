"""Control endpoints for the scripted model: ``/__mock__/script`` and ``/__mock__/runs/settings``.

A request concerns one project when it names one (``?project=NAME``, else the ``OpenAI-Project`` header, else
the bearer key) and every project otherwise, like the rest of the control plane.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockserver.control.routes import control_target, mark_changed, sealed
from mockserver.surfaces.http import JSONResponse, json_body


async def add_rules(request: Request) -> Response:
    """Body ``{"rules": [...]}`` (or ``{"rule": {...}}``); answers with the rules as normalized."""
    store, project = control_target(request)
    body = await json_body(request)
    rules = body.get("rules", [body["rule"]] if "rule" in body else body.get("script"))
    added = store.script.add_script_rules(project, rules)
    mark_changed(request)
    return JSONResponse({"rules": added})


async def list_rules(request: Request) -> Response:
    store, project = control_target(request)
    misses = sealed(store.script.script_misses(project))
    return JSONResponse({"rules": store.script.list_script_rules(project), "misses": misses})


async def clear_rules(request: Request) -> Response:
    store, project = control_target(request)
    store.script.clear_script_rules(project)
    store.script.clear_script_misses(project)
    mark_changed(request)
    return JSONResponse({"cleared": True})


async def get_settings(request: Request) -> Response:
    store, project = control_target(request)
    return JSONResponse(store.script.run_settings(project))


async def set_settings(request: Request) -> Response:
    store, project = control_target(request)
    settings = store.script.configure_runs(project, await json_body(request))
    mark_changed(request)
    return JSONResponse(settings)


routes = [
    Route("/__mock__/script", add_rules, methods=["POST"]),
    Route("/__mock__/script", list_rules, methods=["GET"]),
    Route("/__mock__/script", clear_rules, methods=["DELETE"]),
    Route("/__mock__/runs/settings", get_settings, methods=["GET"]),
    Route("/__mock__/runs/settings", set_settings, methods=["POST"]),
]
