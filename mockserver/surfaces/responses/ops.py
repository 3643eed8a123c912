"""Responses operations: create (plain, streamed, background), retrieve, delete, cancel, input items, input tokens.

Check order (reference 6): path id, existence, then the whole body (:mod:`.params`), then state (conversation,
prompt, previous response, item references, tool outputs); only then are ids minted and anything stored.
Background responses progress like runs (docs/runs.md "Lifecycle"): on read, immediately, or on the fake clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING, Any

from mockserver import model as engine
from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.core.project import Project
from mockserver.core.store import SurfaceOps, locked
from mockserver.surfaces.responses import checks as c
from mockserver.surfaces.responses import items as it
from mockserver.surfaces.responses import params as pr
from mockserver.surfaces.responses import persist
from mockserver.surfaces.responses import references as refs
from mockserver.surfaces.responses import script as sc
from mockserver.surfaces.responses import shapes as sh
from mockserver.surfaces.responses.play import Play
from mockserver.surfaces.responses.state import ResponseRecord, ResponsesState, Script

if TYPE_CHECKING:
    from mockserver.store import Store


@dataclass
class ResponseStream:
    """A stream to send: ``events`` now, then (``live``) the response's log from ``cursor`` as it grows."""

    response_id: str
    events: list[dict[str, Any]] = field(default_factory=list)
    cursor: int = 0
    live: bool = False


