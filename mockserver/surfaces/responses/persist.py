"""Exporting a project's stored responses and restoring them (scenario files, the state file, export/import).

An exported response is the response object as the API returns it, plus its own ``input`` items and, where
anything differs from a finished response's defaults, an ``engine`` object: the script position (so a background
response in flight, or a follow-up to its function calls, continues exactly as it would have), its stream events,
and the context it was created with. Restoring checks every value it relies on and raises located
:class:`~mockserver.core.errors.InvalidRequestError`s (never a 500); nothing is stored unless all of it is valid.
"""

from __future__ import annotations

from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.core.ids import MAX_COUNT, MAX_TIMESTAMP, is_valid_id
from mockserver.core.project import Project
from mockserver.model.rules import parse_reply
from mockserver.surfaces.responses import checks as c
from mockserver.surfaces.responses import items as it
from mockserver.surfaces.responses import params as pr
from mockserver.surfaces.responses import shapes as sh
from mockserver.surfaces.responses.state import ResponseRecord, ResponsesState, Script

STATUSES = ["queued", "in_progress", "completed", "failed", "cancelled", "incomplete"]
ENGINE_KEYS = (
    "include",
    "service_tier",
    "streamed",
    "events",
    "script",
    "pending",
    "reads",
    "since",
    "prompt_tokens",
    "prefix",
    "parent_context",
    "calls",
)
SCRIPT_KEYS = ("rule", "turns", "turn", "prompt_text", "miss", "queued_calls")


# -- export -----------------------------------------------------------------------------------------------------


def export_state(state: ResponsesState) -> list[dict[str, Any]]:
    return [_export(record, state) for record in state.responses.values()]


def _script(script: Script) -> dict[str, Any]:
    out: dict[str, Any] = {"rule": script.rule, "turns": list(script.turns), "turn": script.turn}
    if script.prompt_text:
        out["prompt_text"] = script.prompt_text
    if script.miss is not None:
        out["miss"] = script.miss
    if script.queued_calls:
        out["queued_calls"] = list(script.queued_calls)
    return out


def _export(record: ResponseRecord, state: ResponsesState) -> dict[str, Any]:
    entry: dict[str, Any] = {**record.data, "input": record.inputs}
    engine: dict[str, Any] = {}
    if record.include:
        engine["include"] = list(record.include)
    if record.requested_tier is not None:
        engine["service_tier"] = record.requested_tier
    if record.streamed:
        engine["streamed"] = True
    if record.events is not None:
        engine["events"] = record.events
    if record.script.turns or record.script.rule is not None or record.script.miss is not None:
        engine["script"] = _script(record.script)
    if record.pending:
        engine.update(pending=True, reads=record.reads, since=record.since)
    engine["prompt_tokens"] = record.prompt_tokens
    if record.prefix:
        engine["prefix"] = list(record.prefix)
    if record.parent is not None and state.responses.get(record.parent.data["id"]) is not record.parent:
        engine["parent_context"] = record.parent.context()
    calls = {
        item["call_id"]: _script(state.calls[item["call_id"]])
        for item in record.data["output"]
        if item.get("type") == "function_call" and item.get("call_id") in state.calls
    }
    if calls:
        engine["calls"] = calls
    entry["engine"] = engine
    return entry


# -- restore ----------------------------------------------------------------------------------------------------


def restore(p: Project, state: ResponsesState, entry: Any) -> dict[str, Any]:
    """Re-create one exported (or pasted) response; ``param`` of an error is the place in ``entry``."""
    body = dict(c.obj(entry, "response", nullable=False) or {})
    raw_input = body.pop("input", [])
    engine = c.obj(body.pop("engine", None), "engine") or {}
    body.pop("billing", None)
    response_id = v.expect_string(v.require(body, "id"), "id") or ""
    if not is_valid_id(response_id, "response"):
        raise e.InvalidRequestError(
            e.RESTORE_BAD_HEX_ID.format(param="id", value=response_id, prefix="resp_", length=50),
            param="id",
            code="invalid_id",
        )
    if response_id in state.responses:
        raise e.InvalidRequestError(e.RESTORE_DUPLICATE_ID.format(id=response_id), param="id")
    created_at = v.expect_int(body.get("created_at", p.clock.now()), "created_at", minimum=0, maximum=MAX_TIMESTAMP)
    status = v.expect_enum(body.get("status", "completed"), STATUSES, "status") or "completed"
    fields = _fields(body)
    conversation = c.obj(body.get("conversation"), "conversation")
    conversation_id = None if conversation is None else c.string(conversation.get("id"), "conversation.id")
    data = sh.response(
        response_id,
        created_at=created_at or 0,
        fields=fields,
        background=bool(c.boolean(body.get("background"), "background")),
        conversation_id=conversation_id,
    )
    output = c.array(body.get("output", []), "output", nullable=False) or []
    for i, item in enumerate(output):
        item = c.obj(item, f"output[{i}]", nullable=False) or {}
        c.string(v.require(item, "id", f"output[{i}]"), f"output[{i}].id", nullable=False)
        c.string(v.require(item, "type", f"output[{i}]"), f"output[{i}].type", nullable=False)
    extra = {k: val for k, val in body.items() if k not in data}
    data = {**data, **{k: body[k] for k in data if k in body}, **extra, "status": status, "created_at": created_at}
    for key in ("completed_at",):
        v.expect_int(data[key], key, nullable=True, minimum=0, maximum=MAX_TIMESTAMP)
    c.obj(data["usage"], "usage")
    inputs = it.check_items(c.array(raw_input, "input", nullable=False) or [], "input")
    if any(item["type"] == "item_reference" for item in inputs):
        raise e.InvalidRequestError(
            e.CONTROL_BAD_FIELD.format(param="input", reason="references must be resolved"), param="input"
        )
    record = ResponseRecord(data=sh.with_billing(data), inputs=inputs)
    calls = _engine(record, engine, state)
    it.assign_ids(inputs, p.ids.new)
    state.responses[response_id] = record
    state.items.update((item["id"], item) for item in [*record.inputs, *output])
    state.calls.update(calls)
    return data


