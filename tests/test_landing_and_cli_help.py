"""The landing page at / and /__mock__/ (JSON and HTML, no key), and the command line's --version and examples."""

from __future__ import annotations

import subprocess
import sys

import pytest
from starlette.testclient import TestClient

from mockserver import __version__
from mockserver.app import create_app
from mockserver.cli import build_parser
from mockserver.store import Store

from .conftest import HEADERS


@pytest.fixture
def anonymous(store: Store) -> TestClient:
    return TestClient(create_app(store))


@pytest.mark.parametrize("path", ["/", "/__mock__", "/__mock__/"])
def test_the_landing_page_describes_the_fake_without_a_key(anonymous: TestClient, path: str) -> None:
    thread = anonymous.post("/v1/threads", headers=HEADERS, json={"messages": [{"role": "user", "content": "Hi"}]})
    assert thread.status_code == 200
    page = anonymous.get(path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("application/json")
    info = page.json()
    assert info["object"] == "mockserver" and info["version"] == __version__
    assert info["base_url"] == "http://testserver/v1"
    (project,) = info["projects"]
    assert project["name"] == HEADERS["Authorization"][7:]
    assert project["objects"]["threads"] == 1 and project["objects"]["messages"] == 1
    assert "POST /__mock__/reset" in info["control"] and "GET /__mock__/health" in info["control"]
    assert "docs/index.md" in info["docs"]


def test_a_browser_gets_html_and_nothing_is_journaled(anonymous: TestClient) -> None:
    page = anonymous.get("/", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert f"<h1>mockserver {__version__}</h1>" in page.text and "http://testserver/v1" in page.text
    assert anonymous.get("/__mock__/requests").json()["data"] == []


def test_other_methods_on_the_landing_paths_are_not_served(anonymous: TestClient) -> None:
    assert anonymous.post("/", headers=HEADERS).status_code == 405


def test_version_and_subcommand_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.strip() == f"mockserver {__version__}"
    for command in ("serve", "validate", "export", "record", "lint-cassettes", "import-vcr"):
        with pytest.raises(SystemExit):
            build_parser().parse_args([command, "--help"])
        out = capsys.readouterr().out
        assert "examples:" in out and f"mockserver {command}" in out.split("examples:")[1]
    with pytest.raises(SystemExit):
        build_parser().parse_args(["export", "--help"])
    assert "Write a scenario document" in capsys.readouterr().out


def test_the_installed_command_prints_the_version() -> None:
    done = subprocess.run([sys.executable, "-m", "mockserver", "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"mockserver {__version__}"
