"""The stub's load test (bench/load_stub.py) runs in its quick mode: no failed request, no lost message."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "load_stub.py"


def test_quick_load_run_reports_no_failures_and_no_lost_messages() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--json"], capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["requests"] == 16 * 11 and report["failed_requests"] == 0 and report["lost_messages"] == 0
    assert set(report["latency_ms"]) == {"p50", "p90", "p99", "max", "mean"}
