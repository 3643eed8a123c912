"""The cost a suite feels: a generated suite of 500 tests, 5 SDK calls each with fresh state, per tool.

The suite is written to a temporary directory (10 modules x 50 tests) and run by ``pytest`` in a subprocess:

- with mockserver's plugin (the ``openai_client`` fixture: state reset per test), serial and ``-n 2``;
- with aimock-pytest, when ``bash bench/setup_peers.sh`` installed it: its per-test ``aimock`` fixture (a fresh
  aimock process per test) and its ``aimock_session`` fixture with ``reset()`` at the start of each test (the
  fresh-state equivalent), serial and ``-n 2``; each test registers the fixture its calls need;
- a bare suite (same 500 tests, no fake, no calls): what pytest alone costs, for reference;
- a what-if: our suite with the client built without loading the CA bundle (``http_client=
  DefaultHttpxClient(verify=False)``), which an ``OpenAI()`` in openai 3.x does on every construction (~20 ms).

Every run blocks the other tool's plugin (``-p no:...``), so each is measured alone. The 5 calls are
``chat.completions.create`` x2, ``responses.create`` x2 and ``models.list``, restricted to the kinds mockserver
serves (every tool's suite then makes the same calls, said in a line); if it serves neither create yet, its
suite makes 5 Assistants calls instead (``threads.create``, 3 x ``messages.create``, ``messages.list``).
Reported: wall-clock seconds per test (median over repeats, IQR), what pytest itself reported, and
``RESULT`` lines with ours / aimock at the same parallelism (target: below 1).
Draws ``docs/suite_cost.png`` (per-test cost by tool).

    /work/bench-env/bin/python bench/suite_cost.py [--quick] [--tests N] [--no-plot]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from common import API_KEY, spread, table
from peer_servers import AIMOCK_CLI, ROOT, bench_python, child_env, has_module, load_line

PLOT = ROOT / "docs" / "suite_cost.png"
MODULES = 10
RUN_TIMEOUT = 900.0

SNIPPETS = {
    "chat.completions": (
        "    reply = client.chat.completions.create(\n"
        '        model="gpt-4o", messages=[{"role": "user", "content": "hello"}]\n'
        "    )\n"
        "    assert reply.choices[0].message.content\n"
    ),
    "responses": '    assert client.responses.create(model="gpt-4o", input="hello").output\n',
    "models": "    assert client.models.list().data\n",
}


def shared_calls(served: list[str]) -> tuple[str, str]:
    """(source of ``_calls``, a description): 4 creates over the served create kinds, then ``models.list``."""
    creates = [kind for kind in ("chat.completions", "responses") if kind in served]
    kinds = [creates[i % len(creates)] for i in range(4)] + ["models" if "models" in served else creates[0]]
    counts = {kind: kinds.count(kind) for kind in dict.fromkeys(kinds)}
    described = ", ".join(f"{kind}{'.list' if kind == 'models' else '.create'} x{n}" for kind, n in counts.items())
    return "\ndef _calls(client):\n" + "".join(SNIPPETS[kind] for kind in kinds), described


ASSISTANTS_CALLS = """
def _calls(client):
    thread = client.beta.threads.create()
    for _ in range(3):
        client.beta.threads.messages.create(thread_id=thread.id, role="user", content="hello")
    assert len(client.beta.threads.messages.list(thread_id=thread.id).data) == 3
"""

AIMOCK_CLIENT = f"""
from openai import OpenAI

def _client(server):
    server.on_message("hello", {{"content": "Hi there!"}})
    return OpenAI(base_url=server.url + "/v1", api_key={API_KEY!r}, max_retries=0)
