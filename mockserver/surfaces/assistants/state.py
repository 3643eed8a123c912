"""The Assistants surface's per-project state: assistants, and threads with their messages and runs.

Stored objects are wire-shaped dicts never mutated in place, so :meth:`AssistantsState.clone` copies containers
and shares the objects (a reset to a large baseline costs a few container copies).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
class AssistantsState:
    threads: dict[str, ThreadState] = field(default_factory=dict)
    assistants: dict[str, dict[str, Any]] = field(default_factory=dict)
    assistant_index: SortedIndex = field(default_factory=SortedIndex)

    def clone(self) -> AssistantsState:
        return AssistantsState(
            threads={k: t.clone() for k, t in self.threads.items()},
            assistants=dict(self.assistants),
            assistant_index=self.assistant_index.copy(),
        )
