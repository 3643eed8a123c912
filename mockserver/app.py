"""The composition root: ``create_app(store)`` wires routes, error rendering and the request journal."""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.azure import AzureLayout
from mockserver.config import ServerConfig
from mockserver.control import CONTROL_PREFIX
from mockserver.control.journal import Journal
from mockserver.control.landing import LANDING_PATHS
from mockserver.control.plane import CONTROL_ROUTES
from mockserver.control.security import GuardMiddleware, log_safe
from mockserver.control.streamcut import StreamCutter
from mockserver.core import errors as e
from mockserver.core.secrets import seal
from mockserver.routing import PrefixRouter
from mockserver.store import Store
from mockserver.surfaces import SURFACES, catalog
from mockserver.surfaces.http import error_response

_BASE_HEADERS = [(b"openai-version", b"2020-10-01"), (b"access-control-expose-headers", b"X-Request-ID")]
access_log = logging.getLogger("mockserver.access")


class _ConnectionCut(Exception):
    """Raised through the app after a fault closed the connection, to stop producing a response nobody reads."""


#: Up to ~1 s for a stream's buffered bytes to leave before a cut (bounded: a stalled client must not hang us).
_FLUSH_TICKS = 1000


async def _abort_connection(scope: Scope) -> None:
    """Close the client connection without (more of) a response: what a network failure looks like.

    ``server`` puts the transport in the scope. Without one (an in-process test client) the drop surfaces as
    ``ConnectionResetError`` in the caller, which is the nearest thing that client has.
    """
    transport = scope.get("mockserver.transport")
    if transport is None:
        raise ConnectionResetError("mockserver: connection dropped by an injected fault")
    # abort() discards unsent bytes: let what was already sent (the events before a stream cut) reach the
    # client first, or a busy machine would deliver fewer events than the fault promised.
    for _ in range(_FLUSH_TICKS):
        if transport.is_closing() or not transport.get_write_buffer_size():
            break
        await asyncio.sleep(0.001)
    transport.abort()
    await asyncio.sleep(0)  # let the server notice the disconnect before the app returns


@dataclass
class ServerErrors:
    """Unexpected exceptions (bugs in the fake) seen while serving; the pytest plugin fails tests on them."""

    items: list[dict[str, Any]] = field(default_factory=list)

    def add(self, method: str, path: str, exc: BaseException) -> None:
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        self.items.append({"method": method, "path": path, "traceback": text})


async def _render_mock_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, e.MockError)
    return error_response(exc)


async def _render_http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 (no route, wrong method) in OpenAI's wording."""
    assert isinstance(exc, HTTPException)
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if exc.status_code == 405:
        allow = dict(exc.headers or {})  # Starlette's "Allow": RFC 9110 requires it on a 405
        message = e.INVALID_METHOD.format(method=request.method, path=path)
        return error_response(e.MethodNotAllowedError(message, headers=allow))
    request.scope["mockserver.unknown_route"] = True
    served: frozenset[str] = getattr(request.app.state, "served_segments", frozenset())
    message = catalog.not_found_message(request.method, request.url.path, path, served)
    return error_response(e.NotFoundError(message, code="unknown_url"))


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def project_of(scope: Scope) -> tuple[str, str | None]:
    """(project, bearer key): state is partitioned by ``OpenAI-Project`` when sent, else by the API key."""
    auth = _header(scope, b"authorization") or ""
    key = auth[7:].strip() if auth[:7].lower() == "bearer " else None
    return (_header(scope, b"openai-project") or key or ""), (key or None)


