"""Structured outputs: a deterministic JSON instance for a JSON Schema, and a validator with readable errors.

The subset is what structured outputs accept (and what pydantic models turned into schemas by the SDK's
``.parse()`` helpers produce): ``type`` (also as a list, and OpenAPI ``nullable``), object ``properties`` /
``required`` / ``additionalProperties`` / ``min|maxProperties``, array ``items`` / ``prefixItems`` /
``min|maxItems`` / ``uniqueItems``, string ``enum`` / ``const`` / ``format`` / ``min|maxLength`` / ``pattern``,
number bounds and ``multipleOf``, ``anyOf`` / ``oneOf`` / ``allOf`` / ``not``, ``$ref`` into ``$defs`` or
``definitions``. Unknown keywords are ignored, as JSON Schema says.

``instance_for(schema)`` is a pure function of the schema (and ``variant``, which makes ``n > 1`` choices
differ): strings default to their property name, numbers to the allowed value closest to zero, arrays to one
item, objects to every listed property. ``pattern`` is honoured best effort (a string is built from the regex
and checked). ``validate(schema, instance)`` returns every problem as ``"$.path: what is wrong"``; an empty
list means valid. Neither imports anything outside the standard library.
"""

from __future__ import annotations

import importlib
import math
import re
import uuid
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import unquote

#: Beyond this nesting the generator goes minimal (fewest items, required keys only, simplest union branch)
#: so recursive schemas end; beyond HARD_DEPTH the schema has no finite instance.
SOFT_DEPTH = 6
HARD_DEPTH = 48

FORMAT_EXAMPLES: dict[str, str] = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "00:00:00Z",
    "duration": "P1D",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uri": "https://example.com/",
    "iri": "https://example.com/",
    "uri-reference": "https://example.com/",
    "uuid": "00000000-0000-4000-8000-000000000000",
}
JSON_TYPES = ("object", "array", "string", "integer", "number", "boolean", "null")


class SchemaError(ValueError):
    """The schema cannot be satisfied by any (finite) instance, or a ``$ref`` does not resolve."""


# ---------------------------------------------------------------------------------------------- generation


def instance_for(schema: Any, *, variant: int = 0) -> Any:
    """A JSON value valid against ``schema`` (best effort for ``pattern``); ``variant`` picks a sibling value."""
    return _Generator(schema, variant).make(schema, (), 0, None)


