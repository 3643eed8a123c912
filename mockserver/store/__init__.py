"""All state and its invariants; the only code that mutates state.

:class:`Store` is composed of one mixin per resource so each stays small. Every public operation takes the
project name first and raises :mod:`mockserver.errors` types; none of them knows about HTTP.
"""

from __future__ import annotations

from .assistants import AssistantOps
from .base import BASELINE_PROJECT, Seeder
from .export import ExportOps
from .faults import FaultOps
from .messages import MessageOps
from .run_restore import RunRestoreOps
from .runs import RunOps, RunStream
from .threads import ThreadOps


class Store(RunOps, AssistantOps, MessageOps, ThreadOps, FaultOps, ExportOps, RunRestoreOps):
    """The fake's whole state. Safe to share between the server thread and the test thread."""


__all__ = ["BASELINE_PROJECT", "RunStream", "Seeder", "Store"]
