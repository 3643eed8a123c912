"""``mockserver record``, ``mockserver lint-cassettes`` and ``mockserver import-vcr`` (see ``docs/replay.md``).

``record`` is ``serve`` with a cassette in a recording mode: clients talk to it with any dummy key while it
forwards to ``--upstream`` with the key from ``MOCKSERVER_UPSTREAM_API_KEY``.
"""

from __future__ import annotations

import argparse
import sys

from mockserver.cli import serve
from mockserver.replay import UPSTREAM_KEY_ENV, CassetteError
from mockserver.replay.lint import cassette_files, lint_paths
from mockserver.replay.session import RECORD_MODES, TIMINGS
from mockserver.replay.vcr import import_vcr


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    record = sub.add_parser(
        "record",
        help="proxy to an upstream API and record the traffic into a cassette",
        description=f"Serve on --port as a recording proxy to --upstream (upstream key: ${UPSTREAM_KEY_ENV}).",
    )
    record.add_argument("--upstream", required=True, help="upstream base URL, e.g. https://api.openai.com/v1")
    record.add_argument("--cassette", required=True, help="cassette file to write (.yaml, .yml or .json)")
    record.add_argument(
        "--mode",
        dest="record_mode",
        default="new_episodes",
        choices=[m for m in RECORD_MODES if m != "none"],
        help="new_episodes (default: replay what is recorded, record the rest), all (re-record, replace), "
        "once (record only if the cassette does not exist)",
    )
    record.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    record.add_argument("--port", type=int, default=8000, help="port to bind; 0 picks a free one (default 8000)")
    record.add_argument("--replay-timing", default="immediate", choices=TIMINGS, help="pace of replayed streams")
    record.add_argument("--log-level", default="info", choices=serve.LOG_LEVELS)
    record.set_defaults(func=run_record)

    lint = sub.add_parser("lint-cassettes", help="report secrets or format errors in cassettes (exit 1 if any)")
    lint.add_argument("paths", nargs="+", metavar="PATH", help="cassette files or directories to scan")
    lint.set_defaults(func=run_lint)

    convert = sub.add_parser("import-vcr", help="convert a vcrpy / pytest-recording cassette into a mockserver one")
    convert.add_argument("source", metavar="IN", help="vcrpy cassette (.yaml or .json)")
    convert.add_argument("target", metavar="OUT", help="mockserver cassette to write (.yaml, .yml or .json)")
    convert.set_defaults(func=run_import)


def _serve_defaults() -> argparse.Namespace:
    """Every ``serve`` option at its default, so ``record`` runs exactly the ``serve`` code path."""
    parser = argparse.ArgumentParser()
    serve.register(parser.add_subparsers())
    return parser.parse_args(["serve"])


def run_record(args: argparse.Namespace) -> int:
    merged = _serve_defaults()
    for name in ("upstream", "cassette", "record_mode", "host", "port", "replay_timing", "log_level"):
        setattr(merged, name, getattr(args, name))
    # stderr: stdout's first line stays "mockserver listening on ...", which scripts wait for.
    print(f"mockserver: recording {args.upstream} into {args.cassette} (mode {args.record_mode})", file=sys.stderr)
    status: int = merged.func(merged)
    return status


def run_lint(args: argparse.Namespace) -> int:
    files = list(cassette_files(args.paths))
    findings = lint_paths(files)
    for finding in findings:
        print(finding)
    print(f"mockserver: {len(files)} cassette(s) checked, {len(findings)} problem(s)", file=sys.stderr)
    return 1 if findings else 0


def run_import(args: argparse.Namespace) -> int:
    try:
        count = import_vcr(args.source, args.target)
    except CassetteError as exc:
        print(f"mockserver: {exc}", file=sys.stderr)
        return 2
    print(f"mockserver: imported {count} interaction(s) into {args.target}")
    return 0
