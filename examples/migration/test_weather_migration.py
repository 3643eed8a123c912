"""Checks the port: both versions of the weather bot, one script, the same visible outcome.

Run with ``pytest examples/migration`` (the mockserver plugin is installed with the package).
"""

from __future__ import annotations

from pathlib import Path

import openai
import pytest
import weather_assistants
import weather_responses

SCENARIO = str(Path(__file__).with_name("weather.yaml"))


@pytest.mark.mockserver(scenario=SCENARIO)
@pytest.mark.mockserver_migration(legacy=weather_assistants.ask, ported=weather_responses.ask)
def test_both_versions_answer_the_same(migration_app):
    # Runs twice: once against the Assistants API, once against Responses; the two runs' transcripts
    # (messages, tool calls and outputs, final text, output tokens) must match.
    assert migration_app("What's the weather in Paris?") == "It is sunny in Paris today."


@pytest.mark.mockserver(scenario=SCENARIO)
def test_the_report_names_what_each_version_called(mockserver_migration):
    report = mockserver_migration.compare(
        lambda: weather_assistants.ask("Any weather news?"), lambda: weather_responses.ask("Any weather news?")
    )
    assert report.legacy.api == "assistants" and report.ported.api == "responses"
    assert [(t.name, t.arguments, t.output) for t in report.ported.tool_calls] == [
        ("get_weather", '{"city":"Paris"}', "sunny")
    ]


@pytest.mark.mockserver(scenario=SCENARIO)
@pytest.mark.mockserver_sunset
def test_the_port_works_after_the_sunset(mockserver):
    assert weather_responses.ask("What's the weather in Paris?") == "It is sunny in Paris today."
    with pytest.raises(openai.NotFoundError, match="Assistants API has been shut down"):
        weather_assistants.ask("What's the weather in Paris?")
