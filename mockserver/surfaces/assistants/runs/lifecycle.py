"""How a run moves through its lifecycle (reference section 7), one scripted turn at a time.

Transitions are methods over the locked store state; each stores new wire dicts (never mutating old ones) and
appends the stream events it implies to the run's log (:mod:`.run_state`); what a turn writes is in
:mod:`.run_turns`. When a run progresses depends on the project's run settings (docs/runs.md, "Lifecycle"):

- ``immediate``: the outcome is reached inside the request that queued the run;
- ``on_read`` (default): the ``reads``-th read of the run (retrieve, list, steps) reaches the outcome;
- ``on_clock``: the outcome is reached once the fake clock has moved past the time the run was queued.

A stream watching a run drives it like a read, except under ``on_clock``.
"""

from __future__ import annotations

from typing import Any

from mockserver import model as engine
from mockserver.core import errors as e
from mockserver.core.project import Project
from mockserver.surfaces.assistants import shapes as models
from mockserver.surfaces.assistants.runs.choice import TurnChoice
from mockserver.surfaces.assistants.runs.state import ACTIVE_STATUSES, RunState
from mockserver.surfaces.assistants.state import ThreadState


class RunLifecycle(TurnChoice):
    # -- when runs progress ---------------------------------------------------------------------------------

    def _settle_runs(self, state: Project, thread: ThreadState) -> None:
        run_id = thread.active_run_id
        if run_id is None:
            return
        rs: RunState = thread.runs[run_id]
        now = state.clock.now()
        if rs.status == "cancelling":
            self._finish_cancel(state, thread, rs)
            return
        mode = self._run_settings(state)["progress"]
        if rs.pending and (mode == "immediate" or (mode == "on_clock" and now > rs.since)):
            self._advance(state, thread, rs)
        expires_at = rs.data["expires_at"]
        if rs.status in ACTIVE_STATUSES and expires_at is not None and now >= expires_at:
            self._expire(state, thread, rs, at=expires_at)

    def _read_run(self, state: Project, thread: ThreadState, rs: RunState) -> None:
        """A client looked at the run: under ``on_read`` this is what moves it along."""
        self._settle_runs(state, thread)
        settings = self._run_settings(state)
        if rs.pending and rs.status in ACTIVE_STATUSES and settings["progress"] == "on_read":
            rs.reads += 1
            if rs.reads >= settings["reads"]:
                self._advance(state, thread, rs)
            else:
                self._start(state, rs)

    def _watch_run(self, state: Project, thread: ThreadState, rs: RunState) -> None:
        """A stream is attached: play the run now unless it waits for the clock."""
        self._settle_runs(state, thread)
        if rs.pending and rs.status in ACTIVE_STATUSES and self._run_settings(state)["progress"] != "on_clock":
            self._advance(state, thread, rs)

    def _queue(self, state: Project, thread: ThreadState, rs: RunState) -> None:
        rs.pending, rs.reads, rs.since = True, 0, state.clock.now()
        self._settle_runs(state, thread)

    # -- transitions ----------------------------------------------------------------------------------------

    def _start(self, state: Project, rs: RunState) -> None:
        if rs.status == "queued":
            started = rs.data["started_at"]
            rs.emit("thread.run.in_progress", rs.update(status="in_progress", started_at=started or state.clock.now()))

    def _advance(self, state: Project, thread: ThreadState, rs: RunState) -> None:
        """Play the run's next scripted turn and make the transition its outcome implies."""
        rs.pending, rs.reads = False, 0
        self._start(state, rs)
        prompt = self._prompt_tokens(thread, rs)
        if rs.miss is not None:
            self._fail(state, thread, rs, {"code": "server_error", "message": rs.miss}, prompt)
            return
        limit = rs.data["max_prompt_tokens"]
        if limit is not None and prompt > limit:
            self._end(state, thread, rs, "incomplete", incomplete_details={"reason": "max_prompt_tokens"})
            return
        turn = rs.turns[rs.turn] if rs.turn < len(rs.turns) else None
        rs.turn += 1
        if turn is None:
            if self._run_settings(state)["strict"]:
                message = e.SCRIPT_MISS_FOLLOW_UP.format(rule=rs.rule)
                self._record_miss(state, rs, message)
                self._fail(state, thread, rs, {"code": "server_error", "message": message}, prompt)
                return
            turn = {"text": self._run_settings(state)["default_reply"], "annotations": []}
        turn = self._shape_turn(rs, turn, self._run_settings(state)["default_reply"])
        if turn.get("incomplete") == "max_prompt_tokens":
            self._end(state, thread, rs, "incomplete", incomplete_details={"reason": "max_prompt_tokens"})
        elif "text" in turn or "refusal" in turn:
            cut = self._say(state, thread, rs, turn, prompt)
            if cut:
                self._end(state, thread, rs, "incomplete", incomplete_details={"reason": cut})
            else:
                self._end(state, thread, rs, "completed", completed_at=state.clock.now())
        elif "tool_calls" in turn:
            functions = [c for c in turn["tool_calls"] if engine.rules.is_function_call(c)]
            builtins = [c for c in turn["tool_calls"] if not engine.rules.is_function_call(c)]
            unknown = self._unknown_function(rs, functions) or self._unavailable_builtin(rs, builtins)
            if unknown is not None:
                self._record_miss(state, rs, unknown)
                self._fail(state, thread, rs, {"code": "server_error", "message": unknown}, prompt)
                return
            if builtins:  # built-in tools run on the server: their step completes and the run goes on
                self._run_builtins(state, thread, rs, builtins, prompt)
                if not functions:
                    self._advance(state, thread, rs)
                    return
                prompt = self._prompt_tokens(thread, rs)
            action = self._call_tools(state, rs, functions, prompt)
            rs.emit("thread.run.requires_action", rs.update(status="requires_action", required_action=action))
        elif "fail" in turn:
            self._fail(state, thread, rs, turn["fail"], prompt)
        else:
            self._expire(state, thread, rs, at=state.clock.now())

    def _unknown_function(self, rs: RunState, calls: list[dict[str, Any]]) -> str | None:
        """The real model can only call the run's declared functions: a script that does otherwise is a miss."""
        available = [t["function"]["name"] for t in rs.data["tools"] if t["type"] == "function"]
        for call in calls:
            if call["name"] not in available:
                return e.SCRIPT_UNKNOWN_FUNCTION.format(
                    rule=rs.rule, name=call["name"], available=", ".join(available) or "none"
                )
        return None

    def _prompt_tokens(self, thread: ThreadState, rs: RunState) -> int:
        texts = [rs.data["instructions"], *(engine.message_text(m) for m in thread.messages.values()), *rs.spoken]
        return sum(engine.count_tokens(t) for t in texts)

    def _resume(self, state: Project, thread: ThreadState, rs: RunState, outputs: dict[str, str]) -> None:
        """Tool outputs arrived: the tool step completes and the run is queued again (reference 6.3-D)."""
        self._complete_tool_step(state, rs, outputs)
        rs.emit("thread.run.queued", rs.update(status="queued", required_action=None))
        self._queue(state, thread, rs)

    def _fail(self, state: Project, thread: ThreadState, rs: RunState, error: dict[str, str], prompt: int) -> None:
        now = state.clock.now()
        self._close_open_steps(rs, "failed", now, last_error=dict(error))
        self._end(state, thread, rs, "failed", failed_at=now, last_error=dict(error), extra=models.usage(prompt, 0))

    def _expire(self, state: Project, thread: ThreadState, rs: RunState, *, at: int) -> None:
        """Expired at ``at``: the run's ``expires_at`` (clock expiry) or now (a scripted ``expire`` reply)."""
        self._close_open_steps(rs, "expired", at)
        self._end(state, thread, rs, "expired", expires_at=at)

    def _cancel(self, state: Project, thread: ThreadState, rs: RunState) -> None:
        if rs.status not in ("queued", "in_progress", "requires_action"):
            raise e.ConflictStateError(e.CANNOT_CANCEL.format(status=rs.status))
        rs.pending = False
        rs.emit("thread.run.cancelling", rs.update(status="cancelling"))

    def _finish_cancel(self, state: Project, thread: ThreadState, rs: RunState) -> None:
        now = state.clock.now()
        self._close_open_steps(rs, "cancelled", now)
        self._end(state, thread, rs, "cancelled", cancelled_at=now)

    def _close_open_steps(self, rs: RunState, status: str, at: int, **extra: Any) -> None:
        """Steps still in progress share the run's end: ``<status>_at`` is ``at``; only expired steps keep an
        ``expires_at`` (the time they expired, as the run's)."""
        stamp = {"failed": "failed_at", "cancelled": "cancelled_at", "expired": "expired_at"}[status]
        for step_id in rs.step_index.ids():
            step = rs.steps[step_id]
            if step["status"] == "in_progress":
                closed = {**step, "status": status, stamp: at, "expires_at": at if status == "expired" else None}
                closed.update(extra)
                rs.put_step(closed)
                rs.emit(f"thread.run.step.{status}", closed)
        rs.tool_step_id, rs.tool_usage = None, None

    def _end(
        self,
        state: Project,
        thread: ThreadState,
        rs: RunState,
        status: str,
        extra: dict[str, int] | None = None,
        **changes: Any,
    ) -> None:
        """Reach a terminal status: usage is the sum of the steps' (plus ``extra``), the thread is free again."""
        used = [s["usage"] for s in rs.steps.values() if s["usage"]] + ([extra] if extra else [])
        usage = models.usage(sum(u["prompt_tokens"] for u in used), sum(u["completion_tokens"] for u in used))
        changes.setdefault("expires_at", None)
        rs.update(status=status, required_action=None, usage=usage, **changes)
        rs.pending = False
        if thread.active_run_id == rs.data["id"]:
            thread.active_run_id = None
        rs.emit(f"thread.run.{status}", rs.data)

    def _record_miss(self, state: Project, rs: RunState, message: str) -> None:
        miss = {"run_id": rs.data["id"], "thread_id": rs.data["thread_id"], "input": rs.prompt_text, "message": message}
        self.store.script.record_miss(state, miss)
