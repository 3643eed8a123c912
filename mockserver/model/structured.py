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
list means valid (``schema_check.py``, with ``strict_problem``). Standard library only.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

from mockserver.model import patterns
from mockserver.model.schema_check import SchemaError, bound, resolve_ref, strict_problem, validate

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
    lo, lo_open = bound(s, "minimum", "exclusiveMinimum", max)
    hi, hi_open = bound(s, "maximum", "exclusiveMaximum", min)
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
        options.extend(patterns.sample(pattern, low))
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


def _render(path: tuple[str, ...]) -> str:
    return "$" + "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in path)


__all__ = ["SchemaError", "instance_for", "resolve_ref", "strict_problem", "validate"]
