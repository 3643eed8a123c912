"""Porting Assistants code to Responses + Conversations: compare both paths of an app on one scripted fake,
convert legacy threads and cassettes, and switch the retired API off (docs/migration.md).

Sits above the surfaces and scenarios (it reads their public operations) and below ``server``, ``cli`` and the
pytest plugin, which expose it.
"""

from __future__ import annotations

from mockserver.migration.compare import (
    Difference,
    EquivalenceReport,
    Target,
    compare,
    load_transcript,
    record,
    run_side,
)
from mockserver.migration.errors import MigrationError
from mockserver.migration.transcript import ToolEvent, Transcript

__all__ = [
    "Difference",
    "EquivalenceReport",
    "MigrationError",
    "Target",
    "ToolEvent",
    "Transcript",
    "compare",
    "load_transcript",
    "record",
    "run_side",
]
