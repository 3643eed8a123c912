"""Sunset mode: every ``/v1/assistants/**`` and ``/v1/threads/**`` call answers as the retired API does.

The real API answers 404 since the shutdown on 2026-08-26 (a request to ``/v1/assistants`` "returns 404",
aallam/openai-kotlin#470, 2026-09-21). The body's wording was not captured anywhere we could find: ours names
the shutdown and the migration guide [INF, docs/migration.md].

Sunset mode is expressed as ordinary injected faults (``control/faults.py``), so every place that takes faults
takes it: a scenario's ``faults:`` section, ``server.add_faults(...)``, the control plane, the pytest mark's
``faults=`` option, and the switches built on :func:`sunset_faults` (``mockserver serve --sunset``, the plugin's
``--mockserver-sunset`` and ``@pytest.mark.mockserver_sunset``).
"""

from __future__ import annotations

from typing import Any

from mockserver.core.store import ProjectStore

SUNSET_STATUS = 404
MIGRATION_GUIDE = "https://developers.openai.com/api/docs/assistants/migration"
SUNSET_MESSAGE = (
    "The Assistants API has been shut down (since 2026-08-26): /v1/assistants and /v1/threads are no longer "
    f"available. Use the Responses and Conversations APIs instead; see the migration guide: {MIGRATION_GUIDE}"
)
SUNSET_CODE = "unknown_url"
#: The retired routes, as fault path globs (``**`` also matches nothing, so both ``/v1/threads`` and below).
SUNSET_PATHS = ("/v1/assistants", "/v1/assistants/**", "/v1/threads", "/v1/threads/**")


def sunset_faults() -> list[dict[str, Any]]:
    """The faults that retire the Assistants API (a fresh list: callers may edit it)."""
    error = {"message": SUNSET_MESSAGE, "type": "invalid_request_error", "code": SUNSET_CODE, "param": None}
    return [
        {"method": "*", "path": path, "status": SUNSET_STATUS, "error": dict(error), "should_retry": False}
        for path in SUNSET_PATHS
    ]


def is_sunset_fault(fault: dict[str, Any]) -> bool:
    return fault.get("path") in SUNSET_PATHS and fault.get("error", {}).get("message") == SUNSET_MESSAGE


def sunset_seeder(store: ProjectStore, project: str) -> None:
    """A baseline seeder (``MockServer(baseline=[sunset_seeder])``): every project starts retired."""
    store.faults.add_faults(project, sunset_faults())  # type: ignore[attr-defined]
