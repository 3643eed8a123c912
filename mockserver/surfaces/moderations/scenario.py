"""The moderations surface's section of scenario files and exports: ``moderation_rules``."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from mockserver.core.surface import ScenarioSection

RULE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["match", "categories"],
    "properties": {
        "name": {"type": "string"},
        "match": {
            "description": "Case-insensitive 'equals' / 'contains', or a 'regex'; all given must hold.",
            "type": "object",
            "additionalProperties": False,
            "properties": {"equals": {"type": "string"}, "contains": {"type": "string"}, "regex": {"type": "string"}},
        },
        "categories": {
            "description": "Category names (scored 0.9), or category -> score in 0..1 (flagged from 0.5).",
            "type": ["array", "object"],
        },
    },
}
SCHEMA: dict[str, Any] = {
    "properties": {
        "moderation_rules": {
            "description": "Rules that flag moderation inputs they match (docs/chat.md, 'Moderations').",
            "type": "array",
            "items": {"$ref": "#/$defs/moderation_rule"},
        }
    },
    "$defs": {"moderation_rule": RULE_SCHEMA},
}


def apply(store: Any, project: str, doc: Mapping[str, Any]) -> None:
    if "moderation_rules" in doc:
        store.moderations.add_rules(project, copy.deepcopy(doc["moderation_rules"]))


def export(store: Any, project: str) -> dict[str, Any]:
    rules = store.moderations.rules(project)
    return {"moderation_rules": copy.deepcopy(rules)} if rules else {}


SECTION = ScenarioSection(schema=SCHEMA, apply=apply, export=export)
