"""The Responses API (``/v1/responses/**``): stored responses answered by the scripted model (docs/responses.md)."""

from __future__ import annotations

from mockserver.core.surface import Surface
from mockserver.surfaces.responses.ops import ResponsesOps
from mockserver.surfaces.responses.scenario import SECTION
from mockserver.surfaces.responses.state import ResponsesState


def _routes() -> list[object]:
    from mockserver.surfaces.responses.routes import routes

    return list(routes)


SURFACE = Surface(name="responses", state=ResponsesState, ops=ResponsesOps, routes=_routes, scenario=SECTION)