class _Generator:
    def __init__(self, root: Any, variant: int) -> None:
        self.root = root
        self.variant = variant

    def make(self, schema: Any, path: tuple[str, ...], depth: int, hint: str | None) -> Any:
        if depth > HARD_DEPTH:
            raise SchemaError(f"the schema has no finite instance (recursion at {_render(path)})")
        if schema is True or schema == {}:
            return None
        if schema is False or not isinstance(schema, Mapping):
            raise SchemaError(f"no value satisfies the schema at {_render(path)}")
        if "$ref" in schema:
            target = resolve_ref(self.root, schema["$ref"])
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            merged = {**target, **rest} if isinstance(target, Mapping) and rest else target
            return self.make(merged, path, depth + 1, hint)
        if "const" in schema:
            return schema["const"]
        if "enum" in schema:
            return self._enum(schema)
        for key in ("anyOf", "oneOf"):
            if isinstance(schema.get(key), list):
                return self._union(schema, key, path, depth, hint)
        if isinstance(schema.get("allOf"), list):
            return self._all_of(schema, path, depth, hint)
        candidates: list[Any] = []
        for typ in _types(schema):
            try:
                value = self._typed(typ, schema, path, depth, hint)
            except SchemaError:
                continue
            if not validate(schema, value, root=self.root):
                return value
            candidates.append(value)
        if candidates:
            return candidates[0]  # best effort: a pattern we could not satisfy
        raise SchemaError(f"no value satisfies the schema at {_render(path)}")

    def _enum(self, schema: Mapping[str, Any]) -> Any:
        rest = {k: v for k, v in schema.items() if k != "enum"}
        values = [x for x in schema["enum"] if not validate(rest, x, root=self.root)]
        if not values:
            raise SchemaError("no enum value satisfies the schema")
        return values[self.variant % len(values)]

    def _union(self, schema: Mapping[str, Any], key: str, path: tuple[str, ...], depth: int, hint: str | None) -> Any:
        rest = {k: v for k, v in schema.items() if k != key}
        branches: list[Any] = list(schema[key])
        order = list(range(len(branches)))
        if depth >= SOFT_DEPTH:  # the simplest branches first, so recursive unions end in null or a leaf
            order.sort(key=lambda i: len(repr(branches[i])))
        for i in order:
            branch = branches[i]
            try:
                value = self.make(_merge(rest, branch), (*path, key, str(i)), depth + 1, hint)
            except SchemaError:
                continue
            if not validate(schema, value, root=self.root):
                return value
        raise SchemaError(f"no branch of {key} at {_render(path)} can be satisfied")

    def _all_of(self, schema: Mapping[str, Any], path: tuple[str, ...], depth: int, hint: str | None) -> Any:
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            part = self._deref(part)
            merged = _merge(merged, part)
        value = self.make(merged, path, depth + 1, hint)
        if validate(schema, value, root=self.root):
            raise SchemaError(f"allOf at {_render(path)} cannot be satisfied")
        return value

    def _deref(self, schema: Any) -> Any:
        seen = 0
        while isinstance(schema, Mapping) and "$ref" in schema and seen < HARD_DEPTH:
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            target = resolve_ref(self.root, schema["$ref"])
            schema = {**target, **rest} if isinstance(target, Mapping) else target
            seen += 1
        return schema

    def _typed(self, typ: str, s: Mapping[str, Any], path: tuple[str, ...], depth: int, hint: str | None) -> Any:
        if typ == "null":
            return None
        if typ == "boolean":
            return self.variant % 2 == 0
        if typ in ("integer", "number"):
            return _number(s, integer=typ == "integer", variant=self.variant)
        if typ == "string":
            return _string(s, hint, self.variant)
        if typ == "array":
            return self._array(s, path, depth)
        return self._object(s, path, depth)

    def _array(self, s: Mapping[str, Any], path: tuple[str, ...], depth: int) -> list[Any]:
        prefix = s.get("prefixItems", s["items"] if isinstance(s.get("items"), list) else [])
        items = s.get("items") if not isinstance(s.get("items"), list) else s.get("additionalItems", True)
        low = int(s.get("minItems", 0))
        high = int(s.get("maxItems", max(low, len(prefix), 1)))
        count = max(low, len(prefix)) if depth >= SOFT_DEPTH else max(low, len(prefix), 1)
        if items is False:
            count = min(count, len(prefix))
        count = min(count, high)
        out: list[Any] = []
        for i in range(count):
            sub = prefix[i] if i < len(prefix) else (True if items is None else items)
            sub_gen = _Generator(self.root, self.variant + i if s.get("uniqueItems") else self.variant)
            out.append(sub_gen.make(sub, (*path, str(i)), depth + 1, None))
        return out

    def _object(self, s: Mapping[str, Any], path: tuple[str, ...], depth: int) -> dict[str, Any]:
        props: Mapping[str, Any] = s.get("properties") or {}
        required = [k for k in s.get("required", []) if isinstance(k, str)]
        keys = required + [k for k in props if k not in required] if depth < SOFT_DEPTH else list(required)
        limit = s.get("maxProperties")
        if isinstance(limit, int):
            keys = keys[: max(limit, len(required))]
        out: dict[str, Any] = {}
        for key in keys:
            sub = props.get(key, s.get("additionalProperties", True))
            try:
                out[key] = self.make(sub, (*path, key), depth + 1, key)
            except SchemaError:
                if key in required:
                    raise
        extra = s.get("additionalProperties", True)
        n = 0
        while len(out) < int(s.get("minProperties", 0)) and extra is not False and n < 1000:
            n += 1
            out.setdefault(f"key{n}", self.make(extra, (*path, f"key{n}"), depth + 1, f"key{n}"))
        return out


