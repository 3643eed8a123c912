"""The chat surface's section of scenario files and exports: ``chat_completions`` (stored completions).

Each item is a stored completion as ``GET /v1/chat/completions/{id}`` returns it, plus ``messages`` (its input
messages); hand-written items may leave out everything but ``model`` and ``choices`` (restore.py). Tool-call
continuations (which rule a pending tool-call turn came from) are not exported: after a restore, a follow-up
request is matched by the script again (docs/chat.md).
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


def apply(store: Any, project: str, doc: Mapping[str, Any]) -> None:
    for index, item in enumerate(doc.get("chat_completions", [])):
        where = join("chat_completions", index)
        try:
            store.chat.restore_completion(project, copy.deepcopy(item), "")
        except e.MockError as err:
            err.document_path = where
            raise


def export(store: Any, project: str) -> dict[str, Any]:
    items = store.chat.export_completions(project)
    return {"chat_completions": copy.deepcopy(items)} if items else {}


SECTION = ScenarioSection(
    schema=json.loads(resources.files(__package__).joinpath("scenario_schema.json").read_text(encoding="utf-8")),
    apply=apply,
    export=export,
)
