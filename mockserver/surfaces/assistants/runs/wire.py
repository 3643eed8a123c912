"""Checking wire-shaped runs, run steps and message fields given back to the store (exports, pasted real output).

Each checker returns the object as the store keeps it (every key present, in the real key order, defaults
filled in) or raises :class:`~mockserver.core.errors.InvalidRequestError` whose ``param`` is the path of the bad
value relative to the object (``steps[1].step_details.tool_calls[0].id``). Checks go as deep as the run
lifecycle reads, so a restored run can never make a later request fail with a 500.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.core.ids import MAX_COUNT, MAX_TIMESTAMP, PREFIXES, is_seedable_id
from mockserver.core.validation import join_param as join
from mockserver.surfaces.assistants import shapes as models
from mockserver.surfaces.assistants.runs import params as rp
from mockserver.surfaces.assistants.runs.state import ACTIVE_STATUSES

RUN_STATUSES = [
    "queued", "in_progress", "requires_action", "cancelling", "cancelled", "failed", "completed", "incomplete",
    "expired",
]  # fmt: skip
STEP_STATUSES = ["in_progress", "cancelled", "failed", "completed", "expired"]
STEP_TYPES = ["message_creation", "tool_calls"]
MESSAGE_STATUSES = ["in_progress", "incomplete", "completed"]
TOOL_CALL_TYPES = ["code_interpreter", "file_search", "function"]
ANNOTATION_TYPES = ["file_citation", "file_path"]
RUN_INCOMPLETE_REASONS = ["max_completion_tokens", "max_prompt_tokens"]
MESSAGE_INCOMPLETE_REASONS = ["content_filter", "max_tokens", "run_cancelled", "run_expired", "run_failed"]
#: Assistants accept up to 128 tools and a run inherits its assistant's.
MAX_TOOLS = 128


def reject_unknown(body: Mapping[str, Any], allowed: Iterable[str], param: str) -> None:
    """Like the API's check, but ``param`` names the offending key (so a scenario error points at it)."""
    allowed = tuple(allowed)
    for key in body:
        if key not in allowed:
            where = join(param, key)
            raise e.InvalidRequestError(e.UNKNOWN_ARGUMENT.format(names=where), param=where)


def ident(value: Any, kind: str, param: str, *, nullable: bool = False) -> str | None:
    if value is None and nullable:
        return None
    text = v.expect_string(value, param) or ""
    if not is_seedable_id(text, kind):
        raise e.InvalidRequestError(
            e.RESTORE_BAD_ID.format(param=param, value=text, prefix=PREFIXES[kind]), param=param, code="invalid_id"
        )
    return text


def expect_equal(value: Any, expected: Any, param: str) -> None:
    if value != expected:
        raise e.InvalidRequestError(
            e.RESTORE_MISMATCH.format(param=param, expected=repr(expected), value=repr(value)), param=param
        )


def stamp(body: Mapping[str, Any], key: str, param: str, default: int | None = None) -> int | None:
    return v.expect_int(body.get(key, default), join(param, key), nullable=True, minimum=0, maximum=MAX_TIMESTAMP)


def count(value: Any, param: str) -> int:
    return v.expect_int(value, param, minimum=0, maximum=MAX_COUNT) or 0


def usage(value: Any, param: str) -> dict[str, int] | None:
    body = v.expect_object(value, param, nullable=True)
    if body is None:
        return None
    reject_unknown(body, ("prompt_tokens", "completion_tokens", "total_tokens"), param)
    prompt = count(v.require(body, "prompt_tokens", param), join(param, "prompt_tokens"))
    done = count(v.require(body, "completion_tokens", param), join(param, "completion_tokens"))
    result = models.usage(prompt, done)
    expect_equal(body.get("total_tokens", result["total_tokens"]), result["total_tokens"], join(param, "total_tokens"))
    return result


def last_error(value: Any, param: str) -> dict[str, str] | None:
    body = v.expect_object(value, param, nullable=True)
    if body is None:
        return None
    reject_unknown(body, ("code", "message"), param)
    code = v.expect_string(v.require(body, "code", param), join(param, "code")) or ""
    return {"code": code, "message": v.expect_string(v.require(body, "message", param), join(param, "message")) or ""}


def reason(value: Any, allowed: list[str], param: str) -> dict[str, Any] | None:
    """``incomplete_details``: null or ``{"reason": ...}``."""
    body = v.expect_object(value, param, nullable=True)
    if body is None:
        return None
    reject_unknown(body, ("reason",), param)
    return {"reason": v.expect_enum(body.get("reason"), allowed, join(param, "reason"), nullable=True)}


def _run_template(run_id: str, created_at: int, thread_id: str, assistant_id: str) -> dict[str, Any]:
    fields = {
        "model": "", "instructions": "", "tools": [], "tool_resources": {}, "metadata": {}, "temperature": 1.0,
        "top_p": 1.0, "truncation_strategy": rp.truncation_strategy(None), "response_format": "auto",
        "tool_choice": "auto", "parallel_tool_calls": True,
    }  # fmt: skip
    return models.run(run_id, created_at=created_at, thread_id=thread_id, assistant_id=assistant_id, fields=fields)


