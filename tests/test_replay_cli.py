"""``mockserver record`` / ``serve --cassette`` / ``lint-cassettes`` / ``import-vcr`` as subprocesses."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from mockserver import MockServer
from mockserver.core.secrets import mask_authorization
from mockserver.replay import UPSTREAM_KEY_ENV, load_interactions

LISTENING = re.compile(r"mockserver listening on (http://127\.0\.0\.1:\d+)")
UPSTREAM_KEY = "sk-proj-CliUpstreamKey0123456789abcdefgh"
HEADERS = {"Authorization": "Bearer sk-dummy", "OpenAI-Beta": "assistants=v2"}
VCR = Path(__file__).parent / "data" / "vcr_openai_cassette.yaml"


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mockserver", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


@contextmanager
def running(*args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """The CLI serving on port 0; yields its base URL and stops it with SIGTERM (exit code checked)."""
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mockserver", *args, "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            env={**os.environ, **(env or {})},
        )
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            match = LISTENING.search(line)
            if match is None:
                proc.wait(timeout=30)
                err.seek(0)
                raise AssertionError(f"did not start: {line!r} {err.read().decode()}")
            yield match.group(1) + "/v1"
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=30)
        assert proc.returncode == 0


def test_record_then_serve_the_cassette_from_the_command_line(tmp_path: Path) -> None:
    cassette = tmp_path / "cli.yaml"
    with MockServer(seed="cli-upstream") as upstream:
        env = {UPSTREAM_KEY_ENV: UPSTREAM_KEY}
        with running("record", "--upstream", upstream.base_url, "--cassette", str(cassette), env=env) as base:
            recorded = httpx.post(f"{base}/threads", headers=HEADERS, json={"metadata": {"k": "v"}})
        sent = upstream.requests()[0].headers["authorization"]  # the journal keeps it masked
        assert sent == mask_authorization(f"Bearer {UPSTREAM_KEY}")
    assert recorded.status_code == 200
    assert len(load_interactions(cassette)) == 1
    with running("serve", "--cassette", str(cassette)) as base:
        replayed = httpx.post(f"{base}/threads", headers=HEADERS, json={"metadata": {"k": "v"}})
        missed = httpx.post(f"{base}/threads", headers=HEADERS, json={"metadata": {"k": "other"}})
    assert replayed.content == recorded.content
    assert missed.status_code == 400 and missed.json()["error"]["code"] == "replay_miss"
    with running("serve", "--cassette", str(cassette), "--hybrid") as base:
        httpx.post(f"{base}/threads", headers=HEADERS, json={"metadata": {"k": "v"}})
        local = httpx.post(f"{base}/threads", headers=HEADERS, json={"metadata": {"k": "other"}})
    assert local.status_code == 200 and local.json()["metadata"] == {"k": "other"}


def test_serve_with_a_missing_cassette_and_record_without_a_key_fail_clearly(tmp_path: Path) -> None:
    result = cli("serve", "--port", "0", "--cassette", str(tmp_path / "none.yaml"))
    assert result.returncode == 2 and "not found" in result.stderr
    env = {k: v for k, v in os.environ.items() if k != UPSTREAM_KEY_ENV}
    cassette_args = ["--cassette", str(tmp_path / "c.yaml"), "--port", "0"]
    result = subprocess.run(
        [sys.executable, "-m", "mockserver", "record", "--upstream", "http://127.0.0.1:9/v1", *cassette_args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 2 and UPSTREAM_KEY_ENV in result.stderr


BETA = "      openai-beta: assistants=v2\n"


def test_lint_cassettes_flags_secrets_and_passes_clean_files(tmp_path: Path) -> None:
    clean = tmp_path / "clean.yaml"
    assert cli("import-vcr", str(VCR), str(clean)).returncode == 0
    leaky = tmp_path / "nested" / "leaky.yaml"
    leaky.parent.mkdir()
    leaky.write_text(
        clean.read_text().replace(BETA, BETA + "      authorization: x\n", 1)
        + "# sk-proj-SlippedThroughSecret0123456789abc\n"
    )
    assert cli("lint-cassettes", str(clean)).returncode == 0
    result = cli("lint-cassettes", str(tmp_path))
    assert result.returncode == 1
    assert "leaky.yaml" in result.stdout and "looks like a secret: sk-proj" in result.stdout
    assert "interactions[0].request has a credential header 'authorization'" in result.stdout
    assert "SlippedThroughSecret" not in result.stdout  # the report itself does not leak it
    assert "2 cassette(s) checked" in result.stderr


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_import_vcr_command_writes_either_format(tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"out{suffix}"
    result = cli("import-vcr", str(VCR), str(target))
    assert result.returncode == 0 and "imported 5 interaction(s)" in result.stdout
    assert len(load_interactions(target)) == 5
    bad = cli("import-vcr", str(tmp_path / "missing.yaml"), str(target))
    assert bad.returncode == 2 and "not found" in bad.stderr
