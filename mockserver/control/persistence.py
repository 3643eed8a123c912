"""State that survives a restart: the state document and the state file.

The state document is the scenario format, one scenario per project, wrapped with a format marker::

    {"format": "mockserver-state", "version": 1, "seed": "...", "projects": {"sk-abc": {<scenario>}, ...}}

Each project's scenario carries its objects, its clock and its ID counters, so IDs stay deterministic after a
restart. The file is written atomically (temporary file, fsync, rename, fsync of the directory): a crash at any
moment leaves the previous complete file or the new one. A file that exists but cannot be read or validated
stops start-up with :class:`StateFileError` rather than silently starting empty.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from mockserver.control.durability import StateLock, StateLockError, next_epoch
from mockserver.control.journal import Journal
from mockserver.core import errors as e
from mockserver.core import wirejson
from mockserver.core.secrets import seal
from mockserver.store import BASELINE_PROJECT, Store

STATE_FORMAT = "mockserver-state"
STATE_VERSION = 1
#: Every top-level key a state document may have (``epoch`` and ``clean``: see :mod:`mockserver.control.durability`).
STATE_KEYS = frozenset({"format", "version", "seed", "projects", "epoch", "clean"})
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
    """Every project (key-named ones under their sealed name, core/secrets.py), from one consistent cut.

    Only the cut is taken under the store lock: projects are cloned (containers copied, stored objects shared,
    as a reset does), then exported from the copy, so a large export does not stop every request meanwhile.
    """
    shadow = Store(seed=store.seed, clock_start=store.clock_start)
    with store._lock:
        shadow._projects = {
            name: p.clone(name, store.seed) for name, p in store._projects.items() if name != BASELINE_PROJECT
        }
        # What an export may consult besides the projects: the baseline and the store-wide layers' settings.
        shadow._template, shadow.id_epoch = store._template, store.id_epoch
        shadow.script.restore_globals(store.script.save_globals())
        shadow.faults.restore_globals(store.faults.save_globals())
    projects = {seal(name): export_one(shadow, name) for name in shadow.project_names()}
    return {"format": STATE_FORMAT, "version": STATE_VERSION, "seed": store.seed, "projects": projects}


def _parse_projects(document: Any, source: str) -> dict[str, Any]:
    """Validate a state document; returns project -> parsed Scenario. Raises InvalidRequestError."""
    if not isinstance(document, dict):
        raise e.InvalidRequestError(f"{source}: expected a JSON object with 'format', 'version' and 'projects'.")
    unknown = sorted(set(document) - STATE_KEYS)
    if unknown:  # refused, not dropped: the next save would silently lose it
        raise e.InvalidRequestError(
            f"{source}: unknown top-level key {unknown[0]!r} (a state document has {', '.join(sorted(STATE_KEYS))}).",
            param=unknown[0],
        )
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
    for key, kind in (("epoch", int), ("clean", bool)):
        value = document.get(key, 0 if kind is int else True)
        if not isinstance(value, kind) or (kind is int and (isinstance(value, bool) or value < 0)):
            raise e.InvalidRequestError(
                f"{source}: {key!r} must be a {'non-negative integer' if kind is int else 'boolean'}.", param=key
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
    """Write ``data`` so that ``path`` is always either the old or the new complete content (mode 0600: the state
    holds everything clients sent). A failed write removes its temporary file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):  # a directory we cannot write to anymore
            tmp.unlink(missing_ok=True)
        raise
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
    """Loads state at start, saves on demand, after changes (checked every ``interval`` seconds) and at stop.

    A failed save is a server state, not a log line: :attr:`failing` holds the reason until a save succeeds,
    health reports it, and the app refuses writes with a 503 meanwhile (docs/stub.md, "Persistence").
    """

    def __init__(self, path: str | os.PathLike[str], store: Store, journal: Journal, *, interval: float = 1.0):
        self.path = Path(path).absolute()
        self.store, self.journal, self.interval = store, journal, interval
        self.saves = 0
        self._save_lock = threading.Lock()
        self._sync_lock = threading.Lock()
        #: ``sync``: every write is saved before it is acknowledged (``--save-interval sync``).
        self.sync = False
        self._changes = 0
        self._saved_mark: tuple[int, int] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        #: Saving is only safe once the file was loaded: never overwrite a file that failed to load.
        self._loaded = False
        self._lock = StateLock(self.path)
        #: Why the last save failed (None: it succeeded, or none was tried yet).
        self.failing: str | None = None
        self.last_save: dict[str, Any] | None = None

    def describe(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "saves": self.saves,
            "interval": self.interval,
            "ok": self.failing is None,
            "error": self.failing,
            "last_save": self.last_save,
            "unsaved_changes": self.unsaved_changes(),
            "epoch": self.store.id_epoch,
            "mode": "sync" if self.sync else "interval",
        }

    def unsaved_changes(self) -> int:
        """Requests and control-plane writes since the last successful save (an upper bound on what is unsaved)."""
        saved = self._saved_mark or (0, 0)
        now = self._mark()
        return max(now[0] - saved[0], 0) + max(now[1] - saved[1], 0)

    def touch(self) -> None:
        """Note a change the journal does not show (control-plane writes)."""
        self._changes += 1

    def _mark(self) -> tuple[int, int]:
        return (self.journal.next_index(), self._changes)

    def load(self) -> list[str]:
        """Own and load the file (absent file: nothing to load). Raises :class:`StateFileError`."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock.acquire()
        except StateLockError as exc:
            raise StateFileError(str(exc)) from None
        except OSError as exc:
            raise self._error(f"cannot create its lock file {self._lock.path}: {exc.strerror or exc}") from None
        try:
            return self._load()
        except BaseException:
            self._lock.release(clean=False)
            raise

    def _load(self) -> list[str]:
        for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            # A save interrupted by a crash; the real file is intact. In a read-only directory the unlink fails
            # and the writability check below says why.
            with contextlib.suppress(OSError):
                stale.unlink(missing_ok=True)
        self._check_writable()
        exists = self.path.exists()
        document: Any = {}
        if exists:
            try:
                data = self.path.read_bytes()
                try:
                    document = orjson.loads(data)  # several times faster on a large state
                except orjson.JSONDecodeError:  # e.g. an integer beyond 64 bits: the exact parser decides
                    document = json.loads(data)
            except (OSError, ValueError, RecursionError) as exc:
                raise self._error(f"{type(exc).__name__}: {exc}") from exc
        saved = document if isinstance(document, dict) else {}
        self.store.id_epoch = next_epoch(
            saved.get("epoch", 0), saved_clean=saved.get("clean"), lock_unclean=self._lock.previous_unclean,
            file_exists=exists,
        )  # fmt: skip
        if self.store.id_epoch != saved.get("epoch", 0):
            log.warning(
                "the previous server on %s did not stop cleanly: changes after its last save are lost; new IDs "
                "use boot epoch %d so none of the lost ones is handed out again", self.path, self.store.id_epoch,
            )  # fmt: skip
        projects: list[str] = []
        if exists:
            try:
                projects = import_all(self.store, document, source=str(self.path))
            except e.MockError as exc:
                raise self._error(exc.message) from exc
        self._saved_mark = self._mark()
        self._loaded = True
        return projects

    def _check_writable(self) -> None:
        probe = self.path.with_name(f".{self.path.name}.{os.getpid()}.probe.tmp")
        try:
            os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            probe.unlink()
        except OSError as exc:
            raise self._error(
                f"its directory is not writable ({exc.strerror or exc}), so no save could succeed"
            ) from None

    def _error(self, reason: str) -> StateFileError:
        return StateFileError(
            f"cannot load state file {self.path}: {reason}\nRefusing to start with empty state; fix the file, "
            "restore a backup, or remove it to start empty."
        )

    def save(self, *, clean: bool = False) -> dict[str, Any]:
        """Write the current state now; returns what was written. Raises :class:`e.StateSaveError` (503)."""
        if not self._loaded:
            raise e.MockError(f"state file {self.path} was not loaded; refusing to overwrite it")
        with self._save_lock:
            mark = self._mark()
            started = time.monotonic()
            try:
                document = export_all(self.store)
                document["epoch"], document["clean"] = self.store.id_epoch, clean
                data = wirejson.dumps(document)
                atomic_write(self.path, data)
            except OSError as exc:
                self.failing = f"{type(exc).__name__}: {exc.strerror or exc} ({self.path})"
                self.last_save = {"ok": False, "at": time.time(), "error": self.failing}
                log.error("saving state to %s failed: %s; writes are refused until a save succeeds", self.path, exc)
                raise e.StateSaveError(self.failing) from exc
            self._saved_mark = mark
            self.saves += 1
            self.failing = None
            took = round((time.monotonic() - started) * 1000, 1)
            self.last_save = {"ok": True, "at": time.time(), "error": None, "duration_ms": took, "bytes": len(data)}
            return {"path": str(self.path), "bytes": len(data), "projects": len(document["projects"])}

    def covers(self, mark: tuple[int, int]) -> bool:
        saved = self._saved_mark
        return saved is not None and saved[0] >= mark[0] and saved[1] >= mark[1]

    def save_through(self, mark: tuple[int, int]) -> None:
        """Sync mode: return once a save that includes every change up to ``mark`` is on disk. Concurrent writers
        share saves (group commit): whoever finds its changes already covered does not write again."""
        if self.covers(mark):
            return
        with self._sync_lock:
            if not self.covers(mark):
                self.save()

    def start(self) -> None:
        if self.interval > 0 and self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="mockserver:state-file", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            if self._mark() != self._saved_mark or self.failing is not None:
                try:
                    self.save()
                except e.StateSaveError:  # recorded in self.failing; the next tick tries again
                    pass
                except Exception:  # pragma: no cover - a bug: keep serving, the next tick tries again
                    log.exception("saving state to %s failed", self.path)

    def stop(self) -> None:
        """Stop periodic saving, write a final save and give up the file. Raises :class:`e.StateSaveError`."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if not self._loaded:
            return
        try:
            self.save(clean=True)
        except BaseException:
            self._lock.release(clean=False)
            raise
        finally:
            self._loaded = False
        self._lock.release(clean=True)
