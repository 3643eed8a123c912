"""The ``files``, ``uploads`` and ``reference_checks`` sections of scenario files and exports (docs/files.md)."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from mockserver.core import errors as e
from mockserver.core.surface import ScenarioSection

T = TypeVar("T")
SCHEMA = json.loads((Path(__file__).parent / "scenario.json").read_text())


def located(where: str, action: Callable[[], T]) -> T:
    """Run ``action``; an error it raises gets ``param`` = its place in the document (``files[2].purpose``)."""
    try:
        return action()
    except e.MockError as exc:
        param = exc.param
        if not where or not param:
            exc.param = param or where or None
        else:
            exc.param = f"{where}{param}" if param.startswith("[") else f"{where}.{param}"
        raise


def apply(store: Any, project: str, document: Mapping[str, Any]) -> None:
    if "reference_checks" in document:
        located("reference_checks", lambda: store.files.set_reference_checks(project, document["reference_checks"]))
    for i, item in enumerate(document.get("files", [])):
        located(f"files[{i}]", functools.partial(store.files.seed_file, project, item))
    for i, item in enumerate(document.get("uploads", [])):
        located(f"uploads[{i}]", functools.partial(store.files.seed_upload, project, item))


def export(store: Any, project: str) -> dict[str, Any]:
    sections: dict[str, Any] = {}
    if not store.files.references_checked(project):
        sections["reference_checks"] = False
    files = store.files.export_files(project)
    if files:
        sections["files"] = files
    uploads = store.files.export_uploads(project)
    if uploads:
        sections["uploads"] = uploads
    return sections


SECTION = ScenarioSection(schema=SCHEMA, apply=apply, export=export)
