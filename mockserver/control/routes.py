"""The control plane under ``/__mock__/``: health, reset, state export/import, scenarios, journal, clock, faults.

JSON in and out; errors in OpenAI's envelope. A control request concerns one project when it names one
(``?project=NAME``, else the ``OpenAI-Project`` header, else the bearer key) and every project otherwise.
Script rules and run settings live in ``control_runs``. See docs/stub.md for the reference with curl examples.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockserver.control import persistence
from mockserver.core import errors as e
from mockserver.core.ids import MAX_TIMESTAMP
from mockserver.core.secrets import seal
from mockserver.store import Store
from mockserver.surfaces.http import JSONResponse, json_body

JOURNAL_FILTERS = ("method", "path", "path_contains", "status", "since", "limit")
#: 9999-12-31T23:59:59Z: later clocks give timestamps other languages' clients cannot parse (and int64 overflow).


def control_target(request: Request) -> tuple[Store, str | None]:
    """The store and the project the control request names (None: every project)."""
    project = request.query_params.get("project")
    if project is None:
        project = request.headers.get("openai-project")
    if project is None:
        auth = request.headers.get("authorization", "")
        project = auth[7:].strip() or None if auth[:7].lower() == "bearer " else None
    return request.app.state.store, project


def _int_field(
    value: Any, param: str, *, minimum: int | None = None, maximum: int | None = None, what: str = ""
) -> int:
    if isinstance(value, str) and value.lstrip("-").isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise e.InvalidRequestError(
            e.CONTROL_BAD_FIELD.format(param=param, reason=f"expected an integer, got {value!r}."), param=param
        )
    if minimum is not None and value < minimum:
        raise e.InvalidRequestError(e.INTEGER_BELOW_MIN.format(param=param, limit=minimum, value=value), param=param)
    if maximum is not None and value > maximum:
        reason = (
            f"{what + ' would be' if what else 'got'} {value}, beyond the maximum {maximum} (9999-12-31T23:59:59Z)."
        )
        raise e.InvalidRequestError(e.CONTROL_BAD_FIELD.format(param=param, reason=reason), param=param)
    return value


def mark_changed(request: Request) -> None:
    """Tell the state file (if any) that the control plane changed something the journal does not show."""
    state_file = getattr(request.app.state, "state_file", None)
    if state_file is not None:
        state_file.touch()


def _scenario_from(body: dict[str, Any], fixtures_dir: Any) -> Any:
    """The scenario a control request names. Over the network only names inside the server's fixtures directory
    are read (no ``path``, no ``fixtures_dir``, includes confined too): docs/stub.md, "Security"."""
    from mockserver.scenarios import load_document, load_scenario
    from mockserver.scenarios.loader import fixtures_path

    unknown = sorted(set(body) - {"name", "path", "document", "fixtures_dir", "reset"})
    if unknown:
        raise e.InvalidRequestError(e.UNKNOWN_ARGUMENT.format(names=unknown[0]), param=unknown[0])
    sources = [k for k in ("name", "path", "document") if body.get(k) is not None]
    if len(sources) != 1:
        raise e.InvalidRequestError(
            e.CONTROL_BAD_FIELD.format(param="body", reason='expected exactly one of "name", "path" or "document".')
        )
    for name, kind, expected in (
        ("name", str, "a string"),
        ("path", str, "a string"),
        ("fixtures_dir", str, "a string"),
        ("reset", bool, "a boolean"),
    ):
        if body.get(name) is not None and not isinstance(body[name], kind):
            raise e.InvalidRequestError(
                e.CONTROL_BAD_FIELD.format(param=name, reason=f"expected {expected}, got {body[name]!r}."), param=name
            )
    for local_only in ("path", "fixtures_dir"):
        if body.get(local_only) is not None:
            reason = "file paths are accepted from the CLI and Python only; name a scenario in the fixtures directory."
            raise e.InvalidRequestError(e.CONTROL_BAD_FIELD.format(param=local_only, reason=reason), param=local_only)
    root = fixtures_path(fixtures_dir).absolute()
    if sources[0] == "document":
        if not isinstance(body["document"], dict):
            raise e.InvalidRequestError(
                e.CONTROL_BAD_FIELD.format(param="document", reason="expected a scenario object."), param="document"
            )
        return load_document(body["document"], source="control API document", fixtures_dir=root, confine=root)
    return load_scenario(str(body["name"]), root, confine=root)


def sealed(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Listings name key-named projects by their sealed form (core/secrets.py)."""
    return [{**item, "project": seal(item["project"])} if item.get("project") else item for item in items]


