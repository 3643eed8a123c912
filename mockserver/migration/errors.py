"""The one error the migration tools raise for bad input: a message naming what went wrong and where."""

from __future__ import annotations

import os
import traceback


class MigrationError(Exception):
    """Bad input to the comparison helper or a converter (an app that raises, an unconvertible thread, a cassette
    of another API). ``str(error)`` is the whole story; the CLI prints it without a traceback."""


#: Frames inside these packages are the machinery, not the user's code: a failure is located in the caller.
_MACHINERY = (
    os.sep + "openai" + os.sep,
    os.sep + "httpx" + os.sep,
    os.sep + "httpcore" + os.sep,
    os.sep + "anyio" + os.sep,
    os.sep + "typing_extensions.py",
    os.sep + "mockserver" + os.sep + "migration" + os.sep,
    os.sep + "mockserver" + os.sep + "pytest_plugin" + os.sep,
)


def where(exc: BaseException) -> str:
    """``file:line in function`` of the innermost frame of the user's code that the exception went through."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "an unknown place"
    mine = [f for f in frames if not any(part in f.filename for part in _MACHINERY)]
    frame = (mine or frames)[-1]
    return f"{frame.filename}:{frame.lineno} in {frame.name}"


def describe(exc: BaseException) -> str:
    """``TypeName: message`` (the SDK's API errors carry the status and the server's message in ``str``)."""
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
