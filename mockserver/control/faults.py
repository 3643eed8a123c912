"""The fault model: what a scheduled misbehaviour looks like, how it is validated and which requests it hits.

A fault is a plain dict (so it fits in a scenario file and a control-API body)::

    {"method": "POST", "path": "/v1/threads/*/runs",      # which requests (glob: * = one segment, ** = any)
     "status": 429, "error": {"message": ...},            # answer with an OpenAI-shaped error, or
     "drop": true,                                        # close the connection without an answer, or
     "cut_stream_after": 3,                               # cut an SSE stream after 3 events
     "latency_ms": 200,                                   # (alone or with any of the above) wait first
     "times": 2, "probability": 0.5, "seed": "a",         # for the next 2 hits; a seeded fraction of them
     "retry_after": 0.01, "should_retry": true, "headers": {...}}

Stdlib only; the store keeps :class:`FaultState` objects and the app turns a :class:`FaultAction` into bytes
(``streamcut`` counts the events of a stream a fault cuts).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from mockserver.core import errors as e
from mockserver.core.validation import json_type_name

FIELDS = (
    "method", "path", "status", "error", "drop", "cut_stream_after", "latency_ms",
    "times", "probability", "seed", "retry_after", "should_retry", "headers", "seen", "fired",
)  # fmt: skip
#: Counters a fault may resume from (an exported fault carries them) rather than settings: not part of its key.
COUNTER_FIELDS = ("seen", "fired")
METHODS = ["*", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
ERROR_FIELDS = ("message", "type", "code", "param")
MAX_LATENCY_MS = 600_000
#: Headers that decide how the HTTP message is framed: the server sets them, a fault may not.
FRAMING_HEADERS = ("content-length", "transfer-encoding", "connection")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # RFC 9110 field-name
_VALUE = re.compile(r"[\t\x20-\x7e\x80-\xff]*")  # printable, no CR/LF/NUL
#: The default for 429s: short, so the SDK's honoured ``retry-after-ms`` keeps tests fast.
DEFAULT_429_RETRY_AFTER = 0.01

_DEFAULT_ERRORS: dict[int, tuple[str, str, str | None]] = {
    429: (e.RATE_LIMITED, "requests", "rate_limit_exceeded"),
    500: (e.INTERNAL, "server_error", None),
    502: (e.BAD_GATEWAY, "server_error", None),
    503: (e.OVERLOADED, "server_error", None),
    504: (e.GATEWAY_TIMEOUT, "server_error", None),
}


@dataclass(frozen=True)
class FaultAction:
    """What to do to one request. ``error`` is None for latency-only, drop and stream-cut faults."""

    latency: float = 0.0
    error: e.InjectedFaultError | None = None
    drop: bool = False
    cut_stream_after: int | None = None


@dataclass
class FaultState:
    """A validated fault plus its counters (``seen``: matching requests, ``fired``: requests it acted on)."""

    spec: dict[str, Any]
    methods: frozenset[str]
    pattern: re.Pattern[str]
    key: str
    seen: int = 0
    fired: int = 0

    def copy(self) -> FaultState:
        return FaultState(self.spec, self.methods, self.pattern, self.key, self.seen, self.fired)

    @property
    def remaining(self) -> int | None:
        times = self.spec.get("times")
        return None if times is None else max(0, times - self.fired)

    def describe(self, project: str | None) -> dict[str, Any]:
        return {**self.spec, "project": project, "seen": self.seen, "fired": self.fired, "remaining": self.remaining}

    def hit(self, seed: str, method: str, path: str) -> FaultAction | None:
        """Count a request; return the action if this fault fires for it."""
        if not (("*" in self.methods or method in self.methods) and self.pattern.fullmatch(path)):
            return None
        remaining = self.remaining
        if remaining == 0:
            return None
        self.seen += 1
        probability = self.spec.get("probability", 1.0)
        if probability < 1.0 and _draw(seed, self.key, self.seen) >= probability:
            return None
        self.fired += 1
        return action_of(self.spec)


@dataclass
class FaultSet:
    """An ordered list of faults; ``copy()`` gives independent counters (projects clone their extras)."""

    items: list[FaultState] = field(default_factory=list)

    def copy(self) -> FaultSet:
        return FaultSet([f.copy() for f in self.items])

    def match(self, seed: str, method: str, path: str) -> FaultAction | None:
        for fault in self.items:
            action = fault.hit(seed, method, path)
            if action is not None:
                return action
        return None


def _draw(seed: str, key: str, n: int) -> float:
    """A reproducible number in [0, 1) for the n-th matching request of one fault."""
    digest = hashlib.sha256(f"{seed}\x00{key}\x00{n}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def compile_path(pattern: str) -> re.Pattern[str]:
    """Glob to regex: ``**`` matches anything, ``*`` matches within one path segment."""
    out = []
    for i, part in enumerate(pattern.split("**")):
        if i:
            out.append(".*")
        out.append("[^/]*".join(re.escape(p) for p in part.split("*")))
    return re.compile("".join(out))


def parse_faults(value: Any, param: str = "faults") -> list[FaultState]:
    """Validate a list of fault dicts (or one dict); errors name the place, e.g. ``faults[1].status``."""
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        raise _bad_type(param, "an array of fault objects", value)
    return [parse_fault(item, f"{param}[{i}]") for i, item in enumerate(value)]


def parse_fault(raw: Any, param: str) -> FaultState:
    if not isinstance(raw, dict):
        raise _bad_type(param, "an object", raw)
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise e.InvalidRequestError(
            e.FAULT_UNKNOWN_FIELDS.format(param=param, names=", ".join(unknown), allowed=", ".join(FIELDS)),
            param=f"{param}.{unknown[0]}",
            code="unknown_parameter",
        )
    spec: dict[str, Any] = {}
    methods = _methods(raw.get("method", "*"), f"{param}.method")
    spec["method"] = raw.get("method", "*")
    path = raw.get("path", "**")
    if not isinstance(path, str) or not path:
        raise _bad_type(f"{param}.path", "a non-empty string", path)
    spec["path"] = path
    if "status" in raw or "error" in raw:
        spec["status"] = _int(raw.get("status", 500), f"{param}.status", 400, 599)
        if "error" in raw:
            spec["error"] = _error_override(raw["error"], f"{param}.error")
    if "drop" in raw:
        if not isinstance(raw["drop"], bool):
            raise _bad_type(f"{param}.drop", "a boolean", raw["drop"])
        if raw["drop"]:
            spec["drop"] = True
    if "cut_stream_after" in raw:
        spec["cut_stream_after"] = _int(raw["cut_stream_after"], f"{param}.cut_stream_after", 0, 1_000_000)
    if "latency_ms" in raw:
        spec["latency_ms"] = _int(raw["latency_ms"], f"{param}.latency_ms", 0, MAX_LATENCY_MS)
    effects = [k for k in ("status", "drop", "cut_stream_after") if k in spec]
    if len(effects) > 1:
        raise e.InvalidRequestError(e.FAULT_EFFECTS.format(param=param, names=", ".join(effects)), param=param)
    if not effects and "latency_ms" not in spec:
        raise e.InvalidRequestError(e.FAULT_NO_EFFECT.format(param=param), param=param)
    if raw.get("times") is not None:
        spec["times"] = _int(raw["times"], f"{param}.times", 1, 10**9)
    if "probability" in raw:
        spec["probability"] = _number(raw["probability"], f"{param}.probability", 0.0, 1.0)
    if "seed" in raw:
        if not isinstance(raw["seed"], (str, int)) or isinstance(raw["seed"], bool):
            raise _bad_type(f"{param}.seed", "a string", raw["seed"])
        spec["seed"] = str(raw["seed"])
    if "retry_after" in raw:
        spec["retry_after"] = _number(raw["retry_after"], f"{param}.retry_after", 0.0, 86_400.0)
    if "should_retry" in raw:
        if not isinstance(raw["should_retry"], bool):
            raise _bad_type(f"{param}.should_retry", "a boolean", raw["should_retry"])
        spec["should_retry"] = raw["should_retry"]
    if "headers" in raw:
        spec["headers"] = _headers(raw["headers"], f"{param}.headers")
    seen, fired = (_int(raw.get(name, 0), f"{param}.{name}", 0, 10**12) for name in COUNTER_FIELDS)
    if fired > seen:
        raise e.InvalidRequestError(e.FAULT_COUNTERS.format(param=param), param=f"{param}.fired")
    # The key (what the seeded draws hash) leaves the counters out, so a resumed fault continues its draws.
    key = json.dumps(spec, sort_keys=True)
    return FaultState(spec=spec, methods=methods, pattern=compile_path(path), key=key, seen=seen, fired=fired)


def action_of(spec: dict[str, Any]) -> FaultAction:
    latency = spec.get("latency_ms", 0) / 1000
    if spec.get("drop"):
        return FaultAction(latency=latency, drop=True)
    if "cut_stream_after" in spec:
        return FaultAction(latency=latency, cut_stream_after=spec["cut_stream_after"])
    if "status" in spec:
        return FaultAction(latency=latency, error=_error(spec))
    return FaultAction(latency=latency)


def _error(spec: dict[str, Any]) -> e.InjectedFaultError:
    status: int = spec["status"]
    kind = "invalid_request_error" if status < 500 else "server_error"
    generic = (e.INJECTED_FAULT.format(status=status), kind, None)
    message, type_, code = _DEFAULT_ERRORS.get(status, generic)
    retry_after = spec.get("retry_after", DEFAULT_429_RETRY_AFTER if status == 429 else None)
    override = spec.get("error", {})
    wait = f"{retry_after:g}s" if retry_after is not None else "1s"
    headers: dict[str, str] = {}
    if retry_after is not None:
        headers["retry-after"] = str(max(1, math.ceil(retry_after)) if retry_after else 0)
        headers["retry-after-ms"] = str(round(retry_after * 1000))
    if status == 429:
        headers.update({
            "x-ratelimit-limit-requests": "60",
            "x-ratelimit-remaining-requests": "0",
            "x-ratelimit-reset-requests": f"{round((retry_after or 0) * 1000)}ms",
        })  # fmt: skip
    if "should_retry" in spec:
        headers["x-should-retry"] = "true" if spec["should_retry"] else "false"
    headers.update(spec.get("headers", {}))
    error = e.InjectedFaultError(
        status,
        override.get("message", message.format(wait=wait)),
        type=override.get("type", type_),
        code=override.get("code", code),
        headers=headers,
    )
    error.param = override.get("param")
    return error


def _methods(value: Any, param: str) -> frozenset[str]:
    values = value if isinstance(value, list) else [value]
    out = set()
    for item in values:
        if not isinstance(item, str) or item.upper() not in METHODS:
            raise e.invalid_value(item, METHODS, param)
        out.add(item.upper())
    return frozenset(out)


def _error_override(value: Any, param: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad_type(param, "an object", value)
    for name, item in value.items():
        if name not in ERROR_FIELDS:
            raise e.InvalidRequestError(
                e.UNKNOWN_ARGUMENT.format(names=f"{param}.{name}"), param=f"{param}.{name}", code="unknown_parameter"
            )
        if item is not None and not isinstance(item, str):
            raise _bad_type(f"{param}.{name}", "a string or null", item)
    return dict(value)


def _headers(value: Any, param: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise _bad_type(param, "an object of string values", value)
    for name, item in value.items():
        # Checked here, not at send time: a header the HTTP layer refuses, or one that changes the message
        # framing, would turn the fault's answer into a broken connection for every request it hits.
        if not _TOKEN.fullmatch(name) or name.lower() in FRAMING_HEADERS or not _VALUE.fullmatch(item):
            raise e.InvalidRequestError(
                e.FAULT_BAD_HEADER.format(param=f"{param}.{name}", framing=", ".join(FRAMING_HEADERS)),
                param=f"{param}.{name}",
            )
    return {k.lower(): v for k, v in value.items()}


def _int(value: Any, param: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _bad_type(param, "an integer", value)
    if value < low:
        raise e.InvalidRequestError(e.INTEGER_BELOW_MIN.format(param=param, limit=low, value=value), param=param)
    if value > high:
        raise e.InvalidRequestError(e.INTEGER_ABOVE_MAX.format(param=param, limit=high, value=value), param=param)
    return value


def _number(value: Any, param: str, low: float, high: float) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        raise _bad_type(param, "a number", value)
    if value < low:
        raise e.InvalidRequestError(e.NUMBER_BELOW_MIN.format(param=param, limit=low, value=value), param=param)
    if value > high:
        raise e.InvalidRequestError(e.NUMBER_ABOVE_MAX.format(param=param, limit=high, value=value), param=param)
    return float(value)


def _bad_type(param: str, expected: str, value: Any) -> e.InvalidRequestError:
    actual = json_type_name(value)
    return e.InvalidRequestError(
        e.INVALID_TYPE.format(param=param, expected=expected, actual=actual), param=param, code="invalid_type"
    )
