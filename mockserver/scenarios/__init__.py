"""Scenario files: the state a project starts from, written as YAML or JSON, and exports of any state.

Typical use::

    scenario = load_scenario("support_bot")          # fixtures/support_bot.yaml, parsed once and cached
    store.set_baseline([scenario.apply])              # every project starts from it
    document = export_project(store, "sk-test")        # and back: any state as a scenario document

The format is described by ``schema.json`` (shipped in this package) and docs/scenarios.md.
"""

from __future__ import annotations

from mockserver.scenarios.apply import Scenario
from mockserver.scenarios.cache import CACHE
from mockserver.scenarios.export import dump, dump_json, dump_yaml, export_project, save
from mockserver.scenarios.loader import (
    FIXTURES_ENV,
    ScenarioLike,
    fixtures_path,
    load_document,
    load_scenario,
    load_text,
    resolve,
    resolve_scenarios,
    validate_document,
)
from mockserver.scenarios.validate import Problem, ScenarioError, schema

__all__ = [
    "CACHE",
    "FIXTURES_ENV",
    "Problem",
    "Scenario",
    "ScenarioError",
    "ScenarioLike",
    "dump",
    "dump_json",
    "dump_yaml",
    "export_project",
    "fixtures_path",
    "load_document",
    "load_scenario",
    "load_text",
    "resolve",
    "resolve_scenarios",
    "save",
    "schema",
    "validate_document",
]