def check_run(body: Any, thread_id: str, now: int) -> dict[str, Any]:
    """A run as the API returns it (``steps``/``engine`` already taken out). Required: id, assistant_id, status,
    model; ``created_at`` defaults to ``now``, ``expires_at`` to the real TTL for an active run."""
    v.expect_object(body, "run")
    run_id = ident(v.require(body, "id"), "run", "id") or ""
    assistant_id = ident(v.require(body, "assistant_id"), "assistant", "assistant_id") or ""
    created_at = stamp(body, "created_at", "", now) or 0
    run = _run_template(run_id, created_at, thread_id, assistant_id)
    reject_unknown(body, run, "")
    expect_equal(body.get("object", "thread.run"), "thread.run", "object")
    expect_equal(body.get("thread_id", thread_id), thread_id, "thread_id")
    status = v.expect_enum(v.require(body, "status"), RUN_STATUSES, "status") or ""
    active = status in ACTIVE_STATUSES
    run["status"] = status
    for key in ("started_at", "cancelled_at", "failed_at", "completed_at"):
        run[key] = stamp(body, key, "")
    run["expires_at"] = stamp(body, "expires_at", "", created_at + models.RUN_TTL_SECONDS if active else None)
    run["model"] = v.expect_string(v.require(body, "model"), "model")
    run["instructions"] = v.expect_string(body.get("instructions", ""), "instructions")
    run["tools"] = rp.tools(body.get("tools"), "tools", max_items=MAX_TOOLS)
    run["tool_resources"] = models.normalize_tool_resources(body.get("tool_resources"), allow_helpers=False)
    run["metadata"] = v.check_metadata(body.get("metadata"))
    run["temperature"] = rp.temperature(body.get("temperature", 1.0))
    run["top_p"] = rp.top_p(body.get("top_p", 1.0))
    run["reasoning_effort"] = rp.reasoning_effort(body.get("reasoning_effort"))
    for key in ("max_completion_tokens", "max_prompt_tokens"):
        run[key] = v.expect_int(body.get(key), key, nullable=True, minimum=1, maximum=MAX_COUNT)
    run["truncation_strategy"] = rp.truncation_strategy(body.get("truncation_strategy"))
    run["response_format"] = rp.response_format(body.get("response_format"))
    run["tool_choice"] = rp.tool_choice(body.get("tool_choice"))
    parallel = v.expect_bool(body.get("parallel_tool_calls"), "parallel_tool_calls", nullable=True)
    run["parallel_tool_calls"] = True if parallel is None else parallel
    run["incomplete_details"] = reason(body.get("incomplete_details"), RUN_INCOMPLETE_REASONS, "incomplete_details")
    run["last_error"] = last_error(body.get("last_error"), "last_error")
    run["usage"] = usage(body.get("usage"), "usage")
    action = body.get("required_action")
    if status == "requires_action":
        run["required_action"] = required_action(v.require(body, "required_action"), "required_action")
    elif status == "cancelling" and action is not None:  # cancelled while waiting for tool outputs
        run["required_action"] = required_action(action, "required_action")
    elif action is not None:
        raise e.InvalidRequestError(
            e.RESTORE_NOT_NULL_UNLESS.format(param="required_action", status="requires_action"), param="required_action"
        )
    return run


