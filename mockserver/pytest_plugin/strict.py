"""Strict mode: what fails a test whose body passed, and the failure text that lists it and says how to opt out.

Server errors are bugs in mockserver, unknown routes are typos in the client (or endpoints the fake lacks),
script misses and cassette misses mean the fake answered something the test did not plan for: each would
otherwise surface, if at all, as a confusing assertion somewhere else.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockserver.control.journal import JournalEntry
    from mockserver.server import MockServer

OPT_OUT = (
    "Expected? An expected script miss: mockserver.expect_script_miss('part of the message') in the test. "
    "To turn every check off: @pytest.mark.mockserver(fail_on_problems=False) on the test, class or module, "
    "or `mockserver_strict = false` in the ini file, or --mockserver-strict=off."
)


def problems(
    server: MockServer,
    project: str,
    options: dict[str, Any],
    errors_start: int,
    requests: Sequence[JournalEntry],
) -> list[str]:
    """Server errors since ``errors_start``, unknown routes among ``requests``, cassette and script misses."""
    from mockserver.replay import pytest_support as cassettes

    found = [
        f"server error (a bug in mockserver) answering {err['method']} {err['path']}:\n"
        + "".join(f"       {line}\n" for line in err["traceback"].rstrip().splitlines())
        for err in server.errors.items[errors_start:]
    ]
    found += [
        f"unknown route: {describe(e)} (a typo in the client, or an endpoint the fake lacks)"
        for e in requests
        if e.unknown_route
    ]
    found += cassettes.problems(server.replay, project, options["fail_on_unused"])
    for miss in server.store.script.script_misses():
        where = (
            miss.get("run_id") or miss.get("response_id") or miss.get("surface")
        )  # a run, a response, or a surface (chat.completions)
        found.append(
            f"scripted model miss (run setting strict) in {where} for input {miss.get('input', '')!r}: "
            f"{miss.get('message')}"
        )
    return found


def report(found: Sequence[str], *, checking: bool = True) -> str:
    """The numbered list of ``found`` and, when the check is on, how to accept or opt out; empty if nothing."""
    if not found:
        return ""
    listed = "".join(f"  {n}. {text.rstrip()}\n" for n, text in enumerate(found, 1))
    advice = OPT_OUT if checking else "(fail_on_problems is off for this test: reported, not failed)"
    return f"mockserver saw {len(found)} problem(s) during this test:\n{listed}{advice}"


def describe(entry: JournalEntry) -> str:
    """One request on one line, as failure texts list them: ``GET /v1/threads?limit=2 -> 404``."""
    query = f"?{entry.query}" if entry.query else ""
    return f"{entry.method} {entry.path}{query} -> {entry.status}"
