"""The Assistants surface's operations object (``store.assistants``), assembled from its parts.

Each part is one concern (threads, messages, assistants, runs, restoring runs, export) and they share the hooks
declared in :mod:`.base`; the parts exist to keep modules small, the object is the one surface.
"""

from __future__ import annotations

from mockserver.surfaces.assistants.export import ExportOps
from mockserver.surfaces.assistants.references import ReferenceOps
from mockserver.surfaces.assistants.runs.ops import RunOps, RunStream
from mockserver.surfaces.assistants.runs.restore import RunRestoreOps


class AssistantsOps(RunOps, RunRestoreOps, ExportOps, ReferenceOps):
    """Assistants, threads, messages, runs and run steps of every project."""


__all__ = ["AssistantsOps", "RunStream"]
