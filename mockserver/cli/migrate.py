"""``mockserver migrate FILE``: a legacy scenario file, state export or pre-sunset cassette as a Responses-era
scenario (conversations, script rules), plus the assistants' per-request settings and a report of what has no
equivalent (docs/migration.md).

Exit status: 0 converted (notes are warnings), 1 the input could not be converted (the message says what and
where), 3 converted but ``--fail-on-loss`` and something had no equivalent.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from mockserver.migration.cassettes import convert_cassette
from mockserver.migration.convert import Converted, convert_document
from mockserver.migration.errors import MigrationError
from mockserver.migration.sunset import sunset_faults
from mockserver.scenarios import dump

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "migrate",
        help="convert an Assistants scenario/state export or a pre-sunset cassette for Responses + Conversations",
        description="Threads become conversations (run steps become items), assistants become the settings the "
        "app passes per request, recorded runs become script rules. What has no equivalent is reported.",
    )
    parser.add_argument("file", metavar="FILE", help="scenario file, state export, or cassette (ours or vcrpy)")
    parser.add_argument("-o", "--output", help="write the converted scenario here (default: standard output)")
    parser.add_argument("--format", choices=["yaml", "json"], help="output format (default: from -o, else yaml)")
    parser.add_argument("--settings", metavar="FILE", help="write the assistants' per-request settings here (JSON)")
    parser.add_argument(
        "--sunset", action="store_true", help="add the faults that answer every Assistants call as the retired API"
    )
    parser.add_argument("--fail-on-loss", action="store_true", help="exit 3 when anything had no equivalent")
    parser.add_argument("-q", "--quiet", action="store_true", help="do not print the report")
    parser.set_defaults(func=run)


def _read(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MigrationError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise MigrationError(f"{path}: cannot read: not UTF-8 text ({exc.reason})") from None
    try:
        return json.loads(text) if path.suffix.lower() == ".json" else yaml.load(text, Loader=_Loader)
    except (ValueError, yaml.YAMLError) as exc:
        raise MigrationError(
            f"{path}: not valid {'JSON' if path.suffix.lower() == '.json' else 'YAML'}: {exc}"
        ) from None


def convert_file(path: Path) -> Converted:
    """Whichever the file is: a cassette (``format: mockserver-cassette`` or vcrpy ``interactions``) or a scenario."""
    document = _read(path)
    if isinstance(document, dict) and ("interactions" in document or document.get("format") == "mockserver-cassette"):
        return convert_cassette(path)
    if not isinstance(document, dict) or "version" not in document:
        raise MigrationError(f"{path}: neither a scenario document ('version: 1') nor a cassette ('interactions')")
    converted = convert_document(document, str(path))
    if "include" in document:
        from mockserver.migration.convert import Note

        converted.notes.append(Note(f"{path}: include", "kept as is: convert each included file too"))
    return converted


def run(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        converted = convert_file(path)
    except MigrationError as exc:
        print(f"mockserver migrate: {exc}", file=sys.stderr)
        return 1
    document = converted.document
    if args.sunset:
        document["faults"] = [*(document.get("faults") or []), *sunset_faults()]
    fmt = args.format or ("json" if (args.output or "").lower().endswith(".json") else "yaml")
    try:
        if args.output:
            Path(args.output).write_text(dump(document, fmt), encoding="utf-8")
        else:
            sys.stdout.write(dump(document, fmt))
        if args.settings:
            Path(args.settings).write_text(json.dumps(converted.settings, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        print(f"mockserver migrate: cannot write: {exc.strerror or exc} ({exc.filename})", file=sys.stderr)
        return 1
    if not args.quiet:
        conversations = len(document.get("conversations") or [])
        rules = len(document.get("script") or [])
        print(
            f"{path}: {conversations} conversation(s), {rules} script rule(s), "
            f"{len(converted.settings)} assistant setting(s); {len(converted.notes)} note(s)",
            file=sys.stderr,
        )
        for note in converted.notes:
            print(f"  {note}", file=sys.stderr)
    return 3 if args.fail_on_loss and converted.notes else 0