"""

BODIES = {
    "bare": ("", "def test_{n:04d}():\n    pass\n"),
    "ours": ("", "def test_{n:04d}(openai_client):\n    _calls(openai_client)\n"),
    # What the openai_client fixture would cost if the client it builds skipped loading the CA bundle (~20 ms
    # per OpenAI() in openai 3.x, useless on plain-HTTP loopback): built here through the public fixture API.
    "ours_no_ca": (
        "import openai\n",
        "def test_{n:04d}(mockserver):\n"
        "    with mockserver.client(http_client=openai.DefaultHttpxClient(verify=False)) as client:\n"
        "        _calls(client)\n",
    ),
    "aimock": (
        AIMOCK_CLIENT,
        "def test_{n:04d}(aimock):\n    with _client(aimock) as client:\n        _calls(client)\n",
    ),
    "aimock_session": (
        AIMOCK_CLIENT,
        "def test_{n:04d}(aimock_session):\n    aimock_session.reset()\n"
        "    with _client(aimock_session) as client:\n        _calls(client)\n",
    ),
}


@dataclass
class Config:
    label: str
    body: str
    workers: int
    block: list[str]
    repeats: int
    env: dict[str, str]


def write_suite(directory: Path, body: str, calls: str, tests: int) -> None:
    directory.mkdir(parents=True)
    (directory / "pytest.ini").write_text(
        "[pytest]\naddopts = -p no:randomly -p no:cacheprovider\nfilterwarnings =\n    ignore::DeprecationWarning\n"
    )
    header, template = BODIES[body]
    per_module = -(-tests // MODULES)
    n = 0
    for m in range(MODULES):
        source = [header, calls if body != "bare" else ""]
        for _ in range(per_module):
            if n == tests:
                break
            source.append(template.format(n=n))
            n += 1
        (directory / f"test_generated_{m:02d}.py").write_text("\n".join(source))


def run_suite(python: str, directory: Path, config: Config, tests: int) -> tuple[float, float | None, str | None]:
    """(wall seconds, pytest's own seconds, error) for one run."""
    command = [python, "-m", "pytest", "-q", str(directory)]
    command += [arg for name in config.block for arg in ("-p", f"no:{name}")]
    if config.workers:
        command += ["-n", str(config.workers)]
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            command, cwd=directory, capture_output=True, text=True, timeout=RUN_TIMEOUT, env=child_env(**config.env)
        )
    except subprocess.TimeoutExpired:
        return time.perf_counter() - started, None, f"timed out after {RUN_TIMEOUT:.0f}s"
    wall = time.perf_counter() - started
    summary = re.search(r"(\d+) passed(?:, [^\n]*?)? in ([\d.]+)s", proc.stdout)
    if proc.returncode != 0 or summary is None or int(summary.group(1)) != tests:
        tail = (proc.stdout + proc.stderr).strip().splitlines()[-6:]
        return wall, None, f"exit {proc.returncode}: " + " | ".join(tail)[-500:]
    return wall, float(summary.group(2)), None


