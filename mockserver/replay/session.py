"""A cassette in use: record mode, what was replayed, missed and recorded; and the per-project registry.

Record modes (as in vcrpy / pytest-recording):

- ``none``: replay only; a request without a recording is a miss (an OpenAI-shaped 400).
- ``once``: record everything when the cassette does not exist yet, else behave like ``none``.
- ``new_episodes``: replay what is recorded, record (and append) whatever is not.
- ``all``: record everything again; the file is replaced at the first new recording.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mockserver.replay.cassette import CassetteError, load_interactions, save
from mockserver.replay.matching import Matcher, Miss, describe

RECORD_MODES = ("none", "once", "new_episodes", "all")
TIMINGS = ("immediate", "recorded")
#: Where the recording proxy reads the real key; clients of the proxy keep a dummy key.
UPSTREAM_KEY_ENV = "MOCKSERVER_UPSTREAM_API_KEY"


class ReplayConfigError(ValueError):
    """Bad replay options (unknown mode, recording without an upstream or key, missing cassette)."""


@dataclass
class ReplayReport:
    """What happened to one cassette: misses (a test should fail on them), unused recordings, new recordings."""

    cassette: Path
    mode: str
    misses: list[Miss]
    unused: list[tuple[int, dict[str, Any]]]
    recorded: int

    def format(self, *, include_unused: bool = False) -> str:
        lines: list[str] = []
        if self.misses:
            lines.append(
                f"{len(self.misses)} request(s) had no recording in cassette {self.cassette} "
                f"(record mode {self.mode!r}):"
            )
            lines.extend(miss.format() for miss in self.misses)
            lines.append("To record them: --record-mode=new_episodes (or record_mode='new_episodes').")
        if include_unused and self.unused:
            lines.append(self.format_unused())
        return "\n".join(lines)

    def format_unused(self) -> str:
        listed = "".join(f"\n  #{i}: {describe(x['request']).splitlines()[0]}" for i, x in self.unused)
        return f"{len(self.unused)} recording(s) in {self.cassette} were never used:{listed}"


@dataclass
class ReplaySession:
    """One cassette attached to the server (for every project, or for one)."""

    cassette: Path
    mode: str = "none"
    upstream: str | None = None
    upstream_api_key: str | None = None
    hybrid: bool = False
    timing: str = "immediate"
    misses: list[Miss] = field(default_factory=list)
    recorded: int = 0

    def __post_init__(self) -> None:
        self.cassette = Path(self.cassette)
        if self.mode not in RECORD_MODES:
            raise ReplayConfigError(f"unknown record mode {self.mode!r}; expected one of {', '.join(RECORD_MODES)}")
        if self.timing not in TIMINGS:
            raise ReplayConfigError(f"unknown replay timing {self.timing!r}; expected one of {', '.join(TIMINGS)}")
        exists = self.cassette.exists()
        self.recording = self.mode in ("new_episodes", "all") or (self.mode == "once" and not exists)
        if not exists and not self.recording and not self.hybrid:
            raise ReplayConfigError(
                f"cassette {self.cassette} not found. Record it against the real API with: "
                f"{UPSTREAM_KEY_ENV}=sk-... mockserver record --upstream https://api.openai.com/v1 "
                f"--cassette {self.cassette} --mode once (and point your client at it), or from Python: "
                f"MockServer(cassette={str(self.cassette)!r}, record_mode='once', upstream=...)"
            )
        if self.recording:
            self.upstream_api_key = self.upstream_api_key or os.environ.get(UPSTREAM_KEY_ENV)
            if not self.upstream:
                raise ReplayConfigError(f"record mode {self.mode!r} needs an upstream base URL to record from")
            parts = urlsplit(self.upstream)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ReplayConfigError(
                    f"upstream {self.upstream!r} is not an http(s) base URL (e.g. https://api.openai.com/v1)"
                )
            if not self.upstream_api_key:
                raise ReplayConfigError(f"recording needs the upstream API key in the {UPSTREAM_KEY_ENV} variable")
        try:
            loaded = load_interactions(self.cassette) if exists and self.mode != "all" else []
        except CassetteError as exc:
            raise ReplayConfigError(str(exc)) from exc
        self.matcher = Matcher(loaded)
        self._pending: list[dict[str, Any]] = []
        self._replace = self.mode == "all"
        self._lock = threading.Lock()

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self.upstream_api_key,) if self.upstream_api_key else ()

    def lookup(self, request: dict[str, Any]) -> dict[str, Any] | None:
        return None if self.mode == "all" else self.matcher.take(request)

    def miss(self, request: dict[str, Any]) -> Miss:
        found = self.matcher.miss(request)
        with self._lock:
            self.misses.append(found)
        return found

    def add(self, interaction: dict[str, Any]) -> None:
        """Keep a new recording and write it out at once, so a killed recorder loses nothing."""
        with self._lock:
            self._pending.append(interaction)
            self.recorded += 1
        self.flush()

    def flush(self) -> None:
        with self._lock:
            if not self._pending:
                return
            save(self.cassette, self._pending, replace=self._replace)
            self._pending = []
            self._replace = False

    def report(self) -> ReplayReport:
        with self._lock:
            misses = list(self.misses)
        return ReplayReport(self.cassette, self.mode, misses, self.matcher.unused(), self.recorded)


class ReplayController:
    """The cassettes attached to one server: one for every project (``project=None``) and/or one per project."""

    def __init__(self) -> None:
        self._sessions: dict[str | None, ReplaySession] = {}
        self._lock = threading.Lock()

    def use(self, cassette: str | os.PathLike[str], *, project: str | None = None, **options: Any) -> ReplaySession:
        """Attach a cassette (options: ``mode``, ``upstream``, ``upstream_api_key``, ``hybrid``, ``timing``)."""
        session = ReplaySession(Path(cassette), **options)
        with self._lock:
            previous = self._sessions.get(project)
            self._sessions[project] = session
        if previous is not None:
            previous.flush()
        return session

    def session_for(self, project: str | None) -> ReplaySession | None:
        if not self._sessions:
            return None
        with self._lock:
            return self._sessions.get(project) or self._sessions.get(None)

    def report(self, project: str | None = None) -> ReplayReport | None:
        """The report of the cassette attached for exactly ``project`` (None: the one for every project)."""
        with self._lock:
            session = self._sessions.get(project)
        return None if session is None else session.report()

    def finish(self, project: str | None = None) -> ReplayReport | None:
        """Detach a cassette, writing what it recorded; the report tells misses and unused recordings."""
        with self._lock:
            session = self._sessions.pop(project, None)
        if session is None:
            return None
        session.flush()
        return session.report()

    def close(self) -> None:
        with self._lock:
            sessions = list(self._sessions.values())
        for session in sessions:
            session.flush()
