"""pytest plugin: a fake OpenAI for every test that asks for the ``mockserver`` fixture.

One :class:`~mockserver.MockServer` per test process (so one per xdist worker) starts on first use on a free
port and stops at session end. Each test gets it *reset* (not restarted) to the suite's baseline, with
``OPENAI_BASE_URL`` / ``OPENAI_API_KEY`` pointing at it and the SDK's module-level client redirected, all
restored afterwards. See docs/pytest.md.
"""

from __future__ import annotations

import difflib
import importlib.util
import os
import sys
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest

from .journal import JournalEntry
from .replay import pytest_support as cassettes
from .server import DEFAULT_API_KEY, MockServer

MARKER = "mockserver"
#: Names this module may be registered under: the ``pytest11`` entry point and its import path.
_PLUGIN_NAMES = ("mockserver", __name__)
_OPTIONS = ("scenario", "strict", "api_key", "project", "now", "runs", "script", "faults", *cassettes.OPTIONS)
_OPT_OUT = (
    "To opt out: @pytest.mark.mockserver(strict=False) on the test, class or module, "
    "or `mockserver_strict = false` in the ini file, or --mockserver-strict=off."
)
#: Environment variables the SDK reads that must not leak the developer's real settings into a test.
_ENV_REMOVED = ("OPENAI_ORG_ID",)
#: ``openai`` module attributes its lazily built module client is made from.
_MODULE_ATTRS = ("api_key", "base_url", "project", "organization", "api_type", "_client")

_SETTINGS_KEY = pytest.StashKey["_Settings"]()
_FIXTURE_KEY = pytest.StashKey["MockServerFixture"]()
_INLINE_KEY = pytest.StashKey[dict[int, tuple[Any, Any]]]()


# -- registration and options -------------------------------------------------------------------------------


def pytest_plugin_registered(plugin: object, plugin_name: str, manager: pytest.PytestPluginManager) -> None:
    """Once registered under one name, block the other so ``-p``/``pytest_plugins`` do not register it twice."""
    if plugin is sys.modules[__name__]:
        for name in _PLUGIN_NAMES:
            if name != plugin_name and manager.get_plugin(name) is None and not manager.is_blocked(name):
                manager.set_blocked(name)


def pytest_addoption(parser: pytest.Parser) -> None:
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
    # Cassettes (docs/replay.md). pytest-recording defines the same --record-mode: when it is installed, use its.
    if importlib.util.find_spec("pytest_recording") is None:
        group.addoption("--record-mode", choices=cassettes.RECORD_MODES, help="cassette record mode (default none)")
    group.addoption("--mockserver-upstream", metavar="URL", help="API base URL cassettes record from")
    parser.addini("mockserver_upstream", "API base URL cassettes record from", default=cassettes.DEFAULT_UPSTREAM)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "mockserver(scenario=, strict=, api_key=, project=, now=, runs=, script=, faults=, cassette=, record_mode=, "
        "hybrid=, fail_on_unused=, upstream=): "
        "per-test options of the mockserver fixture (closest mark wins per option)",
    )


@dataclass(frozen=True)
class _Settings:
    fixtures_dir: Path | None
    scenario: tuple[str, ...]
    strict: bool
    api_key: str
    seed: str


def _settings(config: pytest.Config) -> _Settings:
    settings = config.stash.get(_SETTINGS_KEY, None)
    if settings is None:
        base = config.inipath.parent if config.inipath else config.rootpath
        cli_dir = config.getoption("mockserver_fixtures_dir")
        ini_dir = str(config.getini("mockserver_fixtures_dir") or "")
        fixtures_dir = Path(cli_dir).resolve() if cli_dir else (base / ini_dir if ini_dir else None)
        strict_cli = config.getoption("mockserver_strict")
        settings = _Settings(
            fixtures_dir=fixtures_dir,
            scenario=tuple(config.getoption("mockserver_scenario") or config.getini("mockserver_scenario")),
            strict=strict_cli == "on" if strict_cli else bool(config.getini("mockserver_strict")),
            api_key=str(config.getini("mockserver_api_key")) or DEFAULT_API_KEY,
            seed=str(config.getini("mockserver_seed")),
        )
        config.stash[_SETTINGS_KEY] = settings
    return settings


# -- marker options -------------------------------------------------------------------------------------------


def _upstream(config: pytest.Config) -> str:
    return str(config.getoption("mockserver_upstream") or config.getini("mockserver_upstream"))


def fixture_options(**overrides: Any) -> dict[str, Any]:
    """Every option at its built-in default, with ``overrides`` (checked): for driving the fixture without pytest."""
    options: dict[str, Any] = {
        "scenario": None,
        "strict": True,
        "api_key": DEFAULT_API_KEY,
        "project": None,
        **cassettes.defaults(None, cassettes.DEFAULT_UPSTREAM),
        **overrides,
    }
    _check_types(options)
    return options


