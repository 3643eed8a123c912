"""What the pytest plugin costs: per-test overhead (reset + environment patching) and per-worker start-up.

Per test, the ``mockserver`` fixture resets the process's server to the test's baseline and patches
``OPENAI_*`` plus the ``openai`` module client, then restores them: that is timed with an empty baseline and
with a 1,000-message baseline scenario (reset is a container copy, so it should not grow with the baseline;
the copy itself happens on the test's first request, timed separately as "+ first use"). Per worker, in
fresh interpreters that already have pytest: importing the plugin (which every pytest process pays, even
when no test uses the fixture), then what the first fixture use adds before a test can talk to the server:
importing the server and the replay support (deferred by the plugin), and starting the server.

    python bench/plugin_overhead.py [--quick]
"""

from __future__ import annotations

import argparse
import compileall
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", category=DeprecationWarning)

import openai  # noqa: E402,F401  (imported so the module-client patching is part of what is timed)

from mockserver.pytest_plugin import MockServerFixture, fixture_options  # noqa: E402
from mockserver.server import MockServer  # noqa: E402

PER_TEST_TARGET_MS = 1.0
STARTUP_TARGET_MS = 150.0

#: A pytest worker has pytest imported before it loads plugins: only what comes after is the plugin's cost.
STARTUP_CHILD = """
import time
import pytest
t0 = time.perf_counter()
import mockserver.pytest_plugin as plugin
t1 = time.perf_counter()
from mockserver.server import MockServer  # what the session fixture imports on first use
plugin.fixture_options()  # the test's options: imports the replay support
t2 = time.perf_counter()
server = MockServer().start()
t3 = time.perf_counter()
server.stop()
print(f"{(t1 - t0) * 1000:.3f} {(t2 - t1) * 1000:.3f} {(t3 - t2) * 1000:.3f}")
"""


#: The floor any in-process HTTP fake pays: the web framework and the server it runs on.
FLOOR_CHILD = """
import time
import pytest
t0 = time.perf_counter()
import starlette.applications, starlette.routing, uvicorn
print(f"{(time.perf_counter() - t0) * 1000:.3f}")
"""


def baseline_file(directory: Path, messages: int) -> Path:
    """A scenario of ``messages`` messages over 10 threads, written as YAML the loader parses once."""
    lines = ["version: 1", "threads:"]
    per_thread = messages // 10
    for t in range(10):
        lines += [f"  - metadata: {{n: '{t}'}}", "    messages:"]
        lines += [f"      - {{role: user, content: 'message {t}-{m}'}}" for m in range(per_thread)]
    path = directory / "baseline_1000.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sample(step: Callable[[], None], n: int, warmup: int) -> list[float]:
    """Milliseconds of each of ``n`` calls of ``step`` (after ``warmup`` untimed ones)."""
    for _ in range(warmup):
        step()
    out = []
    for _ in range(n):
        start = time.perf_counter()
        step()
        out.append((time.perf_counter() - start) * 1000)
    return out


def per_test(server: MockServer, scenario: str | None, first_use: bool) -> Callable[[], None]:
    fixture = MockServerFixture(server, fixture_options(scenario=scenario))

    def one_test() -> None:
        fixture.activate()
        if first_use:
            server.store.now(fixture.project)  # the first request of a test copies the baseline into its project
        fixture.deactivate()

    return one_test


def _child(code: str) -> list[float]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return [float(x) for x in out.stdout.split()]


def startup(runs: int) -> tuple[list[float], list[float], list[float], list[float]]:
    """(plugin import, first-use imports, server start, floor import) in fresh interpreters, alternating so
    load drift hits all."""
    # Users import compiled bytecode (pip compiles on install; editable checkouts cache it in __pycache__).
    # Compile first, so an environment with PYTHONDONTWRITEBYTECODE=1 does not time the compiler instead.
    compileall.compile_dir(ROOT / "mockserver", quiet=1)
    imports, lazy, starts, floor = [], [], [], []
    for _ in range(runs):
        imported, first_use, started = _child(STARTUP_CHILD)
        imports.append(imported)
        lazy.append(first_use)
        starts.append(started)
        floor += _child(FLOOR_CHILD)
    return imports, lazy, starts, floor


def row(name: str, values: list[float]) -> str:
    q = statistics.quantiles(values, n=10) if len(values) > 1 else [values[0]] * 9
    return f"{name:<44} {statistics.median(values):>9.3f} {q[0]:>9.3f} {q[-1]:>9.3f} {len(values):>6}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer samples (a smoke run)")
    args = parser.parse_args(argv)
    n, warmup, fresh = (200, 20, 3) if args.quick else (3000, 200, 10)

    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp, MockServer(fixtures_dir=tmp) as server:
        scenario = str(baseline_file(Path(tmp), 1000))
        results["per test, empty state"] = sample(per_test(server, None, False), n, warmup)
        results["per test, empty state + first use"] = sample(per_test(server, None, True), n, warmup)
        results["per test, 1,000-message baseline"] = sample(per_test(server, scenario, False), n, warmup)
        results["per test, 1,000-message baseline + first use"] = sample(per_test(server, scenario, True), n, warmup)
    imports, lazy, starts, floor = startup(fresh)
    results["worker start-up: import plugin (fresh process)"] = imports
    results["worker start-up: first use: import server"] = lazy
    results["worker start-up: first use: start the server"] = starts
    results["worker start-up: total"] = [a + b + c for a, b, c in zip(imports, lazy, starts, strict=True)]
    results["(floor: import starlette + uvicorn alone)"] = floor

    print(f"{'what (milliseconds)':<44} {'median':>9} {'p10':>9} {'p90':>9} {'n':>6}")
    for name, values in results.items():
        print(row(name, values))
    per_test_ms = max(statistics.median(v) for k, v in results.items() if k.startswith("per test"))
    startup_ms = statistics.median(results["worker start-up: total"])
    verdict = "OK" if per_test_ms < PER_TEST_TARGET_MS and startup_ms < STARTUP_TARGET_MS else "OVER TARGET"
    print(
        f"per-test overhead (worst median) {per_test_ms:.3f} ms / target {PER_TEST_TARGET_MS:.0f} ms "
        f"= {per_test_ms / PER_TEST_TARGET_MS:.2f}; start-up {startup_ms:.1f} ms / target {STARTUP_TARGET_MS:.0f} ms "
        f"= {startup_ms / STARTUP_TARGET_MS:.2f}; {verdict}"
    )
    for name, value, target in (("plugin per-test overhead ms", per_test_ms, PER_TEST_TARGET_MS),
                                ("plugin worker start-up ms", startup_ms, STARTUP_TARGET_MS)):  # fmt: skip
        print(f"RESULT {name}: {value:.3f} (target <= {target:g}) {'PASS' if value < target else 'MISS'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
