"""A project's Responses state: stored responses, the items they hold, and where scripts continue.

Like a run, a response records the stream events its transitions imply when someone may stream them (a
``stream=true`` request); a streamed and a polled response go through the same transitions, so they end in the
same state, and a stream is a cursor over the log.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Script:
    """Where a response's scripted turns stand; a follow-up that answers its function calls continues here.

    Frozen: two follow-ups answering the same calls (branching) each continue from their own copy.
    """

    #: The matched rule's name; ``None`` for the default reply.
    rule: str | None
    turns: tuple[dict[str, Any], ...]
    #: The next turn to play.
    turn: int = 0
    #: The user text the rule matched (``{{message}}``).
    prompt_text: str = ""
    #: Strict-mode failure to report instead of playing a turn.
    miss: str | None = None
    #: Function calls of the current turn not made yet (``parallel_tool_calls: false`` makes one per response).
    queued_calls: tuple[dict[str, Any], ...] = ()

    def advanced(self, **changes: Any) -> Script:
        return replace(self, **changes)


@dataclass
class ResponseRecord:
    data: dict[str, Any]
    #: This request's own input items (normalized, references resolved), in order.
    inputs: list[dict[str, Any]]
    #: The response ``previous_response_id`` named: its context comes first.
    parent: ResponseRecord | None = None
    #: The conversation's items when the response was created (its context before ``inputs``).
    prefix: tuple[dict[str, Any], ...] = ()
    include: tuple[str, ...] = ()
    #: ``service_tier`` as requested (the echo reads ``auto`` while running).
    requested_tier: str | None = None
    #: Created with ``stream=true``: only such background responses can be streamed again.
    streamed: bool = False
    #: Stream events, ``sequence_number`` = index; ``None`` when nobody can stream this response.
    events: list[dict[str, Any]] | None = None
    script: Script = field(default_factory=lambda: Script(rule=None, turns=()))
    #: Background progress, as for runs: waiting to play, reads seen, clock time it became pending.
    pending: bool = False
    reads: int = 0
    since: int = 0
    #: Prompt tokens of the context (instructions, context items and the input), computed at creation.
    prompt_tokens: int = 0

    @property
    def status(self) -> str:
        return str(self.data["status"])

    def update(self, **changes: Any) -> dict[str, Any]:
        """Store a new response dict (never mutate the old one: clones and earlier events share it)."""
        self.data = {**self.data, **changes}
        return self.data

    def emit(self, kind: str, **fields: Any) -> None:
        if self.events is not None:
            self.events.append({"type": kind, **fields, "sequence_number": len(self.events)})

    def context(self) -> list[dict[str, Any]]:
        """Everything the model saw and said: the chain's or the conversation's items, the input, the output."""
        chain: list[ResponseRecord] = []
        record: ResponseRecord | None = self
        while record is not None:
            chain.append(record)
            record = record.parent
        out: list[dict[str, Any]] = list(chain[-1].prefix)
        for record in reversed(chain):
            out.extend(record.inputs)
            out.extend(record.data["output"])
        return out

    def clone(self, parents: dict[int, ResponseRecord]) -> ResponseRecord:
        parent = None if self.parent is None else parents.get(id(self.parent), self.parent)
        return replace(self, parent=parent, events=None if self.events is None else list(self.events))


@dataclass
class ResponsesState:
    #: Stored responses (``store`` true), by id, in creation order.
    responses: dict[str, ResponseRecord] = field(default_factory=dict)
    #: Item id -> the item, for ``item_reference`` inputs: items of stored responses.
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Item ids of unstored (``store=false``) responses: referencing one is the "not persisted" 404.
    unstored_items: set[str] = field(default_factory=set)
    #: Function call id -> where the script continues once its output arrives.
    calls: dict[str, Script] = field(default_factory=dict)

    def clone(self) -> ResponsesState:
        # Parents are records of the same project: a copy's chain must point at the copied records, which
        # insertion order (a parent is created before its children) makes available in one pass.
        copies: dict[int, ResponseRecord] = {}
        responses: dict[str, ResponseRecord] = {}
        for response_id, record in self.responses.items():
            copy = record.clone(copies)
            copies[id(record)] = copy
            responses[response_id] = copy
        return ResponsesState(
            responses=responses,
            items=dict(self.items),
            unstored_items=set(self.unstored_items),
            calls=dict(self.calls),
        )