def _listing(items: list[Any]) -> JSONResponse:
    return JSONResponse({"object": "list", "data": items})


async def health(request: Request) -> Response:
    store: Store = request.app.state.store
    state_file = getattr(request.app.state, "state_file", None)
    return JSONResponse(
        {
            # "degraded": the state file cannot be saved, so writes are refused (see state_file.error).
            "status": "ok" if state_file is None or state_file.failing is None else "degraded",
            "projects": len(store.project_names()),
            "journal_next_index": request.app.state.journal.next_index(),
            "state_file": None if state_file is None else state_file.describe(),
            "server_errors": len(request.app.state.errors.items),
        }
    )


async def reset(request: Request) -> Response:
    store, project = control_target(request)
    store.reset(project)
    request.app.state.journal.clear(project)
    mark_changed(request)
    return JSONResponse({"ok": True, "project": project})


async def export_state(request: Request) -> Response:
    store, project = control_target(request)
    if project is not None:
        return JSONResponse(persistence.export_one(store, project))
    return JSONResponse(persistence.export_all(store))


async def import_state(request: Request) -> Response:
    store, project = control_target(request)
    body = await json_body(request, max_depth=None)
    mark_changed(request)
    if project is not None:
        persistence.import_one(store, project, body)
        return JSONResponse({"ok": True, "projects": [project]})
    return JSONResponse({"ok": True, "projects": persistence.import_all(store, body)})


async def load_scenario(request: Request) -> Response:
    """Apply a scenario (``name``/``path`` of a file, or an inline ``document``) to a project, or as the baseline."""
    store, project = control_target(request)
    body = await json_body(request, max_depth=None)
    scenario = _scenario_from(body, getattr(request.app.state, "fixtures_dir", None))
    mark_changed(request)
    with persistence.all_or_nothing(store):  # a scenario refused half-way must not leave half of it behind
        if project is None:
            store.set_baseline([scenario.apply])
        else:
            if body.get("reset"):
                store.reset(project)
            scenario.apply(store, project)
    if project is None:
        request.app.state.journal.clear()
        return JSONResponse({"ok": True, "project": None, "baseline": True})
    return JSONResponse({"ok": True, "project": project, "baseline": False})


async def list_requests(request: Request) -> Response:
    _, project = control_target(request)
    query = request.query_params
    unknown = sorted(set(query) - {*JOURNAL_FILTERS, "project"})
    if unknown:
        raise e.InvalidRequestError(e.UNKNOWN_ARGUMENT.format(names=unknown[0]), param=unknown[0])
    filters: dict[str, Any] = {}
    for name in ("method", "path", "path_contains"):
        if name in query:
            filters[name] = query[name]
    if "status" in query:
        filters["status"] = _int_field(query["status"], "status")
    since = _int_field(query.get("since", 0), "since", minimum=0)
    entries = request.app.state.journal.entries(since=since, project=project, **filters)
    if "limit" in query:
        limit = _int_field(query["limit"], "limit", minimum=0)
        entries = entries[len(entries) - limit :] if limit else []  # the most recent ``limit``
    return _listing([entry.to_dict() for entry in entries])


async def clear_requests(request: Request) -> Response:
    _, project = control_target(request)
    request.app.state.journal.clear(project)
    return JSONResponse({"ok": True, "project": project})


async def get_clock(request: Request) -> Response:
    store, project = control_target(request)
    if project is not None:
        return JSONResponse({"project": project, "now": store.now(project)})
    return JSONResponse({"projects": {seal(name): store.now(name) for name in store.project_names()}})