class ResponsesOps(SurfaceOps):
    name = "responses"
    store: Store

    def _state(self, p: Project) -> ResponsesState:
        state: ResponsesState = p.states[self.name]
        return state

    @locked
    def find_object(self, project: str, object_id: str) -> dict[str, Any] | None:
        """A stored response or one of its items as the API returns it, or None (for the inspector: no read)."""
        state = self._state(self._project(project))
        record = state.responses.get(object_id)
        return record.data if record is not None else state.items.get(object_id)

    @locked
    def script_answers(self, project: str) -> list[dict[str, Any]]:
        """Which script rule answered each stored response (``rule`` None: the default reply), oldest first."""
        state = self._state(self._project(project))
        return [{"object": "response", "id": rid, "rule": r.script.rule} for rid, r in state.responses.items()]

    def _record(self, p: Project, response_id: str) -> ResponseRecord:
        c.object_id(response_id, "resp_", "response_id")
        record = self._state(p).responses.get(response_id)
        if record is None:
            raise e.NotFoundError(e.RESPONSE_NOT_FOUND.format(id=response_id))
        return record

    # -- create ---------------------------------------------------------------------------------------------

    def _create(self, p: Project, body: dict[str, Any]) -> ResponseRecord:
        state = self._state(p)
        req = pr.check_create(body)
        prefix, base_tokens, calls, answered = self._conversation_context(p, req.conversation_id)
        if req.fields["prompt"] is not None:
            raise e.NotFoundError(e.PROMPT_NOT_FOUND.format(id=req.fields["prompt"]["id"]))
        parent = self._parent(state, req.previous_response_id)
        if not req.input and parent is None and req.conversation_id is None:
            raise e.InvalidRequestError(e.INPUT_OR_CONTEXT_REQUIRED, code="missing_required_parameter")
        if parent is not None:
            base_tokens, calls, answered = _chain_totals(parent)
        inputs = self._resolve(p, state, req.input, calls, answered)
        refs.check_request(self.store, p.name, req.input, req.fields["tools"])
        # Everything is checked: from here on ids are minted and state changes.
        now = p.clock.now()
        data = sh.response(
            p.ids.new("response"),
            created_at=now,
            fields=req.fields,
            background=req.background,
            conversation_id=req.conversation_id,
        )
        it.assign_ids(inputs, p.ids.new)
        record = ResponseRecord(
            data=data,
            inputs=inputs,
            parent=parent,
            prefix=tuple(prefix),
            include=tuple(req.include),
            requested_tier=req.fields["service_tier"],
            streamed=req.stream,
            events=[] if req.stream else None,
        )
        record.prompt_tokens = engine.count_tokens(data["instructions"] or "") + base_tokens + _tokens(inputs)
        record.script = self._script(p, state, record)
        record.emit("response.created", response=data)
        if req.store:
            state.responses[data["id"]] = record
            state.items.update((item["id"], item) for item in inputs)
        else:
            state.unstored_items.update(item["id"] for item in inputs)
        if req.background:
            record.emit("response.queued", response=data)
            record.pending, record.reads, record.since = True, 0, now
            self._settle(p, record)
        else:
            self._advance(p, record)
        return record

    def _parent(self, state: ResponsesState, previous: str | None) -> ResponseRecord | None:
        if previous is None:
            return None
        parent = state.responses.get(previous)
        if parent is None:
            raise e.InvalidRequestError(
                e.PREVIOUS_RESPONSE_NOT_FOUND.format(id=previous),
                param="previous_response_id",
                code="previous_response_not_found",
            )
        if parent.status in sh.ACTIVE_STATUSES:
            raise e.InvalidRequestError(
                e.PREVIOUS_RESPONSE_ACTIVE.format(id=previous), param="previous_response_id", code="invalid_value"
            )
        return parent

    def _conversation_context(
        self, p: Project, conversation_id: str | None
    ) -> tuple[tuple[dict[str, Any], ...], int, set[str], set[str]]:
        """The conversation's items, their tokens, and its function call ids called and answered."""
        if conversation_id is None:
            return (), 0, set(), set()
        found = self.store.conversations.context(p.name, conversation_id)
        return found.items, found.tokens, set(found.calls), set(found.answered)

    def _resolve(
        self, p: Project, state: ResponsesState, inputs: list[dict[str, Any]], calls: set[str], answered: set[str]
    ) -> list[dict[str, Any]]:
        """Item references become the items they name; tool outputs must answer a call in the context
        (``calls`` and ``answered``: the call ids of the context before this input)."""
        resolved: list[dict[str, Any]] = []
        for item in inputs:
            if item["type"] == "item_reference":
                item = dict(self._referenced(p, state, item["id"]))
            resolved.append(item)
        open_calls = calls - answered
        calls, answered = set(calls), set(answered)
        for item in resolved:
            if item["type"] == "function_call":
                calls.add(item["call_id"])
            elif item["type"] == "function_call_output":
                if item["call_id"] not in calls:
                    raise e.InvalidRequestError(
                        e.NO_TOOL_CALL_FOR_OUTPUT.format(call_id=item["call_id"]), param="input"
                    )
                answered.add(item["call_id"])
        # A call the context left unanswered cannot be followed by anything but its output.
        if resolved:
            for call_id in sorted(open_calls - answered):
                raise e.InvalidRequestError(e.NO_TOOL_OUTPUT.format(call_id=call_id), param="input")
        return resolved

    def _referenced(self, p: Project, state: ResponsesState, item_id: str) -> dict[str, Any]:
        item = state.items.get(item_id)
        if item is None:
            item = self.store.conversations.find_item(p.name, item_id)
        if item is not None:
            return item
        if item_id in state.unstored_items:
            raise e.NotFoundError(e.ITEM_NOT_PERSISTED.format(id=item_id), param="input")
        raise e.NotFoundError(e.ITEM_NOT_FOUND.format(id=item_id), param="input")

    def _script(self, p: Project, state: ResponsesState, record: ResponseRecord) -> Script:
        """Continue the script whose function calls this input answers, else pick a rule for the last user text."""
        for item in record.inputs:
            if item["type"] == "function_call_output" and item["call_id"] in state.calls:
                return state.calls[item["call_id"]]
        earlier = record.parent.context() if record.parent is not None else record.prefix
        found = (t for t in map(it.user_text, chain(reversed(record.inputs), reversed(earlier))) if t is not None)
        text = next(found, "")
        return sc.pick(self.store, p, text, record.data)

    # -- progress -------------------------------------------------------------------------------------------

    def _settle(self, p: Project, record: ResponseRecord) -> None:
        mode = sc.settings(self.store, p)["progress"]
        if record.pending and (mode == "immediate" or (mode == "on_clock" and p.clock.now() > record.since)):
            self._advance(p, record)

    def _read(self, p: Project, record: ResponseRecord) -> None:
        """A client looked at a background response: under ``on_read`` this moves it along."""
        self._settle(p, record)
        settings = sc.settings(self.store, p)
        if record.pending and settings["progress"] == "on_read":
            record.reads += 1
            if record.reads >= settings["reads"]:
                self._advance(p, record)
            else:
                self._start(record)

    def _watch(self, p: Project, record: ResponseRecord) -> None:
        """A stream is attached: play now unless the response waits for the clock."""
        self._settle(p, record)
        if record.pending and sc.settings(self.store, p)["progress"] != "on_clock":
            self._advance(p, record)

    def _start(self, record: ResponseRecord) -> None:
        if record.status == "queued":
            record.emit("response.in_progress", response=record.update(status="in_progress"))

    def _advance(self, p: Project, record: ResponseRecord) -> None:
        """Play the response's turns to its terminal status; a finished response joins its conversation."""
        record.pending = False
        if record.status == "queued":
            self._start(record)
        else:
            record.emit("response.in_progress", response=record.data)
        state = self._state(p)
        outputs = [str(it.item_text(i)) for i in record.inputs if i["type"] == "function_call_output"]
        play = Play(
            project=p,
            record=record,
            settings=sc.settings(self.store, p),
            outputs=outputs,
            record_miss=lambda message: sc.record_miss(self.store, p, record.data["id"], message),
            file_search=lambda stores, queries, limit: self._file_search(p, stores, queries, limit),
        )
        play.run()
        state.calls.update(play.calls)
        if record.data["store"] and record.data["id"] in state.responses:
            state.items.update((item["id"], item) for item in record.data["output"])
        elif not record.data["store"]:
            state.unstored_items.update(item["id"] for item in record.data["output"])
        conversation = record.data.get("conversation")
        if conversation is not None and record.status in ("completed", "incomplete"):
            self.store.conversations.append_items(p.name, conversation["id"], [*record.inputs, *record.data["output"]])

    def _file_search(self, p: Project, stores: list[str], queries: list[str], limit: int) -> list[dict[str, Any]]:
        """Unscripted file_search results: the request's vector stores searched through the vector_stores
        surface's public ``search_results`` (best first), shown in the Responses form."""
        search = getattr(getattr(self.store, "vector_stores", None), "search_results", None)
        if search is None:
            return []
        found: list[dict[str, Any]] = search(p.name, stores, queries, max_num_results=limit)
        return [
            {
                "attributes": r.get("attributes") or {},
                "file_id": r["file_id"],
                "filename": r["filename"],
                "score": r["score"],
                "text": "\n".join(str(part.get("text", "")) for part in r.get("content", [])),
            }
            for r in found
        ]

    # -- public operations ----------------------------------------------------------------------------------

    @locked
    def create(self, project: str, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /v1/responses`` without ``stream``: the response (``queued`` in background)."""
        return self._create(self._project(project), body).data

    @locked
    def create_stream(self, project: str, body: dict[str, Any]) -> ResponseStream:
        """``POST /v1/responses`` with ``stream: true``: the events so far; background responses stream live."""
        p = self._project(project)
        record = self._create(p, body)
        events = list(record.events or [])
        return ResponseStream(record.data["id"], events, len(events), live=record.status in sh.ACTIVE_STATUSES)

    @locked
    def check(self, project: str, response_id: str) -> None:
        """The path errors of a response URL without reading it (a read can move a background response)."""
        self._record(self._project(project), response_id)

    @locked
    def get(self, project: str, response_id: str, include: list[str] | None = None) -> dict[str, Any]:
        p = self._project(project)
        record = self._record(p, response_id)
        it.check_include(include or [])
        self._read(p, record)
        return record.data

    @locked
    def stream_from(self, project: str, response_id: str, starting_after: int | None) -> ResponseStream:
        """``GET /v1/responses/{id}?stream=true``: the stored events after ``starting_after``, then live ones."""
        p = self._project(project)
        record = self._record(p, response_id)
        if not (record.streamed and record.data["background"]) or record.events is None:
            raise e.InvalidRequestError(e.NOT_STREAMED, param="stream")
        cursor = 0 if starting_after is None else max(0, starting_after + 1)
        return ResponseStream(response_id, [], cursor, live=True)

    @locked
    def stream_events(self, project: str, response_id: str, cursor: int) -> tuple[list[dict[str, Any]], int, bool]:
        """Events after ``cursor``; ``True`` once the response is finished and every event is out."""
        p = self._project(project)
        record = self._record(p, response_id)
        self._watch(p, record)
        events = (record.events or [])[cursor:]
        return events, cursor + len(events), record.status in sh.TERMINAL_STATUSES

    @locked
    def delete(self, project: str, response_id: str) -> dict[str, Any]:
        p = self._project(project)
        record = self._record(p, response_id)
        state = self._state(p)
        del state.responses[response_id]
        for item in [*record.inputs, *record.data["output"]]:
            state.items.pop(item["id"], None)
        return sh.deleted(response_id)

    @locked
    def cancel(self, project: str, response_id: str) -> dict[str, Any]:
        """Background only; a finished response is returned unchanged (cancelling is idempotent)."""
        p = self._project(project)
        record = self._record(p, response_id)
        if not record.data["background"]:
            raise e.InvalidRequestError(e.CANNOT_CANCEL_SYNC)
        self._settle(p, record)
        if record.status in sh.ACTIVE_STATUSES:
            record.pending = False
            record.update(status="cancelled")
        return record.data

    @locked
    def list_input_items(
        self, project: str, response_id: str, query: dict[str, str], include: list[str] | None = None
    ) -> dict[str, Any]:
        """Chained responses list their whole context, others their own input (docs/responses.md)."""
        p = self._project(project)
        record = self._record(p, response_id)
        params = v.parse_list_query(query)
        it.check_include(include or [])
        items = record.inputs
        if record.parent is not None:
            items = [*record.parent.context(), *record.inputs]
        return page_of(items, params["limit"], params["order"], params["after"])

    @locked
    def export_state(self, project: str) -> list[dict[str, Any]]:
        """Stored responses with their input and engine state, oldest first (exporting moves nothing along)."""
        return persist.export_state(self._state(self._project(project)))

    @locked
    def restore(self, project: str, entry: Any) -> dict[str, Any]:
        """Re-create an exported (or pasted) response with its id; see :mod:`.persist`."""
        return persist.restore(self._project(project), self._state(self._project(project)), entry)

    @locked
    def stream_settings(self, project: str) -> dict[str, Any]:
        """Chunk delay and stream timeout (run settings) for a stream of this project."""
        return sc.settings(self.store, self._project(project))

    @locked
    def find_item(self, project: str, item_id: str) -> dict[str, Any] | None:
        """An item of a stored response (input or output), for conversation ``item_reference`` inputs."""
        return self._state(self._project(project)).items.get(item_id)

    @locked
    def input_tokens(self, project: str, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /v1/responses/input_tokens``: what the same create body would count as input tokens."""
        p = self._project(project)
        state = self._state(p)
        req = pr.check_input_tokens(body)
        _, base_tokens, calls, answered = self._conversation_context(p, req.conversation_id)
        parent = self._parent(state, req.previous_response_id)
        if parent is not None:
            base_tokens, calls, answered = _chain_totals(parent)
        inputs = self._resolve(p, state, req.input, calls, answered)
        refs.check_request(self.store, p.name, req.input, req.fields["tools"])
        return sh.input_tokens(engine.count_tokens(req.fields["instructions"] or "") + base_tokens + _tokens(inputs))


def page_of(items: list[dict[str, Any]], limit: int, order: str, after: str | None) -> dict[str, Any]:
    """A page of a short list (a response's input): ``after`` is an id in the list, else the page is empty."""
    ordered = items if order == "asc" else items[::-1]
    start = 0
    if after is not None:
        position = next((i for i, item in enumerate(ordered) if item.get("id") == after), None)
        if position is None:
            return sh.list_page([], False)
        start = position + 1
    window = ordered[start : start + limit]
    return sh.list_page(window, start + limit < len(ordered))


def _tokens(items: list[dict[str, Any]]) -> int:
    return sum(engine.count_tokens(it.item_text(item)) for item in items)


def _chain_totals(parent: ResponseRecord) -> tuple[int, set[str], set[str]]:
    """A chained response's starting point: its parent's whole context in tokens (the parent's prompt minus its
    own instructions, plus its output) and the function call ids called and answered in it."""
    instructions = engine.count_tokens(parent.data["instructions"] or "")
    tokens = max(0, parent.prompt_tokens - instructions) + _tokens(parent.data["output"])
    context = parent.context()
    calls = {i["call_id"] for i in context if i.get("type") == "function_call"}
    answered = {i["call_id"] for i in context if i.get("type") == "function_call_output"}
    return tokens, calls, answered
