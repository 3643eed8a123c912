"""The ASGI layer that answers from a cassette, records through the proxy, or falls through to the fake.

It sits inside the API middleware (authentication, request ids, the journal still apply) and in front of
the routes, so hybrid mode hands a request with no recording to the stateful fake unchanged.
"""

from __future__ import annotations

import asyncio
from typing import Any

from mockserver.control import CONTROL_PREFIX
from mockserver.control.landing import LANDING_PATHS
from mockserver.core import errors as e
from mockserver.replay.matching import query_mapping, query_pairs
from mockserver.replay.proxy import cut_connection, forward
from mockserver.replay.scrub import REQUEST_HEADERS, keep_headers, scrub_pairs, scrub_text
from mockserver.replay.session import ReplayController, ReplaySession
from mockserver.replay.wire import decode_body, encode_body, render_event
from mockserver.surfaces.http import error_response

Scope = dict[str, Any]


def capture_request(scope: Scope, raw: bytes, secrets: tuple[str, ...] = ()) -> dict[str, Any]:
    """The cassette ``request`` section for an incoming request (scrubbed like a recording would be)."""
    request: dict[str, Any] = {"method": scope["method"], "path": scrub_text(scope["path"], secrets)}
    pairs = scrub_pairs(query_pairs(scope.get("query_string", b"").decode("latin-1")), secrets)
    if pairs:
        request["query"] = query_mapping(pairs)
    headers = keep_headers(((k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]), REQUEST_HEADERS)
    if headers:
        request["headers"] = headers
    body = encode_body(raw, secrets)
    if body is not None:
        request["body"] = body
    return request


async def play(scope: Scope, response: dict[str, Any], send: Any, timing: str) -> None:
    """Send a recorded response; a stream goes out event by event, optionally at its recorded pace."""
    headers = [(k.encode("latin-1"), str(v).encode("latin-1")) for k, v in (response.get("headers") or {}).items()]
    scope["mockserver.passthrough"] = True  # replayed as recorded: no x-should-retry the recording did not have
    stream = response.get("stream")
    if stream is None:
        body = decode_body(response.get("body"))
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": response["status"], "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})
        return
    if not any(k == b"content-type" for k, _ in headers):
        headers.append((b"content-type", b"text/event-stream; charset=utf-8"))
    await send({"type": "http.response.start", "status": response["status"], "headers": headers})
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    for event in stream["events"]:
        if timing == "recorded":
            delay = int(event.get("at_ms", 0)) / 1000 - (loop.time() - t0)
            if delay > 0:
                await asyncio.sleep(delay)
        await send({"type": "http.response.body", "body": render_event(event), "more_body": True})
    if stream.get("tail"):
        await send({"type": "http.response.body", "body": str(stream["tail"]).encode(), "more_body": True})
    if stream.get("end") == "disconnect":
        await cut_connection(scope)
        return
    await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _read_body(receive: Any) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(raw: bytes, receive: Any) -> Any:
    """A ``receive`` that hands the already-read body to the next app, then defers to the real one."""
    delivered = False

    async def inner() -> Any:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": raw, "more_body": False}
        return await receive()

    return inner


class ReplayLayer:
    def __init__(self, app: Any, controller: ReplayController) -> None:
        self.app, self.controller = app, controller

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        session = None
        if (
            scope["type"] == "http"
            and not scope["path"].startswith(CONTROL_PREFIX)
            and scope["path"] not in LANDING_PATHS
        ):
            session = self.controller.session_for(scope.get("mockserver.project"))
        if session is None:
            await self.app(scope, receive, send)
            return
        try:
            raw = await _read_body(receive)
        except e.MockError as exc:  # e.g. a body over the size limit
            await error_response(exc)(scope, receive, send)
            return
        await self._serve(session, scope, receive, send, raw)

    async def _serve(self, session: ReplaySession, scope: Scope, receive: Any, send: Any, raw: bytes) -> None:
        request = capture_request(scope, raw, session.secrets)
        hit = session.lookup(request)
        if hit is not None:
            await play(scope, hit["response"], send, session.timing)
        elif session.recording:
            await forward(
                session,
                scope,
                receive,
                raw,
                send,
                lambda response: session.add({"request": request, "response": response}),
            )
        elif session.hybrid:
            await self.app(scope, _replaying(raw, receive), send)
        else:
            miss = session.miss(request)
            detail = miss.reason[:1].upper() + miss.reason[1:] + "."
            message = e.REPLAY_MISS.format(
                cassette=session.cassette.name, request=miss.line, mode=session.mode, detail=detail
            )
            failure = e.ReplayMissError(message, code="replay_miss", headers={"x-should-retry": "false"})
            await error_response(failure)(scope, receive, send)
