"""Checking a JSON value against a JSON Schema (the structured-outputs subset), with readable located errors,
and the checks strict structured outputs make of a schema itself.

``validate(schema, instance)`` returns every problem as ``"$.path: what is wrong"`` (empty: valid); a scripted
reply that breaks a strict schema is reported with these. ``strict_problem(schema)`` says, in the real API's
words, why strict mode refuses a schema. Standard library only (no jsonschema at run time).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import unquote


class SchemaError(ValueError):
    """The schema cannot be satisfied by any (finite) instance, or a ``$ref`` does not resolve."""


def resolve_ref(root: Any, ref: Any) -> Any:
    """The schema a local ``$ref`` (``#/$defs/Name``, JSON-pointer escapes allowed) points at."""
    if not isinstance(ref, str) or not ref.startswith("#"):
        raise SchemaError(f"only local $ref values are supported, not {ref!r}")
    node = root
    for raw in [p for p in ref[1:].split("/") if p] if ref != "#" else []:
        key = unquote(raw).replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            raise SchemaError(f"$ref {ref!r} does not resolve")
    return node


def validate(schema: Any, instance: Any, *, root: Any = None) -> list[str]:
    """Every way ``instance`` breaks ``schema``, as ``"$.a[0].b: <problem>"``; ``[]`` when it is valid."""
    errors: list[str] = []
    _check(schema, instance, "$", schema if root is None else root, errors, 0)
    return errors


def _check(s: Any, x: Any, at: str, root: Any, out: list[str], depth: int) -> None:
    if s is True or s is None:
        return
    if s is False:
        out.append(f"{at}: no value is allowed here")
        return
    if not isinstance(s, Mapping) or depth > 200:
        return
    if "$ref" in s:
        try:
            _check(resolve_ref(root, s["$ref"]), x, at, root, out, depth + 1)
        except SchemaError as exc:
            out.append(f"{at}: {exc}")
    types = s.get("type")
    if types is not None:
        allowed = [types] if isinstance(types, str) else list(types)
        if s.get("nullable") is True:
            allowed.append("null")
        if not any(_is_type(x, t) for t in allowed):
            wanted = " or ".join(repr(t) for t in allowed)
            out.append(f"{at}: {_short(x)} is not of type {wanted}")
            return
    if "const" in s and not _equal(x, s["const"]):
        out.append(f"{at}: {_short(x)} was expected to be {_short(s['const'])}")
    if isinstance(s.get("enum"), list) and not any(_equal(x, e) for e in s["enum"]):
        out.append(f"{at}: {_short(x)} is not one of {_short(s['enum'])}")
    if isinstance(x, str):
        _check_string(s, x, at, out)
    elif _is_type(x, "number"):
        _check_number(s, x, at, out)
    elif isinstance(x, list):
        _check_array(s, x, at, root, out, depth)
    elif isinstance(x, dict):
        _check_object(s, x, at, root, out, depth)
    for part in s.get("allOf", []) if isinstance(s.get("allOf"), list) else []:
        _check(part, x, at, root, out, depth + 1)
    for key in ("anyOf", "oneOf"):
        branches = s.get(key)
        if isinstance(branches, list):
            passing = sum(1 for b in branches if not _sub_errors(b, x, at, root, depth))
            if passing == 0:
                out.append(f"{at}: {_short(x)} matches none of the {key} alternatives")
            elif key == "oneOf" and passing > 1:
                out.append(f"{at}: {_short(x)} matches {passing} of the oneOf alternatives, exactly one is allowed")
    if "not" in s and not _sub_errors(s["not"], x, at, root, depth):
        out.append(f"{at}: {_short(x)} must not match the 'not' schema")


def _sub_errors(s: Any, x: Any, at: str, root: Any, depth: int) -> list[str]:
    errors: list[str] = []
    _check(s, x, at, root, errors, depth + 1)
    return errors


def _is_type(x: Any, t: Any) -> bool:
    if t == "null":
        return x is None
    if t == "boolean":
        return isinstance(x, bool)
    if t == "integer":
        return not isinstance(x, bool) and (isinstance(x, int) or (isinstance(x, float) and x.is_integer()))
    if t == "number":
        return not isinstance(x, bool) and isinstance(x, (int, float))
    if t == "string":
        return isinstance(x, str)
    if t == "array":
        return isinstance(x, list)
    if t == "object":
        return isinstance(x, dict)
    return False


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(p, q) for p, q in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return bool(type(a) is type(b) or (_is_type(a, "number") and _is_type(b, "number"))) and bool(a == b)


def _check_string(s: Mapping[str, Any], x: str, at: str, out: list[str]) -> None:
    if isinstance(s.get("minLength"), int) and len(x) < s["minLength"]:
        out.append(f"{at}: {_short(x)} is shorter than {s['minLength']} characters")
    if isinstance(s.get("maxLength"), int) and len(x) > s["maxLength"]:
        out.append(f"{at}: {_short(x)} is longer than {s['maxLength']} characters")
    pattern = s.get("pattern")
    if isinstance(pattern, str):
        try:
            if not re.search(pattern, x):
                out.append(f"{at}: {_short(x)} does not match the pattern {pattern!r}")
        except re.error:
            pass  # an ECMA-only pattern Python cannot compile: not checked
    fmt = s.get("format")
    if isinstance(fmt, str) and not _format_ok(fmt, x):
        out.append(f"{at}: {_short(x)} is not a valid {fmt!r}")


def _format_ok(fmt: str, x: str) -> bool:
    try:
        if fmt == "date":
            return bool(re.fullmatch(r"\d{4}-\d\d-\d\d", x)) and bool(date.fromisoformat(x))
        if fmt == "date-time":
            ok = re.fullmatch(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)", x)
            return bool(ok) and bool(datetime.fromisoformat(x.upper().replace("Z", "+00:00").replace(" ", "T")))
        if fmt == "uuid":
            return bool(re.fullmatch(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}", x))
        if fmt in ("email", "idn-email"):
            return bool(re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", x))
        if fmt in ("uri", "iri"):
            return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]*:\S*", x))
    except ValueError:
        return False
    return True  # formats outside the subset are annotations, as JSON Schema's default says


def _check_number(s: Mapping[str, Any], x: float, at: str, out: list[str]) -> None:
    lo, lo_open = bound(s, "minimum", "exclusiveMinimum", max)
    hi, hi_open = bound(s, "maximum", "exclusiveMaximum", min)
    if lo is not None and (x < lo or (lo_open and x == lo)):
        out.append(f"{at}: {x!r} is {'not greater than' if lo_open else 'less than the minimum of'} {lo!r}")
    if hi is not None and (x > hi or (hi_open and x == hi)):
        out.append(f"{at}: {x!r} is {'not less than' if hi_open else 'greater than the maximum of'} {hi!r}")
    step = s.get("multipleOf")
    if isinstance(step, (int, float)) and not isinstance(step, bool) and step > 0:
        try:
            remainder = Decimal(repr(x)) % Decimal(repr(step))
        except (InvalidOperation, ValueError):
            remainder = Decimal(0)
        if remainder != 0:
            out.append(f"{at}: {x!r} is not a multiple of {step!r}")


def _check_array(s: Mapping[str, Any], x: list[Any], at: str, root: Any, out: list[str], depth: int) -> None:
    if isinstance(s.get("minItems"), int) and len(x) < s["minItems"]:
        out.append(f"{at}: expected at least {s['minItems']} items, got {len(x)}")
    if isinstance(s.get("maxItems"), int) and len(x) > s["maxItems"]:
        out.append(f"{at}: expected at most {s['maxItems']} items, got {len(x)}")
    items = s.get("items")
    prefix = s.get("prefixItems", items if isinstance(items, list) else [])
    rest = s.get("additionalItems", True) if isinstance(items, list) else items
    for i, item in enumerate(x):
        sub = prefix[i] if i < len(prefix) else rest
        if sub is not None:
            _check(sub, item, f"{at}[{i}]", root, out, depth + 1)
    if s.get("uniqueItems") is True:
        for i in range(len(x)):
            if any(_equal(x[i], x[j]) for j in range(i)):
                out.append(f"{at}: item {i} repeats an earlier item")
                break


def _check_object(s: Mapping[str, Any], x: dict[str, Any], at: str, root: Any, out: list[str], depth: int) -> None:
    for key in s.get("required", []) if isinstance(s.get("required"), list) else []:
        if key not in x:
            out.append(f"{at}: {key!r} is a required property")
    props: Mapping[str, Any] = s["properties"] if isinstance(s.get("properties"), Mapping) else {}
    extra = s.get("additionalProperties", True)
    for key, value in x.items():
        where = f"{at}.{key}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) else f"{at}[{key!r}]"
        if key in props:
            _check(props[key], value, where, root, out, depth + 1)
        elif extra is False:
            out.append(f"{at}: additional property {key!r} is not allowed")
        else:
            _check(extra, value, where, root, out, depth + 1)
    if isinstance(s.get("minProperties"), int) and len(x) < s["minProperties"]:
        out.append(f"{at}: expected at least {s['minProperties']} properties, got {len(x)}")
    if isinstance(s.get("maxProperties"), int) and len(x) > s["maxProperties"]:
        out.append(f"{at}: expected at most {s['maxProperties']} properties, got {len(x)}")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def bound(s: Mapping[str, Any], closed: str, opened: str, pick: Any) -> tuple[float | None, bool]:
    """The tightest lower (``pick=max``) or upper (``min``) bound and whether it is exclusive."""
    found: list[tuple[float, bool]] = []
    for key, is_open in ((closed, False), (opened, True)):
        value = s.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            found.append((value, is_open))
        elif value is True and is_open and isinstance(s.get(closed), (int, float)):  # draft 4 boolean form
            found = [(s[closed], True)]
    if not found:
        return None, False
    best = pick(v for v, _ in found)
    return best, any(o for v, o in found if v == best)


def strict_problem(schema: Any) -> str | None:
    """Why structured outputs' strict mode refuses ``schema`` (the real message's tail), or ``None``.

    Strict mode wants an object at the root, ``additionalProperties: false`` on every object and every property
    listed in ``required``. The text after ``Invalid schema for response_format '<name>': `` is returned.
    """
    if not isinstance(schema, Mapping):
        return "schema must be a JSON Schema object."
    root_type = schema.get("type")
    if root_type != "object" and "$ref" not in schema and "anyOf" not in schema:
        return f"schema must be a JSON Schema of 'type: \"object\"', got 'type: \"{root_type}\"'."
    return _strict_walk(schema, ())


def _strict_walk(s: Any, context: tuple[str, ...]) -> str | None:
    if not isinstance(s, Mapping):
        return None
    is_object = s.get("type") == "object" or (isinstance(s.get("type"), list) and "object" in s["type"])
    if is_object or "properties" in s:
        if s.get("additionalProperties") is not False:
            return f"In context={context!r}, 'additionalProperties' is required to be supplied and to be false."
        props: Mapping[str, Any] = s["properties"] if isinstance(s.get("properties"), Mapping) else {}
        required: list[Any] = s["required"] if isinstance(s.get("required"), list) else []
        missing = [k for k in props if k not in required]
        if missing or not isinstance(s.get("required", []), list):
            return (
                f"In context={context!r}, 'required' is required to be supplied and to be an array including every "
                f"key in properties. Missing '{missing[0] if missing else ''}'."
            )
    children: list[tuple[tuple[str, ...], Any]] = []
    for key in ("$defs", "definitions", "properties"):
        if isinstance(s.get(key), Mapping):
            children += [((*context, key, name), sub) for name, sub in s[key].items()]
    if isinstance(s.get("items"), Mapping):
        children.append(((*context, "items"), s["items"]))
    for key in ("anyOf", "allOf", "oneOf", "prefixItems"):
        if isinstance(s.get(key), list):
            children += [((*context, key, str(i)), sub) for i, sub in enumerate(s[key])]
    for where, sub in children:
        problem = _strict_walk(sub, where)
        if problem:
            return problem
    return None
