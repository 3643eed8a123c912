"""``mockserver serve`` as a subprocess on port 0, for the stub's end-to-end tests (and bench/)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO, Any

LISTENING = re.compile(r"mockserver listening on (http://127\.0\.0\.1:(\d+))")


class StubProcess:
    """Starts the CLI, parses the URL from its first stdout line; stderr goes to a file (never a full pipe)."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.args = ["--port", "0", *args]
        self._stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mockserver", "serve", *self.args],
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            env={**os.environ, **(env or {})},
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()  # blocks until the server is listening, or the process exits
        match = LISTENING.search(line)
        if match is None:
            self.proc.wait(timeout=30)
            raise RuntimeError(f"stub did not start (exit {self.proc.returncode}): {line!r}\n{self.stderr()}")
        self.url = match.group(1)
        self.port = int(match.group(2))

    @property
    def base_url(self) -> str:
        return self.url + "/v1"

    def stderr(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> tuple[int, str]:
        """Send ``sig`` and wait; returns (exit code, rest of stdout)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        out, _ = self.proc.communicate(timeout=timeout)
        return self.proc.returncode, out

    def kill(self) -> None:
        self.proc.kill()
        self.proc.communicate(timeout=30)

    def __enter__(self) -> StubProcess:
        return self

    def __exit__(self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]) -> None:
        if self.proc.poll() is None:
            self.kill()
        self._stderr.close()


def start_failure(*args: str) -> tuple[int, str, str]:
    """Run ``serve`` expecting it to refuse to start: (exit code, stdout, stderr)."""
    done = subprocess.run(
        [sys.executable, "-m", "mockserver", "serve", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, done.stdout, done.stderr


def state_of(path: Path) -> Any:
    import json

    return json.loads(path.read_text())
