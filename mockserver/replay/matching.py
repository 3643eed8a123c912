"""The canonical request key, the strict matcher, and the diff shown when a request has no recording.

Two requests are the same when method, path, sorted query and body *meaning* (parsed JSON, key order
ignored) agree; headers never take part. Different keys may come in any order; identical keys are served
first-recorded-first, and each recording once: a miss is a miss, never "the next response".
"""

from __future__ import annotations

import difflib
import json
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from mockserver.replay.wire import body_value

RequestKey = tuple[str, str, tuple[tuple[str, str], ...], str]


def query_pairs(query: Any) -> list[tuple[str, str]]:
    """Sorted (name, value) pairs from a raw query string or a cassette ``query`` mapping."""
    if not query:
        return []
    if isinstance(query, str):
        return sorted(parse_qsl(query, keep_blank_values=True))
    pairs: list[tuple[str, str]] = []
    for name, value in dict(query).items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((str(name), str(item)))
    return sorted(pairs)


def query_mapping(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The readable cassette form: one value, or a list when a name repeats."""
    mapping: dict[str, Any] = {}
    for name, value in pairs:
        if name in mapping:
            previous = mapping[name]
            mapping[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            mapping[name] = value
    return mapping


def request_key(request: dict[str, Any]) -> RequestKey:
    body = body_value(request.get("body"))
    canonical = "" if body is None else json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return (str(request["method"]).upper(), str(request["path"]), tuple(query_pairs(request.get("query"))), canonical)


def describe(request: dict[str, Any]) -> str:
    """``METHOD /path?query`` followed by the body pretty-printed with sorted keys: what the diff compares."""
    pairs = query_pairs(request.get("query"))
    query = urlencode(pairs, safe="[]")  # ``include[]=…`` as the reader knows it, not ``include%5B%5D=…``
    line = f"{str(request['method']).upper()} {request['path']}" + (f"?{query}" if pairs else "")
    body = body_value(request.get("body"))
    if body is None:
        return line
    return line + "\n" + json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False)


@dataclass
class Miss:
    """A request no recording matched: why, and a unified diff against the closest recorded requests."""

    request: dict[str, Any]
    line: str  # METHOD /path?query
    reason: str
    diff: str = ""

    def format(self) -> str:
        return f"{self.line}: {self.reason}\n{self.diff}".rstrip()


@dataclass
class Matcher:
    """The recordings of one cassette, each served at most once (thread-safe)."""

    interactions: list[dict[str, Any]]
    used: list[bool] = field(init=False)
    _queues: dict[RequestKey, list[int]] = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        self.used = [False] * len(self.interactions)
        self._queues = {}
        for index, interaction in enumerate(self.interactions):
            self._queues.setdefault(request_key(interaction["request"]), []).append(index)

    def take(self, request: dict[str, Any]) -> dict[str, Any] | None:
        """The first unused recording with the request's key, marked used; None on a miss."""
        key = request_key(request)
        with self._lock:
            for index in self._queues.get(key, ()):
                if not self.used[index]:
                    self.used[index] = True
                    return self.interactions[index]
        return None

    def unused(self) -> list[tuple[int, dict[str, Any]]]:
        with self._lock:
            return [(i, x) for i, x in enumerate(self.interactions) if not self.used[i]]

    def miss(self, request: dict[str, Any], *, limit: int = 3) -> Miss:
        """Explain a miss: which recordings come closest, and how they differ from the request."""
        key = request_key(request)
        wanted = describe(request)
        line = wanted.split("\n", 1)[0]
        same_key = self._queues.get(key, [])
        if same_key:
            reason = f"all {len(same_key)} recording(s) of this exact request were already used (each is replayed once)"
            return Miss(request, line, reason)
        if not self.interactions:
            return Miss(request, line, "the cassette has no recordings")
        candidates = self._relevant(key)
        if not candidates:
            recorded = sorted({describe(x["request"]).split("\n", 1)[0] for x in self.interactions})
            listed = ", ".join(recorded[:5]) + (f" and {len(recorded) - 5} more" if len(recorded) > 5 else "")
            reason = f"the cassette has no recording of {key[0]} {_shape(key[1])} (it has: {listed})"
            return Miss(request, line, reason)
        ranked = sorted(candidates, key=lambda i: (-self._closeness(key, wanted, i), i))[:limit]
        diffs = []
        for index in ranked:
            recorded = self.interactions[index]["request"]
            state = "used" if self.used[index] else "unused"
            lines = difflib.unified_diff(
                describe(recorded).splitlines(),
                wanted.splitlines(),
                fromfile=f"recorded #{index} ({state})",
                tofile="request",
                lineterm="",
            )
            diffs.append("\n".join(lines))
        closest = describe(self.interactions[ranked[0]]["request"]).split("\n", 1)[0]
        reason = f"no recording matches; the closest is #{ranked[0]}: {closest}"
        return Miss(request, line, reason, "\n".join(diffs))

    def _relevant(self, key: RequestKey) -> list[int]:
        """The recordings worth a diff: same method and path; else same method and path shape (ids aside)."""
        keys = [request_key(x["request"]) for x in self.interactions]
        same_path = [i for i, k in enumerate(keys) if k[0] == key[0] and k[1] == key[1]]
        if same_path:
            return same_path
        return [i for i, k in enumerate(keys) if k[0] == key[0] and _shape(k[1]) == _shape(key[1])]

    def _closeness(self, key: RequestKey, wanted: str, index: int) -> float:
        recorded = self.interactions[index]["request"]
        other = request_key(recorded)
        score = 4.0 * (other[0] == key[0]) + 2.0 * (other[1] == key[1]) + 1.0 * (other[2] == key[2])
        score += _segments_alike(other[1], key[1])
        return score + difflib.SequenceMatcher(None, describe(recorded), wanted).ratio()


def _segments_alike(a: str, b: str) -> float:
    """Share of path segments equal at the same position (so ``/threads/X/messages`` beats ``/threads``)."""
    left, right = a.strip("/").split("/"), b.strip("/").split("/")
    same = sum(1 for x, y in zip(left, right, strict=False) if x == y)
    return same / max(len(left), len(right))


def _shape(path: str) -> str:
    """``/v1/threads/thread_abc/runs`` -> ``/v1/threads/*/runs``: ids (a prefix, ``_`` or ``-``, then more) aside."""
    return "/".join("*" if _ID.fullmatch(part) else part for part in path.split("/"))


_ID = re.compile(r"[a-z]+[_-][A-Za-z0-9_-]+")
