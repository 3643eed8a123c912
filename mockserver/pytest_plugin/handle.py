"""``MockServerFixture``: what the ``mockserver`` fixture yields, the process's server seen from one test.

It knows where this test's part of the journal and of the server's error list begins, which key and project
its clients use, and what it changed in the environment; the rest is looked up on the server itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from mockserver.pytest_plugin import starting_state, strict
from mockserver.pytest_plugin.environment import SdkEnvironment

if TYPE_CHECKING:
    import openai
    from typing_extensions import Unpack

    from mockserver.control.journal import JournalEntry
    from mockserver.server import MockServer
    from mockserver.store import Store
    from mockserver.types import Fault, Rule, RunSettings, ScriptMiss


class MockServerFixture:
    """The running :class:`MockServer`, reset for one test, plus helpers scoped to that test.

    Import it for annotations: ``from mockserver.pytest_plugin import MockServerFixture``. The common operations
    are typed methods here, acting on this test's project by default; anything else is looked up on the server
    (``mockserver.server`` is the :class:`MockServer` itself).
    """

    def __init__(
        self,
        server: MockServer,
        options: dict[str, Any],
        fixtures_dir: Path | None = None,
        inline_scenarios: starting_state.InlineCache | None = None,
    ) -> None:
        self.server = server
        self.options = options
        self.fixtures_dir = fixtures_dir
        #: Scenarios given as dicts in marks, resolved once per mark object (files are cached by the loader).
        self._inline_scenarios = {} if inline_scenarios is None else inline_scenarios
        #: The bearer key the fixtures, ``OPENAI_API_KEY`` and the module client use.
        self.api_key: str = options["api_key"]
        #: The state partition this test's clients land in: ``project=`` if given (sent as ``OpenAI-Project``),
        #: else the API key.
        self.project: str = options["project"] or self.api_key
        self.strict: bool = options["strict"]
        self._journal_start = 0
        self._errors_start = 0
        self._environment = SdkEnvironment()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.server, name)

    def __repr__(self) -> str:
        return f"<mockserver {self.server.url} project={self.project!r}>"

    # -- lifecycle (also driven by bench/plugin_overhead.py) ----------------------------------------------

    def activate(self) -> None:
        """Reset the server to this test's starting state, then point the environment and the SDK at it."""
        self.reset()
        self._environment.patch(self.server.base_url, self.api_key, self.options["project"])

    def deactivate(self) -> None:
        """Put back the environment variables and ``openai`` module settings :meth:`activate` changed."""
        try:
            self.server.replay.finish(self.project)  # detach this test's cassette, writing what it recorded
        finally:
            self._environment.restore()

    def reset(self) -> None:
        """Back to this test's starting state: the suite's or the mark's scenario, then the mark's options."""
        server = self.server
        wanted = starting_state.scenarios(self.options["scenario"], self.fixtures_dir, self._inline_scenarios)
        starting_state.use_scenarios(server, wanted)
        server.reset()
        starting_state.apply_options(server, self.project, self.options)
        self._journal_start = server.journal.next_index()
        self._errors_start = len(server.errors.items)

    # -- clients ------------------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """What ``OpenAI(base_url=...)`` wants (``http://127.0.0.1:PORT/v1``)."""
        return self.server.base_url

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def store(self) -> Store:
        return self.server.store

    def client(self, **kwargs: Any) -> openai.OpenAI:
        """A new ``openai.OpenAI`` for this test's key and project, retries off. Close it when done."""
        kwargs.setdefault("api_key", self.api_key)
        kwargs.setdefault("project", self.options["project"])
        return self.server.client(**kwargs)

    def async_client(self, **kwargs: Any) -> openai.AsyncOpenAI:
        """A new ``openai.AsyncOpenAI`` for this test's key and project, retries off."""
        kwargs.setdefault("api_key", self.api_key)
        kwargs.setdefault("project", self.options["project"])
        return self.server.async_client(**kwargs)

    # -- the journal, this test's part only ---------------------------------------------------------------

    def requests(self, **filters: Any) -> list[JournalEntry]:
        """This test's requests, oldest first; filter by ``method``, ``path``, ``path_contains``, ``status``...

        Each entry has ``method``, ``path``, ``query``, ``headers``, ``body`` (parsed JSON) and ``status``.
        """
        return self.server.journal.entries(since=self._journal_start, **filters)

    def last_request(self, **filters: Any) -> JournalEntry:
        """The most recent matching request of this test; AssertionError listing what was seen if there is none."""
        found = self.requests(**filters)
        if not found:
            seen = "\n".join(f"  {strict.describe(e)}" for e in self.requests()) or "  (no requests)"
            raise AssertionError(f"no request matched {filters!r}; this test's requests:\n{seen}")
        return found[-1]

    def file_content(self, file_id: str) -> bytes:
        """The bytes of a file of this test's project, whatever its purpose (``assistants`` files included)."""
        return self.server.store.files.read_content(self.project, file_id)

    # -- clock of this test's project ---------------------------------------------------------------------

    def now(self) -> int:
        """The fake clock (Unix seconds) of this test's project; it only moves when told to."""
        return int(self.server.store.now(self.project))

    def advance_clock(self, seconds: int) -> int:
        """Move this test's project clock forward; returns the new time."""
        return int(self.server.store.advance_clock(self.project, seconds))

    # -- the scripted model, faults and state of this test's project -------------------------------------------

    def add_rule(self, **rule: Unpack[Rule]) -> dict[str, Any]:
        """One script rule for this test's project: ``add_rule(match={"contains": "hi"}, reply="Hello!")``."""
        return self.server.add_rule(self.project, **rule)

    def add_rules(self, rules: Sequence[Rule]) -> list[dict[str, Any]]:
        return self.server.add_rules(rules, self.project)

    def rules(self) -> list[dict[str, Any]]:
        return self.server.rules(self.project)

    def configure_runs(self, **settings: Unpack[RunSettings]) -> dict[str, Any]:
        """Run settings for this test's project, e.g. ``configure_runs(strict=True, progress="immediate")``."""
        return self.server.configure_runs(self.project, **settings)

    def add_faults(self, faults: Sequence[Fault]) -> list[dict[str, Any]]:
        """Faults for this test's project (docs/stub.md)."""
        return self.server.add_faults(faults, self.project)

    def add_fault(self, **fault: Unpack[Fault]) -> dict[str, Any]:
        return self.server.add_fault(self.project, **fault)

    def script_misses(self) -> list[ScriptMiss]:
        """Runs of this test's project that no rule covered (run setting ``strict`` on), not yet expected."""
        return self.server.script_misses(self.project)

    def expect_script_miss(self, contains: str | None = None) -> list[ScriptMiss]:
        """Assert that a run missed the script (its input or message containing ``contains``, if given) and
        accept those misses: the end-of-test check no longer fails for them. Other checks stay on."""
        return self.server.expect_script_miss(contains, self.project)

    def clear_script_misses(self) -> None:
        """Accept every script miss of this test's project so far."""
        self.server.clear_script_misses(self.project)

    def export(self, project: str | None = None) -> dict[str, Any]:
        """A project (default: this test's) as a scenario document."""
        return self.server.export(project or self.project)

    # -- strict teardown ----------------------------------------------------------------------------------

    def problems(self) -> list[str]:
        """Server errors, unknown routes and strict-mode script misses seen since this test started."""
        return strict.problems(self.server, self.project, self.options, self._errors_start, self.requests())

    def problem_report(self) -> str:
        return strict.report(self.problems(), checking=self.strict)

    def check(self) -> None:
        """Fail the test if :meth:`problems` found anything (unless ``fail_on_problems=False``)."""
        if self.strict and (report := self.problem_report()):
            pytest.fail(report, pytrace=False)
