"""What one scripted turn of a run writes: its step, its message or tool calls, and their stream events.

A turn never decides the run's status; it reports its outcome and :mod:`.run_lifecycle` makes the transition.
Events follow the sequences of reference section 6.3 (A: text reply, C: function calls, D: tool outputs).
"""

from __future__ import annotations

from typing import Any

from mockserver import model as engine
from mockserver.core.project import Project
from mockserver.surfaces.assistants import shapes as models
from mockserver.surfaces.assistants.base import AssistantsBase
from mockserver.surfaces.assistants.runs.state import RunState
from mockserver.surfaces.assistants.state import ThreadState

#: ``incomplete_details.reason`` of a message cut short, per run ``incomplete_details.reason`` (the Message type
#: knows ``max_tokens`` but not the run's two reasons).
MESSAGE_INCOMPLETE_REASON = {"max_completion_tokens": "max_tokens", "max_prompt_tokens": "max_tokens"}


class RunTurns(AssistantsBase):
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
        turn: dict[str, Any],
        prompt: int,
    ) -> str | None:
        """A message_creation step and its assistant message; returns the incomplete reason, if cut short."""
        incomplete: str | None = "max_completion_tokens" if "incomplete" in turn else None
        refusal = "refusal" in turn
        text = engine.fill_template(
            turn["refusal" if refusal else "text"], message=rs.prompt_text, outputs=rs.last_outputs
        )
        limit = rs.data["max_completion_tokens"]
        if limit is not None and engine.count_tokens(text) > limit:
            text, incomplete = text[: limit * engine.replies.CHARS_PER_TOKEN], "max_completion_tokens"
        # Annotations of a partial reply refer to text that was cut off.
        annotations = [a for a in turn.get("annotations", []) if a["end_index"] <= len(text)]
        images, annotations = self._builtin_context(rs, annotations)
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
                "content": [*images, models.refusal_block(text) if refusal else models.text_block(text, annotations)],
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
        # The stream shows the message opening empty, then filling in (reference 6.3-A, steps 6-9).
        opening = {**final, "status": "in_progress", "content": [], "completed_at": None, "incomplete_at": None}
        opening["incomplete_details"] = None
        rs.emit("thread.message.created", opening)
        rs.emit("thread.message.in_progress", opening)
        for index, image in enumerate(images):  # images the run made come first (builtin.py)
            rs.emit("thread.message.delta", models.message_delta(message_id, [{"index": index, **image}]))
        size = self._run_settings(state)["chunk_size"]
        pieces: list[dict[str, Any]]
        if refusal:
            pieces = [{"type": "refusal", "refusal": piece} for piece in engine.chunk(text, size)]
        else:
            pieces = [{"type": "text", "text": block} for block in engine.text_deltas(text, annotations, size)]
        for piece in pieces:
            rs.emit("thread.message.delta", models.message_delta(message_id, [{"index": len(images), **piece}]))
        rs.emit("thread.message.incomplete" if incomplete else "thread.message.completed", final)
        usage = models.usage(prompt, engine.count_tokens(text))
        done = {**step, "status": "completed", "completed_at": now, "expires_at": None, "usage": usage}
        rs.put_step(done)
        rs.emit("thread.run.step.completed", done)
        return incomplete

    def _builtin_context(
        self, rs: RunState, annotations: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Images to show before the text, and annotations with placeholders resolved (builtin.py)."""
        return [], annotations

    def _call_tools(self, state: Project, rs: RunState, calls: list[dict[str, Any]], prompt: int) -> dict[str, Any]:
        """A tool_calls step left in progress until outputs arrive; returns the run's ``required_action``."""
        made = [models.function_call(state.ids.new("call"), c["name"], c["arguments"]) for c in calls]
        step = self._new_step(state, rs, {"type": "tool_calls", "tool_calls": made})
        # Streams open the step empty and fill it with deltas (reference 6.3-C); stored reads see it complete.
        opening = {**step, "step_details": {"type": "tool_calls", "tool_calls": []}}
        rs.emit("thread.run.step.created", opening)
        rs.emit("thread.run.step.in_progress", opening)
        size = self._run_settings(state)["chunk_size"]
        for index, call in enumerate(made):
            fn = call["function"]
            parts = [{"index": index, "id": call["id"], "type": "function", "function": {**fn, "arguments": ""}}]
            pieces = engine.chunk(fn["arguments"], size) if fn["arguments"] else []
            parts += [{"index": index, "type": "function", "function": {"arguments": piece}} for piece in pieces]
            for part in parts:
                details = {"type": "tool_calls", "tool_calls": [part]}
                rs.emit("thread.run.step.delta", models.step_delta(step["id"], details))
        spoken = [c["function"]["name"] + c["function"]["arguments"] for c in made]
        rs.tool_step_id = step["id"]
        rs.tool_usage = models.usage(prompt, sum(engine.count_tokens(t) for t in spoken))
        rs.spoken.extend(spoken)
        # required_action lists the calls without their (not yet known) outputs.
        required = [
            {"id": c["id"], "type": "function", "function": {k: c["function"][k] for k in ("name", "arguments")}}
            for c in made
        ]
        return {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": required}}

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
