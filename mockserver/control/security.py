"""The server's outer guard: who may talk to it, and when writes are refused (docs/stub.md, "Security").

Checked before anything else runs (so a refused request mints nothing, is not journaled and creates no project):

- **Host** (data and control plane): on a loopback bind, the ``Host`` header must name a loopback address. A web
  page on another domain that re-points its DNS name to 127.0.0.1 (DNS rebinding) sends its own name as Host.
- **Control plane**: a browser's cross-origin request (an ``Origin`` whose host is not the ``Host``) is refused;
  a write with a body must be ``application/json`` (forms and ``text/plain`` need no CORS preflight); and when a
  control token is configured (always on a non-loopback bind) it must be sent as ``X-Mockserver-Token``.
- **Encoded slashes**: ``%2F`` inside an API path segment is not a separator; such a path is an unknown URL.
- **Persistence failing**: while the state file cannot be saved, writes get a 503 naming the reason (like Redis'
  stop-writes-on-bgsave-error), so nothing is acknowledged that a crash would lose.
- **CORS**: the data plane answers a preflight (``OPTIONS`` with ``Access-Control-Request-Method``) like the real
  API does (204, any origin, the requested headers); the control plane never does.
"""

from __future__ import annotations

import asyncio
import functools
import hmac
import ipaddress
from typing import Any
from urllib.parse import urlsplit

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.config import ServerConfig
from mockserver.control import CONTROL_PREFIX
from mockserver.core import errors as e
from mockserver.surfaces.http import error_response

TOKEN_HEADER = b"x-mockserver-token"
#: Control paths served without the token: the inspector's page (exact) and its static files (no state in them).
TOKEN_FREE_PAGES = ("/__mock__/ui", "/__mock__/ui/")
TOKEN_FREE_PREFIX = "/__mock__/ui/static/"
TOKEN_ENV = "MOCKSERVER_CONTROL_TOKEN"
_READS = {"GET", "HEAD", "OPTIONS"}
#: Writes still allowed while saving fails: the save that may fix it, and clearing the (unsaved) journal.
_ALLOWED_WHILE_FAILING = {CONTROL_PREFIX + "state/save", CONTROL_PREFIX + "requests"}
_CORS_METHODS = b"GET, POST, PUT, PATCH, DELETE, OPTIONS"


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_name(value: str) -> str:
    """The host of a ``Host`` header value (``[::1]:8000`` -> ``::1``)."""
    try:
        return urlsplit("//" + value).hostname or ""
    except ValueError:
        return ""


@functools.lru_cache(maxsize=256)
def _loopback_host_header(value: str) -> bool:
    """Whether a ``Host`` header value names a loopback address. Cached: a server sees a handful of values, and
    parsing the address was a visible share of each request's time (bench/sdk_roundtrip.py)."""
    return is_loopback(host_name(value))


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return {k: v for k, v in scope["headers"]}