def marker_options(item: pytest.Item, defaults: _Settings) -> dict[str, Any]:
    """The test's options: suite defaults, then module, class and test marks (the closest mark wins per option)."""
    options: dict[str, Any] = {
        "scenario": list(defaults.scenario) or None,
        "strict": defaults.strict,
        "api_key": defaults.api_key,
        "project": None,
        **cassettes.defaults(item.config.getoption("record_mode", None), _upstream(item.config)),
    }
    marks = list(item.iter_markers(MARKER))  # closest first
    for mark in reversed(marks):
        if mark.args:
            _usage(f"takes keyword options only, got positional {mark.args!r}; e.g. mockserver(scenario='name')")
        unknown = sorted(set(mark.kwargs) - set(_OPTIONS))
        if unknown:
            hints = [
                f"{u!r} (did you mean {m[0]!r}?)" if (m := difflib.get_close_matches(u, _OPTIONS, 1)) else repr(u)
                for u in unknown
            ]
            _usage(f"unknown option(s) {', '.join(hints)}; known options: {', '.join(_OPTIONS)}")
        options.update(mark.kwargs)
    _check_types(options)
    options["cassette"] = cassettes.cassette_path(options["cassette"], Path(str(item.path)), item.name)
    return options


def _check_types(options: dict[str, Any]) -> None:
    checks: dict[str, tuple[Callable[[Any], bool], str]] = {
        "strict": (lambda v: isinstance(v, bool), "True or False"),
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
            _usage(f"option {name}= must be {expected}, got {options[name]!r}")


def _usage(message: str) -> NoReturn:
    pytest.fail(f"@pytest.mark.{MARKER}: {message}", pytrace=False)


# -- the per-test handle --------------------------------------------------------------------------------------


class MockServerFixture:
    """The running :class:`MockServer`, reset for one test, plus helpers scoped to that test.

    Anything not defined here is looked up on the server (``mockserver.add_faults(...)``, ``.export()``...).
    """

    def __init__(
        self,
        server: MockServer,
        options: dict[str, Any],
        fixtures_dir: Path | None = None,
        inline_scenarios: dict[int, tuple[Any, Any]] | None = None,
    ) -> None:
        self.server = server
        self.options = options
        self.fixtures_dir = fixtures_dir
        #: Scenarios given as dicts in marks, resolved once per mark object (files are cached by the loader).
        self._inline_scenarios = {} if inline_scenarios is None else inline_scenarios
        #: The bearer key the fixtures, ``OPENAI_API_KEY`` and the module client use.
        self.api_key: str = options["api_key"]
        #: The state partition this test's clients land in: ``project=`` if given (sent as ``OpenAI-Project``),
        #: else the API key.
        self.project: str = options["project"] or self.api_key
        self.strict: bool = options["strict"]
        self._journal_start = 0
        self._errors_start = 0
        self._saved_env: dict[str, str | None] = {}
        self._saved_module: dict[str, Any] | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.server, name)

    def __repr__(self) -> str:
        return f"<mockserver {self.server.url} project={self.project!r}>"

    # -- lifecycle (also driven by bench/plugin_overhead.py) ----------------------------------------------

    def activate(self) -> None:
        """Reset the server to this test's starting state, then point the environment and the SDK at it."""
        self.reset()
        self._patch_environment()

    def deactivate(self) -> None:
        """Put back the environment variables and ``openai`` module settings :meth:`activate` changed."""
        try:
            self.server.replay.finish(self.project)  # detach this test's cassette, writing what it recorded
        finally:
            self._restore_environment()

    def _restore_environment(self) -> None:
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_env = {}
        sdk = sys.modules.get("openai")
        if sdk is not None:
            built = getattr(sdk, "_client", None)
            saved = self._saved_module or {}
            if built is not None and built is not saved.get("_client"):
                built.close()  # the module client built during the test talks to this server only
            for name in _MODULE_ATTRS:
                if name in saved:
                    setattr(sdk, name, saved[name])
            if self._saved_module is None and hasattr(sdk, "_client"):
                # imported during the test: forget the module client made from the test's environment
                setattr(sdk, "_client", None)  # noqa: B010
        self._saved_module = None

    def reset(self) -> None:
        """Back to this test's starting state: the suite's or the mark's scenario, then the mark's options."""
        from .errors import MockError
        from .scenarios import resolve_scenarios

        server, store, options = self.server, self.server.store, self.options
        spec = options["scenario"]
        cached = self._inline_scenarios.get(id(spec))
        problem = ""
        if cached is not None and cached[0] is spec:
            scenarios = cached[1]
        else:
            try:
                scenarios = resolve_scenarios(spec, self.fixtures_dir)
            except MockError as exc:
                problem = exc.message
            if not problem and _has_document(spec):
                self._inline_scenarios[id(spec)] = (spec, scenarios)  # keeps spec alive, so its id stays unique
        if problem:  # reported outside the handler: the chained traceback would only repeat it
            _usage(f"scenario={options['scenario']!r} cannot be loaded:\n{problem}")
        current = server.scenarios
        if len(scenarios) != len(current) or any(a is not b for a, b in zip(scenarios, current, strict=True)):
            server.set_scenario(scenarios)  # rebuilt only when the scenario changes; resets are cheap clones
        server.reset()
        for name, operation in (
            ("now", "set_clock"),
            ("runs", "configure_runs"),
            ("script", "add_script_rules"),
            ("faults", "add_faults"),
        ):
            if options.get(name) is None:
                continue
            apply = getattr(store, operation, None)
            if apply is None:
                _usage(f"option {name}= needs store.{operation}(), which this mockserver version does not have")
            value = options[name]
            try:
                apply(self.project, dict(value) if isinstance(value, Mapping) else value)
            except MockError as exc:
                problem = f" (at {exc.param})" if exc.param else ""
                problem = f"option {name}= is invalid{problem}: {exc.message}"
            if problem:
                _usage(problem)
        try:
            cassettes.attach(server.replay, self.project, options)
        except cassettes.ReplayConfigError as exc:
            _usage(f"cassette={options['cassette']}: {exc}")
        self._journal_start = server.journal.next_index()
        self._errors_start = len(server.errors.items)

    def _patch_environment(self) -> None:
        wanted: dict[str, str | None] = {
            "OPENAI_BASE_URL": self.server.base_url,
            "OPENAI_API_KEY": self.api_key,
            "OPENAI_PROJECT_ID": self.options["project"],
            **dict.fromkeys(_ENV_REMOVED),
        }
        for name, value in wanted.items():
            self._saved_env[name] = os.environ.get(name)
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        sdk = sys.modules.get("openai")
        if sdk is not None:
            self._saved_module = {name: getattr(sdk, name) for name in _MODULE_ATTRS if hasattr(sdk, name)}
            patched = {
                "api_key": self.api_key,
                "base_url": self.server.base_url + "/",  # the module client does not add it
                "project": self.options["project"],
                "organization": None,
                "api_type": "openai",
                "_client": None,
            }
            for name in self._saved_module:
                setattr(sdk, name, patched[name])

    # -- clients ------------------------------------------------------------------------------------------

    def client(self, **kwargs: Any) -> Any:
        """A new ``openai.OpenAI`` for this test's key and project, retries off. Close it when done."""
        kwargs.setdefault("api_key", self.api_key)
        kwargs.setdefault("project", self.options["project"])
        return self.server.client(**kwargs)

    def async_client(self, **kwargs: Any) -> Any:
        """A new ``openai.AsyncOpenAI`` for this test's key and project, retries off."""
        kwargs.setdefault("api_key", self.api_key)
        kwargs.setdefault("project", self.options["project"])
        return self.server.async_client(**kwargs)

    # -- the journal, this test's part only ---------------------------------------------------------------

    def requests(self, **filters: Any) -> list[JournalEntry]:
        """This test's requests, oldest first; filter by ``method``, ``path``, ``path_contains``, ``status``...

        Each entry has ``method``, ``path``, ``query``, ``headers``, ``body`` (parsed JSON) and ``status``.
        """
        return self.server.journal.entries(since=self._journal_start, **filters)

    def last_request(self, **filters: Any) -> JournalEntry:
        """The most recent matching request of this test; AssertionError listing what was seen if there is none."""
        found = self.requests(**filters)
        if not found:
            seen = "\n".join(f"  {_describe(e)}" for e in self.requests()) or "  (no requests)"
            raise AssertionError(f"no request matched {filters!r}; this test's requests:\n{seen}")
        return found[-1]

    # -- clock of this test's project ---------------------------------------------------------------------

    def now(self) -> int:
        """The fake clock (Unix seconds) of this test's project; it only moves when told to."""
        return int(self.server.store.now(self.project))

    def advance_clock(self, seconds: int) -> int:
        """Move this test's project clock forward; returns the new time."""
        return int(self.server.store.advance_clock(self.project, seconds))

    # -- strict teardown ----------------------------------------------------------------------------------

    def problems(self) -> list[str]:
        """Server errors, unknown routes and strict-mode script misses seen since this test started."""
        found = [
            f"server error (a bug in mockserver) answering {err['method']} {err['path']}:\n"
            + "".join(f"       {line}\n" for line in err["traceback"].rstrip().splitlines())
            for err in self.server.errors.items[self._errors_start :]
        ]
        found += [
            f"unknown route: {_describe(e)} (a typo in the client, or an endpoint the fake lacks)"
            for e in self.requests()
            if e.unknown_route
        ]
        found += cassettes.problems(self.server.replay, self.project, self.options["fail_on_unused"])
        misses = getattr(self.server.store, "script_misses", None)
        for miss in misses() if misses is not None else []:
            found.append(f"scripted model miss (strict runs) in {miss.get('run_id')}: {miss.get('message')}")
        return found

    def problem_report(self) -> str:
        found = self.problems()
        if not found:
            return ""
        listed = "".join(f"  {n}. {text.rstrip()}\n" for n, text in enumerate(found, 1))
        return f"mockserver saw {len(found)} problem(s) during this test:\n{listed}{_OPT_OUT}"

    def check(self) -> None:
        """Fail the test if :meth:`problems` found anything (unless ``strict=False``)."""
        if self.strict and (report := self.problem_report()):
            pytest.fail(report, pytrace=False)


