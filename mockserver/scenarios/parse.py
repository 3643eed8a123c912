"""Reading scenario text (YAML or JSON) into plain values, with the line each document path starts on.

YAML goes through PyYAML's safe loader, composed once: the node tree gives line numbers and duplicate keys
(which ``safe_load`` would silently collapse to the last one), then the same tree is constructed into values.
JSON is parsed by :mod:`json` (exact JSON semantics); its lines are only looked up, lazily, when a problem
needs one, by composing the text as YAML (JSON is, for this purpose, YAML).
"""

from __future__ import annotations

import json
from math import isfinite
from typing import Any

import yaml

from mockserver.core.jsonlimits import bad_string, value_problem
from mockserver.scenarios.validate import Problem, ScenarioError, join

#: Deepest nesting a document may have: far beyond any API object, well within Python's recursion limit (the store
#: and the JSON encoder walk values recursively).
MAX_DEPTH = 100
#: Objects and arrays that YAML aliases may add to a document once expanded. Reusing a block a few hundred times
#: is fine; nested aliases multiplying into millions ("billion laughs") would be served back expanded.
ALIAS_EXPANSION_LIMIT = 100_000
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
            except RecursionError:
                pass
        raise ScenarioError([_syntax_problem(error, text, source)]) from None
    except RecursionError:
        raise ScenarioError([_too_deep(source)]) from None


def _too_deep(source: str) -> Problem:
    return Problem(source, "", f"nested more than {MAX_DEPTH} levels deep")


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


def _syntax_problem(exc: yaml.YAMLError, text: str, source: str) -> Problem:
    if isinstance(exc, yaml.reader.ReaderError):
        # Its str() spans two lines and names an offset; a person needs the line and column.
        row = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        what = f"unacceptable character #x{exc.character:04x}: {exc.reason}"
        return Problem(source, "", f"invalid YAML: {what} (line {row}, column {column})", row)
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
    except RecursionError:
        raise ScenarioError([_too_deep(source)]) from None
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
    """``path -> 1-based line`` (a mapping entry's line is its key's) and the ``(path, line)`` of duplicate keys.

    An alias is the very node its anchor made, so each node is walked once: a recursive alias cannot loop and an
    alias bomb cannot expand here (paths under an alias fall back to the alias's own line).
    """
    lines: dict[str, int] = {}
    duplicates: list[tuple[str, int]] = []
    walked: set[int] = set()
    stack: list[tuple[yaml.Node, str]] = [(node, "")] if node is not None else []
    while stack:
        current, path = stack.pop()
        lines.setdefault(path, current.start_mark.line + 1)
        if id(current) in walked:
            continue
        walked.add(id(current))
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


def structure_problems(document: Any) -> list[tuple[str, str]]:
    """A value that refers to itself, is nested too deeply or that aliases blow up: ``(path, message)``, else ``[]``.

    Checked before anything else walks the document (the schema check, the store, the JSON encoder), all of which
    would loop, overflow the stack or expand an alias bomb. Each container is walked once; its expanded size and
    height are memoised, so the check costs the same as the file is long.
    """
    measured: dict[int, tuple[int, int]] = {}  # id -> (containers once expanded, levels below and including it)
    open_ids: set[int] = set()
    walked = 0
    stack: list[tuple[Any, str, int, bool]] = [(document, "", 0, False)]
    while stack:
        value, path, depth, finished = stack.pop()
        if not isinstance(value, (dict, list)):
            # What a request may not store, a document may not hold either (core/jsonlimits.py).
            if (isinstance(value, str) and bad_string(value)) or (isinstance(value, float) and not isfinite(value)):
                return [(path, "is not valid JSON: " + (value_problem(value) or ""))]
            continue
        children = list(value.values() if isinstance(value, dict) else value)
        if finished:
            inner = [measured[id(c)] for c in children if isinstance(c, (dict, list))]
            measured[id(value)] = (1 + sum(s for s, _ in inner), 1 + max((h for _, h in inner), default=0))
            open_ids.discard(id(value))
            continue
        if id(value) in open_ids:
            return [(path, "refers to itself (a recursive YAML alias); expected a finite value")]
        height = measured[id(value)][1] if id(value) in measured else 1
        if depth + height > MAX_DEPTH:
            return [(path, f"nested more than {MAX_DEPTH} levels deep")]
        if id(value) in measured:
            continue
        open_ids.add(id(value))
        walked += 1
        stack.append((value, path, depth, True))
        items = value.items() if isinstance(value, dict) else enumerate(value)
        if isinstance(value, dict) and any(isinstance(k, str) and bad_string(k) for k in value):
            return [(path, "a key contains a lone surrogate (not valid Unicode)")]
        stack.extend((child, join(path, key), depth + 1, False) for key, child in reversed(list(items)))
    extra = (measured[id(document)][0] if id(document) in measured else 0) - walked
    if extra > ALIAS_EXPANSION_LIMIT:
        message = (
            f"YAML aliases expand this document by {extra} objects and arrays (at most {ALIAS_EXPANSION_LIMIT} allowed)"
        )
        return [("", message)]
    return []
