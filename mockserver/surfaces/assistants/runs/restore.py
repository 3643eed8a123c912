"""Re-creating runs, their steps and the messages runs wrote: how exports and state files bring runs back.

Runs are normally made by the lifecycle (:mod:`.run_lifecycle`); these operations put back a run exactly as an
export recorded it, so every read answers as it did before, and an active run continues as it would have. The
scripted-model state a run still needs (``engine``: the turns left to play and the bookkeeping around them)
is part of the export; the event log is not (no stream survives a restart). :func:`engine_state` writes it,
:meth:`RunRestoreOps.restore_run` reads it back. docs/scenarios.md describes the format.
"""

from __future__ import annotations

from typing import Any

from mockserver import model as engine
from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.core.ids import MAX_TIMESTAMP
from mockserver.core.store import locked
from mockserver.surfaces.assistants import shapes as models
from mockserver.surfaces.assistants.base import AssistantsBase
from mockserver.surfaces.assistants.runs import wire as w
from mockserver.surfaces.assistants.runs.state import ACTIVE_STATUSES, RunState
from mockserver.surfaces.assistants.state import ThreadState

MESSAGE_FIELDS = ("role", "content", "attachments", "metadata")
MESSAGE_RUN_FIELDS = ("assistant_id", "run_id", "status", "completed_at", "incomplete_at", "incomplete_details")
ENGINE_KEYS = (
    "turns", "pending", "reads", "since", "tool_step_id", "tool_usage", "last_outputs", "spoken", "miss", "rule",
    "prompt_text",
)  # fmt: skip
#: Only these statuses wait for their next turn; the others wait for tool outputs or for the cancel to finish.
PENDING_STATUSES = ("queued", "in_progress")


def engine_state(rs: RunState) -> dict[str, Any]:
    """What an active run still needs to continue, in the form :meth:`RunRestoreOps.restore_run` takes."""
    return {
        "turns": list(rs.turns[rs.turn :]),
        "pending": rs.pending,
        "reads": rs.reads,
        "since": rs.since,
        "tool_step_id": rs.tool_step_id,
        "tool_usage": rs.tool_usage,
        "last_outputs": list(rs.last_outputs),
        "spoken": list(rs.spoken),
        "miss": rs.miss,
        "rule": rs.rule,
        "prompt_text": rs.prompt_text,
    }


def _strings(value: Any, param: str) -> list[str]:
    items = v.expect_array(value, param, nullable=True) or []
    return [v.expect_string(item, f"{param}[{i}]") or "" for i, item in enumerate(items)]


