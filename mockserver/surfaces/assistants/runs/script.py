"""The scripted model's configuration (script rules, run settings, strict-mode misses) and picking a new run's rule.

Per-project rules and settings live in ``Project.extras`` (so a reset returns them to the baseline a scenario
set). ``project=None`` addresses every project: those rules are tried after a project's own, those settings
sit under a project's own, and a full ``reset()`` forgets them.
"""

from __future__ import annotations

from typing import Any

from mockserver import model as engine
from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.core.project import Project, ThreadState
from mockserver.core.store import locked
from mockserver.surfaces.assistants.runs.lifecycle import RunLifecycle
from mockserver.surfaces.assistants.runs.state import (
    DEFAULT_SETTINGS,
    MISSES_KEY,
    PROGRESS_MODES,
    RULES_KEY,
    SETTINGS_KEY,
    USES_KEY,
    RunState,
)


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


class ScriptOps(RunLifecycle):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._global_rules: list[dict[str, Any]] = []
        self._global_settings = {}

    def _script_run(
        self, state: Project, thread: ThreadState, assistant: dict[str, Any], run: dict[str, Any]
    ) -> RunState:
        """Pick a new run's replies: the first matching rule (project rules, then rules for every project); with
        none, the default reply, or in strict mode a recorded miss the run will fail with."""
        last_user = next(
            (m for m in reversed([thread.messages[i] for i in thread.message_index.ids()]) if m["role"] == "user"), None
        )
        text = engine.message_text(last_user) if last_user else ""
        ctx = engine.RunContext(text=text, assistant=assistant, thread=thread.data, run=run)
        uses: dict[str, int] = state.extras.get(USES_KEY, {})
        for prefix, rules in (("", state.extras.get(RULES_KEY, [])), ("*", self._global_rules)):
            found = engine.find_rule(rules, {k[len(prefix) :]: n for k, n in uses.items() if k.startswith(prefix)}, ctx)
            if found is not None:
                index, rule = found
                name = engine.rule_name(rule, index)
                state.extras[USES_KEY] = {**uses, prefix + name: uses.get(prefix + name, 0) + 1}
                return RunState(data=run, turns=[rule["reply"], *rule["then"]], rule=name, prompt_text=text)
        settings = self._run_settings(state)
        if not settings["strict"]:
            reply = {"text": settings["default_reply"], "annotations": []}
            return RunState(data=run, turns=[reply], rule=None, prompt_text=text)
        closest = engine.closest_rules([*state.extras.get(RULES_KEY, []), *self._global_rules], ctx)
        hint = f"Closest rules: {'; '.join(closest)}." if closest else "No rules are defined."
        rs = RunState(data=run, turns=[], rule=None, prompt_text=text)
        rs.miss = e.SCRIPT_MISS.format(text=repr(text), closest=hint)
        self._record_miss(state, rs, rs.miss)
        return rs

    @locked
    def reset(self, project: str | None = None) -> None:
        super().reset(project)
        if project is None:
            self._global_rules = []
            self._global_settings = {}

    @locked
    def add_script_rules(self, project: str | None, rules: Any) -> list[dict[str, Any]]:
        """Validate and append rules (first match wins, in the order added); returns them normalized.

        A mistake raises :class:`InvalidRequestError` whose ``param`` locates it (``script[0].match.regex``)
        and adds nothing.
        """
        parsed = engine.parse_rules(rules)
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
        return self._run_settings(state)

    @locked
    def run_settings(self, project: str | None) -> dict[str, Any]:
        if project is None:
            return {**DEFAULT_SETTINGS, **self._global_settings}
        return self._run_settings(self._project(project))

    @locked
    def script_misses(self, project: str | None = None) -> list[dict[str, Any]]:
        """Runs that strict mode failed because no rule (or no follow-up reply) covered them."""
        names = [project] if project is not None else self.project_names()
        return [dict(miss, project=name) for name in names for miss in self._project(name).extras.get(MISSES_KEY, [])]

    @locked
    def clear_script_misses(self, project: str | None = None) -> None:
        names = [project] if project is not None else self.project_names()
        for name in names:
            self._project(name).extras.pop(MISSES_KEY, None)
