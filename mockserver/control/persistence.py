"""State that survives a restart: the state document and the state file.

The state document is the scenario format, one scenario per project, wrapped with a format marker::

    {"format": "mockserver-state", "version": 1, "seed": "...", "projects": {"sk-abc": {<scenario>}, ...}}

Each project's scenario carries its objects, its clock and its ID counters, so IDs stay deterministic after a
restart. The file is written atomically (temporary file, fsync, rename, fsync of the directory): a crash at any
moment leaves the previous complete file or the new one. A file that exists but cannot be read or validated
stops start-up with :class:`StateFileError` rather than silently starting empty.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mockserver.control.journal import Journal
from mockserver.core import errors as e
from mockserver.store import Store

STATE_FORMAT = "mockserver-state"
STATE_VERSION = 1
log = logging.getLogger("mockserver.state")


class StateFileError(RuntimeError):
    """The state file exists but cannot be used; the message says which file, why, and what to do."""


def _scenarios() -> Any:
    try:
        from mockserver import scenarios
    except ImportError as exc:  # pragma: no cover - only while the scenario package is being built
        raise e.MockError(f"State export/import needs the scenario package, which failed to import: {exc}") from exc
    for name in ("export_project", "load_document"):
        if not hasattr(scenarios, name):  # pragma: no cover
            raise e.MockError(f"State export/import needs mockserver.scenarios.{name}, which does not exist yet.")
    return scenarios


def export_one(store: Store, project: str) -> dict[str, Any]:
    """One project as a scenario document (objects and runs, clock, ID counters, faults)."""
    result: dict[str, Any] = _scenarios().export_project(store, project)
    return result


def export_all(store: Store) -> dict[str, Any]:
    """Every project, taken under the store lock so the snapshot is consistent across projects."""
    with store._lock:  # one consistent cut across projects; the public ops each lock only themselves
        projects = {name: export_one(store, name) for name in store.project_names()}
    return {"format": STATE_FORMAT, "version": STATE_VERSION, "seed": store.seed, "projects": projects}


def _parse_projects(document: Any, source: str) -> dict[str, Any]:
    """Validate a state document; returns project -> parsed Scenario. Raises InvalidRequestError."""
    if not isinstance(document, dict):
        raise e.InvalidRequestError(f"{source}: expected a JSON object with 'format', 'version' and 'projects'.")
    if document.get("format") != STATE_FORMAT:
        raise e.InvalidRequestError(
            f"{source}: 'format' must be '{STATE_FORMAT}' (got {document.get('format')!r}); "
            "to load one project's scenario, name the project (?project=NAME).",
            param="format",
        )
    if document.get("version") != STATE_VERSION:
        raise e.InvalidRequestError(
            f"{source}: unsupported state version {document.get('version')!r} (this server reads {STATE_VERSION}).",
            param="version",
        )
    projects = document.get("projects")
    if not isinstance(projects, dict):
        raise e.InvalidRequestError(f"{source}: 'projects' must be an object of project -> scenario.", param="projects")
    load_document = _scenarios().load_document
    return {name: load_document(doc, source=f"{source} projects.{name}") for name, doc in projects.items()}


@contextmanager
def all_or_nothing(store: Store) -> Iterator[None]:
    """Hold the store lock; if the block raises, put every project, the baseline and the globals back.

    Scenario documents are partly checked only while being applied (e.g. a run's ``thread_id``, a fault), after
    a reset already dropped the project: without this, a refused import or scenario load would empty it.
    Projects are cloned (containers copied, stored objects shared), so the snapshot costs no deep copy.
    """
    with store._lock:
        projects = {name: p.clone(name, store.seed) for name, p in store._projects.items()}
        template = store._template
        # Store-wide settings (every-project faults, script rules, model settings).
        script_globals, fault_globals = store.script.save_globals(), store.faults.save_globals()
        try:
            yield
        except BaseException:
            store._projects.clear()
            store._projects.update(projects)
            store._template = template
            store.script.restore_globals(script_globals)
            store.faults.restore_globals(fault_globals)
            raise


def _replace_project(store: Store, project: str, scenario: Any) -> None:
    """Make ``project`` exactly what ``scenario`` describes: built from empty, not on top of the baseline
    (an export already contains the baseline's objects, which would otherwise be created twice)."""
    with store._lock:
        template, store._template = store._template, None
        try:
            store.reset(project)
            scenario.apply(store, project)
        finally:
            store._template = template
            store.faults._refresh_armed()  # the baseline's faults count again now that it is back


def import_one(store: Store, project: str, document: Any) -> None:
    scenario = _scenarios().load_document(document, source=f"state of project {project!r}")
    with all_or_nothing(store):
        _replace_project(store, project, scenario)


def import_all(store: Store, document: Any, source: str = "state") -> list[str]:
    """Replace every project with the document's (all validated before anything changes)."""
    parsed = _parse_projects(document, source)
    with all_or_nothing(store):
        store.reset()
        for name, scenario in parsed.items():
            _replace_project(store, name, scenario)
    return sorted(parsed)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` so that ``path`` is always either the old or the new complete content."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    try:  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(dir_fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(dir_fd)


class StateFile:
    """Loads state at start, saves on demand, after changes (checked every ``interval`` seconds) and at stop."""

    def __init__(self, path: str | os.PathLike[str], store: Store, journal: Journal, *, interval: float = 1.0):
        self.path = Path(path).absolute()
        self.store, self.journal, self.interval = store, journal, interval
        self.saves = 0
        self._save_lock = threading.Lock()
        self._changes = 0
        self._saved_mark: tuple[int, int] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        #: Saving is only safe once the file was loaded: never overwrite a file that failed to load.
        self._loaded = False

    def describe(self) -> dict[str, Any]:
        return {"path": str(self.path), "saves": self.saves, "interval": self.interval}

    def touch(self) -> None:
        """Note a change the journal does not show (control-plane writes)."""
        self._changes += 1

    def _mark(self) -> tuple[int, int]:
        return (self.journal.next_index(), self._changes)

    def load(self) -> list[str]:
        """Load the file into the store (absent file: nothing to load). Raises :class:`StateFileError`."""
        for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            stale.unlink(missing_ok=True)  # a save interrupted by a crash; the real file is intact
        if not self.path.exists():
            self._loaded = True
            return []
        try:
            document = json.loads(self.path.read_bytes())
        except (OSError, ValueError) as exc:
            raise self._error(f"{type(exc).__name__}: {exc}") from exc
        try:
            projects = import_all(self.store, document, source=str(self.path))
        except e.MockError as exc:
            raise self._error(exc.message) from exc
        self._saved_mark = self._mark()
        self._loaded = True
        return projects

    def _error(self, reason: str) -> StateFileError:
        return StateFileError(
            f"cannot load state file {self.path}: {reason}\nRefusing to start with empty state; fix the file, "
            "restore a backup, or remove it to start empty."
        )

    def save(self) -> dict[str, Any]:
        """Write the current state now; returns what was written."""
        if not self._loaded:
            raise e.MockError(f"state file {self.path} was not loaded; refusing to overwrite it")
        with self._save_lock:
            mark = self._mark()
            document = export_all(self.store)
            data = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, data)
            self._saved_mark = mark
            self.saves += 1
            return {"path": str(self.path), "bytes": len(data), "projects": len(document["projects"])}

    def start(self) -> None:
        if self.interval > 0 and self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="mockserver:state-file", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            if self._mark() != self._saved_mark:
                try:
                    self.save()
                except Exception:  # keep serving; the next tick (or shutdown) tries again
                    log.exception("saving state to %s failed", self.path)

    def stop(self) -> None:
        """Stop periodic saving and write a final save."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._loaded:
            self.save()
