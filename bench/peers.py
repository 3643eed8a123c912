"""mockserver against the other OpenAI fakes that work with openai 3.x: per-call latency through the same SDK.

Servers (see ``peer_servers.py`` for how each is started): mockserver's stub and, when ``bash
bench/setup_peers.sh`` installed them, aimock (npm), mock-ai-api and llm-mock-api (pip), each a subprocess on
127.0.0.1. Workloads, each run against every server that serves it (probed with one call first):

- ``chat.completions.create``, ``responses.create``, the streamed forms of both timed to the last event,
  ``models.list``;
- ours alone: a ``messages.list(limit=20)`` page from the middle of a 10,000-message thread, and a
  ``conversations.items.list(limit=20)`` page.

Servers alternate round by round (so drift hits all alike); each round times up to ``calls`` calls (fewer for a
server whose calls are slow, so a round takes about half a second). Reported: the
median per call, its interquartile range, and ``RESULT`` lines with ours / peer (target: below 1, ahead of
every peer). A workload mockserver does not serve yet is skipped with a line, so the same script measures it
once the surface lands.

    bash bench/setup_peers.sh && /work/bench-env/bin/python bench/peers.py [--quick]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from common import API_KEY, spread, table, us
from peer_servers import PROMPT, REPLY, RunningServer, bench_python, environment_line, load_line, specs

warnings.filterwarnings("ignore", category=DeprecationWarning)
MODEL = "gpt-4o"
OURS = "mockserver"
THREAD_SIZE = 10_000
#: Until mockserver serves a shared workload, its closest call it does serve: a stateful create returning one
#: object. Shown as an indication only; the targets are on the shared workloads.
ANALOGUE_CREATE = "threads.messages.create"
ANALOGUES = {"chat.completions.create": ANALOGUE_CREATE, "responses.create": ANALOGUE_CREATE}
ANALOGUE_SIDE = "mockserver*"

Call = Callable[[], object]


def script_reply(base_url: str) -> str:
    """Make mockserver answer ``PROMPT`` with ``REPLY``, as the peers are set up to, so streams carry the same
    text (its default reply is ~85 characters, ~20 chunks). Returns a line saying what happened."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    rule = {"name": "bench", "match": {"contains": PROMPT}, "reply": {"text": REPLY}}
    try:
        conn.request("POST", "/__mock__/script", body=json.dumps({"rule": rule}),
                     headers={"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"})  # fmt: skip
        response = conn.getresponse()
        data = response.read()
    finally:
        conn.close()
    if response.status != 200:
        return f"mockserver: could not script the reply (HTTP {response.status} {data[:120]!r}): it uses its default"
    return f"mockserver: scripted to answer {PROMPT!r} with {REPLY!r}, like the peers"


def shared_workloads(client: Any) -> dict[str, Call]:
    def stream() -> None:
        with client.responses.create(model=MODEL, input=PROMPT, stream=True) as events:
            for _ in events:
                pass

    def chat_stream() -> None:
        messages = [{"role": "user", "content": PROMPT}]
        with client.chat.completions.create(model=MODEL, messages=messages, stream=True) as chunks:
            for _ in chunks:
                pass

    return {
        "chat.completions.create": lambda: client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": PROMPT}]
        ),
        "responses.create": lambda: client.responses.create(model=MODEL, input=PROMPT),
        "responses stream, to last event": stream,
        "chat.completions stream, to last chunk": chat_stream,
        "models.list": lambda: client.models.list(),
    }


