"""The scenario docs stay true: the reference matches the schema, and the README/docs examples run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mockserver.scenarios import load_text
from mockserver.scenarios.reference import END, START, render
from mockserver.store import Store

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "scenarios.md"


def _readme_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Scenario files")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def test_the_reference_in_docs_is_generated_from_the_schema() -> None:
    text = DOC.read_text(encoding="utf-8")
    generated = text[text.index(START) : text.index(END) + len(END)]
    assert generated == render(), "stale: run python -m mockserver.scenarios.reference docs/scenarios.md"


def test_the_reference_lists_every_key_of_the_schema() -> None:
    reference = render()
    for key in ("version", "include", "id_counters", "assistants", "threads", "messages", "content", "image_file"):
        assert f"| `{key}` |" in reference


@pytest.mark.parametrize(
    "text", [*_blocks(_readme_section(), "yaml"), _blocks(DOC.read_text(encoding="utf-8"), "yaml")[0]]
)
def test_yaml_examples_are_valid_scenarios(text: str) -> None:
    scenario = load_text(text)
    Store().set_baseline([scenario.apply])


def test_readme_python_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    (code,) = _blocks(_readme_section(), "python")
    exec(compile(code, "README.md", "exec"), {})


def test_the_editor_schema_file_is_the_full_generated_schema() -> None:
    from mockserver.scenarios.reference import SCHEMA_FILE, schema_text

    assert (ROOT / SCHEMA_FILE).read_text(encoding="utf-8") == schema_text(), (
        "stale: run python -m mockserver.scenarios.reference docs/scenarios.md"
    )
