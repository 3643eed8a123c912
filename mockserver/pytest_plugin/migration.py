"""The migration side of the plugin (docs/migration.md): one test body against both APIs, sunset mode, and the
list of Assistants endpoints a run still used.

- ``@pytest.mark.mockserver_migration(legacy=..., ported=...)`` with the ``migration_app`` fixture: the test
  body runs twice in one test, first with ``migration_app`` calling ``legacy``, then ``ported``, each from the
  test's starting state; the test fails with the transcript diff when the two runs differ
  (``usage=False`` in the mark leaves output tokens out).
- ``mockserver_migration`` fixture: ``.compare(legacy, ported)`` for tests that drive the two paths themselves.
- ``--mockserver-sunset`` / ini ``mockserver_sunset`` / ``@pytest.mark.mockserver_sunset``: every Assistants call
  answers as the retired API (404).
- ``--mockserver-assistants-report`` / ini ``mockserver_assistants_report``: the terminal summary lists the
  Assistants endpoints tests called, and which tests (works under xdist: the data rides on the reports).
"""

from __future__ import annotations

import asyncio
import inspect
from collections import defaultdict
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from mockserver.migration import EquivalenceReport, Target
    from mockserver.pytest_plugin.handle import MockServerFixture

MARK = "mockserver_migration"
SUNSET_MARK = "mockserver_sunset"
_PROPERTY = "mockserver_assistants_calls"
_SUMMARY_LIMIT = 5


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockserver")
    group.addoption("--mockserver-sunset", action="store_true", default=None, help="retire the Assistants API (404)")
    group.addoption(
        "--mockserver-assistants-report",
        action="store_true",
        default=None,
        help="list the Assistants endpoints tests still call in the terminal summary",
    )
    parser.addini("mockserver_sunset", "answer every Assistants call as the retired API", type="bool", default=False)
    parser.addini(
        "mockserver_assistants_report", "summary of Assistants endpoints still called", type="bool", default=False
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARK}(legacy=, ported=, usage=True): run the test body with migration_app = legacy, then = ported, "
        "and fail when the two runs differ",
    )
    config.addinivalue_line("markers", f"{SUNSET_MARK}: the Assistants API answers 404 as after its shutdown")


def _flag(config: pytest.Config, name: str) -> bool:
    cli = config.getoption(name)
    return bool(cli) if cli is not None else bool(config.getini(name))


def _fixture(item: pytest.Item) -> MockServerFixture | None:
    from mockserver.pytest_plugin import _FIXTURE_KEY

    return item.stash.get(_FIXTURE_KEY, None)


def _target(fixture: MockServerFixture) -> Target:
    from mockserver.migration import Target

    options = {"api_key": fixture.api_key, "project": fixture.options["project"]}
    return Target(fixture.server, fixture.project, reset=fixture.reset, client_options=options)


# -- sunset mode ---------------------------------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    result = yield
    fixture = _fixture(item)
    if fixture is not None and (item.get_closest_marker(SUNSET_MARK) or _flag(item.config, "mockserver_sunset")):
        from mockserver.migration.sunset import sunset_faults

        faults: Any = sunset_faults()  # plain dicts of the Fault shape (mockserver.types)
        fixture.server.add_faults(faults, project=fixture.project)
    return result


# -- which Assistants endpoints tests used ------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    try:
        return (yield)
    finally:
        fixture = _fixture(item)
        if fixture is not None and _flag(item.config, "mockserver_assistants_report"):
            from mockserver.migration.transcript import api_of, normalise_path

            used = sorted(
                {f"{e.method} {normalise_path(e.path)}" for e in fixture.requests() if api_of(e.path) == "assistants"}
            )
            if used:
                item.user_properties.append((_PROPERTY, used))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if not _flag(config, "mockserver_assistants_report"):
        return
    tests: dict[str, set[str]] = defaultdict(set)
    for reports in terminalreporter.stats.values():
        for report in reports:
            for name, value in getattr(report, "user_properties", ()) or ():
                if name == _PROPERTY and getattr(report, "when", "call") == "call":
                    for endpoint in value:
                        tests[endpoint].add(report.nodeid)
    terminalreporter.section("mockserver: Assistants API calls")
    if not tests:
        terminalreporter.write_line("no test called /v1/assistants or /v1/threads")
        return
    total = len(set().union(*tests.values()))
    terminalreporter.write_line(f"{total} test(s) still call the Assistants API (retired 2026-08-26):")
    for endpoint in sorted(tests):
        names = sorted(tests[endpoint])
        more = f", ... (+{len(names) - _SUMMARY_LIMIT})" if len(names) > _SUMMARY_LIMIT else ""
        terminalreporter.write_line(f"  {endpoint}  [{len(names)}] {', '.join(names[:_SUMMARY_LIMIT])}{more}")


