"""Shared helpers for the benchmarks: servers side by side, timing loops, tables.

Every benchmark compares mockserver with a *floor* measured in the same run: the same SDK call against a bare
Starlette route that returns a canned body, served the same way (uvicorn in a thread on 127.0.0.1).
"""

from __future__ import annotations

import statistics
import sys
import time
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockserver import MockServer

warnings.filterwarnings("ignore", category=DeprecationWarning)
API_KEY = "sk-bench"


def floor_server(canned: dict[tuple[str, str], bytes]) -> MockServer:
    """A server whose app is bare Starlette routes answering canned bodies: the cost floor of an HTTP fake.

    It reuses MockServer's thread/uvicorn plumbing (so both sides run identically) with the app swapped.
    """

    def endpoint(body: bytes) -> Callable[[Request], Any]:
        async def handler(request: Request) -> Response:
            await request.body()
            return Response(body, media_type="application/json")

        return handler

    routes = [Route(path, endpoint(body), methods=[method]) for (method, path), body in canned.items()]
    server = MockServer()
    server.app = Starlette(routes=routes)
    return server


def time_calls(call: Callable[[], object], n: int) -> float:
    """Seconds per call, averaged over ``n`` calls."""
    start = time.perf_counter()
    for _ in range(n):
        call()
    return (time.perf_counter() - start) / n


def interleaved(
    sides: dict[str, Callable[[], object]], *, calls: int, repeats: int, warmup: int = 20
) -> dict[str, list[float]]:
    """Per-call seconds for each side, alternating sides every repeat so drift hits both equally."""
    for call in sides.values():
        for _ in range(warmup):
            call()
    results: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(repeats):
        for name, call in sides.items():
            results[name].append(time_calls(call, calls))
    return results


def spread(values: list[float]) -> float:
    """Interquartile range (robust spread); 0 for fewer than two values."""
    if len(values) < 2:
        return 0.0
    q = statistics.quantiles(values, n=4)
    return q[2] - q[0]


def table(title: str, header: list[str], rows: Iterable[list[str]]) -> None:
    rows = list(rows)
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=False)]
    print(f"\n## {title}")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=False)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)))


def us(seconds: float) -> str:
    return f"{seconds * 1e6:.0f} µs"


def verdict(name: str, value: float, target: float, *, lower_is_better: bool = True) -> bool:
    ok = value <= target if lower_is_better else value >= target
    sign = "<=" if lower_is_better else ">="
    print(f"RESULT {name}: {value:.3f} (target {sign} {target}) {'PASS' if ok else 'MISS'}")
    return ok
