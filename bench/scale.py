"""Scale: memory per stored object, state-file save/load time, throughput under 16 and 64 concurrent clients.

1. Memory per stored object of the stub (``mockserver serve`` in a subprocess, journal capped at 100 entries so
   it does not count): the growth of the process's resident memory between N1 and N2 objects, divided by
   N2 - N1 (the slope cancels start-up and fixed costs). Messages (short text), conversation items (short
   messages, posted 20 per request) and files (100 bytes each). A kind whose endpoint is not served yet is
   skipped with a line. (``memory.py`` measures messages with tracemalloc instead: live Python objects only,
   without the allocator's overhead, so its figure is lower.)
2. State file: a MockServer with ``ServerConfig(state_file=...)`` holding 10k, 100k and 1M messages (1M only
   if 100k shows it fits in about two minutes): the time of ``state_file.save()``, and of starting a server
   that loads the file (minus the start of one without), plus the file's size.
3. Throughput of 16 and 64 concurrent async SDK clients retrieving a message, ours vs the bare-Starlette floor
   (target >= 0.8 of the floor), as ``concurrency.py`` does for 16.

    python bench/scale.py [--quick] [--only memory|state|throughput]
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from common import API_KEY, floor_server, spread, table, verdict
from peer_servers import RunningServer, ServerSpec, bench_python, load_line

from mockserver import MockServer

HEADERS = {"Authorization": f"Bearer {API_KEY}", "OpenAI-Beta": "assistants=v2", "Content-Type": "application/json"}
WORKERS = 4


# -- 1. memory per stored object -------------------------------------------------------------------------


class Conn:
    """One keep-alive connection to the stub; ``call`` returns (status, parsed body)."""

    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        self.prefix = parts.path
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)

    def call(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> Any:
        self.conn.request(method, self.prefix + path, body=body, headers=headers or HEADERS)
        response = self.conn.getresponse()
        data = response.read()
        return response.status, (json.loads(data) if data[:1] in (b"{", b"[") else data)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        status, data = self.call("POST", path, json.dumps(body).encode())
        if status != 200:
            raise NotServed(f"POST {path} answered HTTP {status}")
        return data

    def close(self) -> None:
        self.conn.close()


class NotServed(Exception):
    pass


def multipart_file(index: int) -> tuple[bytes, dict[str, str]]:
    boundary = "benchboundary7f3a"
    content = f"file {index:06d} ".ljust(100, "x")
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nassistants\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="f{index}.txt"\r\n'
        f"Content-Type: text/plain\r\n\r\n{content}\r\n--{boundary}--\r\n"
    ).encode()
    headers = {**HEADERS, "Content-Type": f"multipart/form-data; boundary={boundary}"}
    return body, headers


def kinds() -> dict[str, tuple[Callable[[Conn], Any], Callable[[Conn, Any, int], int]]]:
    """Per kind: (make a container for one worker, add objects from ``index`` on; returns how many were added)."""

    def message(conn: Conn, thread_id: Any, index: int) -> int:
        conn.post(f"/threads/{thread_id}/messages", {"role": "user", "content": f"message {index}"})
        return 1

    def items(conn: Conn, conversation_id: Any, index: int) -> int:
        batch = [{"type": "message", "role": "user", "content": f"item {index + i}"} for i in range(20)]
        conn.post(f"/conversations/{conversation_id}/items", {"items": batch})
        return 20

    def file(conn: Conn, _: Any, index: int) -> int:
        body, headers = multipart_file(index)
        status, _ = conn.call("POST", "/files", body, headers)
        if status != 200:
            raise NotServed(f"POST /files answered HTTP {status}")
        return 1

    return {
        "message": (lambda conn: conn.post("/threads", {})["id"], message),
        "conversation item": (lambda conn: conn.post("/conversations", {})["id"], items),
        "file (100 bytes)": (lambda conn: None, file),
    }


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def fill(base_url: str, make: Callable[[Conn], Any], add: Callable[[Conn, Any, int], int], count: int,
         deadline: float) -> None:  # fmt: skip
    """Add ``count`` objects with WORKERS connections in parallel (each into its own container)."""
    errors: list[BaseException] = []

    def worker(share: int, offset: int) -> None:
        conn = Conn(base_url)
        try:
            container = make(conn)
            done = 0
            while done < share and time.monotonic() < deadline:
                done += add(conn, container, offset + done)
            if done < share:
                raise TimeoutError(f"deadline passed after {done} of {share}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(count // WORKERS, i * count)) for i in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def memory(quick: bool) -> list[list[str]]:
    n1, n2 = (2_000, 10_000) if quick else (10_000, 60_000)
    deadline = time.monotonic() + (120 if quick else 400)
    python = bench_python()
    rows = []
    for kind, (make, add) in kinds().items():
        spec = ServerSpec(
            "mockserver",
            [python, "-m", "mockserver", "serve", "--port", "0", "--no-access-log", "--journal-limit", "100"],
            r"listening on (http://127\.0\.0\.1:\d+)",
        )
        with RunningServer(spec) as server:
            probe = Conn(server.base_url)
            try:
                add(probe, make(probe), 10**9)
            except (NotServed, KeyError) as exc:
                print(f"mockserver: memory per {kind}: SKIPPED, not served yet ({exc})")
                continue
            finally:
                probe.close()
            started = time.perf_counter()
            fill(server.base_url, make, add, n1, deadline)
            low = rss_bytes(server.pid())
            fill(server.base_url, make, add, n2 - n1, deadline)
            high = rss_bytes(server.pid())
            elapsed = time.perf_counter() - started
        per = (high - low) / (n2 - n1)
        rows.append([kind, f"{n1:,} -> {n2:,}", f"{(high - low) / 2**20:.1f} MiB", f"{per:,.0f}",
                     f"{n2 / elapsed:,.0f}/s"])  # fmt: skip
        print(f"RESULT scale memory bytes per {kind} (RSS slope): {per:.0f} (reported, no target)")
    if rows:
        table("Memory per stored object (stub process RSS growth / objects added)",
              ["object", "objects", "RSS growth", "bytes/object", "fill rate"], rows)  # fmt: skip
    return rows


# -- 2. state file ---------------------------------------------------------------------------------------


def state_server(path: Path) -> MockServer | None:
    try:
        from mockserver import ServerConfig
    except ImportError:
        return None
    try:
        config = ServerConfig(state_file=str(path), save_interval=0)
    except TypeError:
        return None
    server = MockServer(config=config)
    return server if getattr(server, "state_file", None) is not None else None


def seed_messages(server: MockServer, count: int) -> str:
    """``count`` messages in one thread: through the store's operations when it has them (fast), else HTTP."""
    # The operations moved from the store to its Assistants surface (store.assistants) in the re-layout.
    ops = getattr(server.store, "assistants", server.store)
    if hasattr(ops, "create_thread") and hasattr(ops, "create_message"):
        thread_id: str = ops.create_thread(API_KEY, {})["id"]
        for i in range(count):
            ops.create_message(API_KEY, thread_id, {"role": "user", "content": f"message {i}"})
        return thread_id
    if count > 100_000:
        raise NotServed("seeding over HTTP is capped at 100,000 messages")
    conn = Conn(server.base_url)
    try:
        thread_id = conn.post("/threads", {})["id"]
        for i in range(count):
            conn.post(f"/threads/{thread_id}/messages", {"role": "user", "content": f"message {i}"})
        return thread_id
    finally:
        conn.close()


