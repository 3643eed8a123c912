"""The ``mockserver serve`` command in a subprocess: prints its real URL on port 0, serves, stops on Ctrl-C."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import urllib.request

import pytest


@pytest.mark.parametrize(
    "entry", [["-m", "mockserver"], ["-c", "from mockserver.cli import main; raise SystemExit(main())"]]
)
def test_serve_on_port_zero_prints_the_url_and_stops_on_sigint(entry: list[str]) -> None:
    proc = subprocess.Popen(
        [sys.executable, *entry, "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"listening on (http://127\.0\.0\.1:(\d+))", line)
        assert match, line
        assert int(match.group(2)) > 0
        request = urllib.request.Request(
            match.group(1) + "/v1/threads",
            data=b"{}",
            method="POST",
            headers={
                "Authorization": "Bearer sk-x",
                "OpenAI-Beta": "assistants=v2",
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.load(response)["object"] == "thread"
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    assert "mockserver stopped" in out
