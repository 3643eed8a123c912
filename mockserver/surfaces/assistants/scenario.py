"""The Assistants surface's sections of scenario files: ``assistants`` and ``threads`` (with messages and runs).

Applying goes through the surface's public operations, so seeded objects get the same validation, defaults and
deterministic IDs as objects created over HTTP; a refused object raises with ``param`` set to its place in the
document. Exporting writes each object in the form that re-creates it exactly (docs/scenarios.md, "Export").
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
from mockserver.surfaces.assistants import shapes as models

#: Message keys a create-message request (plus the seeding id/created_at) can carry.
REQUEST_MESSAGE_KEYS = frozenset({"id", "created_at", "role", "content", "attachments", "metadata"})
#: Message fields only a run sets, with the values a message created by a request has.
_RUN_ONLY_DEFAULTS = {
    "assistant_id": None,
    "run_id": None,
    "status": "completed",
    "completed_at": None,
    "incomplete_at": None,
    "incomplete_details": None,
}


# -- apply ----------------------------------------------------------------------------------------------------


def apply(store: Any, project: str, doc: Mapping[str, Any]) -> None:
    ops = store.assistants
    for index, item in enumerate(doc.get("assistants", [])):
        body = {k: copy.deepcopy(v) for k, v in item.items() if k not in ("id", "created_at")}
        with at(join("assistants", index)):
            ops.create_assistant(project, body, assistant_id=item.get("id"), created_at=item.get("created_at"))
    for index, item in enumerate(doc.get("threads", [])):
        _apply_thread(ops, project, join("threads", index), item)


def _apply_thread(ops: Any, project: str, where: str, item: Mapping[str, Any]) -> None:
    body = {k: copy.deepcopy(item[k]) for k in ("metadata", "tool_resources") if k in item}
    with at(where):
        thread = ops.create_thread(project, body, thread_id=item.get("id"), created_at=item.get("created_at"))
    for index, message in enumerate(item.get("messages", [])):
        fields = {k: copy.deepcopy(v) for k, v in message.items() if k not in ("id", "created_at")}
        # Messages a request could have made go through the request's operation; the rest (written by a run,
        # or pasted as the API returns them) through the one that accepts those fields.
        operation = ops.restore_message if _needs_restore(message) else ops.create_message
        with at(join(join(where, "messages"), index)):
            operation(project, thread["id"], fields, message_id=message.get("id"), created_at=message.get("created_at"))
    for index, entry in enumerate(item.get("runs", [])):
        run = {k: copy.deepcopy(v) for k, v in entry.items() if k not in ("steps", "engine")}
        with at(join(join(where, "runs"), index)):
            ops.restore_run(
                project, thread["id"], run, steps=copy.deepcopy(entry.get("steps")),
                engine=copy.deepcopy(entry.get("engine")),
            )  # fmt: skip


def _needs_restore(message: Mapping[str, Any]) -> bool:
    if any(key not in REQUEST_MESSAGE_KEYS for key in message):
        return True
    content = message.get("content")
    return isinstance(content, list) and any(isinstance(p, dict) and isinstance(p.get("text"), dict) for p in content)


class at:
    """Re-raise a store error with ``param`` located in the document (the object's path joined with the
    error's own ``param``), which the scenario layer turns into a file:line problem."""

    def __init__(self, where: str) -> None:
        self.where = where

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, err: Any, tb: Any) -> None:
        if isinstance(err, e.MockError):
            err.document_path = self.where


# -- export ---------------------------------------------------------------------------------------------------


def export(store: Any, project: str) -> dict[str, Any]:
    # Builds new dicts around the stored objects and edits none of them; the scenario layer copies the finished
    # document once (scenarios/export.py), so no copy here.
    state = store.assistants.export_state(project)
    document: dict[str, Any] = {}
    if state["assistants"]:
        document["assistants"] = [_assistant(a) for a in state["assistants"]]
    threads = [_thread(item, f"threads[{index}]") for index, item in enumerate(state["threads"])]
    if threads:
        document["threads"] = threads
    return document


def _assistant(assistant: dict[str, Any]) -> dict[str, Any]:
    defaults = models.assistant("", 0, {"model": assistant["model"]})
    result = {"id": assistant["id"], "created_at": assistant["created_at"], "model": assistant["model"]}
    for key, value in assistant.items():
        if key not in ("id", "object", "created_at", "model") and value != defaults.get(key):
            result[key] = value
    return result


def _thread(item: dict[str, Any], where: str) -> dict[str, Any]:
    data = item["thread"]
    thread: dict[str, Any] = {"id": data["id"], "created_at": data["created_at"]}
    if data.get("metadata"):
        thread["metadata"] = data["metadata"]
    if data.get("tool_resources"):
        thread["tool_resources"] = data["tool_resources"]
    messages = [_message(m, f"{where}.messages[{i}]") for i, m in enumerate(item["messages"])]
    if messages:
        thread["messages"] = messages
    runs = [_run(entry) for entry in item.get("runs", [])]
    if runs:
        thread["runs"] = runs
    return thread


def _run(entry: dict[str, Any]) -> dict[str, Any]:
    """The run object as the API returns it, plus its steps and, for an active run, its engine state."""
    run: dict[str, Any] = {**entry["run"], "steps": entry["steps"]}
    if entry.get("engine") is not None:
        run["engine"] = entry["engine"]
    return run


def _message(message: dict[str, Any], where: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "id": message["id"],
        "created_at": message["created_at"],
        "role": message["role"],
        "content": _content(message["content"], where),
    }
    if message.get("attachments"):
        result["attachments"] = message["attachments"]
    if message.get("metadata"):
        result["metadata"] = message["metadata"]
    for key, default in _RUN_ONLY_DEFAULTS.items():
        if message.get(key) != default:
            result[key] = message[key]
    return result


def _content(blocks: list[dict[str, Any]], where: str) -> Any:
    """Stored content blocks in the request form that re-creates them (a lone non-empty text as a string);
    text with annotations keeps the API's form (``{"value", "annotations"}``), which loading also accepts."""
    parts: list[dict[str, Any]] = []
    for index, block in enumerate(blocks):
        if block["type"] == "text":
            text = block["text"]
            parts.append({"type": "text", "text": text if text.get("annotations") else text["value"]})
        elif block["type"] in ("image_url", "image_file"):
            parts.append(block)
        else:  # the store makes no other kind; refuse rather than write a file that cannot load
            place = f"{where}.content[{index}]"
            raise e.InvalidRequestError(f"content of type '{block['type']}' cannot be exported", param=place)
    if len(parts) == 1 and parts[0]["type"] == "text" and isinstance(parts[0]["text"], str) and parts[0]["text"]:
        return parts[0]["text"]
    return parts


SECTION = ScenarioSection(
    schema=json.loads(resources.files(__package__).joinpath("scenario_schema.json").read_text(encoding="utf-8")),
    apply=apply,
    export=export,
)
