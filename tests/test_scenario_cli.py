"""``mockserver validate`` / ``export`` and ``serve --scenario`` in subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from mockserver.scenarios import load_scenario, load_text
from tests.stub_process import StubProcess

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mockserver", *args], capture_output=True, text=True, timeout=60, cwd=cwd
    )


def test_validate_accepts_every_example_fixture() -> None:
    files = sorted(str(p) for p in FIXTURES.iterdir() if p.suffix in (".yaml", ".yml", ".json"))
    result = cli("validate", *files)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"{f}: ok" for f in files]


def test_validate_exits_non_zero_with_located_errors(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("version: 1\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nthreads:\n  - messages:\n      - {role: robot, content: hi}\n")
    store_bad = tmp_path / "store_bad.json"
    store_bad.write_text(json.dumps({"version": 1, "threads": [{"metadata": {"k" * 65: "v"}}]}))
    result = cli("validate", str(good), str(bad), str(store_bad))
    assert result.returncode == 1
    assert result.stdout == f"{good}: ok\n"
    assert result.stderr.splitlines() == [
        f'{bad}:4: threads[0].messages[0].role: expected one of "user", "assistant", got a string ("robot")',
        f"{store_bad}:1: threads[0].metadata.{'k' * 65}: Invalid property name in 'metadata': '{'k' * 65}' is too "
        "long. Expected a string with maximum length 64, but got a string with length 65 instead.",
        "2 of 3 scenario file(s) invalid",
    ]


def test_validate_resolves_names_in_the_fixtures_dir() -> None:
    result = cli("validate", "--fixtures-dir", str(FIXTURES), "minimal", "-q")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_export_freezes_scenario_files_with_every_id_written_out(tmp_path: Path) -> None:
    out = tmp_path / "frozen.json"
    result = cli("export", str(FIXTURES / "includes.yaml"), "-o", str(out))
    assert result.returncode == 0, result.stderr
    frozen = json.loads(out.read_text())
    assert "include" not in frozen
    assert all("id" in t and "created_at" in t for t in frozen["threads"])
    assert len(frozen["assistants"]) == 2
    assert load_scenario(out).document == frozen


def test_export_to_stdout_as_yaml() -> None:
    result = cli("export", str(FIXTURES / "minimal.yaml"))
    assert result.returncode == 0, result.stderr
    assert load_text(result.stdout).document["threads"][0]["messages"][0]["content"] == "Hello!"


def test_export_reports_errors() -> None:
    result = cli("export")
    assert result.returncode == 1
    assert "give scenario files to freeze, or --url of a running server" in result.stderr


def test_serve_with_scenarios_and_export_from_its_url(tmp_path: Path) -> None:
    with StubProcess(
        "--scenario", "minimal", "--scenario", str(FIXTURES / "assistants.yaml"), "--fixtures-dir", str(FIXTURES)
    ) as stub:
        result = cli("export", "--url", stub.base_url, "--project", "sk-anyone", "--format", "json")
        stub.stop()
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["threads"][0]["messages"][0]["content"] == "Hello!"
    assert [a["name"] for a in document["assistants"]] == ["Support bot", "Data analyst"]


def test_export_from_an_unreachable_url_fails_cleanly() -> None:
    result = cli("export", "--url", "http://127.0.0.1:9")
    assert result.returncode == 1
    assert result.stderr.startswith("mockserver export: cannot reach http://127.0.0.1:9")


def test_serve_refuses_an_invalid_scenario(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nclock: later\n")
    result = cli("serve", "--port", "0", "--scenario", str(bad))
    assert result.returncode == 2
    assert f'{bad}:2: clock: expected an integer, got a string ("later")' in result.stderr


def test_export_to_a_path_that_cannot_be_written_fails_cleanly(tmp_path: Path) -> None:
    for extra in ([], ["--format", "json"]):
        target = tmp_path / "missing" / "out.yaml"
        result = cli("export", str(FIXTURES / "minimal.yaml"), "-o", str(target), *extra)
        assert result.returncode == 1
        assert result.stderr.startswith(f"mockserver export: cannot write {target}: "), result.stderr
        assert "Traceback" not in result.stderr


def test_export_from_a_url_that_is_not_a_mockserver_fails_cleanly() -> None:
    import http.server
    import threading

    class NotJson(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<html>hello</html>")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), NotJson)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        result = cli("export", "--url", url)
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 1
    assert result.stderr == f"mockserver export: {url} did not answer with a scenario document (is it a mockserver?)\n"
