"""Freezing a project's current state into a scenario document, and writing documents as YAML or JSON.

The export is exact: every object keeps its ID and ``created_at``, listings keep their order, runs come with
their steps (and, while active, the scripted-model state they need to continue), the clock's current value is
written as ``clock`` and the ID counters as ``id_counters``, so objects created after loading the export get
the same deterministic IDs and timestamps as they would have in the original (docs/scenarios.md, "Export").
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml

from mockserver.scenarios.validate import Problem, ScenarioError
from mockserver.surfaces.assistants import shapes as models

#: Message fields only a run sets, with the values a message created by a request has.
_RUN_ONLY_DEFAULTS = {
    "assistant_id": None,
    "run_id": None,
    "status": "completed",
    "completed_at": None,
    "incomplete_at": None,
    "incomplete_details": None,
}
#: What ``list_faults`` adds to a fault that is not part of it: the owner, and a count derived from the rest.
_FAULT_STATE_KEYS = ("project", "remaining")


def export_project(store: Any, project: str) -> dict[str, Any]:
    """The current state of ``project`` as a scenario document (a fresh dict the caller may edit), runs included."""
    state = copy.deepcopy(store.export_state(project))
    source = f"<project {project}>"
    document: dict[str, Any] = {"version": 1}
    if state["seed"]:
        document["seed"] = state["seed"]
    document["clock"] = state["clock"]
    if state["id_counters"]:
        document["id_counters"] = dict(sorted(state["id_counters"].items()))
    if state["assistants"]:
        document["assistants"] = [_assistant(a) for a in state["assistants"]]
    threads = [_thread(item, f"threads[{index}]", source) for index, item in enumerate(state["threads"])]
    if threads:
        document["threads"] = threads
    _extensions(store, project, document)
    if state.get("script_uses"):
        document["script_uses"] = dict(state["script_uses"])
    return document


def _assistant(assistant: dict[str, Any]) -> dict[str, Any]:
    defaults = models.assistant("", 0, {"model": assistant["model"]})
    result = {"id": assistant["id"], "created_at": assistant["created_at"], "model": assistant["model"]}
    for key, value in assistant.items():
        if key not in ("id", "object", "created_at", "model") and value != defaults.get(key):
            result[key] = value
    return result


def _thread(item: dict[str, Any], where: str, source: str) -> dict[str, Any]:
    data = item["thread"]
    thread: dict[str, Any] = {"id": data["id"], "created_at": data["created_at"]}
    if data.get("metadata"):
        thread["metadata"] = data["metadata"]
    if data.get("tool_resources"):
        thread["tool_resources"] = data["tool_resources"]
    messages = [_message(m, f"{where}.messages[{i}]", source) for i, m in enumerate(item["messages"])]
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


def _message(message: dict[str, Any], where: str, source: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "id": message["id"],
        "created_at": message["created_at"],
        "role": message["role"],
        "content": _content(message["content"], where, source),
    }
    if message.get("attachments"):
        result["attachments"] = message["attachments"]
    if message.get("metadata"):
        result["metadata"] = message["metadata"]
    for key, default in _RUN_ONLY_DEFAULTS.items():
        if message.get(key) != default:
            result[key] = message[key]
    return result


def _content(blocks: list[dict[str, Any]], where: str, source: str) -> Any:
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
            message = f"content of type '{block['type']}' cannot be exported"
            raise ScenarioError([Problem(source, f"{where}.content[{index}]", message)])
    if len(parts) == 1 and parts[0]["type"] == "text" and isinstance(parts[0]["text"], str) and parts[0]["text"]:
        return parts[0]["text"]
    return parts


def _extensions(store: Any, project: str, document: dict[str, Any]) -> None:
    """The script, run settings and faults sections, from the operations that own them (when they exist)."""
    if hasattr(store, "list_script_rules"):
        rules = store.list_script_rules(project)
        if rules:
            document["script"] = copy.deepcopy(rules)
    if hasattr(store, "run_settings"):
        defaults = _default_run_settings()
        settings = {k: v for k, v in store.run_settings(project).items() if defaults.get(k, object()) != v}
        if settings:
            document["runs"] = copy.deepcopy(settings)
    if hasattr(store, "list_faults"):
        faults = []
        # Only the project's own faults: every-project ones belong to the server, not to this state.
        for fault in store.list_faults(project):
            if fault.get("project") != project or fault.get("remaining") == 0:
                continue
            # Counters travel with the fault, so what is left of ``times`` and the seeded draws both continue.
            spec = {k: copy.deepcopy(v) for k, v in fault.items() if k not in _FAULT_STATE_KEYS}
            for counter in ("seen", "fired"):
                if not spec.get(counter):
                    spec.pop(counter, None)
            faults.append(spec)
        if faults:
            document["faults"] = faults


def _default_run_settings() -> dict[str, Any]:
    try:
        from mockserver.surfaces.assistants.runs.state import DEFAULT_SETTINGS
    except ImportError:  # pragma: no cover - before the runs feature exists
        return {}
    return dict(DEFAULT_SETTINGS)


class _Dumper(yaml.SafeDumper):
    """Readable YAML that reads back exactly."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # PyYAML writes NEL and the Unicode line separators raw in plain and single-quoted scalars, where the
    # reader folds them into spaces; only the double-quoted style escapes them.
    style = '"' if any(ch in value for ch in "\x85\u2028\u2029") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(document: Any) -> str:
    text: str = yaml.dump(
        document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )
    return text


def dump_json(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def dump(document: Any, format: str = "yaml") -> str:
    """``document`` as scenario text: ``format`` is ``"yaml"`` or ``"json"``."""
    if format not in ("yaml", "json"):
        raise ValueError(f"unknown format {format!r} (expected 'yaml' or 'json')")
    return dump_json(document) if format == "json" else dump_yaml(document)


def save(document: Any, path: str | Path) -> Path:
    """Write ``document`` to ``path``, as JSON if it ends in ``.json``, else YAML."""
    target = Path(path)
    target.write_text(dump(document, "json" if target.suffix.lower() == ".json" else "yaml"), encoding="utf-8")
    return target
