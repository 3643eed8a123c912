"""The inspector: a browser UI at ``/__mock__/ui`` over what the control plane already serves.

The page (``inspector_static/``: plain HTML, CSS and JavaScript, no build step, nothing from a CDN) browses a
project through its scenario export (``GET /__mock__/state?project=``, which carries every registered surface's
sections), and changes state only through the control plane's own write endpoints (reset, clock, faults,
scenario), so the same checks apply to it as to curl. What it needs beyond those lives here, read-only:

- ``GET /__mock__/ui/api/overview``: projects with their clocks, scenario names in the fixtures directory;
- ``GET /__mock__/ui/api/model``: script rules, which rule answered which run, misses, model settings;
- ``GET /__mock__/ui/api/object/{id}``: the stored wire object with that id, exactly as the API returns it;
- ``GET /__mock__/ui/api/requests/{index}``: one journal entry in full, credentials masked;
- ``GET /__mock__/ui/api/stream``: the journal live, as server-sent events (docs/stub.md, "Inspector").
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from mockserver.control.journal import Journal, JournalEntry
from mockserver.control.routes import control_target
from mockserver.core import errors as e
from mockserver.scenarios.loader import EXTENSIONS, fixtures_path
from mockserver.store import Store
from mockserver.surfaces import SURFACES
from mockserver.surfaces.http import JSONResponse

STATIC_DIR = Path(__file__).with_name("inspector_static")
#: The page and its files hold no state: a guard asking for the control token may let these through, so a
#: browser (which cannot add a header to a navigation) can load the page; its API calls then send the token.
PUBLIC_PATHS = ("/__mock__/ui", "/__mock__/ui/", "/__mock__/ui/static/")
_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css"}
#: The page talks only to this server and runs only its own files; no page may frame it (its buttons reset state).
_PAGE_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-cache",
}
#: Header names whose values are credentials: the inspector shows them masked.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "api-key", "x-api-key", "cookie", "set-cookie"})
STREAM_FILTERS = ("method", "path_contains", "status", "since", "backlog")
#: Seconds between keep-alive comments on an idle stream (they also reveal a client that left).
KEEPALIVE_SECONDS = 15.0
DEFAULT_BACKLOG = 200


def _static(name: str) -> Response:
    path = STATIC_DIR / name
    if path.suffix not in _TYPES or path.parent != STATIC_DIR or not path.is_file():
        raise e.NotFoundError(e.UNKNOWN_URL.format(method="GET", path=f"/__mock__/ui/static/{name}"))
    return Response(path.read_bytes(), media_type=_TYPES[path.suffix], headers=_PAGE_HEADERS)


async def page(request: Request) -> Response:
    return _static("index.html")


async def static(request: Request) -> Response:
    return _static(str(request.path_params["name"]))


def _known_project(store: Store, project: str | None) -> str:
    """Reads name an existing project: browsing must not create one."""
    if project is None:
        raise e.missing_param("project")
    if project not in store.project_names():
        raise e.not_found("project", project)
    return project


async def overview(request: Request) -> Response:
    store: Store = request.app.state.store
    fixtures = fixtures_path(getattr(request.app.state, "fixtures_dir", None))
    try:
        names = sorted({p.stem for p in fixtures.iterdir() if p.suffix.lower() in EXTENSIONS and p.is_file()})
    except OSError:  # missing or unreadable: the page offers no names (loading one still says why it failed)
        names = []
    return JSONResponse(
        {
            "projects": [{"name": name, "now": store.now(name)} for name in store.project_names()],
            "journal_next_index": request.app.state.journal.next_index(),
            "fixtures_dir": str(fixtures),
            "scenarios": names,
            "surfaces": [surface.name for surface in SURFACES],
        }
    )


async def model(request: Request) -> Response:
    """The scripted model as one project sees it: its rules and every-project rules, uses, answers, misses."""
    store, project = control_target(request)
    name = _known_project(store, project)
    answers: list[dict[str, Any]] = []
    for surface in SURFACES:  # surfaces the model answers say which rule answered what
        script_answers = getattr(getattr(store, surface.name, None), "script_answers", None)
        if script_answers is not None:
            answers.extend(script_answers(name))
    return JSONResponse(
        {
            "project": name,
            "rules": store.script.list_script_rules(name),
            "global_rules": store.script.list_script_rules(None),
            "uses": store.script.script_uses(name),
            "answers": answers,
            "misses": store.script.script_misses(name),
            "settings": store.script.run_settings(name),
        }
    )


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


async def api_object(request: Request) -> Response:
    """The stored wire object with this id: what the API's GET answers, read without moving a run along.

    Surfaces answer through ``find_object(project, id)``; for a surface without one, a wire object (one with
    ``id`` and ``object``) in its export sections is the fallback.
    """
    from mockserver.control.persistence import export_one

    store, project = control_target(request)
    name = _known_project(store, project)
    object_id = str(request.path_params["object_id"])
    fallback = False
    for surface in SURFACES:
        find = getattr(getattr(store, surface.name, None), "find_object", None)
        if find is None:
            fallback = True
            continue
        found = find(name, object_id)
        if found is not None:
            return JSONResponse(found)
    if fallback:
        for candidate in _walk(export_one(store, name)):
            if candidate.get("id") == object_id and isinstance(candidate.get("object"), str):
                return JSONResponse(candidate)
    raise e.not_found("object", object_id)


def masked_headers(headers: dict[str, str]) -> dict[str, str]:
    """Credentials shown the way the real API's 401 shows a key: a prefix, stars, the last four characters."""
    masked = {}
    for key, value in headers.items():
        if key in SECRET_HEADERS or "token" in key or "secret" in key:
            scheme, _, secret = value.partition(" ") if key.endswith("authorization") else ("", "", value)
            value = f"{scheme} {e.mask_key(secret)}" if scheme and secret else e.mask_key(value)
        masked[key] = value
    return masked


