"""The landing page: what a person (or a script) finds at ``/`` and ``/__mock__/``.

The URL the stub prints is the first thing a newcomer opens in a browser; the real API would answer a 401 there,
which explains nothing. These pages describe the fake instead: its version, the projects it holds with their
object counts, the control endpoints, and where the docs are. JSON for clients, a small HTML page for
browsers (``Accept: text/html``). No key is needed and nothing is journaled, as for the rest of the plane.
"""

from __future__ import annotations

import dataclasses
import html
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from mockserver.control import CONTROL_PREFIX
from mockserver.store import Store
from mockserver.surfaces.http import JSONResponse

#: Paths served here besides those under ``/__mock__/``: no key, no journal entry, no cassette lookup.
LANDING_PATHS = ("/", "/__mock__")
DOCS = "docs/index.md in the mockserver repository (README.md: quick start)"
API_REFERENCE = "https://platform.openai.com/docs/api-reference"


def object_counts(store: Store, project: str) -> dict[str, int]:
    """``{"threads": 2, "messages": 5, ...}``: the sized containers of every surface's state, one level deep."""
    counts: dict[str, int] = {}
    states = store._project(project).states  # read-only: sizes of containers
    for state in tuple(states.values()):
        for name, value in _containers(state):
            counts[name] = counts.get(name, 0) + len(value)
            for child in tuple(value.values()):
                for child_name, child_value in _containers(child):
                    counts[child_name] = counts.get(child_name, 0) + len(child_value)
    return counts


def _containers(obj: Any) -> list[tuple[str, dict[str, Any]]]:
    if not dataclasses.is_dataclass(obj):
        return []
    return [
        (f.name, value)
        for f in dataclasses.fields(obj)
        if not f.name.endswith("_index") and isinstance(value := getattr(obj, f.name), dict)
    ]


def describe(request: Request) -> dict[str, Any]:
    from mockserver import __version__

    store: Store = request.app.state.store
    base = str(request.base_url).rstrip("/")
    control = sorted(
        {
            (route.path, method)
            for route in request.app.routes
            if isinstance(route, Route) and route.path.startswith(CONTROL_PREFIX)
            for method in sorted(route.methods or ()) if method != "HEAD"
        }
    )  # fmt: skip
    return {
        "object": "mockserver",
        "version": __version__,
        "description": "An offline, deterministic, stateful fake of the OpenAI API, for tests.",
        "base_url": f"{base}/v1",
        "projects": [{"name": name, "objects": object_counts(store, name)} for name in store.project_names()],
        "control": [f"{method} {path}" for path, method in control],
        "docs": DOCS,
        "api_reference": API_REFERENCE,
    }


async def landing(request: Request) -> Response:
    info = describe(request)
    if "text/html" not in request.headers.get("accept", ""):
        return JSONResponse(info)
    return HTMLResponse(render_html(info))


def render_html(info: dict[str, Any]) -> str:
    esc = html.escape
    projects = (
        "".join(
            f"<tr><td><code>{esc(p['name'])}</code></td><td>"
            + (", ".join(f"{esc(k)}: {v}" for k, v in sorted(p["objects"].items()) if v) or "empty")
            + "</td></tr>"
            for p in info["projects"]
        )
        or '<tr><td colspan="2">none yet: a project appears with its first request</td></tr>'
    )
    control = "".join(f"<li><code>{esc(line)}</code></li>" for line in info["control"])
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mockserver {esc(info["version"])}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}}
td{{padding:.2rem .8rem;border-bottom:1px solid #ddd}}code{{background:#f4f4f4;padding:0 .2rem}}</style></head>
<body><h1>mockserver {esc(info["version"])}</h1>
<p>{esc(info["description"])} Point the OpenAI SDK at <code>{esc(info["base_url"])}</code>
(<code>OpenAI(base_url=..., api_key="any")</code>); the API is the real one: <a href="{esc(info["api_reference"])}">
OpenAI API reference</a>. Docs: {esc(info["docs"])}.</p>
<h2>Projects</h2><table>{projects}</table>
<h2>Control plane</h2><ul>{control}</ul>
</body></html>
"""


routes = [Route(path, landing, methods=["GET"]) for path in (*LANDING_PATHS, CONTROL_PREFIX)]
