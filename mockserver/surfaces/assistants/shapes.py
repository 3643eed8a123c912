"""The JSON shape of every API object, spelled out once.

Builders return plain wire-shaped dicts (the stored object *is* the API object). Input normalization that
produces those shapes (message content, tool resources) lives here too, since it decides what is echoed.
"""

from __future__ import annotations

from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v

CONTENT_PART_TYPES = ["image_file", "image_url", "text"]
IMAGE_DETAILS = ["auto", "low", "high"]
ATTACHMENT_TOOL_TYPES = ["code_interpreter", "file_search"]


def thread(thread_id: str, created_at: int, metadata: dict[str, str], tool_resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": thread_id,
        "object": "thread",
        "created_at": created_at,
        "tool_resources": tool_resources,
        "metadata": metadata,
    }


def message(
    message_id: str,
    *,
    thread_id: str,
    created_at: int,
    role: str,
    content: list[dict[str, Any]],
    attachments: list[dict[str, Any]],
    metadata: dict[str, str],
    assistant_id: str | None = None,
    run_id: str | None = None,
    status: str = "completed",
    completed_at: int | None = None,
    incomplete_at: int | None = None,
    incomplete_details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    # ``status`` is never null: the SDK's Message type requires it, so strict validation would fail on the
    # null real REST reads show (docs/decisions.md, "Message status").
    return {
        "id": message_id,
        "object": "thread.message",
        "created_at": created_at,
        "assistant_id": assistant_id,
        "thread_id": thread_id,
        "run_id": run_id,
        "role": role,
        "content": content,
        "attachments": attachments,
        "metadata": metadata,
        "status": status,
        "completed_at": completed_at,
        "incomplete_at": incomplete_at,
        "incomplete_details": incomplete_details,
    }


def deleted(object_id: str, object_type: str) -> dict[str, Any]:
    return {"id": object_id, "object": f"{object_type}.deleted", "deleted": True}


def list_page(data: list[dict[str, Any]], has_more: bool) -> dict[str, Any]:
    return {
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": has_more,
    }


def text_block(value: str, annotations: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"type": "text", "text": {"value": value, "annotations": list(annotations or [])}}


def refusal_block(refusal: str) -> dict[str, Any]:
    return {"type": "refusal", "refusal": refusal}


def normalize_content(content: Any, param: str = "content") -> list[dict[str, Any]]:
    """A message's ``content`` as the API stores it: a string becomes one text block, parts get defaults."""
    if isinstance(content, str):
        if not content:
            raise e.InvalidRequestError(
                e.STRING_TOO_SHORT.format(param=param, limit=1), param=param, code="string_below_min_length"
            )
        return [text_block(content)]
    if not isinstance(content, list):
        raise v.type_error(content, "one of a string or array of objects", param)
    if not content:
        raise e.InvalidRequestError(e.EMPTY_ARRAY.format(param=param), param=param, code="empty_array")
    return [_normalize_part(part, f"{param}[{i}]") for i, part in enumerate(content)]


def _normalize_part(part: Any, param: str) -> dict[str, Any]:
    v.expect_object(part, param)
    kind = v.expect_enum(v.require(part, "type", param), CONTENT_PART_TYPES, f"{param}.type")
    if kind == "text":
        v.reject_unknown(part, ("type", "text"))
        text = v.expect_string(v.require(part, "text", param), f"{param}.text")
        return text_block(text or "")
    if kind == "image_url":
        v.reject_unknown(part, ("type", "image_url"))
        image = v.expect_object(v.require(part, "image_url", param), f"{param}.image_url") or {}
        v.reject_unknown(image, ("url", "detail"))
        url = v.expect_string(v.require(image, "url", f"{param}.image_url"), f"{param}.image_url.url")
        detail = _detail(image, f"{param}.image_url")
        return {"type": "image_url", "image_url": {"url": url, "detail": detail}}
    v.reject_unknown(part, ("type", "image_file"))
    image = v.expect_object(v.require(part, "image_file", param), f"{param}.image_file") or {}
    v.reject_unknown(image, ("file_id", "detail"))
    file_id = v.expect_string(v.require(image, "file_id", f"{param}.image_file"), f"{param}.image_file.file_id")
    return {"type": "image_file", "image_file": {"file_id": file_id, "detail": _detail(image, f"{param}.image_file")}}


def _detail(image: dict[str, Any], param: str) -> str:
    detail = v.expect_enum(image.get("detail"), IMAGE_DETAILS, f"{param}.detail", nullable=True)
    return detail or "auto"


def normalize_attachments(value: Any, param: str = "attachments") -> list[dict[str, Any]]:
    items = v.expect_array(value, param, nullable=True) or []
    result = []
    for i, item in enumerate(items):
        where = f"{param}[{i}]"
        v.expect_object(item, where)
        v.reject_unknown(item, ("file_id", "tools"))
        file_id = v.expect_string(v.require(item, "file_id", where), f"{where}.file_id")
        tools = v.expect_array(item.get("tools"), f"{where}.tools", nullable=True) or []
        echoed = []
        for j, tool in enumerate(tools):
            tool_param = f"{where}.tools[{j}]"
            v.expect_object(tool, tool_param)
            v.reject_unknown(tool, ("type",))
            echoed.append(
                {
                    "type": v.expect_enum(
                        v.require(tool, "type", tool_param), ATTACHMENT_TOOL_TYPES, f"{tool_param}.type"
                    )
                }
            )
        result.append({"file_id": file_id, "tools": echoed})
    return result


def normalize_tool_resources(
    value: Any, param: str = "tool_resources", *, allow_helpers: bool = True
) -> dict[str, Any]:
    """Echo of ``tool_resources``: code_interpreter file ids (<= 20) and file_search vector store ids (<= 1).

    ``allow_helpers`` admits the ``vector_stores`` creation helper (create calls only); its entries are returned
    under ``"_new_vector_stores"`` and the caller turns each into a real vector store (``references.py``).
    """
    resources = v.expect_object(value, param, nullable=True)
    if not resources:
        return {}
    v.reject_unknown(resources, ("code_interpreter", "file_search"))
    result: dict[str, Any] = {}
    if "code_interpreter" in resources:
        where = f"{param}.code_interpreter"
        ci = v.expect_object(resources["code_interpreter"], where) or {}
        v.reject_unknown(ci, ("file_ids",))
        file_ids = v.expect_array(ci.get("file_ids", []), f"{where}.file_ids", max_items=20) or []
        for i, file_id in enumerate(file_ids):
            v.expect_string(file_id, f"{where}.file_ids[{i}]")
        result["code_interpreter"] = {"file_ids": list(file_ids)}
    if "file_search" in resources:
        where = f"{param}.file_search"
        fs = v.expect_object(resources["file_search"], where) or {}
        if "file_ids" in fs:  # a v1 habit: the real 400 names the path (openai-python#1983)
            param_name = f"{where}.file_ids"
            raise e.InvalidRequestError(
                e.CHAT_UNKNOWN_PARAMETER.format(param=param_name), param=param_name, code="unknown_parameter"
            )
        v.reject_unknown(fs, ("vector_store_ids", "vector_stores") if allow_helpers else ("vector_store_ids",))
        ids = v.expect_array(fs.get("vector_store_ids", []), f"{where}.vector_store_ids", max_items=1) or []
        for i, store_id in enumerate(ids):
            v.expect_string(store_id, f"{where}.vector_store_ids[{i}]")
        helpers = v.expect_array(fs.get("vector_stores", []), f"{where}.vector_stores", max_items=1) or []
        for i, helper in enumerate(helpers):
            v.expect_object(helper, f"{where}.vector_stores[{i}]")
        result["file_search"] = {"vector_store_ids": list(ids)}
        if helpers:  # made into real stores once the whole request is valid (references.py)
            result["_new_vector_stores"] = [dict(helper) for helper in helpers]
    return result


# -- assistants, runs and run steps (issue 5) -------------------------------------------------------------------


def assistant(assistant_id: str, created_at: int, fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` holds the validated create/modify values; everything absent gets the real default."""
    return {
        "id": assistant_id,
        "object": "assistant",
        "created_at": created_at,
        "name": fields.get("name"),
        "description": fields.get("description"),
        "model": fields["model"],
        "instructions": fields.get("instructions"),
        "tools": fields.get("tools", []),
        "tool_resources": fields.get("tool_resources", {}),
        "metadata": fields.get("metadata", {}),
        "top_p": fields.get("top_p", 1.0),
        "temperature": fields.get("temperature", 1.0),
        "reasoning_effort": fields.get("reasoning_effort"),
        "response_format": fields.get("response_format", "auto"),
    }


def run(run_id: str, *, created_at: int, thread_id: str, assistant_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    """A freshly created (queued) run, in the real key order; ``fields`` are the resolved overrides."""
    return {
        "id": run_id,
        "object": "thread.run",
        "created_at": created_at,
        "assistant_id": assistant_id,
        "thread_id": thread_id,
        "status": "queued",
        "started_at": None,
        "expires_at": created_at + RUN_TTL_SECONDS,
        "cancelled_at": None,
        "failed_at": None,
        "completed_at": None,
        "required_action": None,
        "last_error": None,
        "model": fields["model"],
        "instructions": fields["instructions"],
        "tools": fields["tools"],
        "tool_resources": fields["tool_resources"],
        "metadata": fields["metadata"],
        "temperature": fields["temperature"],
        "top_p": fields["top_p"],
        "reasoning_effort": fields.get("reasoning_effort"),
        "max_completion_tokens": fields.get("max_completion_tokens"),
        "max_prompt_tokens": fields.get("max_prompt_tokens"),
        "truncation_strategy": fields["truncation_strategy"],
        "incomplete_details": None,
        "usage": None,
        "response_format": fields["response_format"],
        "tool_choice": fields["tool_choice"],
        "parallel_tool_calls": fields["parallel_tool_calls"],
    }


#: A run expires this long after creation if it is still active (reference section 7).
RUN_TTL_SECONDS = 600


def run_step(step_id: str, *, run: dict[str, Any], created_at: int, step_details: dict[str, Any]) -> dict[str, Any]:
    """An in-progress step. Real responses carry ``expires_at`` (the run's); ``expired_at``/``metadata`` are
    the schema's names, kept as well so strict schema users pass (docs/runs.md, "Run step fields")."""
    return {
        "id": step_id,
        "object": "thread.run.step",
        "created_at": created_at,
        "run_id": run["id"],
        "assistant_id": run["assistant_id"],
        "thread_id": run["thread_id"],
        "type": step_details["type"],
        "status": "in_progress",
        "cancelled_at": None,
        "completed_at": None,
        "expires_at": run["expires_at"],
        "expired_at": None,
        "failed_at": None,
        "last_error": None,
        "step_details": step_details,
        "usage": None,
        "metadata": {},
    }


def usage(prompt_tokens: int, completion_tokens: int) -> dict[str, int]:
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def function_call(call_id: str, name: str, arguments: str, output: str | None = None) -> dict[str, Any]:
    """A function call as a run step shows it (``required_action`` drops ``output``)."""
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments, "output": output}}


def message_delta(message_id: str, content: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": message_id, "object": "thread.message.delta", "delta": {"content": content}}


def step_delta(step_id: str, step_details: dict[str, Any]) -> dict[str, Any]:
    return {"id": step_id, "object": "thread.run.step.delta", "delta": {"step_details": step_details}}
