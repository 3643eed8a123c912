"""The store's skeleton: projects, locking, reset and the baseline every project starts from."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar, cast

from mockserver.core import errors as e
from mockserver.core.ids import DEFAULT_EPOCH, PREFIXES, Clock, IdFactory, is_valid_id
from mockserver.core.project import Project, ThreadState
from mockserver.core.validation import check_id

F = TypeVar("F", bound=Callable[..., Any])

#: Name of the hidden project a baseline is built in before each real project copies it.
BASELINE_PROJECT = "\x00baseline"

Seeder = Callable[["StoreBase", str], None]


def locked(method: F) -> F:
    """Serialize a public store operation: the server thread and the test thread both call the store."""

    @functools.wraps(method)
    def wrapper(self: StoreBase, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return cast(F, wrapper)


class StoreBase:
    """All state, partitioned by project (the ``OpenAI-Project`` header, else the API key)."""

    def __init__(self, *, seed: str = "", clock_start: int = DEFAULT_EPOCH) -> None:
        self._lock = threading.RLock()
        self.seed = seed
        self.clock_start = clock_start
        self._projects: dict[str, Project] = {}
        self._template: Project | None = None

    # -- projects -------------------------------------------------------------------------------------------

    def _project(self, name: str) -> Project:
        project = self._projects.get(name)
        if project is None:
            if self._template is not None:
                project = self._template.clone(name, self.seed)
            else:
                project = Project(name=name, ids=IdFactory(self.seed, name), clock=Clock(self.clock_start))
            self._projects[name] = project
        return project

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

    @locked
    def set_baseline(self, seeders: list[Seeder]) -> None:
        """Build the state every project starts from by running ``seeders`` once, then reset everything.

        Seeders call the store's public operations with the project name they are given, so seeded objects
        get the same validation, defaults and deterministic IDs as objects created over HTTP. Each project
        later gets a cheap copy of the result (:meth:`Project.clone`).
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

    # -- lookups shared by the operation mixins ------------------------------------------------------------

    def _new_id(self, state: Project, kind: str, taken: Any) -> str:
        """A generated id not already in ``taken``: seeded objects with explicit ids must never be overwritten."""
        object_id = state.ids.new(kind)
        while object_id in taken:
            object_id = state.ids.new(kind)
        return object_id

    def _mint_vector_stores(self, state: Project, resources: dict[str, Any]) -> dict[str, Any]:
        """Give each ``vector_stores`` helper entry of normalized tool resources a minted ``vs_`` id.

        Call it only once the whole request is valid: a rejected request must not move the ID sequence.
        """
        for _ in range(resources.pop("_new_vector_stores", 0)):
            resources["file_search"]["vector_store_ids"].append(state.ids.new("vector_store"))
        return resources

    def _check_new_id(self, existing: Any, object_id: str, kind: str) -> None:
        """An explicit (seeded) id must have the real format and be unused."""
        if not is_valid_id(object_id, kind):
            raise e.InvalidRequestError(
                e.RESTORE_BAD_ID.format(param="id", value=object_id, prefix=PREFIXES[kind]),
                param="id",
                code="invalid_id",
            )
        if object_id in existing:
            raise e.InvalidRequestError(e.RESTORE_DUPLICATE_ID.format(id=object_id), param="id")

    def _thread(self, project: Project, thread_id: str, param: str = "thread_id") -> ThreadState:
        check_id(thread_id, "thread", param)
        thread = project.threads.get(thread_id)
        if thread is None:
            raise e.not_found("thread", thread_id)
        return thread

    # -- hooks the resource mixins fill in (declared here so every mixin can call them) -----------------------

    def _prepare_message(self, body: Any, param: str) -> dict[str, Any]:
        raise NotImplementedError

    def _insert_message(self, state: Project, thread: ThreadState, fields: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def _settle_runs(self, state: Project, thread: ThreadState) -> None:
        """Let runs whose outcome is due reach it before a state check. Overridden by the run operations."""
