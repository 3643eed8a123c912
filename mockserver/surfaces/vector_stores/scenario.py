"""The ``vector_stores`` and ``vector_store_processing`` sections of scenario files and exports (docs/files.md)."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mockserver.core.surface import ScenarioSection
from mockserver.surfaces.files.scenario import located

SCHEMA = json.loads((Path(__file__).parent / "scenario.json").read_text())


def apply(store: Any, project: str, document: Mapping[str, Any]) -> None:
    if "vector_store_processing" in document:
        settings = document["vector_store_processing"]
        located("", lambda: store.vector_stores.configure_processing(project, settings, "vector_store_processing"))
    for i, item in enumerate(document.get("vector_stores", [])):
        located(f"vector_stores[{i}]", functools.partial(store.vector_stores.seed_vector_store, project, item))


def export(store: Any, project: str) -> dict[str, Any]:
    sections: dict[str, Any] = {}
    processing = store.vector_stores.export_processing(project)
    if processing is not None:
        sections["vector_store_processing"] = processing
    stores = store.vector_stores.export_vector_stores(project)
    if stores:
        sections["vector_stores"] = stores
    return sections


SECTION = ScenarioSection(schema=SCHEMA, apply=apply, export=export)
