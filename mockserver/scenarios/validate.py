"""Checking a scenario document against the shipped JSON Schema, with locations a person can act on.

The package does not depend on a JSON Schema library at runtime, so this module interprets the small subset
of keywords ``schema.json`` uses (:data:`SUPPORTED_KEYWORDS`; a test keeps the schema within it and checks
that ``jsonschema`` agrees). Owning the interpreter also lets errors say what was expected in plain words,
with the path inside the document (``threads[0].messages[1].role``) and the YAML line where known.
"""

from __future__ import annotations

import datetime
import difflib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from mockserver.core import errors as e
from mockserver.core.ids import PREFIXES
from mockserver.surfaces import SURFACES

#: Keywords the interpreter understands; anything else in the schema would be silently ignored.
SUPPORTED_KEYWORDS = frozenset(
    {
        "type", "const", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum", "minItems", "maxProperties",
        "properties", "additionalProperties", "required", "items", "$ref",
        # annotations (no effect on validity)
        "$schema", "$id", "$defs", "title", "description", "x-expected",
    }
)  # fmt: skip

_TYPE_NAMES = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "null": "null",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where (file, line, path inside the document) and what was expected."""

    source: str
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.path or '(top level)'}: {self.message}"


class ScenarioError(e.InvalidRequestError):
    """A scenario that cannot be loaded or applied. ``problems`` lists every issue found, one per line in ``str``.

    An :class:`~mockserver.core.errors.InvalidRequestError`, so a control endpoint that applies scenarios answers
    400 with the text instead of a 500.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        first = self.problems[0] if self.problems else None
        super().__init__(
            "\n".join(str(p) for p in self.problems), param=first.path if first else None, code="invalid_scenario"
        )


@cache
def schema() -> dict[str, Any]:
    """The scenario format's JSON Schema: the document-wide part (``mockserver/scenarios/schema.json``) with each
    registered surface's sections merged in, after ``id_counters`` and in registry order."""
    text = resources.files(__package__).joinpath("schema.json").read_text(encoding="utf-8")
    base: dict[str, Any] = json.loads(text)
    properties: dict[str, Any] = {}
    defs: dict[str, Any] = dict(base["$defs"])
    for key, value in base["properties"].items():
        properties[key] = value
        if key == "id_counters":
            # Every kind of id (core/ids.py KINDS) has a counter; a surface adding a kind need not edit this file.
            counters = dict(value["properties"])
            request = counters.pop("request")
            counters.update({kind: {"$ref": "#/$defs/counter"} for kind in PREFIXES if kind not in counters})
            properties[key] = {**value, "properties": {**counters, "request": request}}
            for surface in SURFACES:
                if surface.scenario is not None:
                    properties.update(surface.scenario.schema.get("properties", {}))
                    defs.update(surface.scenario.schema.get("$defs", {}))
    return {**base, "properties": properties, "$defs": defs}


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def describe(value: Any) -> str:
    """How a value is named in messages: its JSON type, plus the value itself when short."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return f"{_kind(value)} ({value})"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"a string ({json.dumps(shown)})"
    return _kind(value)


def _kind(value: Any) -> str:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return "a timestamp (write Unix seconds as an integer)"
    for name, article in _TYPE_NAMES.items():
        if _is_type(value, name):
            return article
    return f"a {type(value).__name__}"


def _is_type(value: Any, name: str) -> bool:
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "string":
        return isinstance(value, str)
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if name == "boolean":
        return isinstance(value, bool)
    return value is None


def same(value: Any, expected: Any) -> bool:
    """JSON equality: Python's ``True == 1`` would let ``version: yes`` (a YAML boolean) pass as version 1."""
    if isinstance(value, bool) or isinstance(expected, bool):
        return type(value) is type(expected) and value == expected
    return bool(value == expected)


def _resolve(ref: str) -> dict[str, Any]:
    if not ref.startswith("#/$defs/"):
        raise ValueError(f"unsupported $ref {ref!r}")
    resolved: dict[str, Any] = schema()["$defs"][ref.removeprefix("#/$defs/")]
    return resolved


def check(value: Any, node: dict[str, Any] | None = None, path: str = "") -> Iterator[tuple[str, str]]:
    """Yield ``(path, message)`` for every way ``value`` breaks the schema (the whole document by default)."""
    node = schema() if node is None else node
    if "$ref" in node:
        node = _resolve(node["$ref"])
    types = node.get("type")
    if types is not None:
        allowed = [types] if isinstance(types, str) else list(types)
        if not any(_is_type(value, t) for t in allowed):
            expected = " or ".join(_TYPE_NAMES[t] for t in allowed)
            yield path, f"expected {expected}, got {describe(value)}"
            return
    if "const" in node and not same(value, node["const"]):
        yield path, f"expected {json.dumps(node['const'])}, got {describe(value)}"
        return
    if "enum" in node and not any(same(value, choice) for choice in node["enum"]):
        choices = ", ".join(json.dumps(c) for c in node["enum"])
        yield path, f"expected one of {choices}, got {describe(value)}"
        return
    if isinstance(value, str):
        yield from _check_string(value, node, path)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in node and value < node["minimum"]:
            yield path, f"expected a value >= {node['minimum']}, got {value}"
        if "maximum" in node and value > node["maximum"]:
            yield path, f"expected a value <= {node['maximum']}, got {value}"
    elif isinstance(value, list):
        yield from _check_array(value, node, path)
    elif isinstance(value, dict):
        yield from _check_object(value, node, path)


def _check_string(value: str, node: dict[str, Any], path: str) -> Iterator[tuple[str, str]]:
    if "minLength" in node and len(value) < node["minLength"]:
        minimum = node["minLength"]
        yield path, "expected a non-empty string" if minimum == 1 else f"expected at least {minimum} characters"
    if "maxLength" in node and len(value) > node["maxLength"]:
        yield path, f"expected at most {node['maxLength']} characters, got {len(value)}"
    if "pattern" in node and not re.search(node["pattern"], value):
        expected = node.get("x-expected") or f"a string matching {node['pattern']}"
        yield path, f"expected {expected}, got {describe(value)}"


def _check_array(value: list[Any], node: dict[str, Any], path: str) -> Iterator[tuple[str, str]]:
    if "minItems" in node and len(value) < node["minItems"]:
        yield path, f"expected at least {node['minItems']} item(s), got an empty array"
    if "items" in node:
        for index, item in enumerate(value):
            yield from check(item, node["items"], join(path, index))


def _check_object(value: dict[Any, Any], node: dict[str, Any], path: str) -> Iterator[tuple[str, str]]:
    properties: dict[str, Any] = node.get("properties", {})
    extra = node.get("additionalProperties", True)
    for name in node.get("required", []):
        if name not in value:
            yield path, f"missing required key '{name}'"
    if "maxProperties" in node and len(value) > node["maxProperties"]:
        yield path, f"expected at most {node['maxProperties']} keys, got {len(value)}"
    for key, item in value.items():
        if not isinstance(key, str):
            yield path, f"keys must be strings, got {describe(key)} (quote it)"
            continue
        where = join(path, key)
        if key in properties:
            yield from check(item, properties[key], where)
        elif extra is False:
            yield where, _unknown_key(key, list(properties))
        elif isinstance(extra, dict):
            yield from check(item, extra, where)


def _unknown_key(key: str, allowed: list[str]) -> str:
    hint = difflib.get_close_matches(key, allowed, n=1)
    suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
    return f"unknown key '{key}' (allowed: {', '.join(allowed)}){suggestion}"
