"""What keeps a state file safe beyond one atomic write: one owner at a time, and IDs never reused after a crash.

- **One owner.** ``PATH.lock`` beside the state file is locked (``flock``) for the server's lifetime; a second
  server on the same file stops at start-up naming the owner's pid. The lock dies with its process, so a
  ``kill -9`` never leaves a stale lock behind.
- **Clean or not.** The lock file says ``running pid=N`` while a server owns the file and ``clean`` after its
  final save. A state file is also saved with ``"clean": false`` by every periodic save and ``true`` only by the
  final one. Either signal of an unclean stop means objects created after the last save were lost.
- **Boot epoch.** After an unclean stop the state's ``epoch`` goes up by one and is mixed into every ID minted
  from then on (``IdFactory``), so an ID handed out before the crash and lost with it is never handed out again
  for a different object. Clean restarts keep the epoch, so their IDs continue the same deterministic sequence;
  in-memory servers never have an epoch.
"""

from __future__ import annotations

import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks, the single-owner check is skipped
    fcntl = None  # type: ignore[assignment]


class StateLockError(RuntimeError):
    """Another server owns the state file."""


class StateLock:
    def __init__(self, state_path: Path) -> None:
        self.path = state_path.with_name(state_path.name + ".lock")
        self._fd: int | None = None
        #: True when the previous owner did not finish a clean stop (its lock file still says ``running``).
        self.previous_unclean = False

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                owner = os.read(fd, 200).decode("utf-8", "replace").strip() or "unknown"
                os.close(fd)
                raise StateLockError(
                    f"state file {self.path.with_suffix('')} is in use by another mockserver ({owner}); "
                    "stop it first, or give this server its own --state-file"
                ) from None
        self._fd = fd
        self.previous_unclean = os.read(fd, 200).decode("utf-8", "replace").startswith("running")
        self._write(f"running pid={os.getpid()}\n")

    def _write(self, text: str) -> None:
        if self._fd is None:
            return
        os.lseek(self._fd, 0, os.SEEK_SET)
        os.ftruncate(self._fd, 0)
        os.write(self._fd, text.encode())
        os.fsync(self._fd)

    def release(self, *, clean: bool) -> None:
        """Give up ownership; ``clean`` once the final save is on disk (else the next start bumps the epoch)."""
        if self._fd is None:
            return
        try:
            if clean:
                self._write("clean\n")
        finally:
            os.close(self._fd)  # closing drops the flock
            self._fd = None


def next_epoch(saved_epoch: object, *, saved_clean: object, lock_unclean: bool, file_exists: bool) -> int:
    """The epoch to mint IDs in after loading a state file (see the module docstring)."""
    epoch = saved_epoch if isinstance(saved_epoch, int) and not isinstance(saved_epoch, bool) else 0
    unclean = lock_unclean or (file_exists and saved_clean is False)
    return max(epoch, 0) + 1 if unclean else max(epoch, 0)
