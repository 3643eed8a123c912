"""A loaded scenario and how it is applied to a project through the store's public operations.

Applying calls the same operations HTTP requests do, so seeded objects get the same validation, defaults and
deterministic IDs. A store error is reported at the place in the file that caused it: the object's path plus
the error's ``param`` (``threads[0].messages[2].content[0].type``).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mockserver.core import errors as e
from mockserver.scenarios.validate import Problem, ScenarioError, join

#: Document sections whose content is handed to a store operation as a whole: section -> operation.
SECTION_OPS = {"script": "add_script_rules", "runs": "configure_runs", "faults": "add_faults"}
#: The name an operation gives its whole argument in error ``param``s, where it differs from the section's.
PARAM_ROOTS = {"runs": "settings"}
#: Message keys a create-message request (plus the seeding id/created_at) can carry.
REQUEST_MESSAGE_KEYS = frozenset({"id", "created_at", "role", "content", "attachments", "metadata"})


def _no_lines(path: str) -> int | None:
    return None


@dataclass(frozen=True, eq=False)
class Scenario:
    """A validated scenario document. Immutable and cached by the loader: apply it as often as needed.

    ``apply`` is a store seeder: ``store.set_baseline([scenario.apply])`` makes it every project's start.
    """

    name: str
    source: str
    document: Mapping[str, Any]
    includes: tuple[Scenario, ...] = ()
    #: Identity for "apply once" when several includes reach the same file (its resolved path).
    key: str = ""
    line_of: Callable[[str], int | None] = field(default=_no_lines, repr=False)

    # cached_property (computed once per object): includes may reach one file along exponentially many paths.
    @functools.cached_property
    def seed(self) -> str | None:
        """The document's ``seed``, else the first one found in its includes (depth first)."""
        if "seed" in self.document:
            seed: str = self.document["seed"]
            return seed
        for included in self.includes:
            if included.seed is not None:
                return included.seed
        return None

    @functools.cached_property
    def clock(self) -> int | None:
        """The clock value after applying: this document's ``clock``, else the last include's that sets one."""
        if "clock" in self.document:
            clock: int = self.document["clock"]
            return clock
        for included in reversed(self.includes):
            if included.clock is not None:
                return included.clock
        return None

    def problem(self, path: str, message: str) -> Problem:
        return Problem(self.source, path, message, self.line_of(path) or self._nearest_line(path))

    def _nearest_line(self, path: str) -> int | None:
        while path:
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
            line = self.line_of(path)
            if line:
                return line
        return None

    def apply(self, store: Any, project: str) -> None:
        """Create this scenario's objects (includes first) in ``project`` of ``store``."""
        _apply(self, store, project, set())


def _apply(scenario: Scenario, store: Any, project: str, done: set[str]) -> None:
    identity = scenario.key or str(id(scenario))
    if identity in done:
        return
    done.add(identity)
    for included in scenario.includes:
        _apply(included, store, project, done)
    doc = scenario.document
    if "clock" in doc:
        store.set_clock(project, doc["clock"])
    if "id_counters" in doc:
        _call(scenario, "id_counters", store, "advance_id_counters", project, dict(doc["id_counters"]))
    for index, item in enumerate(doc.get("assistants", [])):
        body = {k: copy.deepcopy(v) for k, v in item.items() if k not in ("id", "created_at")}
        where = join("assistants", index)
        _call(
            scenario, where, store, "create_assistant", project, body,
            assistant_id=item.get("id"), created_at=item.get("created_at"), section="assistants",
        )  # fmt: skip
    for index, item in enumerate(doc.get("threads", [])):
        _apply_thread(scenario, store, project, join("threads", index), item)
    for section, operation in SECTION_OPS.items():
        if section in doc:
            _call(scenario, section, store, operation, project, copy.deepcopy(doc[section]), section=section)
    if "script_uses" in doc:
        _call(scenario, "script_uses", store, "restore_script_uses", project, dict(doc["script_uses"]))


def _apply_thread(scenario: Scenario, store: Any, project: str, where: str, item: Mapping[str, Any]) -> None:
    body = {k: copy.deepcopy(item[k]) for k in ("metadata", "tool_resources") if k in item}
    thread = _call(
        scenario,
        where,
        store,
        "create_thread",
        project,
        body,
        thread_id=item.get("id"),
        created_at=item.get("created_at"),
    )
    for index, message in enumerate(item.get("messages", [])):
        fields = {k: copy.deepcopy(v) for k, v in message.items() if k not in ("id", "created_at")}
        # Messages a request could have made go through the request's operation; the rest (written by a run,
        # or pasted as the API returns them) through the one that accepts those fields.
        operation = "restore_message" if _needs_restore(message) else "create_message"
        _call(
            scenario, join(join(where, "messages"), index), store, operation, project, thread["id"], fields,
            message_id=message.get("id"), created_at=message.get("created_at"),
        )  # fmt: skip
    for index, entry in enumerate(item.get("runs", [])):
        run = {k: copy.deepcopy(v) for k, v in entry.items() if k not in ("steps", "engine")}
        _call(
            scenario, join(join(where, "runs"), index), store, "restore_run", project, thread["id"], run,
            steps=copy.deepcopy(entry.get("steps")), engine=copy.deepcopy(entry.get("engine")),
        )  # fmt: skip


def _needs_restore(message: Mapping[str, Any]) -> bool:
    if any(key not in REQUEST_MESSAGE_KEYS for key in message):
        return True
    content = message.get("content")
    return isinstance(content, list) and any(isinstance(p, dict) and isinstance(p.get("text"), dict) for p in content)


def _call(
    scenario: Scenario, where: str, store: Any, operation: str, *args: Any, section: str | None = None, **kwargs: Any
) -> Any:
    method = getattr(store, operation, None)
    if method is None:
        message = f"'{section or where}' is not supported by this server yet (no store operation '{operation}')"
        raise ScenarioError([scenario.problem(where, message)])
    try:
        return method(*args, **kwargs)
    except e.MockError as err:
        raise ScenarioError([scenario.problem(_locate(where, err.param), err.message)]) from err


def _locate(where: str, param: str | None) -> str:
    """Where a store error points in the document: the object's path joined with the error's ``param``."""
    if not param:
        return where
    section = where.split("[", 1)[0].split(".", 1)[0]
    root = PARAM_ROOTS.get(section)
    if root and (param == root or param.startswith((root + "[", root + "."))):
        param = section + param[len(root) :]
    if param == section or param.startswith((section + "[", section + ".")):
        return param
    return f"{where}{param}" if param.startswith("[") else f"{where}.{param}"