# -- one body, both APIs ------------------------------------------------------------------------------------------


class MigrationApp:
    """What ``migration_app`` yields: calls whichever side (``.side``: legacy or ported) is running now."""

    def __init__(self) -> None:
        self.side = ""
        self._app: Callable[..., Any] | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._app is None:
            raise RuntimeError(f"migration_app is only callable in a test marked @pytest.mark.{MARK}(...)")
        return self._app(*args, **kwargs)


@pytest.fixture
def migration_app(request: pytest.FixtureRequest, mockserver: MockServerFixture) -> MigrationApp:
    """The app under migration: the test body runs once with it calling ``legacy`` and once ``ported`` (from
    ``@pytest.mark.mockserver_migration(legacy=..., ported=...)``); the runs' transcripts must match."""
    mark = request.node.get_closest_marker(MARK)
    if mark is None or not callable(mark.kwargs.get("legacy")) or not callable(mark.kwargs.get("ported")):
        pytest.fail(f"migration_app needs @pytest.mark.{MARK}(legacy=<callable>, ported=<callable>)", pytrace=False)
    return MigrationApp()


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    mark = pyfuncitem.get_closest_marker(MARK)
    app = pyfuncitem.funcargs.get("migration_app")
    fixture = _fixture(pyfuncitem)
    if mark is None or not isinstance(app, MigrationApp) or fixture is None:
        return None
    from mockserver.migration import EquivalenceReport, MigrationError, run_side
    from mockserver.migration.compare import differences

    arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    target = _target(fixture)
    transcripts = []
    for side in ("legacy", "ported"):
        app.side, app._app = side, mark.kwargs[side]

        def body(client: Any) -> None:  # the fixture's environment already points the app at the fake
            result = pyfuncitem.obj(**arguments)
            if inspect.iscoroutine(result):  # an async test body: its own event loop for each run
                asyncio.run(result)

        body.__qualname__ = f"{pyfuncitem.name}[{side}]"
        try:
            transcripts.append(run_side(body, target, side))
        except MigrationError as exc:
            failure = str(exc)
            break
        finally:
            target.close()
    else:
        failure = ""
    if failure:  # outside the except block, so the report is not chained to the error
        pytest.fail(failure, pytrace=False)
    legacy, ported = transcripts
    report = EquivalenceReport(legacy, ported, differences(legacy, ported, usage=mark.kwargs.get("usage", True)))
    if not report:
        pytest.fail(str(report), pytrace=False)
    return True


class MigrationHelper:
    """What the ``mockserver_migration`` fixture yields."""

    def __init__(self, fixture: MockServerFixture) -> None:
        self._fixture = fixture

    def compare(self, legacy: Any, ported: Any, *, usage: bool = True) -> EquivalenceReport:
        """Run both sides from this test's starting state; fail the test with the diff when they differ."""
        from mockserver.migration import MigrationError, compare

        target = _target(self._fixture)
        try:
            report = compare(legacy, ported, server=target, usage=usage)
        except MigrationError as exc:
            report, failure = None, str(exc)
        finally:
            target.close()
        if report is None:
            pytest.fail(failure, pytrace=False)
        if not report:
            pytest.fail(str(report), pytrace=False)
        return report


@pytest.fixture
def mockserver_migration(mockserver: MockServerFixture) -> MigrationHelper:
    """``.compare(legacy, ported)``: each a callable given an ``openai.OpenAI`` (or none), a Transcript or a
    transcript file; fails the test with a readable transcript diff when the two paths differ."""
    return MigrationHelper(mockserver)
