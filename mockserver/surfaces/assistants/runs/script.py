"""Asking the scripted model (``store.script``, :mod:`mockserver.model.script`) what a new run does."""

from __future__ import annotations

from typing import Any

from mockserver import model as engine
from mockserver.core.project import Project
from mockserver.surfaces.assistants.runs.lifecycle import RunLifecycle
from mockserver.surfaces.assistants.runs.state import RunState
from mockserver.surfaces.assistants.state import ThreadState


class RunScript(RunLifecycle):
    def _script_run(
        self, state: Project, thread: ThreadState, assistant: dict[str, Any], run: dict[str, Any]
    ) -> RunState:
        """Pick a new run's replies: the first matching rule (project rules, then rules for every project); with
        none, the default reply, or in strict mode a recorded miss the run will fail with."""
        last_user = next(
            (m for m in reversed([thread.messages[i] for i in thread.message_index.ids()]) if m["role"] == "user"), None
        )
        text = engine.message_text(last_user) if last_user else ""
        ctx = engine.RunContext(text=text, assistant=assistant, thread=thread.data, run=run)
        pick = self.store.script.pick(state, ctx)
        rs = RunState(data=run, turns=pick.turns, rule=pick.rule, prompt_text=text)
        if pick.miss is not None:
            rs.miss = pick.miss
            self._record_miss(state, rs, rs.miss)
        return rs