def start_seconds(make: Callable[[], MockServer]) -> tuple[float, MockServer]:
    server = make()
    started = time.perf_counter()
    server.start()
    return time.perf_counter() - started, server


def state_file(quick: bool) -> list[list[str]]:
    sizes = [10_000, 50_000] if quick else [10_000, 100_000, 1_000_000]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-state-") as tmp:
        path = Path(tmp) / "state.json"
        if state_server(path) is None:
            print("mockserver: state file: SKIPPED, MockServer(config=ServerConfig(state_file=...)) not available")
            return rows
        empty, probe = start_seconds(MockServer)
        probe.stop()
        last_total = 0.0
        for size in sizes:
            if size >= 1_000_000 and last_total * (size / sizes[-2]) > 120:
                print(f"state file at {size:,} messages: SKIPPED, {sizes[-2]:,} took {last_total:.1f} s "
                      f"(save + load), so {size:,} would take over ~2 minutes")  # fmt: skip
                continue
            path.unlink(missing_ok=True)
            server = state_server(path)
            assert server is not None
            server.start()
            try:
                seeded = time.perf_counter()
                thread_id = seed_messages(server, size)
                seed_time = time.perf_counter() - seeded
                started = time.perf_counter()
                written = server.state_file.save()  # type: ignore[union-attr]
                save = time.perf_counter() - started
            finally:
                server.stop()  # also saves once more, as a stub does at shutdown
            size_bytes = written.get("bytes", path.stat().st_size) if isinstance(written, dict) else path.stat().st_size
            load, loaded = start_seconds(lambda: state_server(path))  # type: ignore[arg-type, return-value]
            try:
                client = loaded.client(api_key=API_KEY)
                page = client.beta.threads.messages.list(thread_id=thread_id, limit=1, order="asc")
                assert page.data and page.data[0].content[0].text.value == "message 0", "state did not round-trip"
                client.close()
            finally:
                loaded.stop()
            load -= empty
            last_total = save + load
            rows.append([f"{size:,}", f"{size_bytes / 2**20:.1f} MiB", f"{save:.2f} s", f"{load:.2f} s",
                         f"{size / (save + load):,.0f}", f"{seed_time:.1f} s"])  # fmt: skip
            print(f"RESULT scale state file {size:,} messages save / load s: {save:.2f} / {load:.2f} (reported)",
                  flush=True)  # fmt: skip
    table(
        "State file: save and load time by size (one thread of short messages)",
        ["messages", "file", "save", "load (start - empty start)", "messages/s (save+load)", "seeding"],
        rows,
    )
    return rows


