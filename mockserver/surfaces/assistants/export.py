"""What a scenario export needs from a project, read under the lock; plus moving ID counters forward.

Objects come back in creation order (threads by insertion, assistants, messages, runs and steps by their
listing index), so re-creating them in that order reproduces every listing, including ties on ``created_at``.
"""

from __future__ import annotations

from typing import Any

from mockserver.core import validation as v
from mockserver.core.ids import PREFIXES
from mockserver.core.store import StoreBase, locked
from mockserver.surfaces.assistants.runs.restore import engine_state
from mockserver.surfaces.assistants.runs.state import USES_KEY, RunState
from mockserver.surfaces.assistants.runs.wire import MAX_COUNT

#: Object kinds, plus ``request``: the ``x-request-id`` sequence continues after loading instead of repeating.
COUNTER_KINDS = (*PREFIXES, "request")


def _run(rs: RunState, active: bool) -> dict[str, Any]:
    """A run as its wire object, its steps oldest first and, while active, what it needs to continue."""
    return {
        "run": rs.data,
        "steps": [rs.steps[i] for i in rs.step_index.ids()],
        "engine": engine_state(rs) if active else None,
    }


class ExportOps(StoreBase):
    @locked
    def export_state(self, project: str) -> dict[str, Any]:
        """The seed, clock, ID counters, assistants, threads (each with its messages and runs) and script rule
        uses of ``project``. Runs are taken as they are: exporting is not a read, so it moves no run along.

        Stored objects are never mutated in place, so they are returned as they are; callers that edit the
        result must copy first.
        """
        state = self._project(project)
        threads = [
            {
                "thread": thread.data,
                "messages": [thread.messages[i] for i in thread.message_index.ids()],
                "runs": [_run(thread.runs[i], i == thread.active_run_id) for i in thread.run_index.ids()],
            }
            for thread in state.threads.values()
        ]
        return {
            "seed": self.seed,
            "clock": state.clock.now(),
            "id_counters": {kind: n for kind, n in state.ids.counters().items() if kind in COUNTER_KINDS},
            "assistants": [state.assistants[i] for i in state.assistant_index.ids()],
            "threads": threads,
            "script_uses": {name: n for name, n in state.extras.get(USES_KEY, {}).items() if not name.startswith("*")},
        }

    @locked
    def advance_id_counters(self, project: str, counters: dict[str, int]) -> dict[str, int]:
        """Make the per-kind ID counters at least ``counters`` (they never move back).

        Loading an export re-creates objects with their explicit IDs, which does not advance the counters; without
        this, the next generated ID in the same project and seed would repeat an exported one.
        """
        state = self._project(project)
        v.reject_unknown(counters, COUNTER_KINDS)
        for kind, n in counters.items():
            v.expect_int(n, kind, minimum=0, maximum=MAX_COUNT)
        current = state.ids.counters()
        for kind, n in counters.items():
            current[kind] = max(current.get(kind, 0), n)
        state.ids.restore(current)
        return {kind: n for kind, n in current.items() if kind in COUNTER_KINDS}
