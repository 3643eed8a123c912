"""The recording proxy: forward a request upstream with the real key, pass the answer through live, record it."""

from __future__ import annotations

import asyncio
import functools
import os
import ssl
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx

from mockserver.core import errors as e
from mockserver.replay.scrub import REQUEST_HEADERS, RESPONSE_HEADERS, keep_headers
from mockserver.replay.session import ReplaySession
from mockserver.replay.wire import EventRecorder, encode_body
from mockserver.surfaces.http import error_response

#: Optional account routing for the upstream; the client's own ``OpenAI-Project`` only partitions the fake.
UPSTREAM_ORG_ENV = "MOCKSERVER_UPSTREAM_ORGANIZATION"
UPSTREAM_PROJECT_ENV = "MOCKSERVER_UPSTREAM_PROJECT"
#: Headers about upstream's connection, not the answer: this connection frames its own.
HOP_BY_HOP = frozenset({"content-length", "transfer-encoding", "connection", "keep-alive", "content-encoding"})
_TIMEOUT = httpx.Timeout(connect=10.0, read=600.0, write=60.0, pool=10.0)

Scope = dict[str, Any]


class UpstreamUnreachableError(e.MockError):
    """The proxy got no answer from upstream: a gateway failure (502), so it is not taken for a bug in the fake."""

    status = 502


@functools.lru_cache(maxsize=1)
def _tls() -> ssl.SSLContext:
    """Building a verifying context reads the CA bundle (tens of ms): once per process, not per request."""
    return httpx.create_ssl_context()


def confined(path: str) -> bool:
    """True if ``path`` (decoded) stays under ``/v1/``: no ``.``/``..`` segment (``/v1/../X`` and ``/v1/%2e%2e/X``
    would reach ``<upstream host>/X`` with the real key) and no backslash or control character."""
    segments = path.split("/")
    return (
        path.startswith("/v1/")
        and not any(segment in (".", "..") for segment in segments)
        and "\\" not in path
        and path.isprintable()
    )


def upstream_url(base: str, path: str, query: bytes) -> str:
    """``base`` is what an SDK would use as ``base_url`` (``https://api.openai.com/v1``): it stands for ``/v1``."""
    if not confined(path):
        raise ValueError(f"path {path!r} leaves /v1")
    return base.rstrip("/") + path[3:] + (f"?{query.decode('latin-1')}" if query else "")


def upstream_headers(scope: Scope, key: str) -> dict[str, str]:
    headers = keep_headers(((k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]), REQUEST_HEADERS)
    headers["authorization"] = f"Bearer {key}"
    headers["accept-encoding"] = "identity"  # pass bytes through as they arrive, no decompression buffering
    for env, name in ((UPSTREAM_ORG_ENV, "openai-organization"), (UPSTREAM_PROJECT_ENV, "openai-project")):
        if os.environ.get(env):
            headers[name] = os.environ[env]
    return headers


async def cut_connection(scope: Scope) -> None:
    """End the connection mid-response, as a failed upstream did. The server puts the transport in the scope;
    without one the response is merely left incomplete, which also ends the connection without its last chunk.
    """
    transport = scope.get("mockserver.transport")
    if transport is not None:
        transport.abort()
        await asyncio.sleep(0)


def passthrough_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Upstream's response headers as the client should see them: all of them (``retry-after``,
    ``x-ratelimit-*``, ``x-request-id``...), so the SDK decides about retries as it would against upstream, less
    the framing of upstream's connection (this one has its own)."""
    return [(k, v) for k, v in headers if k.lower() not in HOP_BY_HOP]


def _is_self(url: str, scope: Scope) -> bool:
    """Whether ``url`` points at the server answering ``scope`` (a recorder started on a just-freed port)."""
    parts = urlsplit(url)
    server = scope.get("server") or (None, None)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.hostname in ("127.0.0.1", "localhost", "::1", server[0]) and port == server[1]


def _start(status: int, headers: dict[str, str] | list[tuple[str, str]], length: int | None = None) -> dict[str, Any]:
    pairs = headers.items() if isinstance(headers, dict) else headers
    raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in pairs]
    if length is not None:
        raw.append((b"content-length", str(length).encode()))
    return {"type": "http.response.start", "status": status, "headers": raw}


async def forward(
    session: ReplaySession, scope: Scope, receive: Any, raw: bytes, send: Any, record: Callable[[dict[str, Any]], None]
) -> None:
    """Answer the client from upstream and ``record`` the cassette ``response`` section (not when upstream failed).

    The recording is made *before* the client sees the end of the answer (its last bytes, or the cut of a
    broken stream): a client that has its answer can rely on the cassette having it, even if the server is
    stopped right after.
    """
    assert session.upstream is not None and session.upstream_api_key is not None
    try:
        url = upstream_url(session.upstream, scope["path"], scope.get("query_string", b""))
    except ValueError:  # never forwarded, never recorded: an unknown URL, as upstream would say for /v1/...
        path = scope["path"]
        await error_response(
            e.NotFoundError(e.UNKNOWN_URL.format(method=scope["method"], path=path), code="unknown_url")
        )(scope, receive, send)
        return None
    started = False
    async with httpx.AsyncClient(timeout=_TIMEOUT, verify=_tls()) as client:
        try:
            request = client.build_request(
                scope["method"], url, content=raw, headers=upstream_headers(scope, session.upstream_api_key)
            )
            if _is_self(url, scope):
                raise httpx.ConnectError("the upstream is this recording proxy itself, which would forward in a loop")
            response = await client.send(request, stream=True)
            try:
                headers = keep_headers(response.headers.items(), RESPONSE_HEADERS)
                seen = passthrough_headers(response.headers.multi_items())
                scope["mockserver.passthrough"] = True  # the middleware adds nothing that upstream did not send
                if not response.headers.get("content-type", "").startswith("text/event-stream"):
                    body = await response.aread()
                    record(
                        {"status": response.status_code, "headers": headers, "body": encode_body(body, session.secrets)}
                    )
                    await send(_start(response.status_code, seen, len(body)))
                    started = True
                    await send({"type": "http.response.body", "body": body, "more_body": False})
                    return
                await send(_start(response.status_code, seen))
                started = True
                recorder = EventRecorder(session.secrets)
                t0 = time.monotonic()
                disconnected = False
                try:
                    async for chunk in response.aiter_bytes():
                        recorder.feed(chunk, int((time.monotonic() - t0) * 1000))
                        await send({"type": "http.response.body", "body": chunk, "more_body": True})
                except Exception:  # httpx's TransportError, or its transport's own (httpcore2) error unwrapped
                    disconnected = True  # mirror it: end without completing, so the client sees a cut stream
                record({"status": response.status_code, "headers": headers, "stream": recorder.finish(disconnected)})
                if disconnected:
                    await cut_connection(scope)
                else:
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
            finally:
                await response.aclose()
        except httpx.HTTPError as exc:
            if not started:
                reason = str(exc) or type(exc).__name__
                failure = UpstreamUnreachableError(
                    e.UPSTREAM_UNREACHABLE.format(url=url, reason=reason),
                    code="upstream_unreachable",
                    headers={"x-should-retry": "false"},
                )
                await error_response(failure)(scope, receive, send)
