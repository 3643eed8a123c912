"""The Responses surface's section of scenario files: ``responses`` (stored responses, in flight or finished).

Applied after ``conversations`` (registry order), so a response may name a conversation of the same document;
applying does not add items to that conversation again (its exported items already hold them).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

from mockserver.core import errors as e
from mockserver.core.surface import ScenarioSection
from mockserver.core.validation import join_param as join


class at:
    """Locate a store error raised while applying an object at ``where`` in the document."""

    def __init__(self, where: str) -> None:
        self.where = where

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, err: Any, tb: Any) -> None:
        if isinstance(err, e.MockError):
            err.document_path = self.where


def apply(store: Any, project: str, doc: Mapping[str, Any]) -> None:
    for index, entry in enumerate(doc.get("responses", [])):
        with at(join("responses", index)):
            store.responses.restore(project, copy.deepcopy(entry))


def export(store: Any, project: str) -> dict[str, Any]:
    responses = copy.deepcopy(store.responses.export_state(project))
    return {"responses": responses} if responses else {}


SECTION = ScenarioSection(
    schema=json.loads(resources.files(__package__).joinpath("scenario_schema.json").read_text(encoding="utf-8")),
    apply=apply,
    export=export,
)
