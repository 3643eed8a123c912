"""How a run moves through its lifecycle (reference section 7), one scripted turn at a time.

Transitions are methods over the locked store state; each stores new wire dicts (never mutating old ones) and
appends the stream events it implies to the run's log (:mod:`.run_state`). When a run progresses depends on
the project's run settings (docs/runs.md, "Lifecycle"):

- ``immediate``: the outcome is reached inside the request that queued the run;
- ``on_read`` (default): the ``reads``-th read of the run (retrieve, list, steps) reaches the outcome;
- ``on_clock``: the outcome is reached once the fake clock has moved past the time the run was queued.

A stream watching a run drives it like a read, except under ``on_clock``.
"""

from __future__ import annotations

from typing import Any

from .. import engine, models
from .. import errors as e
from .base import StoreBase
from .run_state import ACTIVE_STATUSES, DEFAULT_SETTINGS, MISSES_KEY, SETTINGS_KEY, RunState
from .state import Project, ThreadState

#: Reason shown on a message cut short, per run ``incomplete_details.reason``.
MESSAGE_INCOMPLETE_REASON = {"max_completion_tokens": "max_tokens", "max_prompt_tokens": "max_tokens"}


class RunLifecycle(StoreBase):
    _global_settings: dict[str, Any]
    _global_rules: list[dict[str, Any]]

    def _run_settings(self, state: Project) -> dict[str, Any]:
        """Defaults, then settings for every project, then this project's own (closest wins)."""
        return {**DEFAULT_SETTINGS, **self._global_settings, **state.extras.get(SETTINGS_KEY, {})}

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
        if "text" in turn and "incomplete" not in turn:
            self._say(state, thread, rs, turn["text"], turn["annotations"], prompt, None)
        elif "tool_calls" in turn:
            self._call_tools(state, thread, rs, turn["tool_calls"], prompt)
        elif "fail" in turn:
            self._fail(state, thread, rs, turn["fail"], prompt)
        elif "incomplete" in turn:
            if turn["incomplete"] == "max_prompt_tokens":
                self._end(state, thread, rs, "incomplete", incomplete_details={"reason": "max_prompt_tokens"})
            else:
                self._say(state, thread, rs, turn["text"], [], prompt, "max_completion_tokens")
        else:
            self._expire(state, thread, rs, at=state.clock.now())

    def _prompt_tokens(self, thread: ThreadState, rs: RunState) -> int:
        texts = [rs.data["instructions"], *(engine.message_text(m) for m in thread.messages.values()), *rs.spoken]
        return sum(engine.count_tokens(t) for t in texts)

    def _new_step(self, state: Project, rs: RunState, details: dict[str, Any]) -> dict[str, Any]:
        now = state.clock.now()
        step = models.run_step(state.ids.new("step"), run=rs.data, created_at=now, step_details=details)
        rs.put_step(step)
        rs.step_index.add(step["id"], now, state.next_sequence())
        return step

    def _say(
        self,
        state: Project,
        thread: ThreadState,
        rs: RunState,
        text: str,
        annotations: list[dict[str, Any]],
        prompt: int,
        incomplete: str | None,
    ) -> None:
        text = engine.fill_template(text, message=rs.prompt_text, outputs=rs.last_outputs)
        limit = rs.data["max_completion_tokens"]
        if limit is not None and engine.count_tokens(text) > limit:
            text, incomplete = text[: limit * engine.replies.CHARS_PER_TOKEN], "max_completion_tokens"
        annotations = [a for a in annotations if a["end_index"] <= len(text)]
        now = state.clock.now()
        message_id = state.ids.new("message")
        step = self._new_step(state, rs, {"type": "message_creation", "message_creation": {"message_id": message_id}})
        rs.emit("thread.run.step.created", step)
        rs.emit("thread.run.step.in_progress", step)
        final = self._insert_message(
            state,
            thread,
            {
                "id": message_id,
                "role": "assistant",
                "content": [models.text_block(text, annotations)],
                "attachments": [],
                "metadata": {},
                "assistant_id": rs.data["assistant_id"],
                "run_id": rs.data["id"],
                "status": "incomplete" if incomplete else "completed",
                "completed_at": None if incomplete else now,
                "incomplete_at": now if incomplete else None,
                "incomplete_details": {"reason": MESSAGE_INCOMPLETE_REASON[incomplete]} if incomplete else None,
            },
        )
        opening = {**final, "status": "in_progress", "content": [], "completed_at": None, "incomplete_at": None}
        opening["incomplete_details"] = None
        rs.emit("thread.message.created", opening)
        rs.emit("thread.message.in_progress", opening)
        size = self._run_settings(state)["chunk_size"]
        for i, piece in enumerate(engine.chunk(text, size)):
            block: dict[str, Any] = {"value": piece, "annotations": []} if i == 0 else {"value": piece}
            rs.emit(
                "thread.message.delta", models.message_delta(message_id, [{"index": 0, "type": "text", "text": block}])
            )
        if annotations:
            notes = [{"index": j, **note} for j, note in enumerate(annotations)]
            delta = [{"index": 0, "type": "text", "text": {"annotations": notes}}]
            rs.emit("thread.message.delta", models.message_delta(message_id, delta))
        rs.emit("thread.message.incomplete" if incomplete else "thread.message.completed", final)
        usage = models.usage(prompt, engine.count_tokens(text))
        done = {**step, "status": "completed", "completed_at": now, "expires_at": None, "usage": usage}
        rs.put_step(done)
        rs.emit("thread.run.step.completed", done)
        if incomplete:
            self._end(state, thread, rs, "incomplete", incomplete_details={"reason": incomplete})
        else:
            self._end(state, thread, rs, "completed", completed_at=now)

    def _call_tools(
        self, state: Project, thread: ThreadState, rs: RunState, calls: list[dict[str, Any]], prompt: int
    ) -> None:
        available = [t["function"]["name"] for t in rs.data["tools"] if t["type"] == "function"]
        for call in calls:
            if call["name"] not in available:
                message = e.SCRIPT_UNKNOWN_FUNCTION.format(
                    rule=rs.rule, name=call["name"], available=", ".join(available) or "none"
                )
                self._record_miss(state, rs, message)
                self._fail(state, thread, rs, {"code": "server_error", "message": message}, prompt)
                return
        made = [models.function_call(state.ids.new("call"), c["name"], c["arguments"]) for c in calls]
        step = self._new_step(state, rs, {"type": "tool_calls", "tool_calls": made})
        opening = {**step, "step_details": {"type": "tool_calls", "tool_calls": []}}
        rs.emit("thread.run.step.created", opening)
        rs.emit("thread.run.step.in_progress", opening)
        size = self._run_settings(state)["chunk_size"]
        for index, call in enumerate(made):
            fn = call["function"]
            first = {"index": index, "id": call["id"], "type": "function", "function": {**fn, "arguments": ""}}
            rs.emit(
                "thread.run.step.delta", models.step_delta(step["id"], {"type": "tool_calls", "tool_calls": [first]})
            )
            for piece in engine.chunk(fn["arguments"], size) if fn["arguments"] else []:
                part = {"index": index, "type": "function", "function": {"arguments": piece}}
                rs.emit(
                    "thread.run.step.delta", models.step_delta(step["id"], {"type": "tool_calls", "tool_calls": [part]})
                )
        spoken = [c["function"]["name"] + c["function"]["arguments"] for c in made]
        rs.tool_step_id = step["id"]
        rs.tool_usage = models.usage(prompt, sum(engine.count_tokens(t) for t in spoken))
        rs.spoken.extend(spoken)
        required = [
            {
                "id": c["id"],
                "type": "function",
                "function": {"name": c["function"]["name"], "arguments": c["function"]["arguments"]},
            }
            for c in made
        ]
        action = {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": required}}
        rs.emit("thread.run.requires_action", rs.update(status="requires_action", required_action=action))

    def _complete_tool_step(self, state: Project, rs: RunState, outputs: dict[str, str]) -> None:
        step = rs.steps[rs.tool_step_id or ""]
        calls = [
            {**c, "function": {**c["function"], "output": outputs[c["id"]]}} for c in step["step_details"]["tool_calls"]
        ]
        done = {
            **step,
            "status": "completed",
            "completed_at": state.clock.now(),
            "expires_at": None,
            "usage": rs.tool_usage,
            "step_details": {"type": "tool_calls", "tool_calls": calls},
        }
        rs.put_step(done)
        rs.emit("thread.run.step.completed", done)
        rs.last_outputs = [outputs[c["id"]] for c in calls]
        rs.spoken.extend(rs.last_outputs)
        rs.tool_step_id, rs.tool_usage = None, None
        rs.emit("thread.run.queued", rs.update(status="queued", required_action=None))

    def _fail(self, state: Project, thread: ThreadState, rs: RunState, error: dict[str, str], prompt: int) -> None:
        self._close_open_steps(state, rs, "failed", "failed_at", last_error=dict(error))
        now = state.clock.now()
        self._end(state, thread, rs, "failed", failed_at=now, last_error=dict(error), extra=models.usage(prompt, 0))

    def _expire(self, state: Project, thread: ThreadState, rs: RunState, *, at: int) -> None:
        self._close_open_steps(state, rs, "expired", "expired_at")
        self._end(state, thread, rs, "expired", expires_at=at)

    def _cancel(self, state: Project, thread: ThreadState, rs: RunState) -> None:
        if rs.status not in ("queued", "in_progress", "requires_action"):
            raise e.ConflictStateError(e.CANNOT_CANCEL.format(status=rs.status))
        rs.pending = False
        rs.emit("thread.run.cancelling", rs.update(status="cancelling"))

    def _finish_cancel(self, state: Project, thread: ThreadState, rs: RunState) -> None:
        self._close_open_steps(state, rs, "cancelled", "cancelled_at")
        self._end(state, thread, rs, "cancelled", cancelled_at=state.clock.now())

    def _close_open_steps(self, state: Project, rs: RunState, status: str, stamp: str, **extra: Any) -> None:
        for step_id in rs.step_index.ids():
            step = rs.steps[step_id]
            if step["status"] == "in_progress":
                closed = {**step, "status": status, stamp: state.clock.now(), **extra}
                if status != "expired":
                    closed["expires_at"] = None
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
        miss = {"run_id": rs.data["id"], "thread_id": rs.data["thread_id"], "message": message}
        state.extras[MISSES_KEY] = [*state.extras.get(MISSES_KEY, []), miss]
