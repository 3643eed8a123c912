"""HTTP routes: parse the request, call the store, return JSON. No business rules live here."""

from __future__ import annotations

from starlette.routing import BaseRoute

from . import assistants, control, control_runs, messages, runs, threads


def build_routes() -> list[BaseRoute]:
    """Every route the app serves; more specific paths first where two patterns overlap."""
    return [
        *assistants.routes,
        *runs.create_and_run_routes,
        *threads.routes,
        *messages.routes,
        *runs.routes,
        *control.routes,
        *control_runs.routes,
    ]
