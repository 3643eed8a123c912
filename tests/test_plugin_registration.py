"""How the plugin gets loaded: the installed ``pytest11`` entry point, ``-p``, ``pytest_plugins``, ``no:``."""

from __future__ import annotations

import pytest

USES_FIXTURE = """
def test_uses_the_fixture(mockserver):
    assert mockserver.base_url.startswith("http://127.0.0.1:")
"""


@pytest.fixture
def inner(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini(
        "[pytest]\naddopts = -p no:randomly -p no:hypothesispytest\n"
        "filterwarnings =\n    error\n    ignore::pytest.PytestAssertRewriteWarning\n"
    )
    pytester.makepyfile(USES_FIXTURE)
    return pytester


def test_installed_entry_point_registers_the_plugin(inner: pytest.Pytester) -> None:
    # a separate interpreter: nothing imported the plugin beforehand, only the installed entry point can
    result = inner.runpytest_subprocess("--trace-config")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*registered third-party plugins:*", "*mockserver-0.1.0 at *pytest_plugin.py*"])


@pytest.mark.parametrize("how", ["-p", "pytest_plugins", "-p with autoload off"])
def test_loading_it_again_explicitly_does_not_double_register(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    args = []
    if how == "pytest_plugins":
        inner.makeconftest('pytest_plugins = ["mockserver.pytest_plugin"]')
    else:
        args = ["-p", "mockserver.pytest_plugin"]
    if how == "-p with autoload off":
        monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    result = inner.runpytest(*args)
    result.assert_outcomes(passed=1)
    fixtures = inner.runpytest(*args, "--fixtures")
    assert fixtures.ret == 0
    assert sum(line.startswith("mockserver -- ") for line in fixtures.outlines) == 1


def test_it_can_be_disabled(inner: pytest.Pytester) -> None:
    result = inner.runpytest("-p", "no:mockserver")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'mockserver' not found*"])
