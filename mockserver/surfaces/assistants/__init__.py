"""The Assistants API surface (``/v1/assistants``, ``/v1/threads/**``): assistants, threads, messages, runs,
run steps and their streams."""

from __future__ import annotations

from typing import Any

from mockserver.core.surface import Surface
from mockserver.surfaces.assistants.base import NAME
from mockserver.surfaces.assistants.ops import AssistantsOps
from mockserver.surfaces.assistants.scenario import SECTION
from mockserver.surfaces.assistants.state import AssistantsState


def _routes() -> list[Any]:
    from mockserver.surfaces.assistants.routes import ROUTES

    return ROUTES


SURFACE = Surface(name=NAME, state=AssistantsState, ops=AssistantsOps, routes=_routes, scenario=SECTION)