def summary(entry: JournalEntry) -> dict[str, Any]:
    """A journal entry without headers and body: what the live table shows."""
    return {
        "index": entry.index,
        "method": entry.method,
        "path": entry.path,
        "query": entry.query,
        "status": entry.status,
        "project": entry.project,
        "request_id": entry.request_id,
        "duration_ms": entry.duration_ms,
        "unknown_route": entry.unknown_route,
        "body_bytes": len(entry.raw_body),
    }


async def journal_entry(request: Request) -> Response:
    raw = str(request.path_params["index"])
    entry = request.app.state.journal.get(int(raw)) if raw.isdigit() else None
    if entry is None:
        raise e.not_found("journal entry", raw)
    return JSONResponse({**summary(entry), "headers": masked_headers(entry.headers), "body": entry.body})


def _stream_filter(request: Request) -> tuple[dict[str, Any], int | None, int]:
    """(filters, since, backlog) from the query; a bad filter is a 400 before the stream starts."""
    query = request.query_params
    unknown = sorted(set(query) - {*STREAM_FILTERS, "project"})
    if unknown:
        raise e.InvalidRequestError(e.UNKNOWN_ARGUMENT.format(names=unknown[0]), param=unknown[0])
    _, project = control_target(request)
    filters: dict[str, Any] = {"project": project}
    if query.get("method"):
        filters["method"] = query["method"].upper()
    if query.get("path_contains"):
        filters["path_contains"] = query["path_contains"]
    status = query.get("status", "").lower()
    if status:
        digits = status.rstrip("x")
        if not digits.isdigit() or len(status) != 3:
            reason = f"expected a status such as 404 or a class such as 4xx, got {status!r}."
            raise e.InvalidRequestError(e.CONTROL_BAD_FIELD.format(param="status", reason=reason), param="status")
        filters["status_prefix"] = digits
    since: int | None = None
    last_id = request.headers.get("last-event-id", "")
    for raw, param in ((query.get("since"), "since"), (last_id or None, "last-event-id")):
        if raw is not None:
            if not raw.isdigit():
                reason = f"expected a journal index, got {raw!r}."
                raise e.InvalidRequestError(e.CONTROL_BAD_FIELD.format(param=param, reason=reason), param=param)
            since = int(raw) + (1 if param == "last-event-id" else 0)  # resume after the last event seen
    backlog = query.get("backlog", str(DEFAULT_BACKLOG))
    if not backlog.isdigit():
        reason = f"expected a count, got {backlog!r}."
        raise e.InvalidRequestError(e.CONTROL_BAD_FIELD.format(param="backlog", reason=reason), param="backlog")
    return filters, since, min(int(backlog), 10_000)


def _matches(entry: JournalEntry, filters: dict[str, Any]) -> bool:
    prefix = filters.get("status_prefix")
    return entry.matches(
        method=filters.get("method"), project=filters["project"], path_contains=filters.get("path_contains")
    ) and (prefix is None or str(entry.status).startswith(prefix))


def _event(name: str, data: Any, event_id: int | None = None) -> bytes:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


async def _events(journal: Journal, filters: dict[str, Any], since: int | None, backlog: int) -> AsyncIterator[bytes]:
    subscription = journal.subscribe()  # before the backlog is read, so nothing falls between the two
    try:
        yield b"retry: 1000\n\n"
        cut = journal.next_index()  # entries below it come from the journal, the rest from the subscription
        earlier = [x for x in journal.entries(since=since or 0) if x.index < cut and _matches(x, filters)]
        earlier = earlier[len(earlier) - backlog :] if backlog else []
        last = cut - 1
        for entry in earlier:
            yield _event("request", summary(entry), entry.index)
        yield _event("ready", {"next_index": last + 1})
        dropped = 0
        while True:
            notice = await subscription.get(KEEPALIVE_SECONDS)
            if notice is None:
                yield b": keep-alive\n\n"
                continue
            if subscription.dropped != dropped:  # a slow reader lost entries: say so, the page can reload
                dropped = subscription.dropped
                yield _event("dropped", {"dropped": dropped})
            kind, value = notice
            if kind == "closed":
                yield _event("closed", {})
                return
            if kind == "cleared":
                if filters["project"] is None or value in (None, filters["project"]):
                    yield _event("cleared", {"project": value})
            elif isinstance(value, JournalEntry) and value.index > last and _matches(value, filters):
                yield _event("request", summary(value), value.index)
    finally:
        subscription.close()


async def stream(request: Request) -> Response:
    filters, since, backlog = _stream_filter(request)
    journal: Journal = request.app.state.journal
    return StreamingResponse(
        _events(journal, filters, since, backlog),
        media_type="text/event-stream",
        headers={"cache-control": "no-store", "x-accel-buffering": "no"},
    )


routes = [
    Route("/__mock__/ui", page, methods=["GET"]),
    Route("/__mock__/ui/", page, methods=["GET"]),
    Route("/__mock__/ui/static/{name}", static, methods=["GET"]),
    Route("/__mock__/ui/api/overview", overview, methods=["GET"]),
    Route("/__mock__/ui/api/model", model, methods=["GET"]),
    Route("/__mock__/ui/api/object/{object_id}", api_object, methods=["GET"]),
    Route("/__mock__/ui/api/requests/{index}", journal_entry, methods=["GET"]),
    Route("/__mock__/ui/api/stream", stream, methods=["GET"]),
]
