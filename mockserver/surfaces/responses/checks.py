"""Request checks in the Responses API's own wording (reference responses-conversations.md section 6.2).

The Responses API words some errors differently from the Assistants API: unknown keys are ``Unknown parameter:
'x'.`` (with a did-you-mean hint), supported values are listed with a serial comma, numbers are ``a decimal``
and a top-level ``null`` where a value is required is reported as ``an object``. Each helper raises
:class:`~mockserver.core.errors.InvalidRequestError` with ``param`` set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from mockserver.core import errors as e
from mockserver.core.validation import METADATA_KEY_MAX, METADATA_MAX_PAIRS, METADATA_VALUE_MAX, json_type_name


def type_word(value: Any, *, null_as_object: bool = False) -> str:
    """How the API names a value's type; a required field given ``null`` is reported as an object."""
    if value is None and null_as_object:
        return "an object"
    return json_type_name(value)


def type_error(value: Any, expected: str, param: str, *, null_as_object: bool = True) -> e.InvalidRequestError:
    return e.InvalidRequestError(
        e.INVALID_TYPE.format(param=param, expected=expected, actual=type_word(value, null_as_object=null_as_object)),
        param=param,
        code="invalid_type",
    )


def invalid_value(value: Any, supported: Iterable[str], param: str) -> e.InvalidRequestError:
    return e.InvalidRequestError(
        e.INVALID_VALUE.format(value=value, supported=e.quoted_choice(list(supported), serial_comma=True)),
        param=param,
        code="invalid_value",
    )


def missing(param: str) -> e.InvalidRequestError:
    return e.missing_param(param)


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (keys are short; the plain dynamic programme is enough)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def reject_unknown(body: Mapping[str, Any], allowed: Iterable[str], prefix: str = "") -> None:
    """``Unknown parameter: 'x'.``; a top-level key within edit distance 2 of known keys absent from the body gets
    ``Did you mean 'a' or 'b'?``, nearest first (RC-H: ``stre`` -> ``'store' or 'stream'``, ``strem`` ->
    ``'stream' or 'store'``; distance 3 suggests nothing)."""
    known = tuple(allowed)
    for key in body:
        if key in known:
            continue
        param = f"{prefix}.{key}" if prefix else key
        scored = [] if prefix else [(_distance(str(key), k), k) for k in known if k not in body]
        close = [k for d, k in sorted(scored) if d <= 2]
        if close:
            quoted = [f"'{k}'" for k in close]
            candidates = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
            message = e.UNKNOWN_PARAMETER_HINT.format(param=param, candidates=candidates)
        else:
            message = e.UNKNOWN_PARAMETER.format(param=param)
        raise e.InvalidRequestError(message, param=param, code="unknown_parameter")


def string(value: Any, param: str, *, nullable: bool = True, max_length: int | None = None) -> str | None:
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


def boolean(value: Any, param: str) -> bool | None:
    if value is None:
        return None
    if not isinstance(value, bool):
        raise type_error(value, "a boolean", param)
    return value


def integer(value: Any, param: str, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise type_error(value, "an integer", param)
    if minimum is not None and value < minimum:
        raise e.InvalidRequestError(
            e.INTEGER_BELOW_MIN.format(param=param, limit=minimum, value=value),
            param=param,
            code="integer_below_min_value",
        )
    if maximum is not None and value > maximum:
        raise e.InvalidRequestError(
            e.INTEGER_ABOVE_MAX.format(param=param, limit=maximum, value=value),
            param=param,
            code="integer_above_max_value",
        )
    return value


def decimal(value: Any, param: str, *, minimum: float, maximum: float) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise type_error(value, "a decimal", param)
    if value != value:  # NaN cannot come from JSON, but a Python caller may pass it
        raise type_error(value, "a decimal", param)
    if value < minimum:
        raise e.InvalidRequestError(
            e.NUMBER_BELOW_MIN.format(param=param, limit=_number(minimum), value=_number(value)),
            param=param,
            code="decimal_below_min_value",
        )
    if value > maximum:
        raise e.InvalidRequestError(
            e.NUMBER_ABOVE_MAX.format(param=param, limit=_number(maximum), value=_number(value)),
            param=param,
            code="decimal_above_max_value",
        )
    return float(value)


def _number(value: float) -> str:
    """``-1`` for -1 and -1.0 (the real message prints integral numbers without a fraction)."""
    return str(int(value)) if float(value).is_integer() else repr(value)


def obj(value: Any, param: str, *, nullable: bool = True, expected: str = "an object") -> dict[str, Any] | None:
    if value is None and nullable:
        return None
    if not isinstance(value, dict):
        raise type_error(value, expected, param)
    return value


def array(value: Any, param: str, *, nullable: bool = True, expected: str = "an array") -> list[Any] | None:
    if value is None and nullable:
        return None
    if not isinstance(value, list):
        raise type_error(value, expected, param)
    return value


def enum(value: Any, allowed: list[str], param: str, *, nullable: bool = True) -> str | None:
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise type_error(value, "a string", param)
    if value not in allowed:
        raise invalid_value(value, allowed, param)
    return value


def metadata(value: Any, param: str = "metadata") -> dict[str, str]:
    """At most 16 string pairs, keys <= 64, values <= 512 characters; ``null`` is ``{}``."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise type_error(value, "a metadata object", param)
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
        string(item, f"{param}.{key}", nullable=False, max_length=METADATA_VALUE_MAX)
    return dict(value)


def object_id(value: Any, prefix: str, param: str, *, code: str = "invalid_id_prefix") -> str:
    """An id given in a body or path: its characters, then its prefix (reference 6.1)."""
    text = string(value, param, nullable=False) or ""
    if not all((c.isalnum() and c.isascii()) or c in "_-" for c in text):
        raise e.InvalidRequestError(
            e.ID_BAD_CHARACTERS.format(param=param, value=text), param=param, code="invalid_value"
        )
    if not text.startswith(prefix):
        raise e.InvalidRequestError(
            e.BAD_ID_PREFIX.format(param=param, value=text, prefix=prefix.rstrip("_")), param=param, code=code
        )
    return text
