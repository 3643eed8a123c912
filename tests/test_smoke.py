"""A smoke test of a few seconds, run before the full suite (README, .ci/run): the package imports, the server
starts, the SDK completes a run against it, the landing page and the command line answer."""

from __future__ import annotations

import json
import urllib.request

from mockserver import MockServer, __version__
from mockserver.cli import main


def test_the_server_answers_the_sdk_and_describes_itself() -> None:
    with MockServer() as server, server.client() as client:
        assistant = client.beta.assistants.create(model="gpt-4o")
        thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hello"}])
        run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
        assert run.status == "completed"
        with urllib.request.urlopen(server.url + "/") as page:
            assert json.loads(page.read())["version"] == __version__


def test_the_command_line_validates_a_fixture() -> None:
    assert main(["validate", "-q", "fixtures/minimal.yaml"]) == 0
