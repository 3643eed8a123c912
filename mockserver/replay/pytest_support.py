"""What the pytest plugin needs for cassettes, kept free of pytest: option checks, paths, attach and report.

Marker options: ``cassette`` (True = the default file for the test, or a path), ``record_mode``, ``hybrid``,
``fail_on_unused``. A relative path resolves against ``<test dir>/cassettes/<module>/``, the layout
pytest-recording uses, so one file per test is the default and parallel workers never share a file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mockserver.replay.session import RECORD_MODES, ReplayConfigError, ReplayController

OPTIONS = ("cassette", "record_mode", "hybrid", "fail_on_unused", "upstream")
DEFAULT_UPSTREAM = "https://api.openai.com/v1"

CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "cassette": (lambda v: v is None or isinstance(v, (bool, str, os.PathLike)), "True, a path, or None"),
    "record_mode": (lambda v: v is None or v in (*RECORD_MODES, "rewrite"), f"one of {', '.join(RECORD_MODES)}"),
    "hybrid": (lambda v: isinstance(v, bool), "True or False"),
    "fail_on_unused": (lambda v: isinstance(v, bool), "True or False"),
    "upstream": (lambda v: isinstance(v, str) and v.startswith(("http://", "https://")), "an http(s) base URL"),
}


def defaults(cli_record_mode: str | None, upstream: str) -> dict[str, Any]:
    """The cassette options before any mark: ``--record-mode`` and ``--mockserver-upstream`` (or the ini)."""
    return {"cassette": None, "record_mode": cli_record_mode, "hybrid": False, "fail_on_unused": False,
            "upstream": upstream or DEFAULT_UPSTREAM}  # fmt: skip


def cassette_path(value: Any, test_file: Path, test_name: str) -> Path | None:
    """Where a test's cassette lives: ``<test dir>/cassettes/<module>/<test name>.yaml`` unless told otherwise."""
    if value is None or value is False:
        return None
    directory = test_file.parent / "cassettes" / test_file.stem
    if value is True:
        return directory / (re.sub(r"[^\w.\-\[\]=,]", "_", test_name) + ".yaml")
    path = Path(value)
    return path if path.is_absolute() else directory / path


def attach(controller: ReplayController, project: str, options: dict[str, Any]) -> None:
    """Attach the test's cassette for its project (a mark's ``record_mode`` wins over ``--record-mode``)."""
    path = options.get("cassette")
    if path is None:
        return
    mode = options.get("record_mode") or "none"
    if mode == "rewrite":  # pytest-recording's name for re-recording from scratch
        mode = "all"
    controller.use(path, project=project, mode=mode, upstream=options["upstream"], hybrid=options["hybrid"])


def problems(controller: ReplayController, project: str, fail_on_unused: bool) -> list[str]:
    """Misses (each with its diff) and, if asked, recordings never used: what fails the test at teardown."""
    report = controller.report(project)
    if report is None:
        return []
    found = [
        f"cassette miss: {miss.line}: {miss.reason}" + "".join(f"\n     {line}" for line in miss.diff.splitlines())
        for miss in report.misses
    ]
    if found:
        found[-1] += (
            f"\n     (cassette {report.cassette}, record mode {report.mode!r}; "
            "to record what is missing: --record-mode=new_episodes)"
        )
    if fail_on_unused and report.unused:
        found.append(f"cassette (fail_on_unused=True): {report.format_unused()}")
    return found


__all__ = [
    "CHECKS",
    "DEFAULT_UPSTREAM",
    "OPTIONS",
    "RECORD_MODES",
    "ReplayConfigError",
    "attach",
    "cassette_path",
    "defaults",
    "problems",
]
