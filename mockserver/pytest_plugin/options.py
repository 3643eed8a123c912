"""What a test asked for: suite-wide defaults (ini file, command line) under ``@pytest.mark.mockserver(...)`` marks.

Marks merge per option, the closest one winning, and are checked here with the wording users see. Cassette
options are defaulted and checked by ``replay.pytest_support``, imported at first fixture use: pytest imports
this module in every process, including those where no test wants the fake.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest

from mockserver.config import DEFAULT_API_KEY

MARKER = "mockserver"
MARKER_HELP = (
    "mockserver(scenario=, fail_on_problems= (alias strict=), api_key=, project=, now=, runs=, script=, faults=, "
    "cassette=, record_mode=, "
    "hybrid=, fail_on_unused=, upstream=): "
    "per-test options of the mockserver fixture (closest mark wins per option); the mark alone activates the fake"
)
# Copies of replay's constants, because the command line is declared before any fixture runs and importing
# the replay package would load its YAML support; tests/test_plugin_layout.py keeps them equal.
CASSETTE_OPTIONS = ("cassette", "record_mode", "hybrid", "fail_on_unused", "upstream")
RECORD_MODES = ("none", "once", "new_episodes", "all")
DEFAULT_UPSTREAM = "https://api.openai.com/v1"
#: ``fail_on_problems`` is the plugin's check at the end of a test; ``strict`` is its first name, still accepted
#: (the run setting ``strict`` is another thing: an unscripted run fails instead of getting the default reply).
OPTIONS = (
    "scenario",
    "fail_on_problems",
    "strict",
    "api_key",
    "project",
    "now",
    "runs",
    "script",
    "faults",
    *CASSETTE_OPTIONS,
)

_SETTINGS_KEY = pytest.StashKey["Settings"]()


def add_options(parser: pytest.Parser) -> None:
    """The ``--mockserver-*`` command-line options and ``mockserver_*`` ini options (``pytest_addoption``)."""
    group = parser.getgroup("mockserver", "mockserver (fake OpenAI Assistants API)")
    group.addoption("--mockserver-fixtures-dir", metavar="DIR", help="directory scenario names resolve against")
    group.addoption(
        "--mockserver-scenario", action="append", metavar="NAME", help="scenario every test starts from (repeatable)"
    )
    group.addoption(
        "--mockserver-strict", choices=("on", "off"), help="fail tests on unknown routes / server errors (default on)"
    )
    parser.addini("mockserver_fixtures_dir", "directory scenario names resolve against (relative to the ini file)")
    parser.addini("mockserver_scenario", "scenario(s) every test starts from, one per line", type="linelist")
    parser.addini("mockserver_strict", "fail tests on unknown routes and server errors", type="bool", default=True)
    parser.addini("mockserver_api_key", "API key the fixtures use (also the state partition)", default=DEFAULT_API_KEY)
    parser.addini("mockserver_seed", "seed of the deterministic IDs", default="")
    parser.addini(
        "mockserver_assistants_deprecations",
        "hide (default) or show the openai SDK's Assistants deprecation warnings in tests that use the fake",
        default="hide",
    )
    parser.addini(
        "mockserver_network_guard",
        "refuse openai SDK requests to the real API in tests that use the fake (default true)",
        type="bool",
        default=True,
    )
    # Cassettes (docs/replay.md). pytest-recording defines the same --record-mode: when it is installed, use its.
    if importlib.util.find_spec("pytest_recording") is None:
        group.addoption("--record-mode", choices=RECORD_MODES, help="cassette record mode (default none)")
    group.addoption("--mockserver-upstream", metavar="URL", help="API base URL cassettes record from")
    parser.addini("mockserver_upstream", "API base URL cassettes record from", default=DEFAULT_UPSTREAM)


@dataclass(frozen=True)
class Settings:
    """The suite-wide defaults: the command line wins over the ini file."""

    fixtures_dir: Path | None
    scenario: tuple[str, ...]
    strict: bool
    api_key: str
    seed: str
    #: Hide the SDK's Assistants deprecation warnings in tests that use the fake.
    hide_deprecations: bool = True
    network_guard: bool = True


def settings(config: pytest.Config) -> Settings:
    """The suite's :class:`Settings`, read once per session."""
    found = config.stash.get(_SETTINGS_KEY, None)
    if found is None:
        base = config.inipath.parent if config.inipath else config.rootpath
        cli_dir = config.getoption("mockserver_fixtures_dir")
        ini_dir = str(config.getini("mockserver_fixtures_dir") or "")
        fixtures_dir = Path(cli_dir).resolve() if cli_dir else (base / ini_dir if ini_dir else None)
        strict_cli = config.getoption("mockserver_strict")
        found = Settings(
            fixtures_dir=fixtures_dir,
            scenario=tuple(config.getoption("mockserver_scenario") or config.getini("mockserver_scenario")),
            strict=strict_cli == "on" if strict_cli else bool(config.getini("mockserver_strict")),
            api_key=str(config.getini("mockserver_api_key")) or DEFAULT_API_KEY,
            seed=str(config.getini("mockserver_seed")),
            hide_deprecations=_deprecations(str(config.getini("mockserver_assistants_deprecations"))),
            network_guard=bool(config.getini("mockserver_network_guard")),
        )
        config.stash[_SETTINGS_KEY] = found
    return found


