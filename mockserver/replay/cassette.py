"""Cassette files: a versioned YAML (``.yaml``/``.yml``) or JSON (``.json``) list of interactions.

Writes are atomic (a temporary file in the same directory, then ``os.replace``), and every
read-modify-write holds an exclusive lock on the cassette's directory, so parallel recorders (``pytest -n``)
never lose each other's interactions or leave a half-written file.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from mockserver.scenarios.parse import MAX_DEPTH, structure_problems

try:  # pragma: no cover - platform dependent
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

FORMAT = "mockserver-cassette"
VERSION = 1

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class CassetteError(ValueError):
    """A cassette that cannot be read: missing, unparsable, or not in our format."""


def is_json(path: Path) -> bool:
    return path.suffix.lower() == ".json"


def parse_document(text: str, path: Path) -> Any:
    try:
        document = json.loads(text) if is_json(path) else yaml.load(text, Loader=_Loader)
    except (ValueError, yaml.YAMLError) as exc:
        raise CassetteError(f"{path}: not valid {'JSON' if is_json(path) else 'YAML'}: {exc}") from exc
    except RecursionError:
        raise CassetteError(f"{path}: nested more than {MAX_DEPTH} levels deep") from None
    check_structure(document, path)
    return document


def check_structure(document: Any, path: Path) -> None:
    """The scenario loader's limits (depth, self-reference, alias expansion): an 810-byte file of nested YAML
    aliases would otherwise expand, on the first replayed request, into more than memory holds."""
    problems = structure_problems(document)
    if problems:
        where, message = problems[0]
        raise CassetteError(f"{path}: {where + ': ' if where else ''}{message}")


def validate(document: Any, path: Path) -> list[dict[str, Any]]:
    """The interactions of a parsed cassette document, after checking its shape."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise CassetteError(f"{path}: not a mockserver cassette (expected 'format: {FORMAT}')")
    version = document.get("version")
    if version != VERSION:
        raise CassetteError(f"{path}: unsupported cassette version {version!r} (this mockserver reads {VERSION})")
    interactions = document.get("interactions")
    if not isinstance(interactions, list):
        raise CassetteError(f"{path}: 'interactions' must be a list")
    for index, item in enumerate(interactions):
        where = f"{path}: interactions[{index}]"
        request = item.get("request") if isinstance(item, dict) else None
        response = item.get("response") if isinstance(item, dict) else None
        if not isinstance(request, dict) or not isinstance(response, dict):
            raise CassetteError(f"{where}: needs a 'request' and a 'response' mapping")
        if not isinstance(request.get("method"), str) or not isinstance(request.get("path"), str):
            raise CassetteError(f"{where}.request: needs 'method' and 'path' strings")
        if not isinstance(response.get("status"), int):
            raise CassetteError(f"{where}.response: needs an integer 'status'")
        stream = response.get("stream")
        if stream is not None and (not isinstance(stream, dict) or not isinstance(stream.get("events"), list)):
            raise CassetteError(f"{where}.response.stream: needs an 'events' list")
    return interactions


def load_interactions(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CassetteError(f"{path}: cassette not found") from exc
    return validate(parse_document(text, path), path)


def render(interactions: list[dict[str, Any]], path: Path) -> str:
    document = {"format": FORMAT, "version": VERSION, "interactions": interactions}
    if is_json(path):
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    dumped: str = yaml.dump(
        document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=120
    )
    return dumped


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


@contextlib.contextmanager
def directory_lock(directory: Path) -> Iterator[None]:
    """An exclusive advisory lock on a directory (no lock file left behind); a no-op without ``fcntl``."""
    directory.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover
        yield
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def save(path: str | os.PathLike[str], new: list[dict[str, Any]], *, replace: bool = False) -> None:
    """Append ``new`` to what the file holds now (or replace its content), atomically and under the lock."""
    path = Path(path)
    with directory_lock(path.parent):
        existing = [] if replace or not path.exists() else load_interactions(path)
        write_atomic(path, render(existing + new, path))
