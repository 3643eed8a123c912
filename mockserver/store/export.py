"""What a scenario export needs from a project, read under the lock; plus moving ID counters forward.

Objects come back in creation order (threads by insertion, assistants and messages by their listing index),
so re-creating them in that order reproduces every listing, including ties on ``created_at``.
"""

from __future__ import annotations

from typing import Any

from .. import validation as v
from ..ids import PREFIXES
from .base import StoreBase, locked


class ExportOps(StoreBase):
    @locked
    def export_state(self, project: str) -> dict[str, Any]:
        """The seed, clock, ID counters, assistants and threads (each with its messages) of ``project``.

        Stored objects are never mutated in place, so they are returned as they are; callers that edit the
        result must copy first.
        """
        state = self._project(project)
        threads = [
            {
                "thread": thread.data,
                "messages": [thread.messages[i] for i in thread.message_index.ids()],
                "run_count": len(thread.runs),
            }
            for thread in state.threads.values()
        ]
        return {
            "seed": self.seed,
            "clock": state.clock.now(),
            "id_counters": {kind: n for kind, n in state.ids.counters().items() if kind in PREFIXES},
            "assistants": [state.assistants[i] for i in state.assistant_index.ids()],
            "threads": threads,
        }

    @locked
    def advance_id_counters(self, project: str, counters: dict[str, int]) -> dict[str, int]:
        """Make the per-kind ID counters at least ``counters`` (they never move back).

        Loading an export re-creates objects with their explicit IDs, which does not advance the counters; without
        this, the next generated ID in the same project and seed would repeat an exported one.
        """
        state = self._project(project)
        v.reject_unknown(counters, PREFIXES)
        for kind, n in counters.items():
            v.expect_int(n, kind, minimum=0)
        current = state.ids.counters()
        for kind, n in counters.items():
            current[kind] = max(current.get(kind, 0), n)
        state.ids.restore(current)
        return {kind: n for kind, n in current.items() if kind in PREFIXES}
