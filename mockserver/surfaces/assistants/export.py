"""What a scenario export needs from the Assistants surface of a project, read under the lock.

Objects come back in creation order (threads by insertion, assistants, messages, runs and steps by their
listing index), so re-creating them in that order reproduces every listing, including ties on ``created_at``.
"""

from __future__ import annotations

from typing import Any

from mockserver.core.store import locked
from mockserver.surfaces.assistants.base import AssistantsBase
from mockserver.surfaces.assistants.runs.restore import engine_state
from mockserver.surfaces.assistants.runs.state import RunState


def _run(rs: RunState, active: bool) -> dict[str, Any]:
    """A run as its wire object, its steps oldest first and, while active, what it needs to continue."""
    return {
        "run": rs.data,
        "steps": [rs.steps[i] for i in rs.step_index.ids()],
        "engine": engine_state(rs) if active else None,
    }


class ExportOps(AssistantsBase):
    @locked
    def export_state(self, project: str) -> dict[str, Any]:
        """The assistants and threads (each with its messages and runs) of ``project``. Runs are taken as they
        are: exporting is not a read, so it moves no run along.

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
            for thread in self._s(state).threads.values()
        ]
        return {
            "assistants": [self._s(state).assistants[i] for i in self._s(state).assistant_index.ids()],
            "threads": threads,
        }

    @locked
    def script_answers(self, project: str) -> list[dict[str, Any]]:
        """Which script rule answered each run, oldest first (``rule`` None: the default reply). The inspector
        shows it beside the rules; a surface whose objects the scripted model answers offers the same method."""
        state = self._project(project)
        return [
            {"object": "thread.run", "id": run_id, "thread_id": thread.data["id"], "rule": thread.runs[run_id].rule}
            for thread in self._s(state).threads.values()
            for run_id in thread.run_index.ids()
        ]

    @locked
    def find_object(self, project: str, object_id: str) -> dict[str, Any] | None:
        """The stored wire object with this id (assistant, thread, message, run or run step), exactly as the API
        returns it, or None. Unlike the API's reads it moves no run along: the inspector looks without touching."""
        s = self._s(self._project(project))
        if object_id in s.assistants:
            return s.assistants[object_id]
        for thread in s.threads.values():
            if object_id == thread.data["id"]:
                return thread.data
            if object_id in thread.messages:
                return thread.messages[object_id]
            for rs in thread.runs.values():
                run: RunState = rs
                if object_id == run.data["id"]:
                    return run.data
                if object_id in run.steps:
                    return run.steps[object_id]
        return None