def _has_document(spec: Any) -> bool:
    return isinstance(spec, Mapping) or (isinstance(spec, (list, tuple)) and any(isinstance(i, Mapping) for i in spec))


def _describe(entry: JournalEntry) -> str:
    query = f"?{entry.query}" if entry.query else ""
    return f"{entry.method} {entry.path}{query} -> {entry.status}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    try:
        result = yield
    except BaseException:
        fixture = item.stash.get(_FIXTURE_KEY, None)
        if fixture is not None and (report := fixture.problem_report()):
            item.add_report_section("call", "mockserver", report)
        raise
    fixture = item.stash.get(_FIXTURE_KEY, None)
    if fixture is not None:
        fixture.check()
    return result


# -- fixtures -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def mockserver_session(pytestconfig: pytest.Config) -> Iterator[MockServer]:
    """The process-wide fake OpenAI server (one per xdist worker), started on first use, stopped at session end.

    Its state is NOT reset between tests: prefer the ``mockserver`` fixture. Use this one only in your own
    session-scoped fixtures that need the URL.
    """
    settings = _settings(pytestconfig)
    server = MockServer(seed=settings.seed, fixtures_dir=settings.fixtures_dir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mockserver(request: pytest.FixtureRequest, mockserver_session: MockServer) -> Iterator[MockServerFixture]:
    """A fake OpenAI Assistants API, reset for this test; OPENAI_BASE_URL/OPENAI_API_KEY point at it.

    ``OpenAI()``/``AsyncOpenAI()`` built anywhere, and module-level ``openai.*`` calls, reach it; the
    environment and the ``openai`` module are restored afterwards. Options: ``@pytest.mark.mockserver(
    scenario=..., strict=..., api_key=..., project=..., now=..., runs=..., script=..., faults=...)``.
    Helpers: ``.requests(method=, path=, ...)`` / ``.last_request()`` (this test's journal: method, path,
    query, headers, body, status), ``.client()``, ``.base_url``, ``.project``, ``.advance_clock(s)``,
    ``.store``. The test fails if the server hit an internal error or an unknown route (opt out: strict=False).
    """
    settings = _settings(request.config)
    options = marker_options(request.node, settings)
    inline = request.config.stash.setdefault(_INLINE_KEY, {})
    fixture = MockServerFixture(mockserver_session, options, settings.fixtures_dir, inline)
    fixture.activate()
    request.node.stash[_FIXTURE_KEY] = fixture
    try:
        yield fixture
    finally:
        del request.node.stash[_FIXTURE_KEY]
        fixture.deactivate()


def _require_openai() -> None:
    pytest.importorskip("openai", reason="the openai_client fixtures need the `openai` package (pip install openai)")


@pytest.fixture
def openai_client(mockserver: MockServerFixture) -> Iterator[Any]:
    """An ``openai.OpenAI`` bound to this test's ``mockserver`` (retries off); skipped if openai is missing."""
    _require_openai()
    client = mockserver.client()
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def async_openai_client(mockserver: MockServerFixture) -> Any:
    """An ``openai.AsyncOpenAI`` bound to this test's ``mockserver`` (retries off); skipped if openai is missing.

    Works from an async test or from ``asyncio.run(...)`` in a sync test, even several times: it closes each
    connection after its response, so nothing is left bound to an event loop that has gone away.
    """
    _require_openai()
    # A sync fixture cannot close pooled connections from the test's (by then closed) loop: don't pool.
    return mockserver.async_client(default_headers={"Connection": "close"})