class GuardMiddleware:
    def __init__(self, app: ASGIApp, config: ServerConfig) -> None:
        self.app, self.config = app, config
        self._loopback_bind = config.bind_host is not None and is_loopback(config.bind_host)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = _headers(scope)
            if self._is_preflight(scope, headers):
                await self._preflight(headers)(scope, receive, send)
                return
            state_file = _state_file(scope)
            error = self.check(scope, headers, state_file)
            if error is not None:
                await error_response(error)(scope, receive, send)
                return
            if state_file is not None and state_file.sync and scope["method"] not in _READS:
                await self.app(scope, receive, _saving_first(state_file, send))
                return
        await self.app(scope, receive, send)

    def check(self, scope: Scope, headers: dict[bytes, bytes], state_file: Any) -> e.MockError | None:
        path: str = scope["path"]
        method: str = scope["method"]
        control = path.startswith(CONTROL_PREFIX)
        host = headers.get(b"host", b"").decode("latin-1")
        if self._loopback_bind and not _loopback_host_header(host):
            return e.ForbiddenError(e.BAD_HOST.format(host=host), code="invalid_host")
        if control:
            error = self._check_control(method, host, headers, path)
            if error is not None:
                return error
        elif b"%2f" in scope.get("raw_path", b"").lower():
            shown = scope["raw_path"].decode("latin-1")
            return e.NotFoundError(e.UNKNOWN_URL.format(method=method, path=shown), code="unknown_url")
        failing: str | None = None if state_file is None else state_file.failing
        if failing and method not in _READS and path not in _ALLOWED_WHILE_FAILING:
            return e.StateSaveError(failing)
        return None

    def _check_control(self, method: str, host: str, headers: dict[bytes, bytes], path: str) -> e.MockError | None:
        if headers.get(b"sec-fetch-site") == b"cross-site":  # a browser says so even where it sends no Origin
            return e.ForbiddenError(e.BAD_ORIGIN.format(origin="(cross-site)"), code="cross_origin")
        origin = headers.get(b"origin")
        if origin is not None:
            text = origin.decode("latin-1")
            if text == "null" or urlsplit(text).netloc.lower() != host.lower():
                return e.ForbiddenError(e.BAD_ORIGIN.format(origin=text), code="cross_origin")
        token = self.config.control_token
        # The inspector's page and files carry no state and a browser cannot add a header to open them: the page
        # takes the token from its URL fragment and sends it with every call it makes (docs/stub.md, "Inspector").
        free = method == "GET" and (path in TOKEN_FREE_PAGES or path.startswith(TOKEN_FREE_PREFIX))
        if token is not None and not free:
            sent = headers.get(TOKEN_HEADER, b"")
            if not hmac.compare_digest(sent, token.encode()):
                return e.AuthenticationError(e.BAD_CONTROL_TOKEN, code="invalid_control_token")
        if method not in _READS:
            ctype = headers.get(b"content-type")
            has_body = headers.get(b"content-length", b"0") not in (b"0", b"") or b"transfer-encoding" in headers
            media = (ctype or b"").split(b";")[0].strip().lower()
            if (ctype is not None or has_body) and media != b"application/json":
                shown = ctype.decode("latin-1") if ctype is not None else None
                return e.UnsupportedMediaTypeError(
                    e.CONTROL_NEEDS_JSON.format(ctype=shown), code="unsupported_media_type"
                )
        return None

    @staticmethod
    def _is_preflight(scope: Scope, headers: dict[bytes, bytes]) -> bool:
        return (
            scope["method"] == "OPTIONS"
            and b"access-control-request-method" in headers
            and not scope["path"].startswith(CONTROL_PREFIX)
        )

    @staticmethod
    def _preflight(headers: dict[bytes, bytes]) -> Response:
        """What api.openai.com answers a preflight (INF from its public behaviour: browsers may call it)."""
        allow: dict[str, Any] = {
            "access-control-allow-origin": headers.get(b"origin", b"*").decode("latin-1"),
            "access-control-allow-methods": _CORS_METHODS.decode(),
            "access-control-allow-headers": headers.get(b"access-control-request-headers", b"*").decode("latin-1"),
            "access-control-max-age": "7200",
        }
        return Response(status_code=204, headers=allow)


def _state_file(scope: Scope) -> Any:
    return getattr(getattr(scope.get("app"), "state", None), "state_file", None)


def _saving_first(state_file: Any, send: Send) -> Send:
    """Sync mode: hold a write's response until a save covering it is on disk; a failed save answers 503."""
    held = False

    async def wrapped(message: Message) -> None:
        nonlocal held
        if message["type"] == "http.response.start" and message["status"] < 400:
            try:
                await asyncio.to_thread(state_file.save_through, state_file._mark())
            except e.StateSaveError as exc:
                held = True
                refusal = error_response(exc)
                await send(
                    {"type": "http.response.start", "status": refusal.status_code, "headers": refusal.raw_headers}
                )
                await send({"type": "http.response.body", "body": refusal.body, "more_body": False})
                return
        if held:
            return  # the original response is replaced by the 503
        await send(message)

    return wrapped


def log_safe(text: str) -> str:
    """A decoded path or name for a log line: control characters escaped, so CR/LF cannot forge lines."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)
