"""One project's chat state: stored completions (``store: true``), their input messages, and where each
scripted tool-call turn left its rule (so the follow-up request with the tool results continues it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mockserver.core.pagination import SortedIndex


@dataclass
class ChatState:
    #: id -> the stored completion as reads return it. The dicts are never mutated in place (an update stores a
    #: new one); the containers are, which is safe because clone() copies them.
    completions: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: id -> its input messages in the ``GET .../messages`` form.
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    index: SortedIndex = field(default_factory=SortedIndex)
    #: first tool-call id of a scripted tool-call turn -> {"rule", "turns", "turn"} (docs/chat.md "Tool calls").
    continuations: dict[str, dict[str, Any]] = field(default_factory=dict)

    def clone(self) -> ChatState:
        return ChatState(
            completions=dict(self.completions),
            messages=dict(self.messages),
            index=self.index.copy(),
            continuations=dict(self.continuations),
        )
