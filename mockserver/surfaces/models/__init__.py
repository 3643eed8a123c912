"""Models (``/v1/models``): docs/files.md, "Models"."""

from __future__ import annotations

from typing import Any

from mockserver.core.surface import Surface
from mockserver.surfaces.models.ops import ModelsOps
from mockserver.surfaces.models.scenario import SECTION
from mockserver.surfaces.models.state import ModelsState


def _routes() -> list[Any]:
    from mockserver.surfaces.models.routes import routes

    return routes()


SURFACE = Surface(name="models", state=ModelsState, ops=ModelsOps, routes=_routes, scenario=SECTION)

__all__ = ["SURFACE", "ModelsOps", "ModelsState"]
