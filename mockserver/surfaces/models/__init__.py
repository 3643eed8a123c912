"""Models (``/v1/models``): docs/files.md, "Models"."""

from __future__ import annotations

from mockserver.core.surface import Surface
from mockserver.surfaces.models.ops import ModelsOps
from mockserver.surfaces.models.routes import routes
from mockserver.surfaces.models.scenario import SECTION
from mockserver.surfaces.models.state import ModelsState

SURFACE = Surface(name="models", state=ModelsState, ops=ModelsOps, routes=routes, scenario=SECTION)

__all__ = ["SURFACE", "ModelsOps", "ModelsState"]