def ours_serves() -> tuple[list[str], list[str]]:
    """(the shared call kinds mockserver serves, a line for each it does not serve yet)."""
    import openai

    from mockserver import MockServer

    probes = {
        "chat.completions": lambda c: c.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "hello"}]
        ),
        "responses": lambda c: c.responses.create(model="gpt-4o", input="hello"),
        "models": lambda c: c.models.list(),
    }
    served, missing = [], []
    with MockServer() as server:
        client = server.client(api_key=API_KEY)
        try:
            for kind, probe in probes.items():
                try:
                    probe(client)
                    served.append(kind)
                except openai.APIStatusError as exc:
                    missing.append(
                        f"mockserver: {kind} not served yet ({exc.request.url.path} answered {exc.status_code})"
                    )
        finally:
            client.close()
    return served, missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50 tests, one run each")
    parser.add_argument("--tests", type=int, default=500)
    parser.add_argument("--no-plot", action="store_true")
    args = parser.parse_args(argv)
    tests = 50 if args.quick else args.tests
    cheap, dear = (1, 1) if args.quick else (3, 1)
    python = bench_python()
    print(f"pytest runs on {python}; {tests} tests in {MODULES} modules")
    print(load_line("start"))

    served, missing = ours_serves()
    for line in missing:
        print(line)
    if {"chat.completions", "responses"} & set(served):
        peer_calls, described = shared_calls(served)  # every tool's suite makes the calls mockserver serves
        ours_calls = peer_calls
    else:
        peer_calls, described = shared_calls(list(SNIPPETS))
        ours_calls = ASSISTANTS_CALLS
        described = f"mockserver: threads.create, messages.create x3, messages.list; the others: {described}"
    print(f"each test's 5 calls: {described}")
    configs = [Config("bare pytest (no fake, no calls)", "bare", 0, ["mockserver", "aimock"], cheap, {})]
    configs += [
        Config(f"mockserver plugin, {w}", "ours", n, ["aimock"], cheap, {}) for w, n in (("serial", 0), ("-n 2", 2))
    ]
    configs.append(Config("mockserver plugin, client without CA load (what-if), serial", "ours_no_ca", 0, ["aimock"],
                          cheap, {}))  # fmt: skip
    aimock_ok = has_module(python, "aimock_pytest") and AIMOCK_CLI.exists()
    if not aimock_ok:
        print(f"aimock-pytest: SKIPPED, not installed in {python} or aimock CLI absent (run bash bench/setup_peers.sh)")
    else:
        # aimock-pytest pins an npm release to download; point it at the CLI setup_peers.sh installed instead.
        env = {"AIMOCK_CLI_PATH": str(AIMOCK_CLI)}
        for w, n in (("serial", 0), ("-n 2", 2)):
            configs.append(Config(f"aimock-pytest per-test fixture, {w}", "aimock", n, ["mockserver"], dear, env))
            configs.append(Config(f"aimock-pytest session fixture + reset, {w}", "aimock_session", n, ["mockserver"],
                                  cheap, env))  # fmt: skip

    results: dict[str, list[float]] = {}
    inner: dict[str, list[float]] = {}
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="suite-cost-") as tmp:
        suites: dict[str, Path] = {}
        for body in BODIES:
            suites[body] = Path(tmp) / body
            write_suite(suites[body], body, ours_calls if body.startswith("ours") else peer_calls, tests)
        max_repeats = max(c.repeats for c in configs)
        for round_ in range(max_repeats):  # configurations alternate round by round
            for config in configs:
                if round_ >= config.repeats or config.label in failures:
                    continue
                wall, own, error = run_suite(python, suites[config.body], config, tests)
                if error:
                    print(f"{config.label}: FAILED ({error})")
                    failures.append(config.label)
                    continue
                results.setdefault(config.label, []).append(wall / tests)
                inner.setdefault(config.label, []).append((own or 0.0) / tests)
                print(f"({config.label}: {wall:.1f} s wall, pytest said {own:.1f} s)", flush=True)

    print(load_line("end"))
    rows = []
    bare = statistics.median(results.get(configs[0].label, [0.0]))
    for config in configs:
        if config.label not in results:
            continue
        per_test = statistics.median(results[config.label])
        rows.append([config.label, f"{per_test * 1000:.2f}", f"{spread(results[config.label]) * 1000:.2f}",
                     f"{statistics.median(inner[config.label]) * 1000:.2f}", f"{(per_test - bare) * 1000:.2f}",
                     str(len(results[config.label]))])  # fmt: skip
    table(f"Per-test cost of a {tests}-test suite, 5 SDK calls per test (ms per test)",
          ["configuration", "wall", "IQR", "pytest's own", "wall - bare", "runs"], rows)  # fmt: skip
    ok = not failures
    for w in ("serial", "-n 2"):
        ours = results.get(f"mockserver plugin, {w}")
        for kind in ("per-test fixture", "session fixture + reset"):
            theirs = results.get(f"aimock-pytest {kind}, {w}")
            if ours and theirs:
                ratio = statistics.median(ours) / statistics.median(theirs)
                passed = ratio <= 1.0
                ok &= passed
                print(f"RESULT suite per-test ours/aimock {kind} ({w}): {ratio:.3f} (target <= 1.0) "
                      f"{'PASS' if passed else 'MISS'}")  # fmt: skip
        if ours:
            print(f"RESULT suite seconds per test, mockserver ({w}): {statistics.median(ours):.5f} (reported)")
    what_if = results.get("mockserver plugin, client without CA load (what-if), serial")
    theirs = results.get("aimock-pytest session fixture + reset, serial")
    if what_if and theirs:
        ratio = statistics.median(what_if) / statistics.median(theirs)
        print(f"RESULT suite per-test ours what-if (no CA load)/aimock session fixture + reset (serial): {ratio:.3f} "
              "(indication, no target)")  # fmt: skip
    if not args.no_plot:
        draw({label: statistics.median(v) for label, v in results.items()}, tests, described)
    return 0 if ok else 1


def draw(per_test: dict[str, float], tests: int, described: str) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(matplotlib not installed: pip install -e '.[bench]' to draw docs/suite_cost.png)")
        return
    labels = list(per_test)[::-1]
    values = [per_test[label] * 1000 for label in labels]
    colors = ["#888888" if label.startswith("bare") else "#9ecae1" if "what-if" in label
              else "#1f77b4" if "mockserver" in label else "#d62728" for label in labels]  # fmt: skip
    fig, ax = plt.subplots(figsize=(10, 0.45 * len(labels) + 1.6))
    bars = ax.barh(labels, values, color=colors)
    for bar, value in zip(bars, values, strict=True):
        ax.text(value + max(values) * 0.01, bar.get_y() + bar.get_height() / 2, f"{value:.1f} ms", va="center",
                fontsize=9)  # fmt: skip
    ax.set_xlim(0, max(values) * 1.15)
    ax.set_xlabel("wall-clock milliseconds per test (median of runs; lower is better)")
    fig.suptitle(f"Per-test cost of a {tests}-test suite, 5 SDK calls per test, by tool\n({described})", fontsize=10)
    fig.tight_layout()
    PLOT.parent.mkdir(exist_ok=True)
    fig.savefig(PLOT, dpi=100)
    print(f"plot written to {PLOT}")


if __name__ == "__main__":
    raise SystemExit(main())
