"""Helpers the scenario loader's error tests share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mockserver.scenarios import ScenarioError, load_scenario


def errors(path: Path, **kwargs: Any) -> list[str]:
    """The lines of the ScenarioError loading ``path`` raises (uncached, so each call reads the file)."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, cache=False, **kwargs)
    return str(info.value).splitlines()


def write(tmp_path: Path, name: str, text: str) -> Path:
    target = tmp_path / name
    target.write_text(text, encoding="utf-8")
    return target
