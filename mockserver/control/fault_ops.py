"""Fault operations: schedule, list and clear injected misbehaviour; match it against each request.

Faults for one project live in ``Project.extras["faults"]`` (so a reset returns them to the baseline, which is
where a scenario file's ``faults`` section ends up); faults for every project live on the store and are cleared
by a full reset. :meth:`FaultOps.match_fault` runs on every request, so when no fault was ever scheduled it
returns after one attribute read, without taking the lock.
"""

from __future__ import annotations

from typing import Any

from mockserver.control.faults import FaultAction, FaultSet, parse_faults
from mockserver.core.store import BASELINE_PROJECT, ProjectStore, SurfaceOps, locked

EXTRA_KEY = "faults"


class FaultOps(SurfaceOps):
    """Available as ``store.faults``."""

    name = "faults"

    def __init__(self, store: ProjectStore) -> None:
        super().__init__(store)
        #: False while no fault exists anywhere (the fast path of :meth:`match_fault`).
        self._faults_armed = False
        self._global_faults: FaultSet | None = None
        store.on_reset(self._after_reset)

    def _after_reset(self, what: str) -> None:
        if what == "all":
            self._global_faults = None
        self._refresh_armed()

    def save_globals(self) -> FaultSet | None:
        return self._global_faults.copy() if self._global_faults is not None else None

    def restore_globals(self, saved: FaultSet | None) -> None:
        self._global_faults = saved
        self._refresh_armed()

    @locked
    def add_faults(self, project: str | None, faults: Any) -> list[dict[str, Any]]:
        """Validate ``faults`` (a list of fault dicts, or one) and schedule them; ``None`` = every project.

        Nothing is added unless every fault is valid. Returns the added faults as :meth:`list_faults` shows them.
        """
        parsed = parse_faults(faults)
        if project is None:
            if self._global_faults is None:
                self._global_faults = FaultSet()
            target = self._global_faults
        else:
            created = self._project_faults(project, create=True)
            assert created is not None
            target = created
        target.items.extend(parsed)
        self._faults_armed = True
        return [f.describe(project) for f in parsed]

    @locked
    def list_faults(self, project: str | None = None) -> list[dict[str, Any]]:
        """Faults that apply to ``project`` (its own, then every-project ones); all faults when ``project`` is None."""
        out: list[dict[str, Any]] = []
        if project is None:
            for name in self.store.project_names():
                if name != BASELINE_PROJECT:
                    own = self._project_faults(name)
                    out.extend(f.describe(name) for f in (own.items if own else []))
        else:
            own = self._project_faults(project)
            out.extend(f.describe(project) for f in (own.items if own else []))
        if self._global_faults is not None:
            out.extend(f.describe(None) for f in self._global_faults.items)
        return out

    @locked
    def clear_faults(self, project: str | None = None) -> int:
        """Remove one project's faults, or (``None``) every fault anywhere. Returns how many were removed."""
        removed = 0
        names = [project] if project is not None else list(self.store._projects)
        for name in names:
            own = self._project_faults(name)
            if own is not None:
                removed += len(own.items)
                own.items.clear()
        if project is None and self._global_faults is not None:
            removed += len(self._global_faults.items)
            self._global_faults = None
        self._refresh_armed()
        return removed

    def match_fault(self, project: str, method: str, path: str) -> FaultAction | None:
        """The fault action for this request, if any fires (counting it against ``times``)."""
        if not self._faults_armed:
            return None
        with self._lock:
            own = self._project_faults(project)
            action = own.match(self.store.seed, method, path) if own is not None else None
            if action is None and self._global_faults is not None:
                action = self._global_faults.match(self.store.seed, method, path)
            return action

    # -- helpers ---------------------------------------------------------------------------------------------

    def _project_faults(self, project: str, *, create: bool = False) -> FaultSet | None:
        extras = self._project(project).extras
        faults = extras.get(EXTRA_KEY)
        if faults is None and create:
            faults = extras[EXTRA_KEY] = FaultSet()
        return faults if isinstance(faults, FaultSet) else None

    def _refresh_armed(self) -> None:
        def has(faults: Any) -> bool:
            return isinstance(faults, FaultSet) and bool(faults.items)

        template = self.store._template
        self._faults_armed = (
            (self._global_faults is not None and bool(self._global_faults.items))
            or (template is not None and has(template.extras.get(EXTRA_KEY)))
            or any(has(p.extras.get(EXTRA_KEY)) for p in self.store._projects.values())
        )
