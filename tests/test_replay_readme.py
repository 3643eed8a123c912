"""The README's record-then-replay example runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_record_then_replay_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    section = README.read_text().split("## Record once, replay offline", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 2
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MOCKSERVER_UPSTREAM_API_KEY", "placeholder")  # restored after the example sets it
    exec(compile(blocks[1], str(README), "exec"), {})
    out = capsys.readouterr().out
    assert "no recording matches" in out and '+  "content": "Hello?",' in out
    assert "1 recording(s) in cassettes/chat.yaml were never used" in out
    assert "sk-proj-the-real-key" not in (tmp_path / "cassettes" / "chat.yaml").read_text()
