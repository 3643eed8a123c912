"""The examples/ app runs green with its own configuration, and the README's copy-paste block is the one it uses."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "support_bot"
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"# -- the block to copy.*?\n(.*?)# -- end of the block", re.S)


def test_the_example_app_passes_under_its_own_settings() -> None:
    # Its own rootdir and ini (filterwarnings = error): what a user's project sees. PYTHONPATH makes this tree's
    # package the one imported; in CI the fresh-venv step (.ci/run) runs it against the installed package.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTEST_ADDOPTS": ""}
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "MOCKSERVER_FIXTURES_DIR"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:xdist"],
        cwd=EXAMPLE, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"\b4 passed\b", done.stdout), done.stdout
    assert "warning" not in done.stdout.lower(), done.stdout


def test_the_readme_shows_the_example_configuration() -> None:
    example = BLOCK.search((EXAMPLE / "pyproject.toml").read_text(encoding="utf-8"))
    assert example is not None
    assert example.group(1).strip() in README


def test_ci_checks_the_readme_install_line_in_a_fresh_venv() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    line = re.search(r"^pip install (.*?)  # in your project's virtualenv", README, re.M)
    assert line is not None, "README: the install line of 'Use it in your project'"
    assert "openai-mockserver[pytest]" in line.group(1)
    assert "pip\" install -q '.[pytest]'" in ci and "examples/support_bot" in ci
