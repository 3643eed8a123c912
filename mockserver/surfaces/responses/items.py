"""Input items: validation in the API's wording and normalization into the items responses and conversations store.

Shared by ``POST /v1/responses`` (``input``, param prefix ``input``) and the Conversations endpoints (``items``).
:func:`check_items` validates everything and returns normalized items whose ``id`` is ``None`` where the client
sent none; :func:`assign_ids` mints those ids only once every other check passed (a refused request mints
nothing). ``item_reference`` entries stay references: the caller resolves them against stored items.

Normalized forms (reference 3.5; INF details in docs/responses.md):
- a string, or an "easy" message ``{role, content}``: ``{"id", "type": "message", "status", "content", "role"}``,
  string content becoming one ``input_text`` part (``output_text`` for ``assistant``);
- ``function_call`` / ``function_call_output`` with ``status: "completed"`` unless sent;
- other item types are kept as sent (with an id and a status), so pasted history round-trips.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.surfaces.responses import checks as c

ROLES = ["assistant", "system", "developer", "user"]
ITEM_STATUSES = ["in_progress", "completed", "incomplete"]
#: Part types the API knows at all (the list an unknown part type is answered with).
PART_TYPES = [
    "input_text",
    "input_image",
    "input_audio",
    "output_text",
    "refusal",
    "input_file",
    "computer_screenshot",
    "summary_text",
    "encrypted_content",
]
USER_PART_TYPES = ["input_text", "input_image", "input_file", "scoped_content", "input_audio"]
ASSISTANT_PART_TYPES = ["output_text", "refusal"]
IMAGE_DETAILS = ["low", "high", "auto", "original"]
#: Item types ``input`` accepts (SDK 3.63 ``ResponseInputItemParam``), the list an unknown type is answered with.
ITEM_TYPES = sorted(
    [
        "additional_tools",
        "apply_patch_call",
        "apply_patch_call_output",
        "code_interpreter_call",
        "compaction",
        "computer_call",
        "computer_call_output",
        "custom_tool_call",
        "custom_tool_call_output",
        "file_search_call",
        "function_call",
        "function_call_output",
        "image_generation_call",
        "item_reference",
        "local_shell_call",
        "local_shell_call_output",
        "mcp_approval_request",
        "mcp_approval_response",
        "mcp_call",
        "mcp_list_tools",
        "message",
        "program",
        "program_output",
        "reasoning",
        "shell_call",
        "shell_call_output",
        "tool_search_call",
        "tool_search_output",
        "web_search_call",
    ]
)
#: Item type -> the id kind minted for it when the client sends none (core/ids.py KINDS).
ID_KINDS = {
    "message": "response_message",
    "function_call": "function_call",
    "function_call_output": "function_call_output",
    "reasoning": "reasoning",
    "web_search_call": "web_search_call",
    "file_search_call": "file_search_call",
    "code_interpreter_call": "code_interpreter_call",
}
#: Kinds of items without a kind of their own get a message-like id (they are kept as sent).
OTHER_ID_KIND = "response_message"
INCLUDE_VALUES = [
    "file_search_call.results",
    "web_search_call.results",
    "web_search_call.action.sources",
    "message.input_image.image_url",
    "computer_call_output.output.image_url",
    "code_interpreter_call.outputs",
    "reasoning.encrypted_content",
    "message.output_text.logprobs",
]
MESSAGE_FIELDS = ("type", "role", "content", "id", "status", "phase")
FUNCTION_CALL_FIELDS = ("type", "id", "call_id", "name", "arguments", "status", "namespace")
FUNCTION_OUTPUT_FIELDS = ("type", "id", "call_id", "output", "status")


def message(item_id: str | None, role: str, content: list[dict[str, Any]], status: str = "completed") -> dict[str, Any]:
    return {"id": item_id, "type": "message", "status": status, "content": content, "role": role}


def input_text(text: str) -> dict[str, Any]:
    return {"type": "input_text", "text": text}


def output_text(text: str, annotations: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"type": "output_text", "annotations": list(annotations or []), "logprobs": [], "text": text}


def check_input(value: Any, param: str = "input") -> list[dict[str, Any]]:
    """``input``: a string (one user message) or an array of items."""
    if isinstance(value, str):
        return [message(None, "user", [input_text(value)])]
    if value is None:
        raise c.type_error(value, "a string", param)
    if not isinstance(value, list):
        raise c.type_error(value, "one of a string or array of input items", param)
    return check_items(value, param)


def check_items(values: list[Any], param: str) -> list[dict[str, Any]]:
    return [check_item(item, f"{param}[{i}]") for i, item in enumerate(values)]


def check_item(item: Any, param: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise c.type_error(item, "an input item", param, null_as_object=False)
    kind = item.get("type")
    if kind is None:
        # ``{"id": ...}`` alone is an item reference (its ``type`` is optional in the SDK).
        if "role" not in item and "content" not in item and "id" in item:
            return _reference(item, param)
        kind = "message"
    if not isinstance(kind, str):
        raise c.type_error(kind, "a string", f"{param}.type")
    if kind not in ITEM_TYPES:
        raise c.invalid_value(kind, ITEM_TYPES, param)
    if kind == "message":
        return _message(item, param)
    if kind == "function_call":
        return _function_call(item, param)
    if kind == "function_call_output":
        return _function_output(item, param)
    if kind == "item_reference":
        return _reference(item, param)
    return _verbatim(item, kind, param)


def _item_id(item: dict[str, Any], param: str) -> str | None:
    return c.string(item.get("id"), f"{param}.id")


def _status(item: dict[str, Any], param: str) -> str:
    return c.enum(item.get("status"), ITEM_STATUSES, f"{param}.status") or "completed"


def _message(item: dict[str, Any], param: str) -> dict[str, Any]:
    role = item.get("role", "")
    if not isinstance(role, str):
        raise c.type_error(role, "a string", f"{param}.role")
    if role not in ROLES:
        raise c.invalid_value(role, ROLES, param)
    if "content" not in item:
        raise c.missing(f"{param}.content")
    c.reject_unknown(item, MESSAGE_FIELDS, param)
    item_id = _item_id(item, param)
    status = _status(item, param)
    content = item["content"]
    where = f"{param}.content"
    if isinstance(content, str):
        parts = [output_text(content) if role == "assistant" else input_text(content)]
    elif isinstance(content, list):
        parts = [_part(part, role, f"{where}[{i}]") for i, part in enumerate(content)]
    else:
        raise c.type_error(content, "one of a string or array of input content", where)
    return message(item_id, role, parts, status)


def _part(part: Any, role: str, param: str) -> dict[str, Any]:
    if not isinstance(part, dict):
        raise c.type_error(part, "an object", param, null_as_object=False)
    if "type" not in part:
        raise c.missing(f"{param}.type")
    kind = part["type"]
    if not isinstance(kind, str):
        raise c.type_error(kind, "a string", f"{param}.type")
    allowed = ASSISTANT_PART_TYPES if role == "assistant" else USER_PART_TYPES
    if kind not in PART_TYPES and kind not in allowed:
        raise c.invalid_value(kind, PART_TYPES, f"{param}.type")
    if kind not in allowed:
        raise c.invalid_value(kind, allowed, param)
    if kind == "input_text":
        c.reject_unknown(part, ("type", "text"), param)
        return input_text(c.string(_required(part, "text", param), f"{param}.text", nullable=False) or "")
    if kind == "output_text":
        c.reject_unknown(part, ("type", "text", "annotations", "logprobs"), param)
        text = c.string(_required(part, "text", param), f"{param}.text", nullable=False) or ""
        notes = c.array(part.get("annotations"), f"{param}.annotations") or []
        for i, note in enumerate(notes):
            c.obj(note, f"{param}.annotations[{i}]", nullable=False)
        out = output_text(text, notes)
        out["logprobs"] = c.array(part.get("logprobs"), f"{param}.logprobs") or []
        return out
    if kind == "refusal":
        c.reject_unknown(part, ("type", "refusal"), param)
        return {
            "type": "refusal",
            "refusal": c.string(_required(part, "refusal", param), f"{param}.refusal", nullable=False),
        }
    if kind == "input_image":
        c.reject_unknown(part, ("type", "image_url", "file_id", "detail"), param)
        image_url = c.string(part.get("image_url"), f"{param}.image_url")
        file_id = c.string(part.get("file_id"), f"{param}.file_id")
        if image_url is None and file_id is None:
            raise c.missing(f"{param}.image_url")
        detail = c.enum(part.get("detail"), IMAGE_DETAILS, f"{param}.detail") or "auto"
        return {"type": "input_image", "detail": detail, "file_id": file_id, "image_url": image_url}
    if kind == "input_file":
        fields = ("file_id", "file_data", "file_url", "filename")
        c.reject_unknown(part, ("type", *fields), param)
        out = {"type": "input_file"}
        for key in fields:
            if part.get(key) is not None:
                out[key] = c.string(part[key], f"{param}.{key}", nullable=False)
        if not any(key in out for key in ("file_id", "file_data", "file_url")):
            raise c.missing(f"{param}.file_id")
        return out
    # input_audio, scoped_content: kept as sent.
    return dict(part)


def _required(body: dict[str, Any], key: str, prefix: str) -> Any:
    if key not in body:
        raise c.missing(f"{prefix}.{key}")
    return body[key]


def _function_call(item: dict[str, Any], param: str) -> dict[str, Any]:
    c.reject_unknown(item, FUNCTION_CALL_FIELDS, param)
    item_id = _item_id(item, param)
    status = _status(item, param)
    call_id = c.string(_required(item, "call_id", param), f"{param}.call_id", nullable=False)
    name = c.string(_required(item, "name", param), f"{param}.name", nullable=False)
    arguments = c.string(_required(item, "arguments", param), f"{param}.arguments", nullable=False)
    return {
        "id": item_id,
        "type": "function_call",
        "status": status,
        "arguments": arguments,
        "call_id": call_id,
        "name": name,
    }


def _function_output(item: dict[str, Any], param: str) -> dict[str, Any]:
    c.reject_unknown(item, FUNCTION_OUTPUT_FIELDS, param)
    item_id = _item_id(item, param)
    status = _status(item, param)
    call_id = c.string(_required(item, "call_id", param), f"{param}.call_id", nullable=False)
    output = _required(item, "output", param)
    if isinstance(output, list):
        output = [_part(part, "user", f"{param}.output[{i}]") for i, part in enumerate(output)]
    elif not isinstance(output, str):
        raise c.type_error(output, "one of a string or array of input content", f"{param}.output")
    return {"id": item_id, "type": "function_call_output", "call_id": call_id, "output": output, "status": status}


def _reference(item: dict[str, Any], param: str) -> dict[str, Any]:
    c.reject_unknown(item, ("type", "id"), param)
    ref = c.string(_required(item, "id", param), f"{param}.id", nullable=False)
    return {"type": "item_reference", "id": ref}


#: Required members of the item kinds mockserver keeps without interpreting (SDK 3.63 ``ResponseInputItemParam``).
OTHER_REQUIRED = {
    "additional_tools": ("role", "tools"),
    "apply_patch_call": ("call_id", "operation", "status"),
    "apply_patch_call_output": ("call_id", "status"),
    "computer_call": ("id", "action", "call_id", "pending_safety_checks", "status"),
    "computer_call_output": ("call_id", "output"),
    "custom_tool_call": ("call_id", "input", "name"),
    "custom_tool_call_output": ("call_id", "output"),
    "image_generation_call": ("id", "result", "status"),
    "local_shell_call": ("id", "action", "call_id", "status"),
    "local_shell_call_output": ("id", "output"),
    "mcp_approval_request": ("id", "arguments", "name", "server_label"),
    "mcp_approval_response": ("approval_request_id", "approve"),
    "mcp_call": ("id", "arguments", "name", "server_label"),
    "mcp_list_tools": ("id", "server_label", "tools"),
    "program": ("id", "call_id", "code", "fingerprint"),
    "program_output": ("id", "call_id", "result", "status"),
    "shell_call": ("action", "call_id"),
    "shell_call_output": ("call_id", "output"),
    "tool_search_call": ("arguments",),
}


def _verbatim(item: dict[str, Any], kind: str, param: str) -> dict[str, Any]:
    """Reasoning and hosted tool call items are checked member by member; the other kinds mockserver does not
    interpret are kept as sent once their required members are present (docs/responses.md)."""
    if kind == "reasoning":
        return _reasoning(item, param)
    if kind in ("web_search_call", "file_search_call", "code_interpreter_call"):
        return _hosted_call(item, kind, param)
    for key in OTHER_REQUIRED.get(kind, ()):
        _required(item, key, param)
    item_id = _item_id(item, param)
    out: dict[str, Any] = {"id": item_id, **{k: v for k, v in item.items() if k != "id"}}
    out.setdefault("status", "completed")
    return out


def _text_parts(value: Any, kind: str, param: str) -> list[dict[str, Any]]:
    parts = c.array(value, param, nullable=False) or []
    out = []
    for i, part in enumerate(parts):
        where = f"{param}[{i}]"
        body = c.obj(part, where, nullable=False) or {}
        c.reject_unknown(body, ("type", "text"), where)
        c.enum(_required(body, "type", where), [kind], f"{where}.type", nullable=False)
        out.append({"type": kind, "text": c.string(_required(body, "text", where), f"{where}.text", nullable=False)})
    return out


def _reasoning(item: dict[str, Any], param: str) -> dict[str, Any]:
    """``{id, summary: [{type: summary_text, text}], content?, encrypted_content?}`` (no ``status`` as input)."""
    c.reject_unknown(item, ("type", "id", "summary", "content", "encrypted_content"), param)
    item_id = c.string(_required(item, "id", param), f"{param}.id", nullable=False)
    out: dict[str, Any] = {"id": item_id, "type": "reasoning"}
    out["summary"] = _text_parts(_required(item, "summary", param), "summary_text", f"{param}.summary")
    if item.get("content") is not None:
        out["content"] = _text_parts(item["content"], "reasoning_text", f"{param}.content")
    if item.get("encrypted_content") is not None:
        out["encrypted_content"] = c.string(item["encrypted_content"], f"{param}.encrypted_content")
    return out


def _hosted_call(item: dict[str, Any], kind: str, param: str) -> dict[str, Any]:
    """A replayed web_search_call / file_search_call / code_interpreter_call, in the shape the API returns."""
    fields = {
        "web_search_call": ("action",),
        "file_search_call": ("queries", "results"),
        "code_interpreter_call": ("code", "container_id", "outputs"),
    }[kind]
    c.reject_unknown(item, ("type", "id", "status", *fields), param)
    item_id = c.string(_required(item, "id", param), f"{param}.id", nullable=False)
    status = c.enum(_required(item, "status", param), [*ITEM_STATUSES, "searching", "interpreting", "failed"],
                    f"{param}.status", nullable=False)  # fmt: skip
    out: dict[str, Any] = {"id": item_id, "type": kind, "status": status}
    if kind == "web_search_call":
        action = c.obj(_required(item, "action", param), f"{param}.action", nullable=False) or {}
        c.enum(_required(action, "type", f"{param}.action"), ["search", "open_page", "find_in_page"],
               f"{param}.action.type", nullable=False)  # fmt: skip
        out["action"] = dict(action)
    elif kind == "file_search_call":
        queries = c.array(_required(item, "queries", param), f"{param}.queries", nullable=False) or []
        out["queries"] = [c.string(q, f"{param}.queries[{i}]", nullable=False) for i, q in enumerate(queries)]
        results = c.array(item.get("results"), f"{param}.results")
        for i, result in enumerate(results or []):
            c.obj(result, f"{param}.results[{i}]", nullable=False)
        out["results"] = results
    else:
        out["code"] = c.string(item.get("code"), f"{param}.code")
        out["container_id"] = c.string(_required(item, "container_id", param), f"{param}.container_id", nullable=False)
        outputs = c.array(item.get("outputs"), f"{param}.outputs")
        for i, output in enumerate(outputs or []):
            body = c.obj(output, f"{param}.outputs[{i}]", nullable=False) or {}
            kind_of = c.enum(_required(body, "type", f"{param}.outputs[{i}]"), ["logs", "image"],
                             f"{param}.outputs[{i}].type", nullable=False)  # fmt: skip
            key = "logs" if kind_of == "logs" else "url"
            c.string(_required(body, key, f"{param}.outputs[{i}]"), f"{param}.outputs[{i}].{key}", nullable=False)
        out["outputs"] = outputs
    return out


def check_include(value: Any) -> list[str]:
    """``include`` (a body array, or the ``include[]`` query values): each a known value; duplicates dropped."""
    values = c.array(value, "include") or []
    for i, item in enumerate(values):
        c.enum(item, INCLUDE_VALUES, f"include[{i}]", nullable=False)
    return list(dict.fromkeys(values))


def assign_ids(items: list[dict[str, Any]], mint: Callable[[str], str]) -> list[dict[str, Any]]:
    """Give every item without an id a new one (``mint(kind)``); references are left to the caller."""
    for item in items:
        if item.get("id") is None and item.get("type") != "item_reference":
            item["id"] = mint(ID_KINDS.get(item["type"], OTHER_ID_KIND))
    return items


def item_text(item: dict[str, Any]) -> str:
    """The text an item contributes to the prompt (token counts, rule matching)."""
    kind = item.get("type")
    if kind == "message":
        parts = item.get("content") or []
        return "\n".join(str(p.get("text") or p.get("refusal") or "") for p in parts if isinstance(p, dict))
    if kind == "function_call":
        return str(item.get("name", "")) + str(item.get("arguments", ""))
    if kind == "function_call_output":
        output = item.get("output")
        if isinstance(output, str):
            return output
        return "\n".join(str(p.get("text", "")) for p in output or [] if isinstance(p, dict))
    return ""


def user_text(item: dict[str, Any]) -> str | None:
    """A user message's text parts joined by newlines; ``None`` for any other item."""
    if item.get("type") != "message" or item.get("role") != "user":
        return None
    return "\n".join(str(p["text"]) for p in item["content"] if p.get("type") == "input_text")
