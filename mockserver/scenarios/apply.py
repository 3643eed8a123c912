"""A loaded scenario and how it is applied to a project through the store's public operations.

Applying calls the same operations HTTP requests do, so seeded objects get the same validation, defaults and
deterministic IDs: the clock and id counters first, then each registered surface's sections (registry order,
see ``mockserver/surfaces/__init__.py``), then the script, model settings and faults. A store error is reported
at the place in the file that caused it: the object's path plus the error's ``param``
(``threads[0].messages[2].content[0].type``).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mockserver.core import errors as e
from mockserver.scenarios.validate import Problem, ScenarioError
from mockserver.surfaces import SURFACES

#: Document sections whose content is handed to one operation as a whole: section -> (store member, operation).
SECTION_OPS = {
    "script": ("script", "add_script_rules"),
    "runs": ("script", "configure_runs"),
    "faults": ("faults", "add_faults"),
}
#: The name an operation gives its whole argument in error ``param``s, where it differs from the section's.
PARAM_ROOTS = {"runs": "settings"}


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
        _call(scenario, "id_counters", store.advance_id_counters, project, dict(doc["id_counters"]))
    for surface in SURFACES:  # registry order: a surface's objects may refer to an earlier surface's
        if surface.scenario is not None:
            _call(scenario, surface.name, surface.scenario.apply, store, project, doc)
    for section, (owner, operation) in SECTION_OPS.items():
        if section in doc:
            _call(scenario, section, getattr(getattr(store, owner), operation), project, copy.deepcopy(doc[section]))
    if "script_uses" in doc:
        _call(scenario, "script_uses", store.script.restore_script_uses, project, dict(doc["script_uses"]))


def _call(scenario: Scenario, where: str, operation: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        return operation(*args, **kwargs)
    except e.MockError as err:
        raise ScenarioError([scenario.problem(_locate(err.document_path or where, err.param), err.message)]) from err


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
