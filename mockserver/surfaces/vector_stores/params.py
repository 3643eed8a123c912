"""Checks of vector-store request fields: chunking strategies, attributes, expiry, search filters and options.

Each returns the value as the API echoes or uses it, or raises an InvalidRequestError naming the parameter.
"""

from __future__ import annotations

from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.surfaces.vector_stores import shapes

ATTRIBUTES_MAX = 16
ATTRIBUTE_KEY_MAX = 64
ATTRIBUTE_VALUE_MAX = 512
COMPARISONS = ["eq", "ne", "gt", "gte", "lt", "lte", "in", "nin"]
COMPOUNDS = ["and", "or"]
RANKERS = ["none", "auto", "default-2024-11-15"]
#: Nested compound filters deeper than this are refused (a bound for hostile input; the spec sets none).
FILTER_DEPTH_MAX = 16


def chunking_strategy(value: Any, param: str = "chunking_strategy") -> dict[str, Any]:
    """``{"type": "auto"}`` (or absent) -> the resolved 800/400 static form; ``static`` is checked and echoed."""
    if value is None:
        return shapes.DEFAULT_CHUNKING
    body = v.expect_object(value, param) or {}
    kind = v.expect_enum(v.require(body, "type", param), ["auto", "static"], v.join_param(param, "type"))
    if kind == "auto":
        v.reject_unknown(body, ("type",))
        return shapes.DEFAULT_CHUNKING
    v.reject_unknown(body, ("type", "static"))
    where = v.join_param(param, "static")
    static = v.expect_object(v.require(body, "static", param), where) or {}
    v.reject_unknown(static, ("max_chunk_size_tokens", "chunk_overlap_tokens"))
    size_param = v.join_param(where, "max_chunk_size_tokens")
    size = v.expect_int(v.require(static, "max_chunk_size_tokens", where), size_param, minimum=100, maximum=4096) or 0
    overlap_param = v.join_param(where, "chunk_overlap_tokens")
    overlap = v.expect_int(v.require(static, "chunk_overlap_tokens", where), overlap_param, minimum=0) or 0
    if overlap > size // 2:
        raise e.InvalidRequestError(
            e.CHUNK_OVERLAP_TOO_LARGE.format(param=overlap_param, limit=size // 2, value=overlap), param=overlap_param
        )
    return {"type": "static", "static": {"max_chunk_size_tokens": size, "chunk_overlap_tokens": overlap}}


def attributes(value: Any, param: str = "attributes") -> dict[str, Any]:
    """At most 16 keys of <= 64 characters; values strings (<= 512), numbers or booleans; null means ``{}``."""
    if value is None:
        return {}
    body = v.expect_object(value, param) or {}
    if len(body) > ATTRIBUTES_MAX:
        raise e.InvalidRequestError(
            e.TOO_MANY_PROPERTIES.format(param=param, limit=ATTRIBUTES_MAX, count=len(body)),
            param=param,
            code="object_above_max_properties",
        )
    for key, item in body.items():
        where = f"{param}.{key}"
        if len(key) > ATTRIBUTE_KEY_MAX:
            raise e.InvalidRequestError(
                e.KEY_TOO_LONG.format(param=param, key=key, limit=ATTRIBUTE_KEY_MAX, length=len(key)),
                param=where,
                code="object_property_name_too_long",
            )
        if isinstance(item, str):
            v.expect_string(item, where, max_length=ATTRIBUTE_VALUE_MAX)
        elif not isinstance(item, (bool, int, float)):
            raise v.type_error(item, "a string, number or boolean", where)
    return dict(body)


def expires_after(value: Any, param: str = "expires_after") -> dict[str, Any] | None:
    """``{"anchor": "last_active_at", "days": 1..365}``; null means no expiry."""
    if value is None:
        return None
    body = v.expect_object(value, param) or {}
    v.reject_unknown(body, ("anchor", "days"))
    v.expect_enum(v.require(body, "anchor", param), ["last_active_at"], v.join_param(param, "anchor"))
    days = v.expect_int(v.require(body, "days", param), v.join_param(param, "days"), minimum=1, maximum=365)
    return {"anchor": "last_active_at", "days": days}


def file_ids(value: Any, param: str, *, max_items: int, min_items: int = 0) -> list[str]:
    items = v.expect_array(value, param, nullable=True, max_items=max_items) or []
    if len(items) < min_items:
        raise e.InvalidRequestError(e.EMPTY_ARRAY.format(param=param), param=param, code="empty_array")
    for i, item in enumerate(items):
        v.expect_string(item, f"{param}[{i}]")
    return list(items)


def filters(value: Any, param: str = "filters", depth: int = 0) -> dict[str, Any]:
    """A comparison ``{type, key, value}`` or a compound ``{type: and|or, filters: [...]}``, checked deeply."""
    body = v.expect_object(value, param) or {}
    kind = v.expect_enum(v.require(body, "type", param), [*COMPARISONS, *COMPOUNDS], v.join_param(param, "type"))
    if kind in COMPOUNDS:
        v.reject_unknown(body, ("type", "filters"))
        where = v.join_param(param, "filters")
        items = v.expect_array(v.require(body, "filters", param), where) or []
        if depth >= FILTER_DEPTH_MAX:
            raise e.InvalidRequestError(
                e.CONTROL_BAD_FIELD.format(param=where, reason=f"filters nest at most {FILTER_DEPTH_MAX} deep."),
                param=where,
            )
        return {"type": kind, "filters": [filters(f, f"{where}[{i}]", depth + 1) for i, f in enumerate(items)]}
    v.reject_unknown(body, ("type", "key", "value"))
    key = v.expect_string(v.require(body, "key", param), v.join_param(param, "key"))
    where = v.join_param(param, "value")
    operand = v.require(body, "value", param)
    if isinstance(operand, list):
        for i, item in enumerate(operand):
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                raise v.type_error(item, "a string or number", f"{where}[{i}]")
    elif not isinstance(operand, (str, int, float, bool)):
        raise v.type_error(operand, "a string, number, boolean or array", where)
    return {"type": kind, "key": key, "value": operand}


def ranking_options(value: Any, param: str = "ranking_options") -> dict[str, Any]:
    body = v.expect_object(value, param, nullable=True) or {}
    v.reject_unknown(body, ("ranker", "score_threshold"))
    ranker = v.expect_enum(body.get("ranker"), RANKERS, v.join_param(param, "ranker"), nullable=True)
    threshold = v.expect_number(
        body.get("score_threshold"), v.join_param(param, "score_threshold"), nullable=True, minimum=0, maximum=1
    )
    return {"ranker": ranker or "auto", "score_threshold": float(threshold or 0)}


def queries(value: Any, param: str = "query") -> list[str]:
    """A string, or a non-empty array of strings, as the list of queries searched (and echoed)."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise v.type_error(value, "a string or an array of strings", param)
    items = value
    if not items:
        raise e.InvalidRequestError(e.EMPTY_ARRAY.format(param=param), param=param, code="empty_array")
    return [v.expect_string(item, f"{param}[{i}]") or "" for i, item in enumerate(items)]
