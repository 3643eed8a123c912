"""``mockserver`` command line: a thin adapter over :class:`~mockserver.MockServer` and friends.

Each subcommand lives in its own module and registers itself in :data:`COMMANDS`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from mockserver.cli import migrate, replay, scenario, serve

#: (register(subparsers)) for each subcommand module; each sets ``func`` on its parser.
COMMANDS: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = [
    serve.register,
    scenario.register,
    replay.register,
    migrate.register,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mockserver", description="A deterministic fake of OpenAI's Assistants API.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in COMMANDS:
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    return func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
