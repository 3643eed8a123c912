"""``mockserver serve``: run the fake as a standalone stub until Ctrl-C or SIGTERM.

Prints ``mockserver listening on http://HOST:PORT (base_url http://HOST:PORT/v1)`` on stdout once it accepts
connections (with ``--port 0``, the port the OS picked); logs, including the access log, go to stderr.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from types import FrameType
from typing import Any

from mockserver.config import ServerConfig
from mockserver.control.journal import DEFAULT_JOURNAL_LIMIT
from mockserver.control.persistence import StateFileError
from mockserver.migration.sunset import sunset_seeder
from mockserver.replay import ReplayConfigError
from mockserver.scenarios import ScenarioError
from mockserver.server import MockServer, ServerStartError

LOOPBACK = {"127.0.0.1", "::1", "localhost"}
LOG_LEVELS = ["critical", "error", "warning", "info", "debug"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("serve", help="serve the fake API until interrupted")
    net = parser.add_argument_group("network")
    net.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: loopback only)")
    net.add_argument("--port", type=int, default=8000, help="port to bind; 0 picks a free one (default 8000)")
    net.add_argument("--api-key", help="accept only this bearer key; others get the real 401 invalid_api_key")
    net.add_argument("--max-body-bytes", type=int, default=ServerConfig.max_body_bytes, help="larger bodies get 413")
    state = parser.add_argument_group("state")
    state.add_argument("--seed", default="", help="seed mixed into every generated id")
    state.add_argument(
        "--scenario", action="append", default=[], metavar="FILE", help="scenario all projects start from (repeatable)"
    )
    state.add_argument("--fixtures-dir", help="directory scenario names resolve against (default ./fixtures)")
    state.add_argument(
        "--sunset",
        action="store_true",
        help="answer /v1/assistants/** and /v1/threads/** as the retired API (404)",
    )
    state.add_argument("--state-file", help="load state from this file at start and save it there (atomically)")
    state.add_argument(
        "--save-interval", type=float, default=1.0, help="seconds between saves of changed state (0: only on demand)"
    )
    replay = parser.add_argument_group("replay (docs/replay.md)")
    replay.add_argument("--cassette", help="answer from this recorded cassette (record mode none: misses get a 400)")
    replay.add_argument(
        "--hybrid", action="store_true", help="with --cassette: serve unrecorded requests from the fake"
    )
    replay.add_argument(
        "--replay-timing", default="immediate", choices=["immediate", "recorded"], help="pace of replayed streams"
    )
    parser.set_defaults(record_mode="none", upstream=None)
    logs = parser.add_argument_group("logging")
    logs.add_argument("--log-level", default="info", choices=LOG_LEVELS, help="stderr log level (default info)")
    logs.add_argument("--no-access-log", action="store_true", help="do not log one line per request")
    logs.add_argument("--journal-limit", type=int, default=DEFAULT_JOURNAL_LIMIT, help="requests kept in the journal")
    parser.set_defaults(func=run)


def config_from(args: argparse.Namespace) -> ServerConfig:
    return ServerConfig(
        api_key=args.api_key,
        max_body_bytes=args.max_body_bytes,
        journal_limit=args.journal_limit,
        state_file=args.state_file,
        save_interval=args.save_interval,
    )


def server_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """Keyword arguments for :class:`MockServer`; subcommand options of other features add theirs here."""
    return {
        "host": args.host,
        "port": args.port,
        "seed": args.seed,
        "config": config_from(args),
        "scenario": args.scenario or None,
        "fixtures_dir": args.fixtures_dir,
        "cassette": args.cassette,
        "record_mode": args.record_mode,
        "upstream": args.upstream,
        "hybrid": args.hybrid,
        "replay_timing": args.replay_timing,
        "baseline": [sunset_seeder] if getattr(args, "sunset", False) else None,
    }


def _setup_logging(args: argparse.Namespace) -> None:
    level = getattr(logging, args.log_level.upper())
    logging.basicConfig(stream=sys.stderr, level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("mockserver.access").setLevel(logging.WARNING if args.no_access_log else level)


def run(args: argparse.Namespace) -> int:
    _setup_logging(args)
    if args.host not in LOOPBACK:
        print(f"mockserver: warning: listening on {args.host}, reachable beyond this machine", file=sys.stderr)
    try:
        server = MockServer(**server_kwargs(args), log_level=args.log_level)
        server.start()
    except ScenarioError as exc:
        print(f"mockserver: invalid scenario:\n{exc}", file=sys.stderr)
        return 2
    except ReplayConfigError as exc:
        print(f"mockserver: {exc}", file=sys.stderr)
        return 2
    except (ServerStartError, StateFileError) as exc:
        print(f"mockserver: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, StateFileError) else 1
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    print(f"mockserver listening on {server.url} (base_url {server.base_url})", flush=True)
    try:
        stop.wait()
    finally:
        server.stop()
    print("mockserver stopped", flush=True)
    return 0