def _types(schema: Mapping[str, Any]) -> list[str]:
    typ = schema.get("type")
    if isinstance(typ, str):
        types = [typ]
    elif isinstance(typ, list):  # prefer a real value over null for the default reply
        types = [t for t in typ if t != "null"] + [t for t in typ if t == "null"]
    elif "properties" in schema or "required" in schema or "additionalProperties" in schema:
        types = ["object"]
    elif "items" in schema or "prefixItems" in schema:
        types = ["array"]
    elif any(k in schema for k in ("minLength", "maxLength", "pattern", "format")):
        types = ["string"]
    elif any(k in schema for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")):
        types = ["number"]
    else:
        types = ["null", "string"]
    if schema.get("nullable") is True and "null" not in types:
        types.append("null")
    return [t for t in types if t in JSON_TYPES]


def _merge(base: Mapping[str, Any], extra: Any) -> Any:
    """``base`` and ``extra`` as one schema (properties and required united); ``extra`` wins elsewhere."""
    if not isinstance(extra, Mapping):
        return extra if not base else {**base, "allOf": [extra]}
    merged = {**base, **extra}
    if "properties" in base and "properties" in extra:
        merged["properties"] = {**base["properties"], **extra["properties"]}
    if "required" in base and "required" in extra:
        merged["required"] = list(dict.fromkeys([*base["required"], *extra["required"]]))
    return merged


def _number(s: Mapping[str, Any], *, integer: bool, variant: int) -> int | float:
    lo, lo_open = _bound(s, "minimum", "exclusiveMinimum", max)
    hi, hi_open = _bound(s, "maximum", "exclusiveMaximum", min)
    step = s.get("multipleOf")
    if not (isinstance(step, (int, float)) and not isinstance(step, bool) and step > 0):
        step = None
    try:
        values = list(_multiples(lo, lo_open, hi, hi_open, step if step is not None else 1, integer, variant + 1))
    except (OverflowError, ValueError):
        values = []
    if values:
        return values[min(variant, len(values) - 1)]
    if step is None and not integer and lo is not None and hi is not None and lo < hi:
        return lo + (hi - lo) / (variant + 2)  # an open interval with no integer in it: a point inside
    raise SchemaError("no number satisfies the bounds and multipleOf")


def _multiples(
    lo: float | None, lo_open: bool, hi: float | None, hi_open: bool, step: float, integer: bool, wanted: int
) -> Iterator[int | float]:
    """Up to ``wanted`` multiples ``k * step`` inside the bounds, closest to zero first."""
    k_lo = -math.inf if lo is None else math.ceil(lo / step)
    k_hi = math.inf if hi is None else math.floor(hi / step)
    start = 0 if k_lo <= 0 <= k_hi else (k_lo if k_lo > 0 else k_hi)
    found = 0
    for offset in range(400):
        for k in (start + offset, start - offset) if offset else (start,):
            if not (k_lo <= k <= k_hi):
                continue
            value: int | float = int(k) * step if isinstance(step, int) else int(k) * float(step)
            if integer:
                if not float(value).is_integer():
                    continue
                value = int(value)
            if _fits(value, lo, lo_open, hi, hi_open, step):
                yield value
                found += 1
                if found >= wanted:
                    return


def _bound(s: Mapping[str, Any], closed: str, opened: str, pick: Any) -> tuple[float | None, bool]:
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


def _fits(value: float, lo: float | None, lo_open: bool, hi: float | None, hi_open: bool, step: float) -> bool:
    if lo is not None and (value < lo or (lo_open and value == lo)):
        return False
    if hi is not None and (value > hi or (hi_open and value == hi)):
        return False
    return not isinstance(step, float) or _strict_multiple(value, step)


def _strict_multiple(value: float, step: float) -> bool:
    # The quotient test jsonschema uses: what a strict consumer checks, so generate only values that pass it.
    quotient = value / step
    return math.isfinite(quotient) and int(quotient) == quotient


def _string(s: Mapping[str, Any], hint: str | None, variant: int) -> str:
    low = int(s.get("minLength", 0))
    high = s.get("maxLength")
    options: list[str] = []
    fmt = s.get("format")
    if isinstance(fmt, str) and fmt in FORMAT_EXAMPLES:
        options.append(_format_variant(fmt, variant))
    pattern = s.get("pattern")
    if isinstance(pattern, str):
        options.extend(_from_pattern(pattern, low))
    base = hint if hint else "string"
    options.append(base if variant == 0 else f"{base} {variant + 1}")
    for text in options:
        if len(text) < low:
            text = (text + " " + "x" * low)[:low] if text else "x" * low
        if isinstance(high, int) and len(text) > high:
            text = text[:high]
        if not validate(s, text):
            return text
    return options[0]


def _format_variant(fmt: str, variant: int) -> str:
    example = FORMAT_EXAMPLES[fmt]
    if variant == 0:
        return example
    if fmt in ("date", "date-time"):
        return (
            example.replace("-01T", f"-{1 + variant % 28:02d}T")
            if fmt == "date-time"
            else f"2024-01-{1 + variant % 28:02d}"
        )
    if fmt == "uuid":
        return str(uuid.UUID(int=variant | (4 << 76) | (2 << 62)))
    if fmt in ("email", "idn-email"):
        return f"user{variant + 1}@example.com"
    if fmt in ("uri", "iri", "uri-reference"):
        return f"https://example.com/{variant + 1}"
    return example


def _from_pattern(pattern: str, min_length: int) -> list[str]:
    """Strings built from ``pattern`` (ever longer repetitions) that it matches; empty when none is found."""
    try:
        compiled = re.compile(pattern)
        parser: Any = importlib.import_module("re._parser")
    except (re.error, ImportError):
        try:
            parser = importlib.import_module("sre_parse")
        except ImportError:  # pragma: no cover - every CPython has one of the two
            return []
    try:
        tree = parser.parse(pattern)
    except Exception:
        return []
    found = []
    for bump in (0, 1, 2, 3, max(min_length, 4)):
        try:
            text = "".join(_emit(tree, bump))
        except (ValueError, RecursionError, OverflowError):
            continue
        if compiled.search(text) and text not in found:
            found.append(text)
    return found


def _emit(items: Any, bump: int) -> Iterator[str]:
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            yield chr(arg)
        elif name == "NOT_LITERAL":
            yield "a" if arg != ord("a") else "b"
        elif name == "ANY":
            yield "a"
        elif name == "IN":
            yield _in_class(arg)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            times = max(low, min(bump, high))
            for _ in range(times):
                yield from _emit(sub, bump)
        elif name in ("SUBPATTERN", "ATOMIC_GROUP"):
            yield from _emit(arg[-1], bump)
        elif name == "BRANCH":
            yield from _emit(arg[1][0], bump)
        elif name == "CATEGORY":
            yield _category(str(arg))
        elif name in ("AT", "ASSERT", "ASSERT_NOT", "GROUPREF", "GROUPREF_EXISTS"):
            continue
        else:
            raise ValueError(name)


def _in_class(items: Any) -> str:
    negate = any(str(op) == "NEGATE" for op, _ in items)
    candidates = "a0A_-. xZ9z"
    if negate:
        pattern = re.compile("[^" + "".join(_class_source(items)) + "]")
        for ch in candidates:
            if pattern.fullmatch(ch):
                return ch
        raise ValueError("negated class")
    op, arg = items[0]
    name = str(op)
    if name == "LITERAL":
        return chr(arg)
    if name == "RANGE":
        return chr(arg[0])
    if name == "CATEGORY":
        return _category(str(arg))
    raise ValueError(name)


def _class_source(items: Any) -> Iterator[str]:
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            yield re.escape(chr(arg))
        elif name == "RANGE":
            yield f"{re.escape(chr(arg[0]))}-{re.escape(chr(arg[1]))}"
        elif name == "CATEGORY":
            yield {"CATEGORY_DIGIT": r"\d", "CATEGORY_WORD": r"\w", "CATEGORY_SPACE": r"\s"}.get(str(arg), "")


def _category(name: str) -> str:
    return {"CATEGORY_DIGIT": "0", "CATEGORY_WORD": "a", "CATEGORY_SPACE": " ", "CATEGORY_NOT_SPACE": "a"}.get(
        name, "-" if name == "CATEGORY_NOT_WORD" else "a"
    )


# ---------------------------------------------------------------------------------------------- validation


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
    lo, lo_open = _bound(s, "minimum", "exclusiveMinimum", max)
    hi, hi_open = _bound(s, "maximum", "exclusiveMaximum", min)
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


def _render(path: tuple[str, ...]) -> str:
    return "$" + "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in path)


# ---------------------------------------------------------------------------------------------- strict mode


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
