"""The store's skeleton: projects, the lock, reset, the baseline every project starts from, and the base class of
every surface's operations.

A project's state is a composition: :class:`ProjectStore` keeps the projects and their clocks and ids, and each
surface (``mockserver/surfaces/<name>/``) contributes one per-project state object and one operations object
(a :class:`SurfaceOps`). The store does not know the surfaces: the registry in ``mockserver/surfaces`` passes
them in.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar, cast

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.core.ids import DEFAULT_EPOCH, KINDS, MAX_COUNT, PREFIXES, is_seedable_id
from mockserver.core.project import Project
from mockserver.core.secrets import is_secret, seal

F = TypeVar("F", bound=Callable[..., Any])

#: Name of the hidden project a baseline is built in before each real project copies it.
BASELINE_PROJECT = "\x00baseline"
#: Object kinds, plus ``request``: the ``x-request-id`` sequence continues after loading instead of repeating.
COUNTER_KINDS = (*PREFIXES, "request")

Seeder = Callable[[Any, str], None]


def locked(method: F) -> F:
    """Serialize a public operation: the server thread and the test thread both call the store.

    Works on any object with a ``_lock`` (the store, and every surface's operations, which share its lock).
    """

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return cast(F, wrapper)


class ProjectStore:
    """All state, partitioned by project (the ``OpenAI-Project`` header, else the API key)."""

    def __init__(
        self,
        *,
        seed: str = "",
        clock_start: int = DEFAULT_EPOCH,
        states: Mapping[str, Callable[[], Any]] | None = None,
    ) -> None:
        self._lock = threading.RLock()
        self.seed = seed
        self.clock_start = clock_start
        #: surface name -> factory of that surface's per-project state.
        self._state_factories = dict(states or {})
        self._projects: dict[str, Project] = {}
        #: Mixed into new IDs after an unclean stop (control/durability.py); 0 keeps in-memory use deterministic.
        self.id_epoch = 0
        self._template: Project | None = None
        #: Called after every reset with what was reset (``"project"``, ``"all"`` or ``"baseline"``): layers that
        #: keep state for every project (global rules, faults) forget it on ``"all"``.
        self._reset_hooks: list[Callable[[str], None]] = []

    # -- projects -------------------------------------------------------------------------------------------

    def _project(self, name: str) -> Project:
        project = self._projects.get(name)
        if project is None:
            sealed = self._projects.pop(seal(name), None) if is_secret(name) else None
            if sealed is not None:  # loaded from a state file under its sealed name: claimed by its key
                project = sealed.clone(name, self.seed, self.id_epoch)
            elif self._template is not None:
                project = self._template.clone(name, self.seed, self.id_epoch)
            else:
                project = Project.new(name, self.seed, self.clock_start, self._state_factories, self.id_epoch)
            self._projects[name] = project
        return project

    def on_reset(self, hook: Callable[[str], None]) -> None:
        self._reset_hooks.append(hook)

    def _after_reset(self, what: str) -> None:
        for hook in self._reset_hooks:
            hook(what)

    @locked
    def has_project(self, name: str) -> bool:
        """Whether ``name`` exists (or waits in a loaded state file under its sealed name), without creating it:
        for control reads, which must not create the projects they look at."""
        return name in self._projects or (is_secret(name) and seal(name) in self._projects)

    @locked
    def project_names(self) -> list[str]:
        return sorted(name for name in self._projects if name != BASELINE_PROJECT)

    @locked
    def reset(self, project: str | None = None) -> None:
        """Return one project, or every project, to the baseline (empty unless a baseline is set)."""
        if project is None:
            self._projects.clear()
        else:
            self._projects.pop(project, None)
            self._projects.pop(seal(project), None)
        self._after_reset("all" if project is None else "project")

    @locked
    def set_baseline(self, seeders: list[Seeder]) -> None:
        """Build the state every project starts from by running ``seeders`` once, then reset everything.

        Seeders call the public operations with the project name they are given, so seeded objects get the same
        validation, defaults and deterministic IDs as objects created over HTTP. Each project later gets a cheap
        copy of the result (:meth:`Project.clone`).
        """
        self._template = None
        self._projects.clear()
        if seeders:
            try:
                for seed in seeders:
                    seed(self, BASELINE_PROJECT)
                self._template = self._projects.pop(BASELINE_PROJECT, None)
            finally:
                self._projects.clear()
        self._after_reset("baseline")

    # -- clock and ids --------------------------------------------------------------------------------------

    @locked
    def now(self, project: str) -> int:
        return self._project(project).clock.now()

    @locked
    def set_clock(self, project: str, when: int) -> int:
        clock = self._project(project).clock
        clock.set(when)
        return clock.now()

    @locked
    def advance_clock(self, project: str, seconds: int) -> int:
        return self._project(project).clock.advance(seconds)

    @locked
    def request_id(self, project: str) -> str:
        return self._project(project).ids.request_id()

    @locked
    def id_counters(self, project: str) -> dict[str, int]:
        return {kind: n for kind, n in self._project(project).ids.counters().items() if kind in COUNTER_KINDS}

    @locked
    def advance_id_counters(self, project: str, counters: dict[str, int]) -> dict[str, int]:
        """Make the per-kind ID counters at least ``counters`` (they never move back).

        Loading an export re-creates objects with their explicit IDs, which does not advance the counters; without
        this, the next generated ID in the same project and seed would repeat an exported one.
        """
        state = self._project(project)
        v.reject_unknown(counters, COUNTER_KINDS)
        for kind, n in counters.items():
            v.expect_int(n, kind, minimum=0, maximum=MAX_COUNT)
        current = state.ids.counters()
        for kind, n in counters.items():
            current[kind] = max(current.get(kind, 0), n)
        state.ids.restore(current)
        return {kind: n for kind, n in current.items() if kind in COUNTER_KINDS}


class SurfaceOps:
    """Base of a surface's operations object: every public method takes the project name first, raises
    :mod:`mockserver.core.errors` types, and runs under the store's lock (``@locked``). None knows about HTTP.

    ``name`` is the surface's registry name, which is also the key of its state in :attr:`Project.states`.
    """

    name: ClassVar[str]

    def __init__(self, store: ProjectStore) -> None:
        self.store = store
        self._lock = store._lock

    def _project(self, name: str) -> Project:
        return self.store._project(name)

    @staticmethod
    def new_id(project: Project, kind: str, taken: Any) -> str:
        """A generated id not already in ``taken``: seeded objects with explicit ids must never be overwritten."""
        object_id = project.ids.new(kind)
        while object_id in taken:
            object_id = project.ids.new(kind)
        return object_id

    @staticmethod
    def check_new_id(existing: Any, object_id: str, kind: str) -> None:
        """An explicit (seeded) id must have the real format and be unused."""
        if not is_seedable_id(object_id, kind):
            form = KINDS[kind]
            message = (
                e.RESTORE_BAD_HEX_ID.format(param="id", value=object_id, prefix=form.prefix, length=form.length)
                if form.alphabet == "hex"
                else e.RESTORE_BAD_ID.format(param="id", value=object_id, prefix=form.prefix)
            )
            raise e.InvalidRequestError(message, param="id", code="invalid_id")
        if object_id in existing:
            raise e.InvalidRequestError(e.RESTORE_DUPLICATE_ID.format(id=object_id), param="id")
