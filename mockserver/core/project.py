"""The containers a project's state lives in.

Stored objects are wire-shaped dicts that are never mutated in place: an update stores a new dict. That lets
:meth:`Project.clone` share them, so a reset to a large baseline costs a few container copies, and lets routes
serialize stored objects without copying them first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mockserver.core.ids import Clock, IdFactory
from mockserver.core.pagination import SortedIndex


@dataclass
class ThreadState:
    data: dict[str, Any]
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    message_index: SortedIndex = field(default_factory=SortedIndex)
    #: run_id -> index of the messages that run created (the ``run_id`` list filter).
    run_message_index: dict[str, SortedIndex] = field(default_factory=dict)
    runs: dict[str, Any] = field(default_factory=dict)
    run_index: SortedIndex = field(default_factory=SortedIndex)
    #: The run that blocks new messages and runs (queued, in_progress, requires_action, cancelling).
    active_run_id: str | None = None

    def clone(self) -> ThreadState:
        return ThreadState(
            data=self.data,
            messages=dict(self.messages),
            message_index=self.message_index.copy(),
            run_message_index={k: idx.copy() for k, idx in self.run_message_index.items()},
            runs={k: run.clone() if hasattr(run, "clone") else run for k, run in self.runs.items()},
            run_index=self.run_index.copy(),
            active_run_id=self.active_run_id,
        )


@dataclass
class Project:
    name: str
    ids: IdFactory
    clock: Clock
    #: Creation order across the project; breaks created_at ties in listings.
    sequence: int = 0
    threads: dict[str, ThreadState] = field(default_factory=dict)
    assistants: dict[str, dict[str, Any]] = field(default_factory=dict)
    assistant_index: SortedIndex = field(default_factory=SortedIndex)
    #: Free-form per-project extensions (run settings, script rules...) owned by higher layers.
    extras: dict[str, Any] = field(default_factory=dict)

    def next_sequence(self) -> int:
        self.sequence += 1
        return self.sequence

    def clone(self, name: str, seed: str) -> Project:
        """An independent copy for project ``name``: same objects, same clock, IDs continuing deterministically."""
        ids = IdFactory(seed, name)
        ids.restore(self.ids.counters())
        return Project(
            name=name,
            ids=ids,
            clock=Clock(self.clock.now()),
            sequence=self.sequence,
            threads={k: t.clone() for k, t in self.threads.items()},
            assistants=dict(self.assistants),
            assistant_index=self.assistant_index.copy(),
            extras={k: (v.copy() if hasattr(v, "copy") else v) for k, v in self.extras.items()},
        )