def seed_thread(base_url: str, size: int, deadline: float) -> tuple[str, str]:
    """A thread of ``size`` messages posted over one keep-alive connection; returns (thread id, middle id)."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = {"Authorization": f"Bearer {API_KEY}", "OpenAI-Beta": "assistants=v2", "Content-Type": "application/json"}

    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        conn.request("POST", parts.path + path, body=json.dumps(body), headers=headers)
        response = conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"POST {path}: HTTP {response.status} {data[:200]!r}")
        return json.loads(data)  # type: ignore[no-any-return]

    try:
        thread_id = post("/threads", {})["id"]
        middle = ""
        for i in range(size):
            if time.monotonic() > deadline:
                raise RuntimeError(f"seeding stopped at {i} messages: deadline passed")
            message = post(f"/threads/{thread_id}/messages", {"role": "user", "content": f"message {i}"})
            if i == size // 2:
                middle = message["id"]
        return thread_id, middle
    finally:
        conn.close()


def ours_only_workloads(client: Any, base_url: str, size: int, deadline: float) -> tuple[dict[str, Call], list[str]]:
    """The workloads only mockserver has; those whose surface is not served yet come back as skip lines."""
    out: dict[str, Call] = {}
    skipped: list[str] = []
    try:
        started = time.perf_counter()
        tid, middle = seed_thread(base_url, size, deadline)
        print(f"(seeded a {size:,}-message thread over HTTP in {time.perf_counter() - started:.1f} s)")
        name = f"messages.list page, {size:,}-message thread"
        out[name] = lambda: client.beta.threads.messages.list(thread_id=tid, limit=20, after=middle)
        small = client.beta.threads.create().id
        out[ANALOGUE_CREATE] = lambda: client.beta.threads.messages.create(thread_id=small, role="user", content=PROMPT)
    except Exception as exc:
        skipped.append(f"mockserver: threads.messages not served ({type(exc).__name__}: {str(exc)[:120]})")
    try:
        conversation = client.conversations.create(
            items=[{"type": "message", "role": "user", "content": f"item {i}"} for i in range(20)]
        )
        for _ in range(4):
            client.conversations.items.create(
                conversation.id,
                items=[{"type": "message", "role": "user", "content": f"more {i}"} for i in range(20)],
            )
        out["conversations.items.list page"] = lambda: client.conversations.items.list(conversation.id, limit=20)
    except Exception as exc:
        skipped.append(f"mockserver: conversations not served yet ({describe(exc)})")
    return out, skipped


def describe(exc: BaseException) -> str:
    status = getattr(exc, "status_code", None)
    return f"HTTP {status}" if status else f"{type(exc).__name__}: {str(exc)[:120]}"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def interleaved_bounded(
    sides: dict[str, Call],
    *,
    calls: int,
    repeats: int,
    deadline: float,
    pids: dict[str, int] | None = None,
    cpu: dict[str, float] | None = None,
    warmup: int = 10,
    round_seconds: float = 0.5,
) -> dict[str, list[float]]:
    """Per-call seconds per side, sides alternating every round; stops early (>= 3 rounds) past the deadline.

    A side whose calls are slow (a server that paces its stream) makes fewer calls per round, so one round of
    it takes about ``round_seconds``; at least 3. With ``pids``, ``cpu`` receives each side's server CPU seconds
    per call over all rounds: on a busy machine that stays comparable when wall-clock time does not.
    """
    per_side: dict[str, int] = {}
    for name, call in sides.items():
        call()  # warm
        started = time.perf_counter()
        call()
        one = time.perf_counter() - started
        per_side[name] = max(3, min(calls, int(round_seconds / max(one, 1e-6))))
        for _ in range(min(warmup, per_side[name])):
            call()
    results: dict[str, list[float]] = {name: [] for name in sides}
    used = dict.fromkeys(sides, 0.0)
    for round_ in range(repeats):
        if round_ >= 3 and time.monotonic() > deadline:
            print(f"(time budget spent: {round_} rounds instead of {repeats})")
            break
        order = list(sides.items())
        if round_ % 2:  # who goes first alternates too
            order.reverse()
        for name, call in order:
            pid = (pids or {}).get(name)
            cpu_start = cpu_seconds(pid) if pid else 0.0
            start = time.perf_counter()
            for _ in range(per_side[name]):
                call()
            results[name].append((time.perf_counter() - start) / per_side[name])
            if pid:
                used[name] += cpu_seconds(pid) - cpu_start
    if cpu is not None and pids:
        for name in sides:
            if name in pids:
                cpu[name] = used[name] / (per_side[name] * len(results[name]))
    return results


def main(quick: bool = False) -> bool:
    calls, repeats, budget = (20, 3, 120.0) if quick else (100, 11, 480.0)
    size = 2_000 if quick else THREAD_SIZE
    deadline = time.monotonic() + budget
    python = bench_python()
    print(environment_line(python))
    print(load_line("start"))
    import openai

    servers: dict[str, RunningServer] = {}
    clients: dict[str, Any] = {}
    try:
        for spec in specs(python):
            if spec.missing:
                print(f"{spec.name}: SKIPPED, {spec.missing}")
                continue
            try:
                servers[spec.name] = RunningServer(spec)
            except RuntimeError as exc:
                print(f"{spec.name}: SKIPPED, {exc}")
                continue
            clients[spec.name] = openai.OpenAI(base_url=servers[spec.name].base_url, api_key=API_KEY, max_retries=0)
            print(f"{spec.name}: {servers[spec.name].base_url} (pid {servers[spec.name].pid()})")
        if OURS not in servers:
            print("mockserver did not start: nothing to compare")
            return False
        print(script_reply(servers[OURS].base_url))

        workloads = {name: shared_workloads(client) for name, client in clients.items()}
        rows: list[list[str]] = []
        medians: dict[tuple[str, str], float] = {}
        skips: list[str] = []
        pids = {name: server.pid() for name, server in servers.items()}
        pids[ANALOGUE_SIDE] = pids[OURS]
        server_cpu: dict[tuple[str, str], float] = {}
        ours_only, skips = ours_only_workloads(clients[OURS], servers[OURS].base_url, size, deadline)
        for workload in workloads[OURS]:
            sides: dict[str, Call] = {}
            for name in servers:
                call = workloads[name][workload]
                try:
                    call()
                except Exception as exc:
                    if name != OURS:
                        skips.append(f"{name}: {workload} not served ({describe(exc)})")
                        continue
                    skips.append(f"mockserver: {workload} not served yet ({describe(exc)})")
                    if ANALOGUES.get(workload) in ours_only:  # measured alongside, as an indication
                        sides[ANALOGUE_SIDE] = ours_only[ANALOGUES[workload]]
                    continue
                sides[name] = call
            if not sides:
                continue
            cpu: dict[str, float] = {}
            result = interleaved_bounded(sides, calls=calls, repeats=repeats, deadline=deadline, pids=pids, cpu=cpu)
            for name, values in result.items():
                medians[(workload, name)] = statistics.median(values)
                if name in cpu:
                    server_cpu[(workload, name)] = cpu[name]
                label = f"mockserver {ANALOGUES[workload]} (indication)" if name == ANALOGUE_SIDE else name
                rows.append([workload, label, us(medians[(workload, name)]), us(spread(values)), us(cpu.get(name, 0))])
        for workload, call in ours_only.items():
            cpu = {}
            result = interleaved_bounded(
                {OURS: call}, calls=calls, repeats=repeats, deadline=deadline, pids=pids, cpu=cpu
            )
            medians[(workload, OURS)] = statistics.median(result[OURS])
            rows.append([workload, OURS + " (only)", us(medians[(workload, OURS)]), us(spread(result[OURS])),
                         us(cpu.get(OURS, 0))])  # fmt: skip
    finally:
        for client in clients.values():
            client.close()
        for server in servers.values():
            server.stop()

    print(load_line("end"))
    for line in skips:
        print(line)
    if "mock-ai-api" in servers:
        print("note: mock-ai-api sleeps 40 ms between stream events (hard-coded DEFAULT_STREAM_DELAY_MS, no option "
              "turns it off): its stream figure is mostly that pacing")  # fmt: skip
    table(f"Per-call latency through the openai SDK (median of {repeats} rounds x {calls} calls, IQR)",
          ["workload", "server", "median", "IQR", "server CPU/call"], rows)  # fmt: skip
    ok = True
    ratio_rows = []
    for workload in workloads[OURS]:
        for name in servers:
            if name == OURS or (workload, name) not in medians:
                continue
            if (workload, OURS) not in medians:
                print(f"RESULT peers {workload} ours/{name}: mockserver not served yet SKIP")
                continue
            ratio = medians[(workload, OURS)] / medians[(workload, name)]
            ours_cpu, their_cpu = server_cpu.get((workload, OURS), 0.0), server_cpu.get((workload, name), 0.0)
            cpu_ratio = f"{ours_cpu / their_cpu:.2f}" if ours_cpu and their_cpu else "-"
            ratio_rows.append([workload, name, f"{ratio:.2f}", cpu_ratio])
            passed = ratio <= 1.0
            ok &= passed
            print(f"RESULT peers {workload} ours/{name}: {ratio:.3f} (target <= 1.0) {'PASS' if passed else 'MISS'}"
                  f" (server CPU ratio {cpu_ratio})")  # fmt: skip
    if ratio_rows:
        table("Ratios, ours / peer (below 1: mockserver is faster)",
              ["workload", "peer", "wall-clock", "server CPU"], ratio_rows)  # fmt: skip
    analogue_rows = []
    for workload, analogue in ANALOGUES.items():
        if (workload, ANALOGUE_SIDE) not in medians:
            continue
        for name in servers:
            if (workload, name) in medians and name != OURS:
                ratio = medians[(workload, ANALOGUE_SIDE)] / medians[(workload, name)]
                analogue_rows.append([f"ours {analogue} / {name} {workload}", f"{ratio:.2f}"])
    if analogue_rows:
        table("Indication only, until the surfaces land: ours' closest served call / the peer's call (interleaved)",
              ["calls compared", "ratio"], analogue_rows)  # fmt: skip
    for workload in ours_only:
        print(f"RESULT peers {workload} (ours only): {medians[(workload, OURS)] * 1e6:.0f} µs (reported, no target)")
    return ok


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    raise SystemExit(0 if main(parser.parse_args().quick) else 1)
