"""Typed shapes of what tests pass to mockserver: script rules, faults, run settings and the marker's options.

Every one is a ``TypedDict`` with ``total=False``: a plain dict literal type-checks against it, and what the
server accepts at run time is still checked by the server (with located errors). Import them from here::

    from mockserver.types import Fault, MarkerOptions, Rule, RunSettings
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypedDict, Union


class Match(TypedDict, total=False):
    """When a rule applies: text conditions on the last user message, and metadata / assistant conditions."""

    equals: str
    contains: str
    regex: str
    assistant_id: str
    assistant_metadata: Mapping[str, str]
    thread_metadata: Mapping[str, str]
    run_metadata: Mapping[str, str]


class ToolCall(TypedDict, total=False):
    name: str
    arguments: Mapping[str, Any] | str


class Reply(TypedDict, total=False):
    """Exactly one kind: ``text`` (with ``annotations``), ``tool_calls``, ``fail``, ``incomplete`` or ``expire``."""

    text: str
    annotations: Sequence[Mapping[str, Any]]
    tool_calls: Sequence[ToolCall]
    fail: Mapping[str, Any] | str | bool
    incomplete: Literal["max_completion_tokens", "max_prompt_tokens"]
    expire: bool


class Rule(TypedDict, total=False):
    """A script rule (docs/runs.md): ``reply`` is required; ``then`` follows submitted tool outputs."""

    name: str
    match: Match
    reply: Reply | str
    then: Sequence[Reply | str]
    times: int


class RunSettings(TypedDict, total=False):
    """How runs progress and stream (``configure_runs`` / ``runs=``). ``strict``: an unscripted run fails."""

    progress: Literal["immediate", "on_read", "on_clock"]
    reads: int
    strict: bool
    chunk_size: int
    chunk_delay_ms: int
    default_reply: str
    stream_timeout_ms: int


class FaultError(TypedDict, total=False):
    message: str
    type: str
    code: str | None
    param: str | None


class Fault(TypedDict, total=False):
    """An injected fault (docs/stub.md): which requests (``method``, ``path`` glob) and what happens to them."""

    method: str
    path: str
    status: int
    error: FaultError
    drop: bool
    cut_stream_after: int
    latency_ms: int
    times: int
    probability: float
    seed: str | int
    retry_after: int | float
    should_retry: bool
    headers: Mapping[str, str]
    seen: int
    fired: int


ScenarioSpec = Union[
    str, "os.PathLike[str]", Mapping[str, Any], Sequence[Union[str, "os.PathLike[str]", Mapping[str, Any]]], None
]


class MarkerOptions(TypedDict, total=False):
    """``@pytest.mark.mockserver(**options)``: every key is optional (docs/pytest.md)."""

    scenario: ScenarioSpec
    fail_on_problems: bool
    strict: bool
    api_key: str
    project: str | None
    now: int
    runs: RunSettings
    script: Sequence[Rule]
    faults: Sequence[Fault]
    cassette: bool | str | os.PathLike[str] | None
    record_mode: Literal["none", "once", "new_episodes", "all"]
    hybrid: bool
    fail_on_unused: bool
    upstream: str


class ScriptMiss(TypedDict, total=False):
    """One entry of ``script_misses()``: a run that no rule covered while the run setting ``strict`` was on."""

    project: str
    run_id: str
    thread_id: str
    input: str
    message: str


__all__ = ["Fault", "FaultError", "MarkerOptions", "Match", "Reply", "Rule", "RunSettings", "ScriptMiss", "ToolCall"]
