"""A test's starting state: the scenario in effect, then the mark's options for the test's project.

Scenario files are cached by the loader; dict documents given in marks are resolved once per mark object here,
so that the server's baseline is rebuilt only when the scenario actually changes between tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mockserver.pytest_plugin.options import usage

if TYPE_CHECKING:
    from mockserver.scenarios import Scenario
    from mockserver.server import MockServer

#: ``id(spec) -> (spec, resolved)``: the entry keeps ``spec`` alive, so its id cannot be reused by another object.
InlineCache = dict[int, tuple[Any, Any]]

#: Mark options applied to the test's project after the reset, and the store operation each one calls.
#: Marker option -> the operation (found on the store) that applies it to the test's project.
PROJECT_OPTIONS: tuple[tuple[str, Callable[[Any], Callable[[str, Any], Any]]], ...] = (
    ("now", lambda store: store.set_clock),
    ("runs", lambda store: store.script.configure_runs),
    ("script", lambda store: store.script.add_script_rules),
    ("faults", lambda store: store.faults.add_faults),
)


def scenarios(spec: Any, fixtures_dir: Path | None, inline: InlineCache) -> list[Scenario]:
    """The scenarios ``spec`` names; a failure to load fails the test at setup with the loader's explanation."""
    from mockserver.core.errors import MockError
    from mockserver.scenarios import resolve_scenarios

    cached = inline.get(id(spec))
    if cached is not None and cached[0] is spec:
        return cached[1]  # type: ignore[no-any-return]
    problem = ""
    try:
        resolved = resolve_scenarios(spec, fixtures_dir)
    except MockError as exc:
        problem = exc.message
    if problem:  # reported outside the handler: the chained traceback would only repeat it
        usage(f"scenario={spec!r} cannot be loaded:\n{problem}")
    if _has_document(spec):
        inline[id(spec)] = (spec, resolved)
    return resolved


def use_scenarios(server: MockServer, wanted: list[Scenario]) -> None:
    """Make ``wanted`` the baseline, rebuilding it only if it changed (a reset alone is a cheap clone)."""
    current = server.scenarios
    if len(wanted) != len(current) or any(a is not b for a, b in zip(wanted, current, strict=True)):
        server.set_scenario(wanted)


def apply_options(server: MockServer, project: str, options: dict[str, Any]) -> None:
    """Clock, run settings, script rules and faults for ``project``, then the test's cassette."""
    from mockserver.core.errors import MockError
    from mockserver.replay import pytest_support as cassettes

    store = server.store
    for name, operation in PROJECT_OPTIONS:
        if options.get(name) is None:
            continue
        apply = operation(store)
        value = options[name]
        problem = ""
        try:
            apply(project, dict(value) if isinstance(value, Mapping) else value)
        except MockError as exc:
            problem = f" (at {exc.param})" if exc.param else ""
            problem = f"option {name}= is invalid{problem}: {exc.message}"
        if problem:
            usage(problem)
    problem = ""
    try:
        cassettes.attach(server.replay, project, options)
    except cassettes.ReplayConfigError as exc:
        message = str(exc)
        if "not found" in message and options.get("nodeid"):
            message = (
                f"cassette {options['cassette']} not found. Record it against the real API with:\n"
                f"    MOCKSERVER_UPSTREAM_API_KEY=sk-... pytest --record-mode=once '{options['nodeid']}'"
            )
        problem = f"cassette={options['cassette']}: {message}"
    if problem:
        usage(problem)


def _has_document(spec: Any) -> bool:
    return isinstance(spec, Mapping) or (isinstance(spec, (list, tuple)) and any(isinstance(i, Mapping) for i in spec))