class ApiMiddleware:
    """Authentication, request ids, standard headers, body limits, the journal and the 500 safety net."""

    def __init__(self, app: ASGIApp, store: Store, config: ServerConfig, journal: Journal, errors: ServerErrors):
        self.app, self.store, self.config, self.journal, self.errors = app, store, config, journal, errors
        self._control_requests = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        is_control = path.startswith(CONTROL_PREFIX) or (path in LANDING_PATHS and scope["method"] in ("GET", "HEAD"))
        arrived = time.perf_counter()  # the journal's timing column: diagnostics, never part of the state
        project, key = project_of(scope)
        scope["mockserver.project"] = project
        early = None if is_control else self._early_error(scope, key)
        # Own ids for control calls and refused requests: they must not create a project or shift its request ids.
        if is_control or early is not None:
            self._control_requests += 1
            request_id = f"req_{self._control_requests:032x}"
        else:
            request_id = self.store.request_id(project)
        status = 500
        started = recorded = injected = False
        cutter: StreamCutter | None = None
        chunks: list[bytes] = []
        received = 0
        limit = self.config.max_body_bytes

        async def capture_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                body = message.get("body", b"")
                received += len(body)
                if received > limit:
                    raise e.PayloadTooLargeError(e.BODY_TOO_LARGE.format(size=received, limit=limit))
                chunks.append(body)
            return message

        def record() -> None:
            nonlocal recorded
            if recorded or is_control:
                return
            recorded = True
            self.journal.record(
                method=scope["method"],
                path=path,
                query=scope.get("query_string", b"").decode("latin-1"),
                raw_headers=scope["headers"],
                raw_body=b"".join(chunks),
                status=status,
                project=project,
                request_id=request_id,
                unknown_route=bool(scope.get("mockserver.unknown_route")),
                duration_ms=round((time.perf_counter() - arrived) * 1000, 3),
            )

        async def send_with_headers(message: Message) -> None:
            nonlocal status, started, cutter
            if cutter is not None and message["type"] == "http.response.body":
                body, cut = cutter.feed(message.get("body", b""))
                if cut:
                    if body:
                        await send({"type": "http.response.body", "body": body, "more_body": True})
                    await _abort_connection(scope)
                    raise _ConnectionCut
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                headers = list(message.get("headers", []))
                # An upstream answer passed through by the recording proxy keeps upstream's headers, only those.
                passthrough = bool(scope.get("mockserver.passthrough"))
                names = {k.lower() for k, _ in headers} if passthrough else set()
                ours = [(b"x-request-id", request_id.encode()), *_BASE_HEADERS]
                headers.extend(h for h in ours if h[0] not in names)
                if cutter is not None and not any(k == b"content-type" and b"event-stream" in v for k, v in headers):
                    cutter = None  # only streams are cut
                if (
                    400 <= status < 500
                    and not injected
                    and not passthrough
                    and not any(k == b"x-should-retry" for k, _ in headers)
                ):
                    headers.append((b"x-should-retry", b"false"))
                message = {**message, "headers": headers}
                # Journal before the client can see the response, so a test reading it afterwards finds it.
                record()
            await send(message)

        try:
            fault = (
                None
                if is_control or early is not None
                else self.store.faults.match_fault(project, scope["method"], path)
            )
            if fault is not None:
                if fault.latency:
                    await asyncio.sleep(fault.latency)
                if fault.drop:
                    await _abort_connection(scope)
                    return
                injected = fault.error is not None
                early = fault.error
                if fault.cut_stream_after is not None:
                    cutter = StreamCutter(fault.cut_stream_after)
            if early is not None:
                await error_response(early)(scope, receive, send_with_headers)
            else:
                await self.app(scope, capture_receive, send_with_headers)
        except _ConnectionCut:
            pass
        except ConnectionResetError:  # a drop fault without a socket to close: let the caller see it
            raise
        except ClientDisconnect:  # the client left mid-body: its event (499, nginx's word), not a bug of ours
            status, started = 499, True
        except Exception as exc:  # a bug in the fake: answer like the real API's 500, and remember it
            self.errors.add(scope["method"], path, exc)
            if not started:
                failure = e.MockError(e.INTERNAL, headers={"x-should-retry": "false"})
                await error_response(failure)(scope, receive, send_with_headers)
        finally:
            status = status if started else 0  # 0: no response was sent (e.g. the connection was dropped)
            record()
            if access_log.isEnabledFor(logging.INFO):
                client = scope.get("client") or ("-", 0)
                query = scope.get("query_string", b"").decode("latin-1")
                access_log.info(
                    '%s:%s "%s %s%s" %s %s %s',
                    client[0], client[1], scope["method"], log_safe(path), "?" + log_safe(query) if query else "",
                    status, log_safe(seal(project)) or "-", request_id,
                )  # fmt: skip

    def _early_error(self, scope: Scope, key: str | None) -> e.MockError | None:
        if key is None:
            return e.AuthenticationError(e.MISSING_KEY)
        if self.config.api_key is not None and key != self.config.api_key:
            return e.AuthenticationError(e.INCORRECT_KEY.format(masked=e.mask_key(key)), code="invalid_api_key")
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.config.max_body_bytes:
            return e.PayloadTooLargeError(e.BODY_TOO_LARGE.format(size=declared, limit=self.config.max_body_bytes))
        return None


def create_app(
    store: Store,
    config: ServerConfig | None = None,
    *,
    journal: Journal | None = None,
    errors: ServerErrors | None = None,
    inner: Callable[[ASGIApp], ASGIApp] | None = None,
) -> Starlette:
    """Build the ASGI app over ``store``. Nothing global: every piece it serves from is passed in.

    ``inner`` wraps the routes inside the API middleware (so authentication and the journal still apply):
    the cassette replay layer uses it.
    """
    config = config or ServerConfig()
    journal = journal or Journal(config.journal_limit, body_bytes=config.journal_body_bytes)
    errors = errors or ServerErrors()
    app = Starlette(exception_handlers={e.MockError: _render_mock_error, HTTPException: _render_http_exception})
    # An API answers a path it does not serve with an error, not a redirect: `/v1/threads/` is an unknown URL.
    app.router = PrefixRouter(
        [*(route for surface in SURFACES for route in surface.routes()), *CONTROL_ROUTES], redirect_slashes=False
    )
    app.state.store = store
    app.state.served_segments = catalog.served_segments(getattr(r, "path", "") for r in app.routes)
    app.state.config = config
    app.state.journal = journal
    app.state.errors = errors
    app.add_middleware(ApiMiddleware, store=store, config=config, journal=journal, errors=errors)
    app.add_middleware(AzureLayout)  # an Azure-layout request is an OpenAI-layout one from here on
    app.add_middleware(GuardMiddleware, config=config)  # outermost: Host, control token, refused writes
    if inner is not None:
        app.user_middleware.append(Middleware(inner))  # appended = innermost, after ApiMiddleware
    return app
