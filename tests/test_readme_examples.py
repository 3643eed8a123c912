"""Python blocks the README marks ``<!-- tested: pytest -->`` run as test files under pytester, and pass."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
#: The marker line, then (blank lines allowed) a fenced python block: the block is a complete test file.
TESTED_BLOCK = re.compile(r"<!-- tested: pytest -->\s*\n```python\n(.*?)\n```", re.S)
BLOCKS = TESTED_BLOCK.findall(README.read_text(encoding="utf-8"))


def test_the_readme_has_tested_examples() -> None:
    assert BLOCKS, "no block marked <!-- tested: pytest --> in README.md"


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{n}" for n in range(len(BLOCKS))])
def test_readme_example_passes(pytester: pytest.Pytester, code: str) -> None:
    pytester.makeini(
        "[pytest]\naddopts = -p no:randomly -p no:hypothesispytest\nfilterwarnings =\n    error\n"
        "    ignore:The Assistants API is deprecated:DeprecationWarning\n    ignore:deprecated$:DeprecationWarning\n"
        "    ignore::pytest.PytestAssertRewriteWarning\n"
    )
    pytester.makepyfile(test_readme_example=code)
    result = pytester.runpytest()
    collected = len(re.findall(r"^def test_|^async def test_", code, re.M))
    assert collected > 0
    result.assert_outcomes(passed=collected)
