"""``PrefixRouter``: Starlette's router, trying only the routes that can match a path's first two segments.

Starlette tries every route in order for every request. With ~110 routes that linear scan was a quarter of the
app's CPU time per call in the bench profile (``bench/sdk_roundtrip.py``). Every route path here starts with two
fixed segments (``/v1/threads``, ``/__mock__/faults``), so the routes are grouped by them once and a request is
matched against its group only, in the original order. The outcome is Starlette's: the first full match wins, else
a 405, else the router's default (the API's unknown-URL 404). One difference: the 405's ``Allow`` names every method
the path is served with (RFC 9110), where Starlette names only those of the first route matching the path. A
route whose path has a parameter in its first two segments (none today) would be tried for every request.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.exceptions import HTTPException
from starlette.responses import PlainTextResponse
from starlette.routing import (  # type: ignore[attr-defined]  # get_route_path: what Route.matches reads
    BaseRoute,
    Match,
    Router,
    get_route_path,
)
from starlette.types import Receive, Scope, Send


def _prefix(path: str) -> str | None:
    """The first two segments of ``path`` (``/v1/threads/x`` -> ``/v1/threads``); None when one is a parameter."""
    head = "/".join(path.split("/", 3)[:3])
    return None if "{" in head else head


class PrefixRouter(Router):
    def __init__(self, routes: Sequence[BaseRoute], **kwargs: Any) -> None:
        super().__init__(routes=list(routes), **kwargs)
        # The grouping is computed from ``self.routes`` when the router is made: routes added later are not seen.
        prefixes = [_prefix(getattr(route, "path", "{")) for route in self.routes]
        self._everywhere = [route for route, prefix in zip(self.routes, prefixes, strict=True) if prefix is None]
        self._groups = {
            group: [route for route, prefix in zip(self.routes, prefixes, strict=True) if prefix in (group, None)]
            for group in {prefix for prefix in prefixes if prefix is not None}
        }

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.redirect_slashes:  # lifespan, websockets, redirects: Starlette's way
            await super().app(scope, receive, send)
            return
        scope.setdefault("router", self)
        candidates = self._groups.get(_prefix(get_route_path(scope)) or "", self._everywhere)
        allowed: set[str] = set()
        for route in candidates:
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL:
                allowed.update(getattr(route, "methods", None) or ())
        if allowed:  # the path is served, not with this method: 405 naming every method it is served with
            headers = {"Allow": ", ".join(sorted(allowed))}
            if "app" in scope:  # inside the app: its exception handler words the error
                raise HTTPException(status_code=405, headers=headers)
            await PlainTextResponse("Method Not Allowed", status_code=405, headers=headers)(scope, receive, send)
            return
        await self.default(scope, receive, send)
