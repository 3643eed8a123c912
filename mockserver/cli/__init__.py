"""``mockserver`` command line: a thin adapter over :class:`~mockserver.MockServer` and friends.

Each subcommand lives in its own module and registers itself in :data:`COMMANDS`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from mockserver.cli import replay, scenario, serve

#: (register(subparsers)) for each subcommand module; each sets ``func`` on its parser.
COMMANDS: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = [
    serve.register,
    scenario.register,
    replay.register,
]


#: Examples shown at the end of each subcommand's ``--help``.
EXAMPLES: dict[str, str] = {
    "serve": """examples:
  mockserver serve                                   # http://127.0.0.1:8000, base URL http://127.0.0.1:8000/v1
  mockserver serve --port 0                          # any free port (printed on the first line)
  mockserver serve --scenario fixtures/support_bot.yaml --state-file ./mock-state.json
  mockserver serve --cassette tests/cassettes/session.yaml --hybrid
then: OPENAI_BASE_URL=http://127.0.0.1:8000/v1 OPENAI_API_KEY=sk-any python your_app.py""",
    "validate": """examples:
  mockserver validate fixtures/*.yaml                # exit 1 with file:line: path: message errors
  mockserver validate support_bot --fixtures-dir fixtures -q""",
    "export": """examples:
  mockserver export --url http://127.0.0.1:8000 --project sk-test -o state.yaml
  mockserver export fixtures/support_bot.yaml --format json   # every generated id and timestamp written out""",
    "record": """examples:
  MOCKSERVER_UPSTREAM_API_KEY=sk-... mockserver record --upstream https://api.openai.com/v1 \\
      --cassette tests/cassettes/session.yaml --port 8000
  then point your client at http://127.0.0.1:8000/v1 with any key; replay with
  mockserver serve --cassette tests/cassettes/session.yaml""",
    "lint-cassettes": """examples:
  mockserver lint-cassettes tests/cassettes          # exit 1 if anything key-like slipped in""",
    "import-vcr": """examples:
  mockserver import-vcr tests/cassettes/old_vcr.yaml tests/cassettes/session.yaml""",
}


def build_parser() -> argparse.ArgumentParser:
    from mockserver import __version__

    parser = argparse.ArgumentParser(
        prog="mockserver",
        description="An offline, deterministic, stateful fake of the OpenAI API, for tests. "
        "`mockserver COMMAND --help` shows each command's options and examples.",
    )
    parser.add_argument("--version", action="version", version=f"mockserver {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in COMMANDS:
        register(sub)
    for name, command in sub.choices.items():
        command.formatter_class = argparse.RawDescriptionHelpFormatter
        command.epilog = EXAMPLES.get(name)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    return func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
