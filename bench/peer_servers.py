"""Fakes of the OpenAI API as subprocesses on 127.0.0.1: mockserver's stub and the competitors, started alike.

Every server runs in its own process, bound to a free port the server picks itself (port 0) and read back
from its start-up line, so no port is ever fixed. The competitors live in the bench environment that
``bench/setup_peers.sh`` builds outside the repository (``$BENCH_ENV``, default ``/work/bench-env``); one that
is not installed there is skipped with a line saying why. mockserver runs from the same environment when it
exists, so every Python server shares one interpreter and one set of libraries.

How each is started (the quietest configuration each offers, so no server pays for per-request logging):

- mockserver: ``python -m mockserver serve --port 0 --no-access-log`` (its standalone stub).
- aimock (npm ``@copilotkit/aimock``): its server CLI ``node dist/cli.js --port 0 --fixtures DIR`` (the ``llmock``
  bin, which aimock-pytest and the Docker image run), with one fixture answering "hello".
- mock-ai-api (pip): its ``mock-ai-api`` command runs ``uvicorn app.openai_app:app`` on fixed ports with access
  logging; we run that same app under uvicorn on port 0 without the access log. It paces stream events 40 ms
  apart (hard-coded, no option).
- llm-mock-api (pip): its CLI logs every request at the level that prints the URL, so we use its documented
  programmatic API (``MockServer(MockServerOptions(port=0, log_level="none", default_latency=0))``, fallback
  reply "Hi there!"), which is what its CLI wraps. ``default_latency=0``: its default sleeps 200 ms per chunk.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_ENV = Path(os.environ.get("BENCH_ENV", "/work/bench-env"))
AIMOCK_CLI = BENCH_ENV / "node" / "node_modules" / "@copilotkit" / "aimock" / "dist" / "cli.js"
PROMPT = "hello"
REPLY = "Hi there!"
START_TIMEOUT = 30.0

LLM_MOCK_API_LAUNCHER = f"""
import asyncio, signal
from llm_mock_api.mock_server import MockServer, MockServerOptions

