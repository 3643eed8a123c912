"""``mockserver migrate`` (in process) and sunset mode: the retired API answers 404 naming the migration guide,
the replacement keeps working; from a scenario, from ``serve --sunset`` and across resets."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import openai
import pytest
import yaml

from mockserver import MockServer
from mockserver.cli import build_parser, main
from mockserver.cli.serve import server_kwargs
from mockserver.migration.sunset import MIGRATION_GUIDE, SUNSET_MESSAGE, sunset_faults, sunset_seeder
from mockserver.scenarios import load_scenario

DATA = Path(__file__).parent / "data"
LEGACY = """
version: 1
clock: 1700000000
assistants:
  - {id: asst_AAAAAAAAAAAAAAAAAAAAAAAA, model: gpt-4o, name: Bot, instructions: Be brief.}
threads:
  - id: thread_TTTTTTTTTTTTTTTTTTTTTTTT
    metadata: {customer: acme}
    messages:
      - {role: user, content: Hello}
      - {role: assistant, content: Hi!, attachments: [{file_id: file-1, tools: [{type: file_search}]}]}
script:
  - {match: {contains: Hello}, reply: Hi!}
"""


def test_migrate_converts_a_scenario_and_reports_losses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "legacy.yaml"
    source.write_text(LEGACY)
    out, settings = tmp_path / "ported.yaml", tmp_path / "settings.json"
    assert main(["migrate", str(source), "-o", str(out), "--settings", str(settings)]) == 0
    document = yaml.safe_load(out.read_text())
    assert set(document) == {"version", "clock", "script", "conversations"}
    assert json.loads(settings.read_text()) == {
        "asst_AAAAAAAAAAAAAAAAAAAAAAAA": {"model": "gpt-4o", "instructions": "Be brief."}
    }
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"{source}: 1 conversation(s), 1 script rule(s), 1 assistant setting(s); 2 note(s)"
    assert err[1] == f"  {source}: assistants[0].name: name is the app's own bookkeeping now (not sent per request)"
    assert err[2].startswith(f"  {source}: threads[0].messages[1].attachments: attachments dropped")
    load_scenario(str(out), cache=False)  # the output is a valid scenario of the Responses era
    assert main(["migrate", str(source), "-q", "--fail-on-loss", "-o", str(out)]) == 3


def test_migrate_writes_json_to_stdout_and_adds_sunset_faults(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", str(DATA / "vcr_openai_cassette.yaml"), "--format", "json", "--sunset", "-q"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["faults"] == sunset_faults()
    assert len(document["conversations"]) == 1


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "cannot read"),
        ("binary", "cannot read: not UTF-8 text"),
        ("a: [", "not valid YAML"),
        ("just: a mapping\n", "neither a scenario document ('version: 1') nor a cassette ('interactions')"),
        ("version: 1\nthreads: [{messages: [{role: robot, content: x}]}]\n", "threads[0].messages[0].role: 'robot'"),
    ],
)
def test_migrate_names_unconvertible_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, expected: str
) -> None:
    source = tmp_path / "in.yaml"
    if content == "binary":
        source.write_bytes(b"\xff\xfe\x00")
    elif content is not None:
        source.write_text(content)
    assert main(["migrate", str(source)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"mockserver migrate: {source}") and expected in err
    assert "Traceback" not in err


# -- sunset mode ----------------------------------------------------------------------------------------------


def check_retired(server: MockServer) -> None:
    with server.client(_strict_response_validation=True) as client:
        for call in (
            lambda: client.beta.assistants.create(model="gpt-4o"),
            lambda: client.beta.assistants.list(),
            lambda: client.beta.threads.create(),
            lambda: client.beta.threads.runs.list(thread_id="thread_x"),
        ):
            with pytest.raises(openai.NotFoundError) as info:
                call()
            assert info.value.body == {
                "message": SUNSET_MESSAGE, "type": "invalid_request_error", "param": None, "code": "unknown_url",
            }  # fmt: skip
            assert info.value.response.headers["x-should-retry"] == "false"
        assert client.conversations.create().object == "conversation"  # the replacement still answers
        assert client.responses.create(model="gpt-4o", input="hi").status == "completed"


def test_sunset_faults_retire_every_assistants_route(fresh_server: MockServer) -> None:
    fresh_server.add_faults(sunset_faults())
    check_retired(fresh_server)
    assert MIGRATION_GUIDE in SUNSET_MESSAGE
    assert [e.status for e in fresh_server.requests() if e.path.startswith("/v1/threads")] == [404, 404]


def test_sunset_with_the_async_client(fresh_server: MockServer) -> None:
    fresh_server.add_faults(sunset_faults())

    async def main_() -> None:
        async with fresh_server.async_client() as client:
            with pytest.raises(openai.NotFoundError, match="Assistants API has been shut down"):
                await client.beta.threads.create()
            await client.conversations.create()

    asyncio.run(main_())


def test_serve_sunset_retires_every_project_and_survives_resets() -> None:
    args = build_parser().parse_args(["serve", "--port", "0", "--sunset"])
    assert server_kwargs(args)["baseline"] == [sunset_seeder]
    with MockServer(**{**server_kwargs(args), "log_level": "warning"}) as server:
        check_retired(server)
        server.reset()
        with server.client(api_key="sk-other") as client, pytest.raises(openai.NotFoundError):
            client.beta.threads.create()


def test_a_scenario_carries_sunset_mode(tmp_path: Path) -> None:
    scenario = tmp_path / "retired.yaml"
    scenario.write_text(yaml.safe_dump({"version": 1, "faults": sunset_faults()}))
    with MockServer(scenario=str(scenario)) as server:
        check_retired(server)


def test_migrate_in_a_subprocess_exits_cleanly(tmp_path: Path) -> None:
    import subprocess
    import sys

    ok = subprocess.run(
        [sys.executable, "-m", "mockserver", "migrate", str(DATA / "vcr_openai_cassette.yaml"), "-q"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert yaml.safe_load(ok.stdout)["conversations"][0]["items"][0]["role"] == "user"
    bad = tmp_path / "chat.yaml"
    bad.write_text("format: mockserver-cassette\nversion: 1\ninteractions: []\n")
    failed = subprocess.run(
        [sys.executable, "-m", "mockserver", "migrate", str(bad)], capture_output=True, text=True, timeout=60
    )
    assert failed.returncode == 1
    assert failed.stderr == (
        f"mockserver migrate: {bad}: not an Assistants API cassette: no /v1/assistants or /v1/threads calls "
        "(it records nothing)\n"
    )
