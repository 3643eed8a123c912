"""The scripted model as Responses use it: the one place this surface talks to ``store.script``.

Rules, run settings and strict-mode misses are shared with runs (docs/runs.md); a response picks its rule like
a run does, matching the last user message of its context, its ``model`` and its ``metadata``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockserver.core.project import Project
from mockserver.model.rules import RunContext
from mockserver.surfaces.responses.state import Script

if TYPE_CHECKING:
    from mockserver.store import Store


def pick(store: Store, project: Project, text: str, response: dict[str, Any]) -> Script:
    """The first matching rule's turns, else the default reply (non-strict) or a recorded miss (strict)."""
    chosen = store.script.pick(project, RunContext(text=text, run=response))
    return Script(rule=chosen.rule, turns=tuple(chosen.turns), prompt_text=text, miss=chosen.miss)


def settings(store: Store, project: Project) -> dict[str, Any]:
    """The run settings in effect (chunk size, progress mode, strict mode, default reply)."""
    return store.script.settings(project)


def record_miss(store: Store, project: Project, response_id: str, message: str) -> None:
    store.script.record_miss(project, {"response_id": response_id, "message": message})
