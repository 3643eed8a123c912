"""The ``models`` section of scenario files and exports: the catalogue, when it is not the default one."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mockserver.core.surface import ScenarioSection
from mockserver.surfaces.files.scenario import located

SCHEMA = json.loads((Path(__file__).parent / "scenario.json").read_text())


def apply(store: Any, project: str, document: Mapping[str, Any]) -> None:
    if "models" in document:
        located("", lambda: store.models.set_models(project, document["models"]))


def export(store: Any, project: str) -> dict[str, Any]:
    models = store.models.export_models(project)
    return {} if models is None else {"models": models}


SECTION = ScenarioSection(schema=SCHEMA, apply=apply, export=export)
