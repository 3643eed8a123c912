"""Request-body checks that answer with the real API's wording.

Small composable helpers; the store calls them before it touches state, so a rejected request never changes
anything. Each raises :class:`~mockserver.core.errors.InvalidRequestError` with ``param`` set to the dotted path
of the offending value (``messages[0].content[1].type``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from mockserver.core import errors as e
from mockserver.core.ids import PREFIXES

METADATA_MAX_PAIRS = 16
METADATA_KEY_MAX = 64
METADATA_VALUE_MAX = 512


def json_type_name(value: Any) -> str:
    """``a string``, ``an object``...: how the real API names a JSON value's type in errors."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a decimal"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def join_param(prefix: str, name: str | int) -> str:
    if isinstance(name, int):
        return f"{prefix}[{name}]"
    return f"{prefix}.{name}" if prefix else name


def reject_unknown(body: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = [k for k in body if k not in allowed]
    if len(unknown) == 1:
        raise e.InvalidRequestError(e.UNKNOWN_ARGUMENT.format(names=unknown[0]))
    if unknown:
        raise e.InvalidRequestError(e.UNKNOWN_ARGUMENTS.format(names=", ".join(unknown)))


def require(body: Mapping[str, Any], name: str, prefix: str = "") -> Any:
    if name not in body:
        raise e.missing_param(join_param(prefix, name))
    return body[name]


def type_error(value: Any, expected: str, param: str) -> e.InvalidRequestError:
    return e.InvalidRequestError(
        e.INVALID_TYPE.format(param=param, expected=expected, actual=json_type_name(value)),
        param=param,
        code="invalid_type",
    )


def expect_string(value: Any, param: str, *, nullable: bool = False, max_length: int | None = None) -> str | None:
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise type_error(value, "a string", param)
    if max_length is not None and len(value) > max_length:
        raise e.InvalidRequestError(
            e.STRING_TOO_LONG.format(param=param, limit=max_length, length=len(value)),
            param=param,
            code="string_above_max_length",
        )
    return value


def expect_object(value: Any, param: str, *, nullable: bool = False) -> dict[str, Any] | None:
    if value is None and nullable:
        return None
    if not isinstance(value, dict):
        raise type_error(value, "an object", param)
    return value


def expect_array(value: Any, param: str, *, nullable: bool = False, max_items: int | None = None) -> list[Any] | None:
    if value is None and nullable:
        return None
    if not isinstance(value, list):
        raise type_error(value, "an array", param)
    if max_items is not None and len(value) > max_items:
        raise e.InvalidRequestError(
            e.ARRAY_TOO_LONG.format(param=param, limit=max_items, length=len(value)),
            param=param,
            code="array_above_max_length",
        )
    return value


def expect_bool(value: Any, param: str, *, nullable: bool = False) -> bool | None:
    if value is None and nullable:
        return None
    if not isinstance(value, bool):
        raise type_error(value, "a boolean", param)
    return value


def expect_int(
    value: Any, param: str, *, nullable: bool = False, minimum: int | None = None, maximum: int | None = None
) -> int | None:
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise type_error(value, "an integer", param)
    check_range(value, param, minimum, maximum, integer=True)
    return value


def expect_number(
    value: Any, param: str, *, nullable: bool = False, minimum: float | None = None, maximum: float | None = None
) -> float | int | None:
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise type_error(value, "a number", param)
    check_range(value, param, minimum, maximum, integer=False)
    return value


def check_range(value: float, param: str, minimum: float | None, maximum: float | None, *, integer: bool) -> None:
    if maximum is not None and value > maximum:
        template, code = (
            (e.INTEGER_ABOVE_MAX, "integer_above_max_value")
            if integer
            else (e.NUMBER_ABOVE_MAX, "decimal_above_max_value")
        )
        raise e.InvalidRequestError(template.format(param=param, limit=maximum, value=value), param=param, code=code)
    if minimum is not None and value < minimum:
        template, code = (
            (e.INTEGER_BELOW_MIN, "integer_below_min_value")
            if integer
            else (e.NUMBER_BELOW_MIN, "decimal_below_min_value")
        )
        raise e.InvalidRequestError(template.format(param=param, limit=minimum, value=value), param=param, code=code)


def expect_enum(value: Any, allowed: list[str], param: str, *, nullable: bool = False) -> str | None:
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise type_error(value, "a string", param)
    if value not in allowed:
        raise e.invalid_value(value, allowed, param)
    return value


def check_metadata(value: Any, param: str = "metadata") -> dict[str, str]:
    """Metadata: at most 16 string pairs, keys <= 64 chars, values <= 512 chars; ``null`` means ``{}``."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise type_error(value, "an object", param)
    if len(value) > METADATA_MAX_PAIRS:
        raise e.InvalidRequestError(
            e.TOO_MANY_PROPERTIES.format(param=param, limit=METADATA_MAX_PAIRS, count=len(value)),
            param=param,
            code="object_above_max_properties",
        )
    for key, item in value.items():
        if len(key) > METADATA_KEY_MAX:
            raise e.InvalidRequestError(
                e.KEY_TOO_LONG.format(param=param, key=key, limit=METADATA_KEY_MAX, length=len(key)),
                param=f"{param}.{key}",
                code="object_property_name_too_long",
            )
        expect_string(item, f"{param}.{key}", max_length=METADATA_VALUE_MAX)
    return dict(value)


def check_id(value: str, kind: str, param: str) -> None:
    """The 400 a path or body id gets when it does not begin with its kind's prefix (checked before existence)."""
    if not value.startswith(PREFIXES[kind]):
        raise e.InvalidRequestError(
            e.BAD_ID_PREFIX.format(param=param, value=value, prefix=PREFIXES[kind].rstrip("_")),
            param=param,
            code="invalid_id_prefix",
        )


LIST_ORDERS = ["asc", "desc"]
LIST_LIMIT_MAX = 100
LIST_LIMIT_DEFAULT = 20


def check_url(value: str, param: str) -> None:
    """A URL with a scheme and a host (``http``/``https``), or a ``data:`` URI: what an image URL must be."""
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    ok = parts is not None and (
        (parts.scheme in ("http", "https") and bool(parts.netloc)) or (parts.scheme == "data" and "," in parts.path)
    )
    if not ok or any(c.isspace() for c in value):
        raise e.InvalidRequestError(e.INVALID_URL_VALUE.format(param=param), param=param, code="invalid_value")


#: ``limit=`` digits: ASCII only, no sign but an optional minus, no underscores or spaces (``int()`` takes all).
_INTEGER_QUERY = re.compile(r"-?[0-9]+")


def parse_list_query(query: Mapping[str, str]) -> dict[str, Any]:
    """``limit`` (1..100, default 20), ``order`` (asc|desc, default desc), ``after``/``before`` cursors."""
    raw_limit = query.get("limit")
    limit = LIST_LIMIT_DEFAULT
    if raw_limit is not None:
        try:
            if not _INTEGER_QUERY.fullmatch(raw_limit):
                raise ValueError(raw_limit)
            limit = int(raw_limit)
        except ValueError:
            raise e.InvalidRequestError(
                e.QUERY_NOT_INTEGER.format(param="limit", value=raw_limit), param="limit", code="invalid_type"
            ) from None
        check_range(limit, "limit", 1, LIST_LIMIT_MAX, integer=True)
    order = query.get("order", "desc")
    if order not in LIST_ORDERS:
        raise e.invalid_value(order, LIST_ORDERS, "order")
    return {"limit": limit, "order": order, "after": query.get("after") or None, "before": query.get("before") or None}
