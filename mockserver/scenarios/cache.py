"""The process-wide cache of parsed scenarios, keyed by file and checked against the files on disk.

An entry is reused while neither the file nor anything it includes has changed (modification time and size), so
applying a scenario on every test reset costs no parsing. Entries are immutable :class:`Scenario` objects, so
sharing them cannot leak state between tests.
"""

from __future__ import annotations

import threading
from pathlib import Path

from mockserver.scenarios.apply import Scenario

_Stamp = tuple[tuple[str, int, int], ...]


class ScenarioCache:
    """Parsed scenarios by resolved path, reused while neither the file nor its includes change on disk."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[tuple[Path, Path], tuple[_Stamp, Scenario]] = {}

    def get(self, path: Path, fixtures_dir: Path) -> Scenario | None:
        with self._lock:
            entry = self._entries.get(_cache_key(path, fixtures_dir))
        if entry is None:
            return None
        stamp, scenario = entry
        return scenario if all(_stat(Path(p)) == (m, s) for p, m, s in stamp) else None

    def put(self, path: Path, fixtures_dir: Path, scenario: Scenario) -> None:
        stamp = tuple((key, *_stat(Path(key))) for key in _files(scenario))
        with self._lock:
            self._entries[_cache_key(path, fixtures_dir)] = (stamp, scenario)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _cache_key(path: Path, fixtures_dir: Path) -> tuple[Path, Path]:
    # Includes may resolve against the fixtures directory, so the same file can mean different things.
    return (path.resolve(), fixtures_dir.resolve())


def _stat(path: Path) -> tuple[int, int]:
    try:
        info = path.stat()
    except OSError:
        return (-1, -1)
    return (info.st_mtime_ns, info.st_size)


def _files(scenario: Scenario) -> list[str]:
    # Iterative and once per scenario: includes can reach the same file along exponentially many paths.
    found: dict[str, None] = {}
    seen: set[int] = set()
    stack = [scenario]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if current.key:
            found[current.key] = None
        stack.extend(current.includes)
    return list(found)


#: The process-wide parse cache (immutable results only, so sharing it cannot leak state between tests).
CACHE = ScenarioCache()
