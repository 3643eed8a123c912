"""The scripted model's configuration, shared by every surface that asks "the model" for an answer: script rules,
model settings (how runs and background responses progress and stream), strict-mode misses and rule uses.

Per-project rules and settings live in ``Project.extras`` (so a reset returns them to the baseline a scenario
set). ``project=None`` addresses every project: those rules are tried after a project's own, those settings
sit under a project's own, and a full ``reset()`` forgets them. Available as ``store.script``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.core.ids import MAX_COUNT
from mockserver.core.project import Project
from mockserver.core.store import ProjectStore, SurfaceOps, locked
from mockserver.model.rules import RunContext, closest_rules, find_rule, parse_rules, rule_name

PROGRESS_MODES = ["immediate", "on_read", "on_clock"]
DEFAULT_REPLY = "Hello from mockserver! No script rule matched this run, so this is the default reply."
DEFAULT_SETTINGS: dict[str, Any] = {
    "progress": "on_read",
    "reads": 1,
    "strict": False,
    "chunk_size": 16,
    "chunk_delay_ms": 0,
    "default_reply": DEFAULT_REPLY,
    "stream_timeout_ms": 10_000,
}

SETTINGS_KEY = "runs.settings"
RULES_KEY = "script.rules"
USES_KEY = "script.uses"
MISSES_KEY = "script.misses"


def check_settings(settings: Any, param: str = "settings") -> dict[str, Any]:
    body = v.expect_object(settings, param) or {}
    unknown = [k for k in body if k not in DEFAULT_SETTINGS]
    if unknown:
        raise e.InvalidRequestError(
            e.RUN_SETTINGS_FIELD.format(param=v.join_param(param, unknown[0]), allowed=", ".join(DEFAULT_SETTINGS)),
            param=v.join_param(param, unknown[0]),
        )
    checked: dict[str, Any] = {}
    for key, value in body.items():
        where = v.join_param(param, key)
        if key == "progress":
            checked[key] = v.expect_enum(value, PROGRESS_MODES, where)
        elif key == "strict":
            checked[key] = v.expect_bool(value, where)
        elif key == "default_reply":
            checked[key] = v.expect_string(value, where)
        elif key in ("reads", "chunk_size"):
            checked[key] = v.expect_int(value, where, minimum=1)
        else:
            checked[key] = v.expect_int(value, where, minimum=0, maximum=600_000)
    return checked


@dataclass
class Pick:
    """What the script answers one request: the matched rule's name and its replies in order (a tool-call reply
    is followed by the reply after its outputs), or, in strict mode with no rule, the miss to fail with."""

    rule: str | None
    turns: list[dict[str, Any]] = field(default_factory=list)
    miss: str | None = None


class ScriptOps(SurfaceOps):
    name = "script"

    def __init__(self, store: ProjectStore) -> None:
        super().__init__(store)
        self._global_rules: list[dict[str, Any]] = []
        self._global_settings: dict[str, Any] = {}
        store.on_reset(self._after_reset)

    def _after_reset(self, what: str) -> None:
        if what == "all":
            self._global_rules = []
            self._global_settings = {}

    def save_globals(self) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        return list(self._global_rules), dict(self._global_settings)

    def restore_globals(self, saved: tuple[list[dict[str, Any]], dict[str, Any]]) -> None:
        self._global_rules, self._global_settings = list(saved[0]), dict(saved[1])

    # -- what the model answers (called by surfaces under the lock) ------------------------------------------

    def settings(self, state: Project) -> dict[str, Any]:
        """Defaults, then settings for every project, then this project's own (closest wins)."""
        return {**DEFAULT_SETTINGS, **self._global_settings, **state.extras.get(SETTINGS_KEY, {})}

    def pick(self, state: Project, ctx: RunContext) -> Pick:
        """The first matching rule (project rules, then rules for every project), counting its use; with none,
        the default reply, or in strict mode a miss naming the closest rules (record it with :meth:`record_miss`)."""
        uses: dict[str, int] = state.extras.get(USES_KEY, {})
        for prefix, rules in (("", state.extras.get(RULES_KEY, [])), ("*", self._global_rules)):
            found = find_rule(rules, {k[len(prefix) :]: n for k, n in uses.items() if k.startswith(prefix)}, ctx)
            if found is not None:
                index, rule = found
                name = rule_name(rule, index)
                state.extras[USES_KEY] = {**uses, prefix + name: uses.get(prefix + name, 0) + 1}
                return Pick(rule=name, turns=[rule["reply"], *rule["then"]])
        settings = self.settings(state)
        if not settings["strict"]:
            return Pick(rule=None, turns=[{"text": settings["default_reply"], "annotations": []}])
        closest = closest_rules([*state.extras.get(RULES_KEY, []), *self._global_rules], ctx)
        hint = f"Closest rules: {'; '.join(closest)}." if closest else "No rules are defined."
        return Pick(rule=None, miss=e.SCRIPT_MISS.format(text=repr(ctx.text), closest=hint))

    @staticmethod
    def record_miss(state: Project, miss: dict[str, Any]) -> None:
        state.extras[MISSES_KEY] = [*state.extras.get(MISSES_KEY, []), miss]

    # -- configuration (public operations) -------------------------------------------------------------------

    @locked
    def add_script_rules(self, project: str | None, rules: Any) -> list[dict[str, Any]]:
        """Validate and append rules (first match wins, in the order added); returns them normalized.

        A mistake raises :class:`InvalidRequestError` whose ``param`` locates it (``script[0].match.regex``)
        and adds nothing.
        """
        parsed = parse_rules(rules)
        if project is None:
            self._global_rules = [*self._global_rules, *parsed]
        else:
            state = self._project(project)
            state.extras[RULES_KEY] = [*state.extras.get(RULES_KEY, []), *parsed]
        return parsed

    @locked
    def list_script_rules(self, project: str | None) -> list[dict[str, Any]]:
        if project is None:
            return list(self._global_rules)
        return list(self._project(project).extras.get(RULES_KEY, []))

    @locked
    def clear_script_rules(self, project: str | None) -> None:
        if project is None:
            self._global_rules = []
            return
        extras = self._project(project).extras
        extras.pop(RULES_KEY, None)
        extras.pop(USES_KEY, None)

    @locked
    def configure_runs(self, project: str | None, settings: dict[str, Any]) -> dict[str, Any]:
        """Change how runs progress and stream; returns the settings now in effect (for ``None``: every project's)."""
        checked = check_settings(settings)
        if project is None:
            self._global_settings = {**self._global_settings, **checked}
            return {**DEFAULT_SETTINGS, **self._global_settings}
        state = self._project(project)
        state.extras[SETTINGS_KEY] = {**state.extras.get(SETTINGS_KEY, {}), **checked}
        return self.settings(state)

    @locked
    def run_settings(self, project: str | None) -> dict[str, Any]:
        if project is None:
            return {**DEFAULT_SETTINGS, **self._global_settings}
        return self.settings(self._project(project))

    @locked
    def script_misses(self, project: str | None = None) -> list[dict[str, Any]]:
        """Requests that strict mode failed because no rule (or no follow-up reply) covered them."""
        names = [project] if project is not None else self.store.project_names()
        return [dict(miss, project=name) for name in names for miss in self._project(name).extras.get(MISSES_KEY, [])]

    @locked
    def clear_script_misses(self, project: str | None = None) -> None:
        names = [project] if project is not None else self.store.project_names()
        for name in names:
            self._project(name).extras.pop(MISSES_KEY, None)

    @locked
    def take_script_misses(self, project: str | None = None, contains: str | None = None) -> list[dict[str, Any]]:
        """Remove and return the misses (of ``project``, else of every project) whose ``input`` (the user message
        the run answered) or ``message`` contains ``contains`` (every miss if None): a test that expected them."""
        taken: list[dict[str, Any]] = []
        for name in [project] if project is not None else self.store.project_names():
            extras = self._project(name).extras
            kept: list[dict[str, Any]] = []
            for miss in extras.get(MISSES_KEY, []):
                text = f"{miss.get('input', '')}\n{miss.get('message', '')}"
                (taken if contains is None or contains in text else kept).append(miss)
                if taken and taken[-1] is miss:
                    taken[-1] = dict(miss, project=name)
            if kept:
                extras[MISSES_KEY] = kept
            else:
                extras.pop(MISSES_KEY, None)
        return taken

    @locked
    def script_uses(self, project: str) -> dict[str, int]:
        """How often each of the project's own script rules has been used (what ``times`` counts)."""
        uses: dict[str, int] = self._project(project).extras.get(USES_KEY, {})
        return {name: n for name, n in uses.items() if not name.startswith("*")}

    @locked
    def restore_script_uses(self, project: str, uses: dict[str, int]) -> dict[str, int]:
        """Set rule use counts (by rule name, as :meth:`script_uses` reports them), e.g. from an export."""
        state = self._project(project)
        body = v.expect_object(uses, "script_uses") or {}
        for name, n in body.items():
            v.expect_int(n, f"script_uses.{name}", minimum=0, maximum=MAX_COUNT)
        state.extras[USES_KEY] = {**state.extras.get(USES_KEY, {}), **body}
        return self.script_uses(project)
