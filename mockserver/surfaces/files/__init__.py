"""Files and Uploads (``/v1/files``, ``/v1/uploads``): docs/files.md."""

from __future__ import annotations

from typing import Any

from mockserver.core.surface import Surface
from mockserver.surfaces.files.ops import FilesOps
from mockserver.surfaces.files.scenario import SECTION
from mockserver.surfaces.files.state import FilesState


def _routes() -> list[Any]:
    from mockserver.surfaces.files.routes import routes

    return routes()


SURFACE = Surface(name="files", state=FilesState, ops=FilesOps, routes=_routes, scenario=SECTION)

__all__ = ["SURFACE", "FilesOps", "FilesState"]