# -- 3. throughput ---------------------------------------------------------------------------------------


async def throughput(make_client: Callable[[], Any], clients: int, tid: str, mid: str, per_client: int) -> float:
    pool = [make_client() for _ in range(clients)]

    async def worker(client: Any) -> None:
        for _ in range(per_client):
            await client.beta.threads.messages.retrieve(mid, thread_id=tid)

    await asyncio.gather(*(worker(c) for c in pool[:2]))  # warm-up
    start = time.perf_counter()
    await asyncio.gather(*(worker(c) for c in pool))
    elapsed = time.perf_counter() - start
    for client in pool:
        await client.close()
    return clients * per_client / elapsed


def concurrency(quick: bool) -> bool:
    per_client, repeats = (10, 3) if quick else (40, 7)
    ok = True
    rows = []
    with MockServer() as ours:
        client = ours.client(api_key=API_KEY)
        thread = client.beta.threads.create(messages=[{"role": "user", "content": "hello"}])
        message = client.beta.threads.messages.list(thread_id=thread.id).data[0]
        client.close()
        canned = {("GET", f"/v1/threads/{thread.id}/messages/{message.id}"): json.dumps(message.model_dump()).encode()}
        with floor_server(canned) as floor:
            for clients in (16, 64):
                results: dict[str, list[float]] = {"ours": [], "floor": []}
                for round_ in range(repeats):
                    sides = [("ours", ours), ("floor", floor)]
                    for name, server in sides if round_ % 2 == 0 else sides[::-1]:
                        rate = asyncio.run(throughput(lambda s=server: s.async_client(api_key=API_KEY), clients,
                                                      thread.id, message.id, per_client))  # fmt: skip
                        results[name].append(rate)
                mo, mf = statistics.median(results["ours"]), statistics.median(results["floor"])
                rows.append([str(clients), f"{mo:.0f}", f"{spread(results['ours']):.0f}", f"{mf:.0f}",
                             f"{spread(results['floor']):.0f}", f"{mo / mf:.2f}"])  # fmt: skip
                ok &= verdict(f"scale throughput {clients} clients ours/floor", mo / mf, 0.8, lower_is_better=False)
    table(f"Throughput, concurrent async clients (requests/s, median of {repeats})",
          ["clients", "ours", "IQR", "floor", "IQR", "ours/floor"], rows)  # fmt: skip
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=["memory", "state", "throughput"])
    args = parser.parse_args(argv)
    ok = True
    print(load_line("start"))
    if args.only in (None, "memory"):
        memory(args.quick)
    if args.only in (None, "state"):
        state_file(args.quick)
    if args.only in (None, "throughput"):
        ok = concurrency(args.quick)
    print(load_line("end"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
