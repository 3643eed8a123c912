"""The README's "Runs and the scripted model" example runs as written."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_tool_calling_example_passes() -> None:
    section = README.read_text().split("## Runs and the scripted model", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    namespace: dict[str, object] = {}
    exec(compile(code.group(1), str(README), "exec"), namespace)
    test = namespace["test_weather_bot_calls_the_tool_and_answers"]
    assert callable(test)
    test()
