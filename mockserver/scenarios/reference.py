"""The format reference of docs/scenarios.md, rendered from the JSON Schema so the two cannot drift apart.

``python -m mockserver.scenarios.reference docs/scenarios.md`` rewrites the part of that file between the
``reference:start`` and ``reference:end`` markers; a test fails when the file is out of date.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from mockserver.scenarios.validate import schema

START = "<!-- reference:start (generated from the scenario JSON Schema; do not edit by hand) -->"
END = "<!-- reference:end -->"

#: Where the full schema (document-wide part plus every surface's sections) is written for editors.
SCHEMA_FILE = "docs/scenario.schema.json"


def sections() -> list[tuple[str, str]]:
    """(heading, JSON pointer into the schema) of every object the reference describes, in reading order: the
    document, then every object definition that has a ``title`` (surfaces' in registry order), then counters."""
    titled = [(node["title"], f"$defs/{name}") for name, node in schema()["$defs"].items() if "title" in node]
    return [("Document (top level)", ""), *titled, ("ID counters (`id_counters`)", "properties/id_counters")]


def _node(pointer: str) -> dict[str, Any]:
    node: dict[str, Any] = schema()
    for part in filter(None, pointer.split("/")):
        node = node[part]
    return node


def _type(node: dict[str, Any]) -> str:
    if "$ref" in node:
        name: str = node["$ref"].rsplit("/", 1)[-1]
        target = schema()["$defs"][name]
        if "title" in target:
            return name.replace("_", " ")
        return _type(target)
    if "const" in node:
        return str(json.dumps(node["const"]))
    if "enum" in node:
        return " \\| ".join(json.dumps(v) for v in node["enum"])
    types = node.get("type", "any")
    names = [types] if isinstance(types, str) else list(types)
    if "array" in names and "items" in node:
        names[names.index("array")] = f"array of {_type(node['items'])}"
    return " or ".join(names)


def _constraints(node: dict[str, Any]) -> str:
    if "$ref" in node:
        node = {**schema()["$defs"][node["$ref"].rsplit("/", 1)[-1]], **{k: v for k, v in node.items() if k != "$ref"}}
    notes = []
    if "x-expected" in node:
        notes.append(node["x-expected"])
    for key, text in (
        ("minimum", ">= {}"),
        ("maximum", "<= {}"),
        ("minLength", "at least {} character(s)"),
        ("minItems", "at least {} item(s)"),
    ):
        if key in node:
            notes.append(text.format(node[key]))
    if "maxProperties" in node:
        notes.append(f"at most {node['maxProperties']} keys")
    return "; ".join(notes)


def render() -> str:
    lines = [START, ""]
    for heading, pointer in sections():
        node = _node(pointer)
        lines += [f"### {heading}", ""]
        if node.get("description"):
            lines += [node["description"], ""]
        required = set(node.get("required", []))
        lines += ["| Key | Type | Required | Constraints | Description |", "| --- | --- | --- | --- | --- |"]
        for key, prop in node.get("properties", {}).items():
            description = prop.get("description") or ""
            if not description and "$ref" in prop:
                description = schema()["$defs"][prop["$ref"].rsplit("/", 1)[-1]].get("description", "")
            row = [f"`{key}`", _type(prop), "yes" if key in required else "", _constraints(prop), description]
            lines.append(
                "| " + " | ".join(cell.replace("|", "\\|") if i != 1 else cell for i, cell in enumerate(row)) + " |"
            )
        if node.get("additionalProperties") is False:
            lines += ["", "Any other key is an error."]
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def schema_text() -> str:
    return json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"


def update(path: Path) -> bool:
    """Rewrite the generated part of ``path`` and the schema file beside it; True if either changed."""
    schema_path = path.parent / Path(SCHEMA_FILE).name
    old_schema = schema_path.read_text(encoding="utf-8") if schema_path.exists() else ""
    if old_schema != schema_text():
        schema_path.write_text(schema_text(), encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    new = head + render() + tail
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text or old_schema != schema_text()


if __name__ == "__main__":  # pragma: no cover
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/scenarios.md")
    print(f"{target}: {'updated' if update(target) else 'up to date'}")
