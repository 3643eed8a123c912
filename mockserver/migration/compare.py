"""``compare(legacy, ported)``: run an app's Assistants path and its Responses port on the same fake state and
say whether they reach the same visible outcome (docs/migration.md).

Each side is a callable (given an SDK client bound to the fake; async callables get an async client; a
callable without parameters finds the fake through ``OPENAI_BASE_URL``), or a transcript recorded earlier
(:func:`record` + :meth:`Transcript.to_json`, or the path of such a JSON file). Sides run one after the other
in the same project, each from the same starting state: the server's baseline (its scenario) and, in pytest,
the test's mark options.
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import inspect
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from mockserver.migration.errors import MigrationError, describe, where
from mockserver.migration.transcript import Transcript, extract, snapshot

if TYPE_CHECKING:
    from mockserver.server import MockServer

#: What :func:`compare` accepts for each side.
Side = Union[Callable[..., Any], Transcript, str, "os.PathLike[str]"]
DEFAULT_PROJECT = "sk-mockserver"


@dataclass
class Target:
    """Where sides run: a server, the project (state partition) they use, and how to return it to its start."""

    server: MockServer
    project: str = DEFAULT_PROJECT
    #: Back to the starting state; default ``server.reset(project)`` (the server's baseline).
    reset: Callable[[], None] | None = None
    #: Keyword arguments for ``server.client()`` / ``async_client()`` (key, ``project`` header).
    client_options: dict[str, Any] = field(default_factory=dict)
    #: Index of the first journal entry of the current side (set by :func:`run_side`).
    journal_start: int = 0

    _client: Any = field(default=None, repr=False)

    def client(self) -> Any:
        """One sync SDK client for every side (building one costs ~0.1 s: the SDK loads its TLS trust store)."""
        if self._client is None:
            self._client = self.server.client(**self.client_options)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def restart(self) -> None:
        if self.reset is not None:
            self.reset()
        else:
            self.server.reset(self.project)
        self.journal_start = self.server.journal.next_index()


@dataclass(frozen=True)
class Difference:
    what: str
    legacy: Any
    ported: Any


@dataclass(frozen=True)
class EquivalenceReport:
    """The two transcripts and how they differ. ``bool(report)`` is True when they are equivalent."""

    legacy: Transcript
    ported: Transcript
    differences: tuple[Difference, ...]
    labels: tuple[str, str] = ("legacy", "ported")

    @property
    def equivalent(self) -> bool:
        return not self.differences

    def __bool__(self) -> bool:
        return self.equivalent

    def diff(self) -> list[str]:
        """A unified diff of the rendered transcripts (empty when they are equal)."""
        old, new = self.labels
        return list(difflib.unified_diff(self.legacy.render(), self.ported.render(), old, new, lineterm="", n=2))

    def __str__(self) -> str:
        old, new = self.labels
        head = "equivalent" if self.equivalent else "NOT equivalent: " + ", ".join(d.what for d in self.differences)
        lines = [f"migration check ({old} -> {new}): {head}"]
        if not self.equivalent:
            lines += ["", "transcript diff (- " + old + ", + " + new + "):", *self.diff()]
        lines += ["", f"API calls, {old} ({self.legacy.api}):", *(f"  {c}" for c in self.legacy.calls)]
        lines += [f"API calls, {new} ({self.ported.api}):", *(f"  {c}" for c in self.ported.calls)]
        return "\n".join(lines)

    def assert_equivalent(self) -> None:
        """Raise ``AssertionError`` with the readable report when the sides differ."""
        if not self.equivalent:
            raise AssertionError(str(self))


def differences(legacy: Transcript, ported: Transcript, *, usage: bool = True) -> tuple[Difference, ...]:
    found = []
    if legacy.messages != ported.messages:
        found.append(Difference("visible messages", legacy.messages, ported.messages))
    if [(t.name, t.arguments) for t in legacy.tool_calls] != [(t.name, t.arguments) for t in ported.tool_calls]:
        found.append(Difference("tool calls", legacy.tool_calls, ported.tool_calls))
    elif [t.output for t in legacy.tool_calls] != [t.output for t in ported.tool_calls]:
        found.append(Difference("tool outputs", legacy.tool_calls, ported.tool_calls))
    if legacy.final_text != ported.final_text:
        found.append(Difference("final text", legacy.final_text, ported.final_text))
    if usage and legacy.output_tokens != ported.output_tokens:
        found.append(Difference("output tokens", legacy.output_tokens, ported.output_tokens))
    return tuple(found)


# -- running one side ----------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _environment(target: Target) -> Iterator[None]:
    """``OPENAI_*`` pointing at the fake for the duration (for apps that build ``OpenAI()`` themselves)."""
    wanted = {
        "OPENAI_BASE_URL": target.server.base_url,
        "OPENAI_API_KEY": target.client_options.get("api_key", DEFAULT_PROJECT),
    }
    if target.client_options.get("project"):
        wanted["OPENAI_PROJECT_ID"] = target.client_options["project"]
    saved = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _call(app: Callable[..., Any], target: Target) -> None:
    try:
        params = [
            p
            for p in inspect.signature(app).parameters.values()
            if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
    except (TypeError, ValueError):  # builtins without a signature: give them the client
        params = [None]  # type: ignore[list-item]
    if len(params) > 1:
        raise MigrationError(f"{_name(app)} takes {len(params)} required arguments; it must take the client or none")
    if inspect.iscoroutinefunction(app):
        client = target.server.async_client(**target.client_options)

        async def main() -> None:
            async with client:
                await (app(client) if params else app())

        with _environment(target):
            asyncio.run(main())
        return
    if not params:
        with _environment(target):
            app()
        return
    app(target.client())


def _name(app: Any) -> str:
    return str(getattr(app, "__qualname__", None) or getattr(app, "__name__", None) or repr(app))


def run_side(app: Callable[..., Any], target: Target, label: str = "app") -> Transcript:
    """Run ``app`` from the target's starting state and return its transcript; its failure is a MigrationError."""
    if not callable(app):
        raise MigrationError(f"the {label} side must be a callable, a Transcript or a transcript file, got {app!r}")
    target.restart()
    store = target.server.store
    before = snapshot(store, target.project)
    try:
        _call(app, target)
    except MigrationError:
        raise
    except Exception as exc:
        raise MigrationError(
            f"the {label} side ({_name(app)}) raised {describe(exc)} at {where(exc)}"
        ) from None  # the message names what and where; the traceback would bury it
    journal = target.server.journal.entries(since=target.journal_start, project=target.project)
    return extract(store, target.project, before, journal)


