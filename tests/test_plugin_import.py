"""Loading the plugin is cheap: pytest imports it in every process, also where no test uses the fake."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mockserver.pytest_plugin import options
from mockserver.replay import pytest_support, session

HEAVY = (
    "mockserver.server",
    "mockserver.app",
    "mockserver.replay",
    "mockserver.store",
    "starlette",
    "uvicorn",
    "openai",
)


def test_importing_the_plugin_loads_neither_the_server_nor_the_sdk() -> None:
    code = f"import sys, pytest, mockserver.pytest_plugin\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == []


def test_the_server_is_imported_at_first_fixture_use(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import sys

        def test_1_without_the_fixture():
            assert "mockserver.server" not in sys.modules and "starlette" not in sys.modules

        def test_2_with_it(mockserver):
            assert "mockserver.server" in sys.modules
        """
    )
    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=2)


def test_the_command_line_copies_of_the_replay_constants_are_current() -> None:
    # options.py declares them without importing the replay package (it loads YAML support).
    assert options.RECORD_MODES == session.RECORD_MODES
    assert options.DEFAULT_UPSTREAM == pytest_support.DEFAULT_UPSTREAM
    assert options.CASSETTE_OPTIONS == pytest_support.OPTIONS
