"""HTTP routes of the Assistants surface: parse the request, call ``store.assistants``, return JSON."""

from __future__ import annotations

from mockserver.surfaces.assistants.routes import assistants, messages, runs, threads

#: The router tries routes in order, so the ones tests hit most (messages, run polling) come first; the only
#: overlap, ``/v1/threads/runs`` against ``/v1/threads/{thread_id}``, needs create-and-run before threads.
ROUTES = [
    *messages.routes,
    *runs.routes,
    *runs.create_and_run_routes,
    *threads.routes,
    *assistants.routes,
]
