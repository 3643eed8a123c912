"""The fixture and MockServer have explicit typed methods (not __getattr__ delegation), and the TypedDicts exist."""

from __future__ import annotations

import typing

import openai

from mockserver import MockServer
from mockserver.pytest_plugin import MockServerFixture
from mockserver.types import Fault, MarkerOptions, Rule, RunSettings, ScriptMiss

EXPLICIT = ("add_rule", "add_rules", "configure_runs", "add_fault", "add_faults", "script_misses",
            "expect_script_miss", "clear_script_misses", "client", "async_client", "requests", "last_request",
            "now", "advance_clock", "export", "reset")  # fmt: skip


def test_the_fixture_defines_its_operations_itself() -> None:
    for name in EXPLICIT:
        assert name in vars(MockServerFixture), name
    for name in ("base_url", "url", "store"):
        assert isinstance(vars(MockServerFixture)[name], property), name


def test_clients_are_typed_as_the_sdk_clients() -> None:
    for owner in (MockServerFixture, MockServer):
        hints = typing.get_type_hints(owner.client, {"openai": openai, **vars(typing)})
        assert hints["return"] is openai.OpenAI
        hints = typing.get_type_hints(owner.async_client, {"openai": openai, **vars(typing)})
        assert hints["return"] is openai.AsyncOpenAI


def test_the_typed_dicts_name_every_option() -> None:
    assert {"match", "reply", "then", "times", "name"} <= set(Rule.__annotations__)
    assert {"method", "path", "status", "times", "cut_stream_after"} <= set(Fault.__annotations__)
    assert {"progress", "strict", "chunk_size"} <= set(RunSettings.__annotations__)
    assert {"scenario", "fail_on_problems", "runs", "script", "faults", "cassette"} <= set(
        MarkerOptions.__annotations__
    )
    assert {"run_id", "input", "message", "project"} <= set(ScriptMiss.__annotations__)
