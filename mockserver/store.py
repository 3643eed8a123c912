"""All state and its invariants; the only code that mutates state.

:class:`Store` is composed of one mixin per resource so each stays small. Every public operation takes the
project name first and raises :mod:`mockserver.core.errors` types; none of them knows about HTTP.
"""

from __future__ import annotations

from mockserver.control.fault_ops import FaultOps
from mockserver.core.store import BASELINE_PROJECT, Seeder
from mockserver.surfaces.assistants.assistants import AssistantOps
from mockserver.surfaces.assistants.export import ExportOps
from mockserver.surfaces.assistants.messages import MessageOps
from mockserver.surfaces.assistants.runs.ops import RunOps, RunStream
from mockserver.surfaces.assistants.runs.restore import RunRestoreOps
from mockserver.surfaces.assistants.threads import ThreadOps


class Store(RunOps, AssistantOps, MessageOps, ThreadOps, FaultOps, ExportOps, RunRestoreOps):
    """The fake's whole state. Safe to share between the server thread and the test thread."""


__all__ = ["BASELINE_PROJECT", "RunStream", "Seeder", "Store"]
