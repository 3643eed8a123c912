"""Files and Uploads (``/v1/files``, ``/v1/uploads``): docs/files.md."""

from __future__ import annotations

from mockserver.core.surface import Surface
from mockserver.surfaces.files.ops import FilesOps
from mockserver.surfaces.files.routes import routes
from mockserver.surfaces.files.scenario import SECTION
from mockserver.surfaces.files.state import FilesState

SURFACE = Surface(name="files", state=FilesState, ops=FilesOps, routes=routes, scenario=SECTION)

__all__ = ["SURFACE", "FilesOps", "FilesState"]