def _fields(body: dict[str, Any]) -> dict[str, Any]:
    """The echoed fields, checked as a create body checks them (defaults for the absent ones)."""
    model = c.string(v.require(body, "model"), "model", nullable=False) or ""
    checked = pr.common_fields({k: body[k] for k in pr.INPUT_TOKENS_FIELDS if k in body}, model)
    checked.update(
        previous_response_id=c.string(body.get("previous_response_id"), "previous_response_id"),
        prompt=c.obj(body.get("prompt"), "prompt"),
        prompt_cache_key=c.string(body.get("prompt_cache_key"), "prompt_cache_key"),
        prompt_cache_retention=c.enum(
            body.get("prompt_cache_retention"), pr.CACHE_RETENTIONS, "prompt_cache_retention"
        ),
        reasoning=c.obj(body.get("reasoning"), "reasoning") or {"effort": None, "summary": None},
        safety_identifier=c.string(body.get("safety_identifier"), "safety_identifier"),
        service_tier=c.enum(body.get("service_tier"), pr.SERVICE_TIERS, "service_tier"),
        store=body.get("store", True) is not False,
        top_logprobs=c.integer(body.get("top_logprobs"), "top_logprobs", minimum=0, maximum=20) or 0,
        user=c.string(body.get("user"), "user"),
    )
    # The echo keeps pasted values (tools as the API filled them in, text as sent).
    for key in ("tools", "text", "tool_choice", "metadata"):
        if key in body:
            checked[key] = body[key] if key != "metadata" else c.metadata(body[key])
    return checked


def _engine(record: ResponseRecord, engine: dict[str, Any], state: ResponsesState) -> dict[str, Script]:
    c.reject_unknown(engine, ENGINE_KEYS, "engine")
    include = c.array(engine.get("include"), "engine.include") or []
    record.include = tuple(it.check_include(include))
    record.requested_tier = c.enum(engine.get("service_tier"), pr.SERVICE_TIERS, "engine.service_tier")
    record.streamed = bool(c.boolean(engine.get("streamed"), "engine.streamed"))
    events = c.array(engine.get("events"), "engine.events")
    if events is not None:
        for i, event in enumerate(events):
            event = c.obj(event, f"engine.events[{i}]", nullable=False) or {}
            c.string(v.require(event, "type", f"engine.events[{i}]"), f"engine.events[{i}].type", nullable=False)
        record.events = list(events)
    if engine.get("script") is not None:
        record.script = _parse_script(engine["script"], "engine.script")
    record.pending = bool(c.boolean(engine.get("pending"), "engine.pending"))
    if record.pending and record.status not in sh.ACTIVE_STATUSES:
        reason = f"only a queued or in_progress response can wait to play, and this one is '{record.status}'."
        raise e.InvalidRequestError(
            e.CONTROL_BAD_FIELD.format(param="engine.pending", reason=reason), param="engine.pending"
        )
    record.reads = c.integer(engine.get("reads"), "engine.reads", minimum=0, maximum=MAX_COUNT) or 0
    record.since = c.integer(engine.get("since"), "engine.since", minimum=0, maximum=MAX_TIMESTAMP) or 0
    record.prompt_tokens = (
        c.integer(engine.get("prompt_tokens"), "engine.prompt_tokens", minimum=0, maximum=MAX_COUNT) or 0
    )
    prefix = c.array(engine.get("prefix"), "engine.prefix") or []
    record.prefix = tuple(it.check_items(prefix, "engine.prefix"))
    previous = record.data["previous_response_id"]
    if engine.get("parent_context") is not None:
        context = it.check_items(
            c.array(engine["parent_context"], "engine.parent_context") or [], "engine.parent_context"
        )
        record.parent = ResponseRecord(data={**record.data, "output": []}, inputs=[], prefix=tuple(context))
    elif previous is not None:
        record.parent = state.responses.get(previous)
    calls = c.obj(engine.get("calls"), "engine.calls") or {}
    return {str(k): _parse_script(s, f"engine.calls.{k}") for k, s in calls.items()}


def _parse_script(value: Any, param: str) -> Script:
    body = c.obj(value, param, nullable=False) or {}
    c.reject_unknown(body, SCRIPT_KEYS, param)
    turns = c.array(body.get("turns"), f"{param}.turns") or []
    parsed = [parse_reply(turn, f"{param}.turns[{i}]") for i, turn in enumerate(turns)]
    queued = c.array(body.get("queued_calls"), f"{param}.queued_calls") or []
    if queued:
        queued = parse_reply({"tool_calls": queued}, f"{param}.queued_calls")["tool_calls"]
    return Script(
        rule=c.string(body.get("rule"), f"{param}.rule"),
        turns=tuple(parsed),
        turn=c.integer(body.get("turn"), f"{param}.turn", minimum=0, maximum=MAX_COUNT) or 0,
        prompt_text=c.string(body.get("prompt_text"), f"{param}.prompt_text") or "",
        miss=c.string(body.get("miss"), f"{param}.miss"),
        queued_calls=tuple(queued),
    )
