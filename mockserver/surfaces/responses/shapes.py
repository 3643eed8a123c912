"""The JSON of every Responses object, spelled out once (reference section 3; key order from real captures)."""

from __future__ import annotations

from typing import Any

TERMINAL_STATUSES = frozenset({"completed", "failed", "cancelled", "incomplete"})
ACTIVE_STATUSES = frozenset({"queued", "in_progress"})
#: ``response.<status>`` lifecycle events that end a stream.
END_EVENTS = frozenset({"response.completed", "response.failed", "response.incomplete", "response.cancelled"})


def response(
    response_id: str,
    *,
    created_at: int,
    fields: dict[str, Any],
    background: bool,
    conversation_id: str | None,
) -> dict[str, Any]:
    """A new response, ``in_progress`` (``queued`` in background), in the key order of reference 3.1."""
    out: dict[str, Any] = {
        "id": response_id,
        "object": "response",
        "created_at": created_at,
        "status": "queued" if background else "in_progress",
        "background": background,
        "completed_at": None,
    }
    if conversation_id is not None:
        out["conversation"] = {"id": conversation_id}
    out.update(
        error=None,
        frequency_penalty=0.0,
        incomplete_details=None,
        instructions=fields["instructions"],
        max_output_tokens=fields["max_output_tokens"],
        max_tool_calls=fields["max_tool_calls"],
        model=fields["model"],
        moderation=None,
        output=[],
        parallel_tool_calls=fields["parallel_tool_calls"],
        presence_penalty=0.0,
        previous_response_id=fields["previous_response_id"],
    )
    if fields.get("prompt") is not None:
        out["prompt"] = fields["prompt"]
    out.update(
        prompt_cache_key=fields["prompt_cache_key"],
        prompt_cache_retention=fields["prompt_cache_retention"],
        reasoning=fields["reasoning"],
        safety_identifier=fields["safety_identifier"],
        service_tier=fields["service_tier"] or "auto",
        store=fields["store"],
        temperature=fields["temperature"],
        text=fields["text"],
        tool_choice=fields["tool_choice"],
        tools=fields["tools"],
        top_logprobs=fields["top_logprobs"],
        top_p=fields["top_p"],
        truncation=fields["truncation"],
        usage=None,
        user=fields["user"],
        metadata=fields["metadata"],
    )
    return out


def terminal_service_tier(requested: str | None) -> str:
    """Unset (or ``auto``) reads ``auto`` while running and ``default`` once finished (reference 3.1)."""
    return "default" if requested in (None, "auto") else requested


def with_billing(data: dict[str, Any]) -> dict[str, Any]:
    """A finished response as stored and read: ``billing`` right after ``background`` (its stream events, emitted
    before this is stored, have none)."""
    if data["status"] not in TERMINAL_STATUSES or data["status"] == "cancelled" or "billing" in data:
        return data
    out: dict[str, Any] = {}
    for key, value in data.items():
        out[key] = value
        if key == "background":
            out["billing"] = {"payer": "developer"}
    return out


def usage(input_tokens: int, output_tokens: int) -> dict[str, Any]:
    return {
        "input_tokens": input_tokens,
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": output_tokens,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": input_tokens + output_tokens,
    }


def output_message(item_id: str, content: list[dict[str, Any]], status: str = "completed") -> dict[str, Any]:
    return {"id": item_id, "type": "message", "status": status, "content": content, "role": "assistant"}


def refusal_part(refusal: str) -> dict[str, Any]:
    return {"type": "refusal", "refusal": refusal}


def function_call(item_id: str, call_id: str, name: str, arguments: str, status: str = "completed") -> dict[str, Any]:
    return {
        "id": item_id,
        "type": "function_call",
        "status": status,
        "arguments": arguments,
        "call_id": call_id,
        "name": name,
    }


def web_search_call(item_id: str, query: str, sources: list[str] | None, status: str) -> dict[str, Any]:
    action: dict[str, Any] = {"type": "search", "query": query}
    if sources is not None:
        action["sources"] = [{"type": "url", "url": url} for url in sources]
    return {"id": item_id, "type": "web_search_call", "status": status, "action": action}


def file_search_call(
    item_id: str, queries: list[str], results: list[dict[str, Any]] | None, status: str
) -> dict[str, Any]:
    return {"id": item_id, "type": "file_search_call", "status": status, "queries": queries, "results": results}


def code_interpreter_call(
    item_id: str, code: str, container_id: str, outputs: list[dict[str, Any]] | None, status: str
) -> dict[str, Any]:
    return {
        "id": item_id,
        "type": "code_interpreter_call",
        "status": status,
        "code": code,
        "container_id": container_id,
        "outputs": outputs,
    }


def annotation(note: dict[str, Any]) -> dict[str, Any]:
    """A script annotation (model/rules.py form) as a Responses ``output_text`` annotation.

    Responses citations carry ``filename`` and ``index`` (where the citation sits: the end of its marker text);
    the scripted model knows no file names, so ``filename`` is the file id (docs/responses.md).
    """
    kind = note["type"]
    file_id = note[kind]["file_id"]
    if kind == "file_citation":
        return {"type": "file_citation", "file_id": file_id, "filename": file_id, "index": note["end_index"]}
    return {"type": "file_path", "file_id": file_id, "index": note["end_index"]}


def list_page(data: list[dict[str, Any]], has_more: bool) -> dict[str, Any]:
    return {
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": has_more,
    }


def deleted(response_id: str) -> dict[str, Any]:
    """The spec example's body (the SDK discards it): ``object`` is ``response``, not ``response.deleted``."""
    return {"id": response_id, "object": "response", "deleted": True}


def input_tokens(count: int) -> dict[str, Any]:
    return {"object": "response.input_tokens", "input_tokens": count}


def error_event_body(code: str, message: str) -> dict[str, Any]:
    """The nested ``error`` of a mid-stream error event (reference 5.6), so the SDK raises ``APIError``."""
    return {"type": code, "code": code, "message": message, "param": None}
