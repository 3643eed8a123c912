"""Load test of the standalone stub: many concurrent clients against `mockserver serve` in a subprocess.

Starts the CLI on 127.0.0.1 port 0 (loopback only), then N client threads each create a thread and post M
messages to it over their own keep-alive connection (stdlib ``http.client``, so the client side is cheap and
adds no dependency). Afterwards every thread is listed back to check that no message was lost or reordered.
Bounded in count (``--clients`` x ``--messages``) and time (``--deadline``). Reports throughput and latency
percentiles; exits non-zero if any request failed, any message is missing, or the deadline passed.

    python bench/load_stub.py            # 64 clients x 50 messages
    python bench/load_stub.py --quick    # 16 clients x 10 messages
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Any

HEADERS = {"Authorization": "Bearer sk-load", "OpenAI-Beta": "assistants=v2", "Content-Type": "application/json"}


@dataclass
class ClientResult:
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    thread_id: str | None = None
    sent: list[str] = field(default_factory=list)


def _request(conn: http.client.HTTPConnection, method: str, path: str, body: Any, result: ClientResult) -> Any:
    data = None if body is None else json.dumps(body).encode()
    started = time.perf_counter()
    try:
        conn.request(method, path, body=data, headers=HEADERS)
        response = conn.getresponse()
        raw = response.read()
    except OSError as exc:
        result.failures.append(f"{method} {path}: {exc!r}")
        return None
    result.latencies.append(time.perf_counter() - started)
    if response.status != 200:
        result.failures.append(f"{method} {path}: HTTP {response.status} {raw[:200]!r}")
        return None
    return json.loads(raw)


def run_client(host: str, port: int, index: int, messages: int, deadline: float, result: ClientResult) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=60)
    try:
        thread = _request(conn, "POST", "/v1/threads", {"metadata": {"client": str(index)}}, result)
        if thread is None:
            return
        result.thread_id = thread["id"]
        for n in range(messages):
            if time.monotonic() > deadline:
                result.failures.append("deadline passed")
                return
            text = f"client {index} message {n}"
            if _request(
                conn, "POST", f"/v1/threads/{thread['id']}/messages", {"role": "user", "content": text}, result
            ):
                result.sent.append(text)
    finally:
        conn.close()


def read_back(host: str, port: int, thread_id: str) -> list[str]:
    """Every message of the thread, oldest first, following the cursor."""
    conn = http.client.HTTPConnection(host, port, timeout=60)
    texts: list[str] = []
    after = ""
    try:
        while True:
            conn.request("GET", f"/v1/threads/{thread_id}/messages?order=asc&limit=100{after}", headers=HEADERS)
            page = json.loads(conn.getresponse().read())
            texts += [m["content"][0]["text"]["value"] for m in page["data"]]
            if not page["has_more"]:
                return texts
            after = f"&after={page['data'][-1]['id']}"
    finally:
        conn.close()


def start_stub(extra: list[str]) -> tuple[subprocess.Popen[str], str, int]:
    stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the stub process
    proc = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "serve", "--port", "0", "--log-level", "warning", *extra],
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"listening on http://(127\.0\.0\.1):(\d+)", line)
    if match is None:
        proc.kill()
        stderr.seek(0)
        raise SystemExit(f"stub did not start: {line!r} {stderr.read().decode()}")
    return proc, match.group(1), int(match.group(2))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="16 clients x 10 messages")
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--messages", type=int, default=50, help="messages per client")
    parser.add_argument("--deadline", type=float, default=120.0, help="seconds before the run counts as failed")
    parser.add_argument("--access-log", action="store_true", help="keep the stub's access log on (to a temp file)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--state-file", action="store_true", help="run the stub with a state file (in a temp dir, default interval)"
    )
    parser.add_argument("--save-interval", default="1.0", help="with --state-file: seconds, or 'sync'")
    args = parser.parse_args(argv)
    if args.quick:
        args.clients, args.messages, args.deadline = 16, 10, 60.0
    extra = [] if args.access_log else ["--no-access-log"]
    state_dir = tempfile.TemporaryDirectory(prefix="load-state-") if args.state_file else None
    if state_dir is not None:
        extra += ["--state-file", f"{state_dir.name}/state.json", "--save-interval", args.save_interval]
    proc, host, port = start_stub(extra)
    try:
        deadline = time.monotonic() + args.deadline
        results = [ClientResult() for _ in range(args.clients)]
        threads = [
            threading.Thread(target=run_client, args=(host, port, i, args.messages, deadline, results[i]))
            for i in range(args.clients)
        ]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()) + 5)
        elapsed = time.perf_counter() - started
        hung = sum(t.is_alive() for t in threads)
        lost = 0
        for result in results:
            if result.thread_id is not None:
                stored = read_back(host, port, result.thread_id)
                lost += (
                    len(result.sent) - len(stored) if stored[: len(result.sent)] == result.sent else len(result.sent)
                )
    finally:
        proc.terminate()
        proc.wait(30)
        if state_dir is not None:
            state_dir.cleanup()
    latencies = [x for r in results for x in r.latencies]
    failures = [f for r in results for f in r.failures]
    report = {
        "clients": args.clients,
        "messages_per_client": args.messages,
        "requests": len(latencies),
        "seconds": round(elapsed, 3),
        "throughput_rps": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "latency_ms": {
            "p50": round(percentile(latencies, 0.50) * 1000, 2),
            "p90": round(percentile(latencies, 0.90) * 1000, 2),
            "p99": round(percentile(latencies, 0.99) * 1000, 2),
            "max": round(max(latencies) * 1000, 2),
            "mean": round(statistics.fmean(latencies) * 1000, 2),
        }
        if latencies
        else {},
        "failed_requests": len(failures),
        "lost_messages": lost,
        "hung_clients": hung,
        "state_file": f"interval {args.save_interval}" if args.state_file else None,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        lat = report["latency_ms"]
        print(f"{args.clients} clients x {args.messages} messages: {report['requests']} requests in {elapsed:.2f}s")
        print(f"throughput {report['throughput_rps']} req/s; latency ms p50 {lat.get('p50')} p90 {lat.get('p90')} "
              f"p99 {lat.get('p99')} max {lat.get('max')}")  # fmt: skip
        print(f"failed requests {len(failures)}, lost messages {lost}, hung clients {hung}")
        for failure in failures[:5]:
            print("  ", failure)
        clean = not failures and not lost and not hung
        print(f"RESULT load_stub throughput req/s: {report['throughput_rps']} (failed {len(failures)}, lost {lost}, "
              f"hung {hung}) {'PASS' if clean else 'MISS'}")  # fmt: skip
    return 0 if not failures and not lost and not hung else 1


if __name__ == "__main__":
    sys.exit(main())
