"""The control plane's defence against web pages: browser writes from another origin, or not JSON, are refused.

Any page the user opens can make the browser send "simple" requests (a form or ``text/plain`` POST needs no
preflight) to a stub on loopback and reset or import its state. Browsers mark such requests with ``Origin``
(and ``Sec-Fetch-Site``), so a control-plane write (POST, PUT, PATCH, DELETE under ``/__mock__/``) is refused
when it carries an ``Origin`` that is not this server's own (403), or comes from a browser without
``Content-Type: application/json`` (415; a cross-origin JSON request needs a CORS preflight, which the server
never approves). Requests without ``Origin`` (curl, SDKs, scripts) are unaffected, so the inspector's controls
and the documented curl calls follow the same rules. docs/stub.md, "Inspector", describes it.
"""

from __future__ import annotations

from starlette.types import Scope

from mockserver.core import errors as e

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: ``Sec-Fetch-Site`` values that mean another site's page sent the request (ports differ: still "same-site").
FOREIGN_SITES = frozenset({"cross-site", "same-site"})


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return {key.lower(): value for key, value in scope["headers"]}


def check_control_write(scope: Scope) -> e.MockError | None:
    """The error refusing this control-plane request, or None to let it through."""
    if scope["method"] not in WRITE_METHODS:
        return None
    headers = _headers(scope)
    origin = headers.get(b"origin")
    fetch_site = headers.get(b"sec-fetch-site", b"").decode("latin-1").lower()
    if origin is None and fetch_site not in FOREIGN_SITES:
        return None  # not a browser page: curl, an SDK, a script
    own = f"{scope.get('scheme', 'http')}://{headers.get(b'host', b'').decode('latin-1')}".lower()
    seen = (origin or b"").decode("latin-1").lower() or f"a {fetch_site} page"
    if seen != own or fetch_site in FOREIGN_SITES:
        return e.ForbiddenError(e.CONTROL_CROSS_ORIGIN.format(origin=seen, own=own), code="cross_origin")
    content_type = headers.get(b"content-type", b"").decode("latin-1")
    if content_type.split(";", 1)[0].strip().lower() != "application/json":
        return e.UnsupportedMediaTypeError(
            e.CONTROL_NOT_JSON.format(content_type=content_type or "none"), code="unsupported_media_type"
        )
    return None
