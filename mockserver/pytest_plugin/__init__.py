"""pytest plugin: a fake OpenAI for every test that asks for the ``mockserver`` fixture.

One :class:`~mockserver.MockServer` per test process (so one per xdist worker) starts on first use on a free
port and stops at session end. Each test gets it *reset* (not restarted) to the suite's baseline, with
``OPENAI_BASE_URL`` / ``OPENAI_API_KEY`` pointing at it and the SDK's module-level client redirected, all
restored afterwards. See docs/pytest.md.

This module holds the hooks and fixtures only: ``options`` (marks, ini, command line), ``handle`` (what the
fixture yields), ``starting_state``, ``environment`` and ``strict``. pytest imports it in every process, so
the server, the replay support and the SDK are imported at first use, not here.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from mockserver.pytest_plugin import options as _options
from mockserver.pytest_plugin.deprecations import hidden_assistants_deprecations
from mockserver.pytest_plugin.guard import NetworkGuard, NetworkGuardError
from mockserver.pytest_plugin.handle import MockServerFixture
from mockserver.pytest_plugin.options import MARKER, fixture_options, marker_options
from mockserver.pytest_plugin.starting_state import InlineCache as _InlineCache

if TYPE_CHECKING:
    from mockserver.server import MockServer

__all__ = ["MARKER", "MockServerFixture", "NetworkGuardError", "fixture_options", "marker_options"]

#: Names this module may be registered under: the ``pytest11`` entry point and its import path.
_PLUGIN_NAMES = ("mockserver", __name__)
_FIXTURE_KEY = pytest.StashKey[MockServerFixture]()
_INLINE_KEY = pytest.StashKey[_InlineCache]()


# -- hooks ----------------------------------------------------------------------------------------------------


def pytest_plugin_registered(plugin: object, plugin_name: str, manager: pytest.PytestPluginManager) -> None:
    """Once registered under one name, block the other so ``-p``/``pytest_plugins`` do not register it twice."""
    if plugin is sys.modules[__name__]:
        for name in _PLUGIN_NAMES:
            if name != plugin_name and manager.get_plugin(name) is None and not manager.is_blocked(name):
                manager.set_blocked(name)


def pytest_addoption(parser: pytest.Parser) -> None:
    _options.add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", _options.MARKER_HELP)
    _options.settings(config)  # a bad ini value is a usage error now, not an error in every test


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    # Strict problems fail the call phase, so they read as a failure of the test, not as a teardown error.
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
    from mockserver.server import MockServer

    settings = _options.settings(pytestconfig)
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
    settings = _options.settings(request.config)
    options = marker_options(request.node, settings)
    inline = request.config.stash.setdefault(_INLINE_KEY, {})
    fixture = MockServerFixture(mockserver_session, options, settings.fixtures_dir, inline)
    guard = NetworkGuard(mockserver_session.url) if settings.network_guard else None
    with hidden_assistants_deprecations() if settings.hide_deprecations else contextlib.nullcontext():
        fixture.activate()
        if guard is not None:
            guard.install()
        request.node.stash[_FIXTURE_KEY] = fixture
        try:
            yield fixture
        finally:
            del request.node.stash[_FIXTURE_KEY]
            if guard is not None:
                guard.remove()
            fixture.deactivate()


@pytest.fixture(autouse=True)
def _mockserver_mark(request: pytest.FixtureRequest) -> None:
    """``@pytest.mark.mockserver(...)`` alone activates the fake: a marked test that forgot to ask for the
    ``mockserver`` fixture must not talk to the real API (as ``@pytest.mark.vcr`` activates its cassette)."""
    if request.node.get_closest_marker(MARKER) is not None:
        request.getfixturevalue("mockserver")


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
