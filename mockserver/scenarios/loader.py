"""Finding, reading, validating and caching scenario files (and documents given as dicts).

Names resolve against a fixtures directory (argument, else ``$MOCKSERVER_FIXTURES_DIR``, else ``./fixtures``)
with ``.yaml``, ``.yml`` or ``.json`` appended when the name has none of them; paths work too. Includes resolve
against the including file's directory first. Each file is parsed and validated once (the cache, in
``cache.py``, is checked against the file and everything it includes).
"""

from __future__ import annotations

import copy
import functools
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Union

from mockserver.scenarios.apply import Scenario
from mockserver.scenarios.cache import CACHE
from mockserver.scenarios.parse import parse_json, parse_yaml, structure_problems, yaml_lines
from mockserver.scenarios.validate import Problem, ScenarioError, check, join, same

EXTENSIONS = (".yaml", ".yml", ".json")
FIXTURES_ENV = "MOCKSERVER_FIXTURES_DIR"
DEFAULT_FIXTURES_DIR = "fixtures"

#: What ``MockServer(scenario=...)`` and friends accept: a name, a path, a loaded scenario or a document.
ScenarioLike = Union[str, "os.PathLike[str]", Scenario, Mapping[str, Any]]


def fixtures_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The directory scenario names resolve against."""
    if explicit is not None:
        return Path(explicit)
    return Path(os.environ.get(FIXTURES_ENV) or DEFAULT_FIXTURES_DIR)


def resolve(
    name_or_path: str | os.PathLike[str],
    fixtures: str | os.PathLike[str] | None = None,
    *,
    relative_to: Path | None = None,
    confine: Path | None = None,
) -> Path:
    """The file a scenario reference means; :class:`ScenarioError` listing the places tried if none exists.

    ``confine`` (names from the network, docs/stub.md "Security"): only relative names without ``..``, and only
    files whose real path (symlinks followed) lies inside that directory; nothing outside it is even opened.
    """
    reference = Path(name_or_path)
    if confine is not None and (reference.is_absolute() or ".." in reference.parts or "\\" in str(name_or_path)):
        message = "only names inside the fixtures directory are accepted here (no absolute paths, no '..')"
        raise ScenarioError([Problem(str(name_or_path), "", message)])
    bases = [Path()] if reference.is_absolute() else [relative_to or Path(), fixtures_path(fixtures)]
    if confine is not None:
        bases = [b for b in bases if _inside(b, confine)] or [confine]
    tried: list[Path] = []
    for base in bases:
        candidate = base / reference
        options = [candidate]
        # A name like "." or "/" has no file name to add an extension to (with_name would raise).
        if candidate.name and candidate.suffix.lower() not in EXTENSIONS:
            options += [candidate.with_name(candidate.name + ext) for ext in EXTENSIONS]
        for option in options:
            if option not in tried:
                tried.append(option)
            try:
                found = option.is_file() and (confine is None or _inside(option, confine))
            except OSError:  # e.g. a name longer than the file system allows: simply not there
                found = False
            if found:
                return option
    looked = ", ".join(str(p if confine is None else p.name) for p in tried)
    raise ScenarioError([Problem(str(name_or_path), "", f"scenario not found (looked for: {looked})")])


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a symlink loop, or a name too long: not a place we read
        return False


def load_scenario(
    name_or_path: str | os.PathLike[str],
    fixtures_dir: str | os.PathLike[str] | None = None,
    *,
    cache: bool = True,
    confine: Path | None = None,
) -> Scenario:
    """Load, validate and cache a scenario file (and its includes). Raises :class:`ScenarioError`.

    ``confine``: resolve the name, and every include, only inside that directory (see :func:`resolve`).
    """
    path = resolve(name_or_path, fixtures_dir, confine=confine)
    return _load_file(path, fixtures_dir, (), cache and confine is None, {}, confine)


def load_document(
    document: Mapping[str, Any],
    source: str = "<document>",
    *,
    fixtures_dir: str | os.PathLike[str] | None = None,
    base_dir: str | os.PathLike[str] | None = None,
    confine: Path | None = None,
) -> Scenario:
    """Validate a scenario given as a dict (includes resolve against ``base_dir``, default the current one;
    with ``confine``, only inside that directory)."""
    document = copy.deepcopy(dict(document)) if isinstance(document, Mapping) else document
    base = Path(base_dir or confine or ".")
    return _build(document, source, "", fixtures_dir, base, (), _no_lines, confine is None, {}, confine)


def load_text(
    text: str,
    source: str = "<text>",
    *,
    format: str = "yaml",
    fixtures_dir: str | os.PathLike[str] | None = None,
    base_dir: str | os.PathLike[str] | None = None,
) -> Scenario:
    """Parse and validate scenario text (``format`` is ``"yaml"`` or ``"json"``)."""
    if format not in ("yaml", "json"):  # like dump(): a typo must not read JSON-ish text as YAML
        raise ValueError(f"unknown format {format!r} (expected 'yaml' or 'json')")
    if format == "json":
        document = parse_json(text, source)
        lines = _lazy_lines(text)
    else:
        document, line_map = parse_yaml(text, source)
        lines = line_map.get
    return _build(document, source, "", fixtures_dir, Path(base_dir or "."), (), lines, True, {})


def resolve_scenarios(
    spec: ScenarioLike | Sequence[ScenarioLike] | None, fixtures_dir: str | os.PathLike[str] | None = None
) -> list[Scenario]:
    """One or many names, paths, :class:`Scenario` objects or documents, loaded in order."""
    if spec is None:
        return []
    items: list[Any] = list(spec) if isinstance(spec, (list, tuple)) else [spec]
    result = []
    for item in items:
        if isinstance(item, Scenario):
            result.append(item)
        elif isinstance(item, Mapping):
            result.append(load_document(item, fixtures_dir=fixtures_dir))
        else:
            result.append(load_scenario(item, fixtures_dir))
    return result


def _no_lines(path: str) -> int | None:
    return None


def _lazy_lines(text: str) -> Any:
    @functools.cache
    def lines() -> dict[str, int]:
        return yaml_lines(text)[0]

    return lambda path: lines().get(path)


def _load_file(
    path: Path,
    fixtures: Any,
    stack: tuple[Path, ...],
    use_cache: bool,
    loaded: dict[Path, Scenario],
    confine: Path | None = None,
) -> Scenario:
    # ``loaded``: files done in this load, so a file reached along many include paths is read once (cache or not).
    if (done := loaded.get(path.resolve())) is not None:
        return done
    if use_cache and (cached := CACHE.get(path, fixtures_path(fixtures))) is not None:
        loaded[path.resolve()] = cached
        return cached
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScenarioError([Problem(source, "", f"cannot read the file: {exc}")]) from None
    text = _decode(data, source)
    if path.suffix.lower() == ".json":
        document = parse_json(text, source)
        lines = _lazy_lines(text)
    else:
        document, line_map = parse_yaml(text, source)
        lines = line_map.get
    key = str(path.resolve())
    scenario = _build(document, source, key, fixtures, path.parent, stack, lines, use_cache, loaded, confine)
    if use_cache:
        CACHE.put(path, fixtures_path(fixtures), scenario)
    loaded[path.resolve()] = scenario
    return scenario


def _decode(data: bytes, source: str) -> str:
    # utf-8-sig: editors on Windows start files with a byte-order mark, which JSON would otherwise refuse.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = f"byte 0x{data[exc.start]:02x} at offset {exc.start}"
        message = f"not UTF-8 text ({byte}): scenario files are UTF-8 YAML or JSON"
        raise ScenarioError([Problem(source, "", message, line)]) from None


def _build(
    document: Any,
    source: str,
    key: str,
    fixtures: Any,
    base_dir: Path,
    stack: tuple[Path, ...],
    lines: Any,
    use_cache: bool,
    loaded: dict[Path, Scenario],
    confine: Path | None = None,
) -> Scenario:
    probe = Scenario(name="", source=source, document={}, line_of=lines)
    problems = [probe.problem(path, message) for path, message in validate_document(document)]
    if problems:
        raise ScenarioError(problems)
    here = Path(key) if key else None
    chain = (*stack, here) if here else stack
    includes = []
    for index, reference in enumerate(document.get("include", [])):
        where = join("include", index)
        try:
            target = resolve(reference, fixtures, relative_to=base_dir, confine=confine)
        except ScenarioError as exc:
            raise ScenarioError([probe.problem(where, exc.problems[0].message)]) from None
        if target.resolve() in chain:
            cycle = " -> ".join(str(p) for p in (*chain, target.resolve()))
            raise ScenarioError([probe.problem(where, f"include cycle: {cycle}")])
        includes.append(_load_file(target, fixtures, chain, use_cache, loaded, confine))
    name = Path(source).stem if key else source
    return Scenario(name=name, source=source, document=document, includes=tuple(includes), key=key, line_of=lines)


def validate_document(document: Any) -> list[tuple[str, str]]:
    """Every ``(path, message)`` problem of a document on its own (schema, version, duplicate IDs)."""
    if document is None:
        return [("", "the document is empty (expected an object with at least 'version: 1')")]
    if isinstance(document, dict) and "version" in document and not same(document["version"], 1):
        version = json.dumps(document["version"], default=str)
        return [("version", f"unsupported version {version}: this mockserver reads version 1")]
    problems = structure_problems(document) or list(check(document))
    if not problems:
        problems += _duplicate_ids(document)
    return problems


def _duplicate_ids(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    problems = []
    paths = [(join(join("assistants", i), "id"), a.get("id")) for i, a in enumerate(document.get("assistants", []))]
    for t, thread in enumerate(document.get("threads", [])):
        where = join("threads", t)
        paths.append((join(where, "id"), thread.get("id")))
        for m, message in enumerate(thread.get("messages", [])):
            paths.append((join(join(join(where, "messages"), m), "id"), message.get("id")))
        for r, run in enumerate(thread.get("runs", [])):
            run_where = join(join(where, "runs"), r)
            paths.append((join(run_where, "id"), run.get("id")))
            for s, step in enumerate(run.get("steps", [])):
                paths.append((join(join(join(run_where, "steps"), s), "id"), step.get("id")))
    for path, object_id in paths:
        if object_id is None:
            continue
        if object_id in seen:
            problems.append((path, f"duplicate id '{object_id}' (already used at {seen[object_id]})"))
        else:
            seen[object_id] = path
    return problems
