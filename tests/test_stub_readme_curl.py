"""The README's "Use from any language" curl examples run against a real stub and answer JSON."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from .stub_process import StubProcess

README = Path(__file__).resolve().parents[1] / "README.md"


def _blocks() -> list[str]:
    text = README.read_text()
    section = text[text.index("## Use from any language") :]
    section = section[: section.index("\n## ", 1)] if "\n## " in section[1:] else section
    return re.findall(r"```sh\n(.*?)```", section, re.S)


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_readme_curl_examples(tmp_path: Path) -> None:
    api, control = _blocks()
    with StubProcess() as stub:
        port = str(stub.port)
        api_lines = [line for line in api.splitlines() if not line.startswith("mockserver serve")]
        script = "\n".join(api_lines + control.splitlines()).replace("8000", port)
        script = script.replace("THREAD_ID", "thread_" + "x" * 24)
        done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    decoder, text, outputs = json.JSONDecoder(), done.stdout.strip(), []
    while text:  # the answers are concatenated JSON documents
        value, end = decoder.raw_decode(text)
        outputs.append(value)
        text = text[end:].lstrip()
    assert len(outputs) >= 8
    assert not [o for o in outputs if o.get("error", {}).get("type") == "server_error"]
    assert (tmp_path / "snapshot.json").exists()
    assert json.loads((tmp_path / "snapshot.json").read_text())["format"] == "mockserver-state"
