"""The Conversations surface's section of scenario files: ``conversations`` (each with its items).

Applying goes through the surface's public operations (``restore``: explicit ids, any number of items); export
writes each conversation as the API returns it plus its items, which applying re-creates exactly.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

from mockserver.core.surface import ScenarioSection
from mockserver.core.validation import join_param as join
from mockserver.surfaces.responses.scenario import at


def apply(store: Any, project: str, doc: Mapping[str, Any]) -> None:
    for index, item in enumerate(doc.get("conversations", [])):
        body = {k: copy.deepcopy(item[k]) for k in ("items", "metadata") if k in item}
        seed = {k: item[k] for k in ("id", "created_at") if k in item}
        with at(join("conversations", index)):
            store.conversations.restore(project, body, seed)


def export(store: Any, project: str) -> dict[str, Any]:
    conversations = []
    for entry in copy.deepcopy(store.conversations.export_state(project)):
        out = {"id": entry["id"], "created_at": entry["created_at"]}
        if entry["metadata"]:
            out["metadata"] = entry["metadata"]
        if entry["items"]:
            out["items"] = entry["items"]
        conversations.append(out)
    return {"conversations": conversations} if conversations else {}


SECTION = ScenarioSection(
    schema=json.loads(resources.files(__package__).joinpath("scenario_schema.json").read_text(encoding="utf-8")),
    apply=apply,
    export=export,
)
