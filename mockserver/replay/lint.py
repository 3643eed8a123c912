"""``lint-cassettes``: find secrets (and malformed cassettes) before they are committed."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mockserver.replay.cassette import CassetteError, parse_document, validate
from mockserver.replay.scrub import credential_headers, find_secrets
from mockserver.replay.session import UPSTREAM_KEY_ENV

CASSETTE_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int  # 0 when the finding is about the whole file
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


def _mask(secret: str) -> str:
    return secret[:7] + "…" if len(secret) > 10 else "…"


def lint_file(path: str | os.PathLike[str], extra_secrets: Iterable[str] = ()) -> list[Finding]:
    """Secrets by line, credential headers by interaction, and format errors; empty when the file is clean."""
    path = Path(path)
    extra = [s for s in (*extra_secrets, os.environ.get(UPSTREAM_KEY_ENV, "")) if s]
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [Finding(path, 0, f"cannot read: {exc}")]
    findings = [
        Finding(path, number, f"looks like a secret: {_mask(secret)}")
        for number, line in enumerate(text.splitlines(), start=1)
        for secret in find_secrets(line, extra)
    ]
    try:
        interactions = validate(parse_document(text, path), path)
    except CassetteError as exc:
        return [*findings, Finding(path, 0, str(exc).removeprefix(f"{path}: "))]
    for index, interaction in enumerate(interactions):
        for side in ("request", "response"):
            where = f"interactions[{index}].{side}"
            headers = interaction[side].get("headers") or {}
            for name in credential_headers(headers if isinstance(headers, dict) else {}):
                findings.append(Finding(path, 0, f"{where} has a credential header {name!r}"))
            # A base64 body hides its text from the line scan above.
            for secret in find_secrets(_base64_text(interaction[side].get("body")), extra):
                findings.append(Finding(path, 0, f"{where}.body (base64) holds a secret: {_mask(secret)}"))
    return findings


def _base64_text(body: Any) -> str:
    if not isinstance(body, dict) or not isinstance(body.get("base64"), str):
        return ""
    try:
        return base64.b64decode(body["base64"]).decode("latin-1")
    except ValueError:
        return ""


def cassette_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """The given files, and the cassette-looking files under the given directories."""
    for item in map(Path, paths):
        if item.is_dir():
            yield from sorted(p for p in item.rglob("*") if p.suffix.lower() in CASSETTE_SUFFIXES and p.is_file())
        else:
            yield item


def lint_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Finding]:
    return [finding for path in cassette_files(paths) for finding in lint_file(path)]
