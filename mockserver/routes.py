"""HTTP routes: parse the request, call the store, return JSON. No business rules live here."""

from __future__ import annotations

from starlette.routing import BaseRoute

from mockserver.control import routes as control
from mockserver.control import script_routes as control_runs
from mockserver.surfaces.assistants.routes import assistants, messages, runs, threads


def build_routes() -> list[BaseRoute]:
    """Every route the app serves.

    The router tries routes in order, so the ones tests hit most (messages, run polling) come first; the only
    overlap, ``/v1/threads/runs`` against ``/v1/threads/{thread_id}``, needs create-and-run before threads.
    """
    return [
        *messages.routes,
        *runs.routes,
        *runs.create_and_run_routes,
        *threads.routes,
        *assistants.routes,
        *control.routes,
        *control_runs.routes,
    ]
