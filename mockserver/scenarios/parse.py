"""Reading scenario text (YAML or JSON) into plain values, with the line each document path starts on.

YAML goes through PyYAML's safe loader, composed once: the node tree gives line numbers and duplicate keys
(which ``safe_load`` would silently collapse to the last one), then the same tree is constructed into values.
JSON is parsed by :mod:`json` (exact JSON semantics); its lines are only looked up, lazily, when a problem
needs one, by composing the text as YAML (JSON is, for this purpose, YAML).
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from .validate import Problem, ScenarioError, join

#: Node visits after which line bookkeeping stops (alias-heavy YAML can expand exponentially).
LINE_BUDGET = 200_000
_MERGE_TAG = "tag:yaml.org,2002:merge"
#: libyaml's loader when PyYAML was built with it (about ten times faster), else the pure-Python one.
SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def parse_yaml(text: str, source: str) -> tuple[Any, dict[str, int]]:
    try:
        return _parse_yaml(text, source, SafeLoader)
    except yaml.YAMLError as first:
        error = first
        if SafeLoader is not yaml.SafeLoader:
            # libyaml words syntax errors differently: report them the same whichever loader is installed.
            try:
                _parse_yaml(text, source, yaml.SafeLoader)
            except yaml.YAMLError as pure:
                error = pure
        raise ScenarioError([_syntax_problem(error, source)]) from None


def _parse_yaml(text: str, source: str, loader_class: Any) -> tuple[Any, dict[str, int]]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        lines, duplicates = node_lines(node)
        if duplicates:
            raise ScenarioError([Problem(source, path, "duplicate key", line) for path, line in duplicates])
        value = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return value, lines


def _syntax_problem(exc: yaml.YAMLError, source: str) -> Problem:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = f", column {mark.column + 1}" if mark else ""
        what = exc.problem or exc.context or "syntax error"
        return Problem(source, "", f"invalid YAML: {what} (line {line}{column})", line)
    return Problem(source, "", f"invalid YAML: {exc}")


def parse_json(text: str, source: str) -> Any:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                raise _DuplicateKey(key)
            result[key] = value
        return result

    try:
        return json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        message = f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        raise ScenarioError([Problem(source, "", message, exc.lineno)]) from None
    except _DuplicateKey as exc:
        _, duplicates = yaml_lines(text)
        if duplicates:
            raise ScenarioError([Problem(source, path, "duplicate key", line) for path, line in duplicates]) from None
        raise ScenarioError([Problem(source, "", f"duplicate key '{exc.key}'")]) from None


def yaml_lines(text: str) -> tuple[dict[str, int], list[tuple[str, int]]]:
    """Best-effort line map (and duplicate keys) for text that may not be valid YAML: empty on failure."""
    try:
        return node_lines(yaml.compose(text, Loader=SafeLoader))
    except yaml.YAMLError:
        return {}, []


def node_lines(node: yaml.Node | None) -> tuple[dict[str, int], list[tuple[str, int]]]:
    """``path -> 1-based line`` (a mapping entry's line is its key's) and the ``(path, line)`` of duplicate keys."""
    lines: dict[str, int] = {}
    duplicates: list[tuple[str, int]] = []
    budget = LINE_BUDGET
    stack: list[tuple[yaml.Node, str]] = [(node, "")] if node is not None else []
    while stack and budget > 0:
        current, path = stack.pop()
        budget -= 1
        lines.setdefault(path, current.start_mark.line + 1)
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in current.value:
                if key_node.tag == _MERGE_TAG or not isinstance(key_node, yaml.ScalarNode):
                    continue
                child = join(path, str(key_node.value))
                if key_node.value in seen:
                    duplicates.append((child, key_node.start_mark.line + 1))
                seen.add(key_node.value)
                lines[child] = key_node.start_mark.line + 1
                stack.append((value_node, child))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((item, join(path, index)) for index, item in enumerate(current.value))
    duplicates.sort(key=lambda item: item[1])
    return lines, duplicates
