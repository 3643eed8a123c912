"""Pre-sunset cassettes: recorded Assistants traffic becomes conversations and script rules that make the port
answer exactly what the legacy app was answered; cassettes of other APIs and broken files are named errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mockserver import MockServer
from mockserver.migration import MigrationError, compare, record
from mockserver.migration.cassettes import convert_cassette

from .migration_apps import WEATHER_RULE, assistants_app, conversation_app

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """A cassette recorded through our proxy from a fake 'real API', and the legacy app's transcript there."""
    path = tmp_path_factory.mktemp("cassettes") / "legacy.yaml"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MOCKSERVER_UPSTREAM_API_KEY", "sk-mockserver")
        with MockServer() as upstream:
            upstream.add_rule(**WEATHER_RULE)
            with MockServer(cassette=path, record_mode="all", upstream=upstream.base_url) as proxy, proxy.client() as c:
                assistants_app(c)
            transcript = record(assistants_app, upstream)  # the same run, read where the state is
    return path, transcript


def test_a_recorded_cassette_becomes_conversations_and_rules(recorded: tuple[Path, object]) -> None:
    path, _ = recorded
    converted = convert_cassette(path)
    (conversation,) = converted.document["conversations"]
    assert [i["type"] for i in conversation["items"]] == ["message", "function_call", "function_call_output", "message"]
    (rule,) = converted.document["script"]
    assert rule["match"] == {"equals": "What's the weather?"} and rule["times"] == 1
    assert rule["reply"] == {"tool_calls": [{"name": "get_weather", "arguments": '{"city":"Paris"}'}]}
    assert rule["then"] == [{"text": "It is sunny in Paris."}]
    notes = [str(n) for n in converted.notes]
    assert any(
        "POST /v1/threads/{thread_id}/runs/{run_id}/submit_tool_outputs (x1): -> POST /v1/responses" in n for n in notes
    )


def test_the_port_on_the_converted_cassette_matches_the_recording(
    recorded: tuple[Path, object], tmp_path: Path
) -> None:
    path, legacy = recorded
    scenario = tmp_path / "ported.json"
    scenario.write_text(json.dumps(convert_cassette(path).document))
    with MockServer(scenario=str(scenario)) as server:  # no rule of ours: only what the cassette recorded
        report = compare(legacy, conversation_app, server=server)
    assert report.equivalent, str(report)


def test_a_vcrpy_cassette_converts_too() -> None:
    converted = convert_cassette(DATA / "vcr_openai_cassette.yaml")
    assert len(converted.document["conversations"]) == 1
    assert converted.document["script"][0]["match"] == {"equals": "What is 3x + 11 = 14? My key is sk-REDACTED"}
    assert list(converted.settings.values()) == [
        {"model": "gpt-4o", "instructions": "You are a personal math tutor.", "temperature": 1.0, "top_p": 1.0}
    ]


def test_a_cassette_of_another_api_is_refused_with_what_it_records(tmp_path: Path) -> None:
    path = tmp_path / "chat.yaml"
    path.write_text(
        "format: mockserver-cassette\nversion: 1\ninteractions:\n"
        "- request: {method: POST, path: /v1/chat/completions}\n  response: {status: 200}\n"
    )
    with pytest.raises(MigrationError) as info:
        convert_cassette(path)
    assert str(info.value) == (
        f"{path}: not an Assistants API cassette: no /v1/assistants or /v1/threads calls "
        "(it records POST /v1/chat/completions)"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("format: mockserver-cassette\nversion: 7\ninteractions: []\n", "unsupported cassette version 7"),
        ("[1, 2]\n", "not a mockserver cassette"),
        ("a: [\n", "not valid YAML"),
    ],
)
def test_broken_cassettes_are_named(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    with pytest.raises(MigrationError, match=f"{path}: .*{expected}"):
        convert_cassette(path)
