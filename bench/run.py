"""Run every benchmark and summarize: ``python bench/run.py`` (full) or ``python bench/run.py --quick``.

Each script runs in its own process (so one's servers and memory do not disturb another), prints its own
table, and ends with ``RESULT <name>: <value> (target ...) PASS|MISS`` lines, collected here.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["sdk_roundtrip.py", "paging.py", "plugin_overhead.py", "concurrency.py", "memory.py", "load_stub.py",
           "peers.py", "suite_cost.py", "scale.py", "files.py", "chat.py", "responses.py"]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and smaller data: a sanity pass")
    parser.add_argument("only", nargs="*", help="run only these scripts (e.g. paging.py)")
    args = parser.parse_args()
    results: list[str] = []
    failed = False
    for script in args.only or SCRIPTS:
        path = HERE / script
        if not path.exists():
            results.append(f"{script}: not present")
            continue
        print(f"\n# {script}", flush=True)
        started = time.perf_counter()
        cmd = [sys.executable, str(path), *(["--quick"] if args.quick else [])]
        proc = subprocess.run(cmd, cwd=HERE, capture_output=True, text=True)
        print(proc.stdout, end="")
        if proc.returncode != 0 and "RESULT" not in proc.stdout:
            print(proc.stderr, file=sys.stderr)
            failed = True
        results += [line for line in proc.stdout.splitlines() if line.startswith("RESULT")]
        print(f"({script} took {time.perf_counter() - started:.1f} s)")
    print("\n# Summary")
    for line in results:
        print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
