"""Vector stores, their files, file batches and search (``/v1/vector_stores``): docs/files.md."""

from __future__ import annotations

from typing import Any

from mockserver.core.surface import Surface
from mockserver.surfaces.vector_stores.restore import VectorStoresOps
from mockserver.surfaces.vector_stores.scenario import SECTION
from mockserver.surfaces.vector_stores.state import VectorStoresState


def _routes() -> list[Any]:
    from mockserver.surfaces.vector_stores.routes import routes

    return routes()


SURFACE = Surface(name="vector_stores", state=VectorStoresState, ops=VectorStoresOps, routes=_routes, scenario=SECTION)

__all__ = ["SURFACE", "VectorStoresOps", "VectorStoresState"]