def _deprecations(value: str) -> bool:
    if value.strip().lower() not in ("hide", "show"):
        raise pytest.UsageError(f"mockserver_assistants_deprecations must be hide or show, got {value!r}")
    return value.strip().lower() == "hide"


def fixture_options(**overrides: Any) -> dict[str, Any]:
    """Every option at its built-in default, with ``overrides`` (checked): for driving the fixture without pytest."""
    from mockserver.replay import pytest_support as cassettes

    options: dict[str, Any] = {
        "scenario": None,
        "strict": True,
        "api_key": DEFAULT_API_KEY,
        "project": None,
        **cassettes.defaults(None, cassettes.DEFAULT_UPSTREAM),
        **overrides,
    }
    if "fail_on_problems" in options:
        options["strict"] = options.pop("fail_on_problems")
    check_types(options)
    return options


def marker_options(item: pytest.Item, defaults: Settings) -> dict[str, Any]:
    """The test's options: suite defaults, then module, class and test marks (the closest mark wins per option)."""
    from mockserver.replay import pytest_support as cassettes

    upstream = str(item.config.getoption("mockserver_upstream") or item.config.getini("mockserver_upstream"))
    options: dict[str, Any] = {
        "scenario": list(defaults.scenario) or None,
        "strict": defaults.strict,
        "api_key": defaults.api_key,
        "project": None,
        **cassettes.defaults(item.config.getoption("record_mode", None), upstream),
    }
    marks = list(item.iter_markers(MARKER))  # closest first
    for mark in reversed(marks):
        if mark.args:
            usage(f"takes keyword options only, got positional {mark.args!r}; e.g. mockserver(scenario='name')")
        unknown = sorted(set(mark.kwargs) - set(OPTIONS))
        if unknown:
            import difflib  # only for the typo hint; costs a millisecond or two at import

            hints = [
                f"{u!r} (did you mean {m[0]!r}?)" if (m := difflib.get_close_matches(u, OPTIONS, 1)) else repr(u)
                for u in unknown
            ]
            usage(f"unknown option(s) {', '.join(hints)}; known options: {', '.join(OPTIONS)}")
        kwargs = dict(mark.kwargs)
        if "fail_on_problems" in kwargs:  # the new name of `strict`: one option under two names
            kwargs["strict"] = kwargs.pop("fail_on_problems")
        options.update(kwargs)
    check_types(options)
    # Class-qualified (as pytest-recording names them): same-named tests in two classes must not share a file.
    name = ".".join([n.name for n in item.listchain() if isinstance(n, pytest.Class)] + [item.name])
    options["cassette"] = cassettes.cassette_path(options["cassette"], Path(str(item.path)), name)
    options["nodeid"] = item.nodeid  # for the exact command that records a missing cassette
    return options


def check_types(options: dict[str, Any]) -> None:
    """Fail with ``option NAME= must be ...`` for the first option of the wrong type or value."""
    from mockserver.replay import pytest_support as cassettes

    checks: dict[str, tuple[Callable[[Any], bool], str]] = {
        "strict": (lambda v: isinstance(v, bool), "True or False (fail_on_problems=)"),
        "api_key": (lambda v: isinstance(v, str) and bool(v), "a non-empty string"),
        "project": (lambda v: v is None or (isinstance(v, str) and bool(v)), "a non-empty string or None"),
        "now": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0, "Unix seconds (int >= 0)"),
        "runs": (lambda v: isinstance(v, Mapping), "a dict of run settings"),
        "script": (lambda v: isinstance(v, (list, tuple)), "a list of script rules"),
        "faults": (lambda v: isinstance(v, (list, tuple, Mapping)), "a list of faults"),
        "scenario": (
            lambda v: v is None or isinstance(v, (str, os.PathLike, Mapping, list, tuple)),
            "a name, a path, a dict, or a list of those",
        ),
        **cassettes.CHECKS,
    }
    for name, (ok, expected) in checks.items():
        if name in options and not ok(options[name]):
            usage(f"option {name}= must be {expected}, got {options[name]!r}")


def usage(message: str) -> NoReturn:
    """Fail the test at setup with a message about how the mark (or an option it carries) was used."""
    pytest.fail(f"@pytest.mark.{MARKER}: {message}", pytrace=False)
