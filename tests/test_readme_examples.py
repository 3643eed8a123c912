"""README examples run as written.

Python blocks marked ``<!-- tested: pytest -->`` are complete test files run under pytester; blocks marked
``<!-- tested: python -->`` are scripts executed as they are (their asserts are the check).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .pytester_support import inner_ini

README = Path(__file__).resolve().parents[1] / "README.md"
#: The marker line, then (blank lines allowed) a fenced python block: the block is a complete test file.
TESTED_BLOCK = re.compile(r"<!-- tested: pytest -->\s*\n```python\n(.*?)\n```", re.S)
BLOCKS = TESTED_BLOCK.findall(README.read_text(encoding="utf-8"))
SCRIPTS = re.findall(r"<!-- tested: python -->\s*\n```python\n(.*?)\n```", README.read_text(encoding="utf-8"), re.S)


def test_the_readme_has_tested_examples() -> None:
    assert BLOCKS, "no block marked <!-- tested: pytest --> in README.md"


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{n}" for n in range(len(BLOCKS))])
def test_readme_example_passes(pytester: pytest.Pytester, code: str) -> None:
    pytester.makeini(inner_ini())
    pytester.makepyfile(test_readme_example=code)
    result = pytester.runpytest()
    collected = len(re.findall(r"^def test_|^async def test_", code, re.M))
    assert collected > 0
    result.assert_outcomes(passed=collected)


def test_the_readme_has_tested_scripts() -> None:
    assert SCRIPTS, "no block marked <!-- tested: python --> in README.md"


@pytest.mark.parametrize("code", SCRIPTS, ids=[f"script{n}" for n in range(len(SCRIPTS))])
def test_readme_script_runs(code: str) -> None:
    exec(compile(code, str(README), "exec"), {"__name__": "readme_example"})