class RunRestoreOps(AssistantsBase):
    @locked
    def restore_message(
        self,
        project: str,
        thread_id: str,
        body: dict[str, Any],
        *,
        message_id: str | None = None,
        created_at: int | None = None,
    ) -> dict[str, Any]:
        """A message with the fields only runs set (``run_id``, ``status``...), or pasted as the API returns it
        (wire-form text parts with annotations, ``object``, ``thread_id``). Otherwise like ``create_message``."""
        state = self._project(project)
        thread = self._thread(state, thread_id)
        v.expect_object(body, "body")
        w.reject_unknown(body, (*MESSAGE_FIELDS, *MESSAGE_RUN_FIELDS, "object", "thread_id"), "")
        w.expect_equal(body.get("object", "thread.message"), "thread.message", "object")
        w.expect_equal(body.get("thread_id", thread_id), thread_id, "thread_id")
        content, notes = w.wire_content(body.get("content"), "content")
        request = {k: body[k] for k in MESSAGE_FIELDS if k in body}
        if "content" in body:
            request["content"] = content
        fields = self._prepare_message(request, "")
        for index, kept in notes.items():
            fields["content"][index] = models.text_block(fields["content"][index]["text"]["value"], kept)
        fields["assistant_id"] = w.ident(body.get("assistant_id"), "assistant", "assistant_id", nullable=True)
        fields["run_id"] = w.ident(body.get("run_id"), "run", "run_id", nullable=True)
        # The SDK requires a status; real REST reads may show null, which means a finished message.
        status = v.expect_enum(body.get("status"), w.MESSAGE_STATUSES, "status", nullable=True)
        fields["status"] = status or "completed"
        fields["completed_at"] = w.stamp(body, "completed_at", "")
        fields["incomplete_at"] = w.stamp(body, "incomplete_at", "")
        fields["incomplete_details"] = w.reason(
            body.get("incomplete_details"), w.MESSAGE_INCOMPLETE_REASONS, "incomplete_details"
        )
        if message_id is not None:
            self.check_new_id(thread.messages, message_id, "message")
            fields["id"] = message_id
        if created_at is not None:
            fields["created_at"] = v.expect_int(created_at, "created_at", minimum=0, maximum=MAX_TIMESTAMP)
        self._settle_runs(state, thread)
        if thread.active_run_id is not None:
            raise e.ConflictStateError(
                e.MESSAGE_WHILE_RUN_ACTIVE.format(thread_id=thread_id, run_id=thread.active_run_id)
            )
        return self._insert_message(state, thread, fields)

    @locked
    def restore_run(
        self,
        project: str,
        thread_id: str,
        run: dict[str, Any],
        steps: list[dict[str, Any]] | None = None,
        engine: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Put back a run (the API's run object), its steps (the API's step objects, oldest first) and, for an
        active run, its ``engine`` state (:func:`engine_state`; defaults make a pasted run continue with the
        default reply). Validates everything before changing anything; ``param`` errors are relative to the run
        (``status``, ``steps[0].id``, ``engine.turns[1]``)."""
        state = self._project(project)
        thread = self._thread(state, thread_id)
        now = state.clock.now()
        data = w.check_run(run, thread_id, now)
        run_id, status = data["id"], data["status"]
        if run_id in thread.runs:
            raise e.InvalidRequestError(e.RESTORE_DUPLICATE_ID.format(id=run_id), param="id")
        active = status in ACTIVE_STATUSES
        if active and thread.active_run_id is not None:
            raise e.InvalidRequestError(
                e.RESTORE_SECOND_ACTIVE.format(param="status", thread_id=thread_id, run_id=thread.active_run_id),
                param="status",
            )
        raw_steps = v.expect_array(steps, "steps", nullable=True) or []
        checked: list[dict[str, Any]] = []
        for i, raw in enumerate(raw_steps):
            step = w.check_step(raw, data, now, f"steps[{i}]")
            if any(s["id"] == step["id"] for s in checked):
                raise e.InvalidRequestError(e.RESTORE_DUPLICATE_ID.format(id=step["id"]), param=f"steps[{i}].id")
            checked.append(step)
        if engine is not None and not active:
            raise e.InvalidRequestError(e.RESTORE_ENGINE_OF_FINISHED.format(status=status), param="engine")
        rs = self._engine(thread, data, checked, engine or {}, now) if active else RunState(data, [], None, "")
        for step in checked:
            rs.put_step(step)
            rs.step_index.add(step["id"], step["created_at"], state.next_sequence())
        thread.runs[run_id] = rs
        thread.run_index.add(run_id, data["created_at"], state.next_sequence())
        if active:
            thread.active_run_id = run_id
        return data

    def _engine(
        self, thread: ThreadState, data: dict[str, Any], steps: list[dict[str, Any]], body: Any, now: int
    ) -> RunState:
        v.expect_object(body, "engine")
        w.reject_unknown(body, ENGINE_KEYS, "engine")
        status = data["status"]
        turns = v.expect_array(body.get("turns"), "engine.turns", nullable=True) or []
        pending = v.expect_bool(body.get("pending"), "engine.pending", nullable=True)
        if pending is None:
            pending = status in PENDING_STATUSES
        if status in ("queued", "requires_action", "cancelling") and pending != (status == "queued"):
            must = "must be" if status == "queued" else "cannot be"
            raise e.InvalidRequestError(
                e.RESTORE_PENDING_MISMATCH.format(status=status, must=must), param="engine.pending"
            )
        open_tools = [s for s in steps if s["status"] == "in_progress" and s["type"] == "tool_calls"]
        default_step = open_tools[-1]["id"] if open_tools and status in ("requires_action", "cancelling") else None
        tool_step_id = body.get("tool_step_id", default_step)
        if tool_step_id is not None or status == "requires_action":
            self._check_tool_step(data, open_tools, tool_step_id, explicit="tool_step_id" in body)
        rule = v.expect_string(body.get("rule"), "engine.rule", nullable=True)
        prompt = body.get("prompt_text")
        if prompt is None:
            ordered = [thread.messages[i] for i in thread.message_index.ids()]
            last_user = next((m for m in reversed(ordered) if m["role"] == "user"), None)
            prompt = engine.message_text(last_user) if last_user else ""
        return RunState(
            data=data,
            turns=[engine.parse_reply(turn, f"engine.turns[{i}]") for i, turn in enumerate(turns)],
            rule=rule,
            prompt_text=v.expect_string(prompt, "engine.prompt_text") or "",
            pending=pending,
            reads=w.count(body.get("reads", 0), "engine.reads"),
            since=v.expect_int(body.get("since", now), "engine.since", minimum=0, maximum=MAX_TIMESTAMP) or 0,
            tool_step_id=tool_step_id,
            tool_usage=w.usage(body.get("tool_usage"), "engine.tool_usage"),
            last_outputs=_strings(body.get("last_outputs"), "engine.last_outputs"),
            spoken=_strings(body.get("spoken"), "engine.spoken"),
            miss=v.expect_string(body.get("miss"), "engine.miss", nullable=True),
        )

    def _check_tool_step(
        self, data: dict[str, Any], open_tools: list[dict[str, Any]], step_id: Any, *, explicit: bool
    ) -> None:
        """The step submit_tool_outputs completes must be open, and its calls must be the ones the run asks for."""
        action = data["required_action"]
        wanted = sorted(c["id"] for c in action["submit_tool_outputs"]["tool_calls"]) if action else []
        step = next((s for s in open_tools if s["id"] == step_id), None)
        made = step["step_details"]["tool_calls"] if step else []
        calls = sorted(c["id"] for c in made)
        # Outputs complete function calls only: a built-in tool's call in the step could never get one.
        if step is None or any(c["type"] != "function" for c in made) or (action is not None and calls != wanted):
            param = "engine.tool_step_id" if explicit else "steps"
            message = e.RESTORE_NO_TOOL_STEP.format(param=param, calls=", ".join(wanted) or "none")
            raise e.InvalidRequestError(message, param=param)
