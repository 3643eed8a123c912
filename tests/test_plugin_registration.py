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


def test_installed_entry_point_registers_the_plugin(inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    # A separate interpreter: nothing imported the plugin beforehand, only the installed entry point can. It is
    # also one where `openai` is not imported yet (the plugin must not import it), so the module client gets
    # first built inside a test, and must be forgotten after it.
    inner.makepyfile(
        test_late_import="""
        import os
        import sys
        import warnings

        def test_1_openai_first_imported_during_the_test(mockserver):
            assert "openai" not in sys.modules
            import openai
            warnings.simplefilter("ignore", DeprecationWarning)
            thread = openai.beta.threads.create()
            assert mockserver.last_request().path == "/v1/threads" and thread.id.startswith("thread_")

        def test_2_afterwards():
            import openai
            assert openai._client is None and openai.base_url is None and "OPENAI_BASE_URL" not in os.environ
        """
    )
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    result = inner.runpytest_subprocess("--trace-config", "-p", "no:randomly")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        ["*registered third-party plugins:*", "*mockserver-0.1.0 at */mockserver/pytest_plugin*"]
    )


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