async def file_content(request: Request) -> Response:
    """The bytes of one project's file whatever its purpose: the API refuses to serve ``assistants`` files, but a
    test checking what its app uploaded may read them (``RemoteServer.file_content``; docs/stub.md)."""
    store, project = control_target(request)
    if not project:
        reason = "a file belongs to one project: name it (?project=, OpenAI-Project or the bearer key)."
        raise e.InvalidRequestError(e.CONTROL_BAD_FIELD.format(param="project", reason=reason), param="project")
    file_id = request.path_params["file_id"]
    if not store.has_project(project):  # a project that never made a request has no files; looking creates none
        raise e.NotFoundError(e.NO_SUCH_FILE.format(id=file_id), param="file_id")
    data = store.files.read_content(project, file_id)
    return Response(data, media_type=store.files.content_type(project, file_id))


async def set_clock(request: Request) -> Response:
    """``{"set": unix_seconds}`` or ``{"advance": seconds}``; without a project, every existing project moves."""
    store, project = control_target(request)
    body = await json_body(request)
    unknown = sorted(set(body) - {"set", "advance"})
    if unknown or len(body) != 1:
        raise e.InvalidRequestError(
            e.CONTROL_BAD_FIELD.format(param="body", reason='expected exactly one of "set" or "advance".'),
            param=unknown[0] if unknown else None,
        )
    names = [project] if project is not None else store.project_names()
    mark_changed(request)
    if "set" in body:
        when = _int_field(body["set"], "set", minimum=0, maximum=MAX_TIMESTAMP)
        result = {name: store.set_clock(name, when) for name in names}
    else:
        seconds = _int_field(body["advance"], "advance", minimum=0, maximum=MAX_TIMESTAMP)
        with store._lock:  # checked for every project before any moves: a refused advance moves none
            latest = max((store.now(name) for name in names), default=0)
            _int_field(latest + seconds, "advance", maximum=MAX_TIMESTAMP, what="the clock after it")
            result = {name: store.advance_clock(name, seconds) for name in names}
    if project is not None:
        return JSONResponse({"project": project, "now": result[project]})
    return JSONResponse({"projects": {seal(name): now for name, now in result.items()}})


async def add_faults(request: Request) -> Response:
    store, project = control_target(request)
    body = await json_body(request)
    faults = body["faults"] if set(body) == {"faults"} else body
    mark_changed(request)
    return _listing(sealed(store.faults.add_faults(project, faults)))


async def list_faults(request: Request) -> Response:
    store, project = control_target(request)
    return _listing(sealed(store.faults.list_faults(project)))


async def clear_faults(request: Request) -> Response:
    store, project = control_target(request)
    mark_changed(request)
    return JSONResponse({"ok": True, "project": project, "removed": store.faults.clear_faults(project)})


async def save_state(request: Request) -> Response:
    state_file = getattr(request.app.state, "state_file", None)
    if state_file is None:
        raise e.InvalidRequestError(e.NO_STATE_FILE, code="no_state_file")
    return JSONResponse({"ok": True, **await asyncio.to_thread(state_file.save)})


async def server_errors(request: Request) -> Response:
    return _listing(list(request.app.state.errors.items))


routes = [
    Route("/__mock__/health", health, methods=["GET"]),
    Route("/__mock__/reset", reset, methods=["POST"]),
    Route("/__mock__/state", export_state, methods=["GET"]),
    Route("/__mock__/state", import_state, methods=["POST", "PUT"]),
    Route("/__mock__/state/save", save_state, methods=["POST"]),
    Route("/__mock__/scenario", load_scenario, methods=["POST"]),
    Route("/__mock__/requests", list_requests, methods=["GET"]),
    Route("/__mock__/requests", clear_requests, methods=["DELETE"]),
    Route("/__mock__/clock", get_clock, methods=["GET"]),
    Route("/__mock__/clock", set_clock, methods=["POST"]),
    Route("/__mock__/files/{file_id}/content", file_content, methods=["GET"]),
    Route("/__mock__/faults", list_faults, methods=["GET"]),
    Route("/__mock__/faults", add_faults, methods=["POST"]),
    Route("/__mock__/faults", clear_faults, methods=["DELETE"]),
    Route("/__mock__/errors", server_errors, methods=["GET"]),
]