def record(app: Callable[..., Any], target: Target | MockServer, label: str = "app") -> Transcript:
    """The transcript of one run of ``app`` (save it with ``json.dump(t.to_json(), f)`` to compare later)."""
    if isinstance(target, Target):
        return run_side(app, target, label)
    own = Target(target)
    try:
        return run_side(app, own, label)
    finally:
        own.close()


def load_transcript(path: str | os.PathLike[str], label: str = "recorded") -> Transcript:
    file = Path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MigrationError(f"the {label} side: cannot read {file}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise MigrationError(f"the {label} side: {file} is not JSON: {exc}") from None
    try:
        return Transcript.from_json(data)
    except ValueError as exc:
        raise MigrationError(f"the {label} side: {file}: {exc}") from None


def _side(side: Side, target: Target | None, label: str) -> Transcript:
    if isinstance(side, Transcript):
        return side
    if isinstance(side, (str, os.PathLike)):
        return load_transcript(side, label)
    if target is None:
        raise MigrationError(f"the {label} side is a callable: give compare() server=<a started MockServer>")
    return run_side(side, target, label)


def compare(
    legacy: Side,
    ported: Side,
    *,
    server: MockServer | Target | None = None,
    usage: bool = True,
    labels: tuple[str, str] = ("legacy", "ported"),
) -> EquivalenceReport:
    """Run (or load) both sides and compare their transcripts. Callables run on ``server`` (a started
    ``MockServer``, or a :class:`Target` naming a project of one); ``usage=False`` leaves output tokens out."""
    target = server if server is None or isinstance(server, Target) else Target(server)
    try:
        old = _side(legacy, target, labels[0])
        new = _side(ported, target, labels[1])
    finally:
        if target is not None and target is not server:  # ours: close its client (a given Target keeps it)
            target.close()
    return EquivalenceReport(old, new, differences(old, new, usage=usage), labels)