async def main():
    server = MockServer(MockServerOptions(port=0, host="127.0.0.1", log_level="none", default_latency=0))
    server.fallback({REPLY!r})
    await server.start()
    print(f"listening on {{server.url}}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await server.stop()

asyncio.run(main())
"""


def child_env(**extra: str) -> dict[str, str]:
    """The environment for child processes: this checkout's mockserver comes first on the path, so a bench run
    from an exported commit measures that commit, not whatever the bench environment installed."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **extra}


def bench_python() -> str:
    """The bench environment's interpreter when it has mockserver and openai, else the running one."""
    candidate = BENCH_ENV / "bin" / "python"
    if candidate.exists():
        probe = subprocess.run(
            [str(candidate), "-c", "import mockserver, openai"],
            capture_output=True,
            timeout=60,
            check=False,
            env=child_env(),
        )
        if probe.returncode == 0:
            return str(candidate)
    return sys.executable


def has_module(python: str, module: str) -> bool:
    probe = [python, "-c", f"import importlib.util, sys; sys.exit(0 if importlib.util.find_spec({module!r}) else 1)"]
    return subprocess.run(probe, capture_output=True, timeout=60, check=False).returncode == 0


@dataclass
class ServerSpec:
    """How to start one fake: its command, and where its start-up line gives the URL."""

    name: str
    command: list[str]
    url_pattern: str
    #: The base_url the SDK takes, from the URL the server printed.
    base_url: Callable[[str], str] = lambda url: url + "/v1"
    env: dict[str, str] = field(default_factory=dict)
    #: Why it cannot run here (None: it can).
    missing: str | None = None


def specs(python: str | None = None) -> list[ServerSpec]:
    """mockserver first, then each competitor (marked ``missing`` when not installed)."""
    python = python or bench_python()
    out = [
        ServerSpec(
            "mockserver",
            [python, "-m", "mockserver", "serve", "--port", "0", "--no-access-log", "--log-level", "warning"],
            r"listening on (http://127\.0\.0\.1:\d+)",
        )
    ]
    aimock = ServerSpec(
        "aimock",
        ["node", str(AIMOCK_CLI), "--port", "0", "--host", "127.0.0.1", "--log-level", "info", "--fixtures", "{fx}"],
        r"listening on (http://127\.0\.0\.1:\d+)",
    )
    if not AIMOCK_CLI.exists():
        aimock.missing = f"not installed ({AIMOCK_CLI} absent: run bash bench/setup_peers.sh)"
    out.append(aimock)
    mock_ai = ServerSpec(
        "mock-ai-api",
        [python, "-m", "uvicorn", "app.openai_app:app", "--host", "127.0.0.1", "--port", "0", "--no-access-log"],
        r"Uvicorn running on (http://127\.0\.0\.1:\d+)",
    )
    if not has_module(python, "app.openai_app"):
        mock_ai.missing = f"not installed in {python} (run bash bench/setup_peers.sh)"
    out.append(mock_ai)
    llm = ServerSpec("llm-mock-api", [python, "-c", LLM_MOCK_API_LAUNCHER], r"listening on (http://127\.0\.0\.1:\d+)")
    if not has_module(python, "llm_mock_api"):
        llm.missing = f"not installed in {python} (run bash bench/setup_peers.sh)"
    out.append(llm)
    return out


class RunningServer:
    """A started fake; ``stop()`` (or the context manager) ends its process group."""

    def __init__(self, spec: ServerSpec):
        self.spec = spec
        self._tmp = tempfile.TemporaryDirectory(prefix=f"bench-{spec.name}-")
        fixtures = Path(self._tmp.name) / "fixtures"
        fixtures.mkdir()
        fixture = {"match": {"userMessage": PROMPT}, "response": {"content": REPLY}}
        (fixtures / "hello.json").write_text(json.dumps({"fixtures": [fixture]}))
        command = [part.replace("{fx}", str(fixtures)) for part in spec.command]
        env = child_env(PYTHONUNBUFFERED="1", **spec.env)
        self.proc = subprocess.Popen(
            command,
            cwd=self._tmp.name,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            start_new_session=True,  # its own process group: stop() ends it and any children it spawned
        )
        self.output: list[str] = []
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._drain, args=(lines,), daemon=True).start()
        deadline = time.monotonic() + START_TIMEOUT
        url = None
        while url is None:
            remaining = deadline - time.monotonic()
            try:
                line = lines.get(timeout=max(0.0, remaining))
            except queue.Empty:
                line = None
            if line is None:  # exited or timed out
                self.stop()
                tail = "".join(self.output[-10:]).strip()
                raise RuntimeError(f"{spec.name} did not start within {START_TIMEOUT:.0f}s: {tail[-600:]}")
            match = re.search(spec.url_pattern, line)
            if match:
                url = match.group(1)
        self.url = url
        self.base_url = spec.base_url(url)

    def _drain(self, lines: queue.Queue[str | None]) -> None:
        assert self.proc.stdout is not None
        for line in iter(self.proc.stdout.readline, ""):
            if len(self.output) < 200:
                self.output.append(line)
            lines.put(line)
        lines.put(None)

    def pid(self) -> int:
        return self.proc.pid

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
            except ProcessLookupError:
                pass
        self._tmp.cleanup()

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def load_line(when: str) -> str:
    """The machine's load, printed at the start and end of a run: timings are only comparable on a quiet machine."""
    one, five, _ = os.getloadavg()
    return f"({when}: load average {one:.1f} / {five:.1f} over 1 / 5 min, {os.cpu_count()} cores)"


def environment_line(python: str) -> str:
    """Which interpreter and server libraries the Python fakes run on (they share one environment)."""
    code = (
        "import sys, importlib.metadata as m\n"
        "def v(n):\n"
        "    try: return m.version(n)\n"
        "    except Exception: return '-'\n"
        'print(f\'python {sys.version.split()[0]}, openai {v("openai")}, starlette {v("starlette")}, \'\n'
        '      f\'uvicorn {v("uvicorn")}, uvloop {v("uvloop")}, httptools {v("httptools")}\')'
    )
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, timeout=30, check=False)
    return f"servers run on {python}: {out.stdout.strip()}; node {node.stdout.strip() or '-'}"
