"""``mockserver validate`` and ``mockserver export``: check scenario files; freeze a state into one.

``validate`` loads each file (with its includes) and applies it to a scratch store, so it reports both format
errors and what the server itself would reject, each with its location. ``export`` writes a scenario document
from a running server (``--url``, through ``GET /__mock__/state``) or from scenario files (their includes
resolved and every generated ID and timestamp written out).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import sys
import textwrap
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from mockserver.core.errors import MockError
from mockserver.scenarios import ScenarioError, dump, export_project, load_scenario, save
from mockserver.scenarios.apply import SECTION_OPS
from mockserver.scenarios.apply import _locate as locate_param
from mockserver.scenarios.loader import resolve
from mockserver.scenarios.parse import parse_json, parse_yaml, yaml_lines
from mockserver.scenarios.validate import Problem
from mockserver.store import Store

#: Project name used when exporting scenario files (any name gives the same IDs: they are minted in the baseline).
FILE_EXPORT_PROJECT = "export"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    validate = sub.add_parser("validate", help="check scenario files; exit 1 with located errors if any is invalid")
    validate.add_argument("files", nargs="+", metavar="FILE", help="scenario file (or name in the fixtures directory)")
    validate.add_argument("--fixtures-dir", help="directory scenario names and includes resolve against")
    validate.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    validate.set_defaults(func=run_validate)

    export = sub.add_parser(
        "export",
        help="write a state as a scenario document (from a server or from files)",
        description=textwrap.fill(
            "Write a scenario document (YAML or JSON) that recreates a state: the current state of one "
            "project of a running server (--url, through GET /__mock__/state), or scenario files frozen with their "
            "includes resolved and every generated ID and timestamp written out. Load it back with "
            "`mockserver serve --scenario FILE` or @pytest.mark.mockserver(scenario=FILE).",
            100,
        ),
    )
    export.add_argument("files", nargs="*", metavar="SCENARIO", help="scenario files to freeze (when no --url)")
    export.add_argument("--url", help="a running mockserver (http://host:port) to export from")
    export.add_argument("--project", help="project to export from --url (default: the server's sk-mockserver)")
    export.add_argument("--fixtures-dir", help="directory scenario names and includes resolve against")
    export.add_argument("--format", choices=["yaml", "json"], help="output format (default: from -o, else yaml)")
    export.add_argument("-o", "--output", help="file to write (default: standard output)")
    export.set_defaults(func=run_export)


def run_validate(args: argparse.Namespace) -> int:
    failed = 0
    for name in args.files:
        try:
            scenario = load_scenario(name, args.fixtures_dir, cache=False)
            Store(seed=scenario.seed or "").set_baseline([scenario.apply])
        except ScenarioError as exc:
            failed += 1
            print(str(exc), file=sys.stderr)
            for extra in _section_problems(name, args.fixtures_dir, exc.problems):
                print(extra, file=sys.stderr)
            continue
        if not args.quiet:
            print(f"{scenario.source}: ok")
    if failed:
        print(f"{failed} of {len(args.files)} scenario file(s) invalid", file=sys.stderr)
    return 1 if failed else 0


def _section_problems(name: str, fixtures_dir: str | None, found: list[Problem]) -> list[Problem]:
    """The ``script``, ``runs`` and ``faults`` mistakes of a file whose structure is already wrong.

    Those sections are checked by the store's own operations when a scenario is applied, which a structurally
    invalid file never reaches: check them here too, so one run of ``validate`` reports every mistake.
    """
    try:
        path = resolve(name, fixtures_dir)
        text = path.read_text(encoding="utf-8-sig")
        if path.suffix == ".json":
            document, lines = parse_json(text, str(path)), yaml_lines(text)[0]
        else:
            document, lines = parse_yaml(text, str(path))
    except (ScenarioError, OSError, ValueError):
        return []  # unreadable: the structural errors already say so
    if not isinstance(document, dict):
        return []
    reported = {p.path for p in found}
    extra: list[Problem] = []
    store = Store()
    for section, (owner, operation) in SECTION_OPS.items():
        if section not in document:
            continue
        try:
            getattr(getattr(store, owner), operation)(FILE_EXPORT_PROJECT, copy.deepcopy(document[section]))
        except MockError as err:
            where = locate_param(section, err.param)
            if where not in reported:
                line = next((lines.get(p) for p in _parents(where) if lines.get(p)), None)
                extra.append(Problem(str(path), where, err.message, line))
    return extra


def _parents(path: str) -> list[str]:
    """``script[0].reply.text``, ``script[0].reply``, ``script[0]``, ``script``: where a line may be known."""
    found = [path]
    while (cut := max(path.rfind("."), path.rfind("["))) > 0:
        path = path[:cut]
        found.append(path)
    return found


def run_export(args: argparse.Namespace) -> int:
    try:
        document = _from_url(args) if args.url else _from_files(args)
    except ScenarioError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except RuntimeError as exc:
        print(f"mockserver export: {exc}", file=sys.stderr)
        return 1
    if not args.output:
        sys.stdout.write(dump(document, args.format or "yaml"))
        return 0
    try:
        if args.format:
            with open(args.output, "w", encoding="utf-8") as handle:
                handle.write(dump(document, args.format))
        else:
            save(document, args.output)
    except OSError as exc:
        print(f"mockserver export: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


def _from_files(args: argparse.Namespace) -> dict[str, Any]:
    if not args.files:
        raise RuntimeError("give scenario files to freeze, or --url of a running server")
    scenarios = [load_scenario(name, args.fixtures_dir) for name in args.files]
    seed = next((s.seed for s in scenarios if s.seed), "")
    store = Store(seed=seed)
    store.set_baseline([s.apply for s in scenarios])
    return export_project(store, FILE_EXPORT_PROJECT)


def _from_url(args: argparse.Namespace) -> dict[str, Any]:
    if args.files:
        raise RuntimeError("give either --url or scenario files, not both")
    base = args.url.rstrip("/").removesuffix("/v1")
    query = urllib.parse.urlencode({"project": args.project or "sk-mockserver"})
    try:
        with urllib.request.urlopen(f"{base}/__mock__/state?{query}", timeout=30) as response:
            document: Any = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")
        with contextlib.suppress(ValueError, KeyError, TypeError):
            detail = json.loads(detail)["error"]["message"]
        raise RuntimeError(f"{base} answered {exc.code}: {detail}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise RuntimeError(f"cannot reach {base}: {exc}") from None
    except ValueError:  # a 200 that is not JSON: some other server on that port
        document = None
    if not isinstance(document, dict) or document.get("version") != 1:
        raise RuntimeError(f"{base} did not answer with a scenario document (is it a mockserver?)")
    return document
