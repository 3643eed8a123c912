"""compare(legacy, ported) end to end: real SDK (sync and async) against the threaded server, one script."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mockserver import MockServer
from mockserver.migration import MigrationError, Target, Transcript, compare, record

from .migration_apps import (
    WEATHER_RULE,
    assistants_app,
    async_assistants_app,
    async_conversation_app,
    chained_app,
    conversation_app,
    replaying_app,
)


@pytest.fixture
def server(fresh_server: MockServer) -> MockServer:
    fresh_server.add_rule(**WEATHER_RULE)
    return fresh_server


@pytest.mark.parametrize("port", [conversation_app, chained_app, replaying_app])
def test_every_responses_style_matches_the_assistants_flow(server: MockServer, port: Any) -> None:
    report = compare(assistants_app, port, server=server)
    assert report.equivalent, str(report)
    assert report.legacy.messages == (("user", "What's the weather?"), ("assistant", "It is sunny in Paris."))
    assert [(t.name, t.arguments, t.output) for t in report.ported.tool_calls] == [
        ("get_weather", '{"city":"Paris"}', "sunny")
    ]
    assert report.legacy.final_text == report.ported.final_text == "It is sunny in Paris."
    # comparable usage: both surfaces count the same scripted turns (docs/migration.md)
    assert report.legacy.turn_output_tokens == report.ported.turn_output_tokens
    assert (report.legacy.api, report.ported.api) == ("assistants", "responses")


def test_the_report_names_the_api_calls_of_each_side(server: MockServer) -> None:
    report = compare(assistants_app, conversation_app, server=server)
    assert "POST /v1/threads/{thread_id}/runs/{run_id}/submit_tool_outputs -> 200" in report.legacy.calls
    assert report.ported.calls == ("POST /v1/conversations -> 200", *["POST /v1/responses -> 200"] * 2)
    assert "API calls, ported (responses):" in str(report)


def test_a_different_tool_output_is_a_readable_difference(server: MockServer) -> None:
    report = compare(assistants_app, lambda c: conversation_app(c, output="rainy"), server=server)
    assert not report
    assert [d.what for d in report.differences] == ["visible messages", "tool outputs", "final text"]
    text = str(report)
    assert "NOT equivalent: visible messages, tool outputs, final text" in text
    assert '-tool: get_weather({"city":"Paris"}) -> \'sunny\'' in text
    assert '+tool: get_weather({"city":"Paris"}) -> \'rainy\'' in text
    with pytest.raises(AssertionError, match="NOT equivalent"):
        report.assert_equivalent()


def test_a_port_that_skips_the_tool_differs_in_tool_calls_and_usage(server: MockServer) -> None:
    def no_tools(client: Any) -> None:
        client.responses.create(model="gpt-4o", input="What's the weather?")

    report = compare(assistants_app, no_tools, server=server)
    assert {"tool calls", "output tokens"} <= {d.what for d in report.differences}
    assert compare(assistants_app, no_tools, server=server, usage=False).differences[-1].what != "output tokens"


def test_each_side_starts_from_the_same_state(server: MockServer) -> None:
    """The second side does not see what the first created (ids and timestamps restart too)."""
    seen: list[str] = []

    def side(client: Any) -> None:
        seen.append(client.conversations.create().id)

    compare(side, side, server=server)
    assert seen[0] == seen[1]


def test_async_callables_get_an_async_client(server: MockServer) -> None:
    report = compare(async_assistants_app, async_conversation_app, server=server)
    assert report.equivalent, str(report)


def test_callables_without_parameters_find_the_fake_through_the_environment(server: MockServer) -> None:
    def legacy() -> None:
        import openai

        with openai.OpenAI() as client:
            assistants_app(client)

    def ported() -> None:
        import openai

        with openai.OpenAI() as client:
            conversation_app(client)

    assert compare(legacy, ported, server=server).equivalent


def test_sides_run_in_the_targets_project(server: MockServer) -> None:
    target = Target(server, project="proj-port", client_options={"project": "proj-port"})
    transcript = record(conversation_app, target)
    assert transcript.final_text == "It is sunny in Paris."
    assert {e.project for e in server.requests()} == {"proj-port"}


def test_a_recorded_transcript_compares_with_a_later_port(server: MockServer, tmp_path: Path) -> None:
    legacy = record(assistants_app, server)
    path = tmp_path / "legacy.json"
    path.write_text(json.dumps(legacy.to_json()))
    assert Transcript.from_json(json.loads(path.read_text())) == legacy
    assert compare(str(path), conversation_app, server=server).equivalent
    assert compare(path, legacy).equivalent  # two recordings need no server


# -- bad input: a clear error naming what and where, never a traceback ----------------------------------------


def test_an_app_that_raises_is_named_with_its_location(server: MockServer) -> None:
    def broken_port(client: Any) -> None:
        client.responses.create(model="gpt-4o", input="hi", conversation="conv_" + "0" * 48)

    with pytest.raises(MigrationError) as info:
        compare(assistants_app, broken_port, server=server)
    message = str(info.value)
    assert message.startswith("the ported side (")
    assert "broken_port) raised NotFoundError" in message
    assert "Conversation with id 'conv_000000000000000000000000000000000000000000000000' not found." in message
    assert f"{Path(__file__)}:" in message and "in broken_port" in message
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_an_app_error_of_its_own_is_located_in_the_app(server: MockServer) -> None:
    def legacy(client: Any) -> None:
        {}["missing"]

    with pytest.raises(MigrationError, match=r"the legacy side \(.*legacy\) raised KeyError: 'missing' at .*:\d+ in"):
        compare(legacy, conversation_app, server=server)


@pytest.mark.parametrize(
    ("side", "expected"),
    [
        (42, "the legacy side must be a callable, a Transcript or a transcript file, got 42"),
        (lambda a, b: None, "takes 2 required arguments; it must take the client or none"),
    ],
)
def test_sides_that_cannot_run_are_refused(server: MockServer, side: Any, expected: str) -> None:
    with pytest.raises(MigrationError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        compare(side, conversation_app, server=server)


def test_a_callable_without_a_server_is_refused() -> None:
    with pytest.raises(MigrationError, match="give compare\\(\\) server=<a started MockServer>"):
        compare(conversation_app, conversation_app)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "cannot read"),
        ("{not json", "is not JSON"),
        ('{"format": "mockserver-cassette"}', "not a mockserver transcript"),
        ('{"format": "mockserver-transcript", "api": "x", "tool_calls": [{"name": "f"}]}', "malformed transcript"),
    ],
)
def test_unreadable_transcript_files_are_named(tmp_path: Path, content: str | None, expected: str) -> None:
    path = tmp_path / "recorded.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(MigrationError, match=f"the legacy side: .*{expected}"):
        compare(path, Transcript(api="none"))
