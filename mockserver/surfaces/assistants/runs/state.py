"""A run's state beyond its wire object: steps, the scripted turns still to play, and its event log.

Every transition appends the stream events it implies to ``events``, whether or not anyone streams: a
streamed run and a polled run go through the same transitions, so they end in the same state, and a stream
is just a cursor over the log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mockserver.core.pagination import SortedIndex

Event = tuple[str, Any]

ACTIVE_STATUSES = frozenset({"queued", "in_progress", "requires_action", "cancelling"})
#: A run event with one of these statuses ends the stream that carries it (what the SDK's poll helpers wait for).
STREAM_END_STATUSES = frozenset({"requires_action", "completed", "failed", "cancelled", "expired", "incomplete"})


@dataclass
class RunState:
    data: dict[str, Any]
    #: The replies still to play, in order (a tool-call turn is followed by the reply after its outputs).
    turns: list[dict[str, Any]]
    #: The matched rule's name, or None for the default reply.
    rule: str | None
    #: The last user message the rule matched (``{{message}}`` in reply templates).
    prompt_text: str
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    step_index: SortedIndex = field(default_factory=SortedIndex)
    turn: int = 0
    #: True while the run waits to play its next turn (queued, or in_progress under ``reads`` > 1).
    pending: bool = True
    reads: int = 0
    #: Clock time the run became pending; ``on_clock`` progress needs the clock to move past it.
    since: int = 0
    tool_step_id: str | None = None
    #: Usage of the tool-call turn awaiting outputs (its step completes only when they arrive).
    tool_usage: dict[str, int] | None = None
    #: Tool outputs submitted last, and everything submitted in the run (usage counts them as prompt).
    last_outputs: list[str] = field(default_factory=list)
    spoken: list[str] = field(default_factory=list)
    #: Strict-mode failure to report instead of playing a turn.
    miss: str | None = None
    events: list[Event] = field(default_factory=list)

    @property
    def status(self) -> str:
        return str(self.data["status"])

    def emit(self, name: str, data: Any) -> None:
        self.events.append((name, data))

    def update(self, **changes: Any) -> dict[str, Any]:
        """Store a new run dict (never mutate the old one: clones and earlier events share it)."""
        self.data = {**self.data, **changes}
        return self.data

    def put_step(self, step: dict[str, Any]) -> None:
        self.steps[step["id"]] = step

    def clone(self) -> RunState:
        return RunState(
            data=self.data,
            turns=self.turns,
            rule=self.rule,
            prompt_text=self.prompt_text,
            steps=dict(self.steps),
            step_index=self.step_index.copy(),
            turn=self.turn,
            pending=self.pending,
            reads=self.reads,
            since=self.since,
            tool_step_id=self.tool_step_id,
            tool_usage=self.tool_usage,
            last_outputs=list(self.last_outputs),
            spoken=list(self.spoken),
            miss=self.miss,
            events=list(self.events),
        )