def required_action(value: Any, param: str) -> dict[str, Any]:
    body = v.expect_object(value, param) or {}
    reject_unknown(body, ("type", "submit_tool_outputs"), param)
    v.expect_enum(body.get("type", "submit_tool_outputs"), ["submit_tool_outputs"], join(param, "type"))
    where = join(param, "submit_tool_outputs")
    outputs = v.expect_object(v.require(body, "submit_tool_outputs", param), where) or {}
    reject_unknown(outputs, ("tool_calls",), where)
    where = join(where, "tool_calls")
    calls = v.expect_array(v.require(outputs, "tool_calls", join(param, "submit_tool_outputs")), where) or []
    if not calls:
        raise e.InvalidRequestError(e.EMPTY_ARRAY.format(param=where), param=where, code="empty_array")
    checked = []
    for i, call in enumerate(calls):
        made = function_call(call, join(where, i), with_output=False)
        checked.append({"id": made["id"], "type": "function", "function": made["function"]})
    return {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": checked}}


def function_call(value: Any, param: str, *, with_output: bool) -> dict[str, Any]:
    body = v.expect_object(value, param) or {}
    reject_unknown(body, ("id", "type", "function"), param)
    call_id = ident(v.require(body, "id", param), "call", join(param, "id")) or ""
    v.expect_enum(body.get("type", "function"), ["function"], join(param, "type"))
    where = join(param, "function")
    fn = v.expect_object(v.require(body, "function", param), where) or {}
    reject_unknown(fn, ("name", "arguments", "output") if with_output else ("name", "arguments"), where)
    name = v.expect_string(v.require(fn, "name", where), join(where, "name")) or ""
    arguments = v.expect_string(fn.get("arguments", ""), join(where, "arguments")) or ""
    if not with_output:
        return {"id": call_id, "function": {"name": name, "arguments": arguments}}
    output = v.expect_string(fn.get("output"), join(where, "output"), nullable=True)
    return models.function_call(call_id, name, arguments, output)


def check_step(body: Any, run: dict[str, Any], now: int, param: str) -> dict[str, Any]:
    """A run step as the API returns it; it must belong to ``run``."""
    v.expect_object(body, param)
    step_id = ident(v.require(body, "id", param), "step", join(param, "id")) or ""
    details = _step_details(v.require(body, "step_details", param), join(param, "step_details"))
    created_at = stamp(body, "created_at", param, now) or 0
    step = models.run_step(step_id, run=run, created_at=created_at, step_details=details)
    reject_unknown(body, step, param)
    expect_equal(body.get("object", "thread.run.step"), "thread.run.step", join(param, "object"))
    for key in ("run_id", "thread_id"):
        expect_equal(body.get(key, step[key]), step[key], join(param, key))
    step["assistant_id"] = ident(
        body.get("assistant_id", step["assistant_id"]), "assistant", join(param, "assistant_id")
    )
    expect_equal(body.get("type", details["type"]), details["type"], join(param, "type"))
    step["status"] = v.expect_enum(v.require(body, "status", param), STEP_STATUSES, join(param, "status"))
    for key in ("cancelled_at", "completed_at", "expires_at", "expired_at", "failed_at"):
        step[key] = stamp(body, key, param, step[key])
    step["last_error"] = last_error(body.get("last_error"), join(param, "last_error"))
    step["usage"] = usage(body.get("usage"), join(param, "usage"))
    step["metadata"] = v.check_metadata(body.get("metadata"), join(param, "metadata"))
    return step


def _step_details(value: Any, param: str) -> dict[str, Any]:
    body = v.expect_object(value, param) or {}
    kind = v.expect_enum(v.require(body, "type", param), STEP_TYPES, join(param, "type")) or ""
    reject_unknown(body, ("type", kind), param)
    if kind == "message_creation":
        where = join(param, "message_creation")
        creation = v.expect_object(v.require(body, "message_creation", param), where) or {}
        reject_unknown(creation, ("message_id",), where)
        message_id = ident(v.require(creation, "message_id", where), "message", join(where, "message_id"))
        return {"type": kind, "message_creation": {"message_id": message_id}}
    where = join(param, "tool_calls")
    calls = v.expect_array(v.require(body, "tool_calls", param), where) or []
    checked = []
    for i, call in enumerate(calls):
        call_param = join(where, i)
        item = v.expect_object(call, call_param) or {}
        kind_of_call = v.expect_enum(v.require(item, "type", call_param), TOOL_CALL_TYPES, join(call_param, "type"))
        if kind_of_call == "function":
            checked.append(function_call(item, call_param, with_output=True))
        else:  # built-in tools the fake never runs itself: kept as given (pasted real output)
            ident(v.require(item, "id", call_param), "call", join(call_param, "id"))
            checked.append(dict(item))
    return {"type": kind, "tool_calls": checked}


def wire_content(value: Any, param: str) -> tuple[Any, dict[int, list[dict[str, Any]]]]:
    """Content that may hold wire-form text parts (``{"text": {"value", "annotations"}}``, as the API returns
    them): the request form for ``_prepare_message``, plus the annotations to put back, by part index."""
    if not isinstance(value, list):
        return value, {}
    parts: list[Any] = []
    notes: dict[int, list[dict[str, Any]]] = {}
    for i, part in enumerate(value):
        text = part.get("text") if isinstance(part, dict) and part.get("type") == "text" else None
        if not isinstance(text, dict):
            parts.append(part)
            continue
        where = join(join(param, i), "text")
        reject_unknown(text, ("value", "annotations"), where)
        body = v.expect_string(v.require(text, "value", where), join(where, "value"))
        items = v.expect_array(text.get("annotations"), join(where, "annotations"), nullable=True) or []
        notes[i] = [annotation(a, join(join(where, "annotations"), j)) for j, a in enumerate(items)]
        parts.append({**part, "text": body})
    return parts, notes


def annotation(value: Any, param: str) -> dict[str, Any]:
    body = v.expect_object(value, param) or {}
    kind = v.expect_enum(v.require(body, "type", param), ANNOTATION_TYPES, join(param, "type")) or ""
    reject_unknown(body, ("type", "text", kind, "start_index", "end_index"), param)
    nested = v.expect_object(v.require(body, kind, param), join(param, kind)) or {}
    v.expect_string(v.require(nested, "file_id", join(param, kind)), join(join(param, kind), "file_id"))
    result: dict[str, Any] = {
        "type": kind,
        "text": v.expect_string(v.require(body, "text", param), join(param, "text")),
    }
    result[kind] = dict(nested)
    for key in ("start_index", "end_index"):
        result[key] = count(v.require(body, key, param), join(param, key))
    return result
