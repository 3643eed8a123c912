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

from mockserver.core import errors as e
from mockserver.model.script import DEFAULT_SETTINGS
from mockserver.scenarios.validate import Problem, ScenarioError
from mockserver.surfaces import SURFACES

#: What ``list_faults`` adds to a fault that is not part of it: the owner, and a count derived from the rest.
_FAULT_STATE_KEYS = ("project", "remaining")


def export_project(store: Any, project: str) -> dict[str, Any]:
    """The current state of ``project`` as a scenario document (a fresh dict the caller may edit), runs included."""
    with store._lock:  # one consistent cut across the surfaces
        document: dict[str, Any] = {"version": 1}
        if store.seed:
            document["seed"] = store.seed
        document["clock"] = store.now(project)
        counters = store.id_counters(project)
        if counters:
            document["id_counters"] = dict(sorted(counters.items()))
        for surface in SURFACES:
            if surface.scenario is not None:
                try:
                    document.update(surface.scenario.export(store, project))
                except e.MockError as err:
                    problem = Problem(f"<project {project}>", err.param or surface.name, err.message)
                    raise ScenarioError([problem]) from err
        _model_and_faults(store, project, document)
        uses = store.script.script_uses(project)
        if uses:
            document["script_uses"] = dict(uses)
    return copy.deepcopy(document)


def _model_and_faults(store: Any, project: str, document: dict[str, Any]) -> None:
    """The script, model settings and faults sections, from the operations that own them (not copied here:
    :func:`export_project` copies the whole document once)."""
    rules = store.script.list_script_rules(project)
    if rules:
        document["script"] = list(rules)
    settings = {k: v for k, v in store.script.run_settings(project).items() if DEFAULT_SETTINGS.get(k, object()) != v}
    if settings:
        document["runs"] = settings
    faults = []
    # Only the project's own faults: every-project ones belong to the server, not to this state.
    for fault in store.faults.list_faults(project):
        if fault.get("project") != project or fault.get("remaining") == 0:
            continue
        # Counters travel with the fault, so what is left of ``times`` and the seeded draws both continue.
        spec = {k: v for k, v in fault.items() if k not in _FAULT_STATE_KEYS}
        for counter in ("seen", "fired"):
            if not spec.get(counter):
                spec.pop(counter, None)
        faults.append(spec)
    if faults:
        document["faults"] = faults


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
