"""``mockserver serve``: run the fake until Ctrl-C (or SIGTERM)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from ..server import MockServer, ServerStartError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("serve", help="serve the fake API until interrupted")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: loopback only)")
    parser.add_argument("--port", type=int, default=8000, help="port to bind; 0 picks a free one (default 8000)")
    parser.add_argument("--seed", default="", help="seed mixed into every generated id")
    parser.add_argument("--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"])
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    server = MockServer(host=args.host, port=args.port, seed=args.seed, log_level=args.log_level)
    try:
        server.start()
    except ServerStartError as exc:
        print(f"mockserver: {exc}", file=sys.stderr)
        return 1
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
