"""Validation of ``messages`` and ``tools`` in a chat completion request (platform-surfaces.md section 6).

Each check raises :class:`~mockserver.core.errors.InvalidRequestError` with the dotted ``param`` of the
offending value. Nested unknown keys use the newer validator's wording (``Unknown parameter: 'messages[0].x'.``,
INF); the top level keeps Chat's own ``Unrecognized request argument supplied`` (request.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.model.structured import strict_problem

ROLES = ["system", "assistant", "user", "function", "tool", "developer"]
USER_PARTS = ["text", "image_url", "input_audio", "file"]
ASSISTANT_PARTS = ["text", "refusal"]
#: Keys each role accepts; an assistant message also takes what the SDK echoes back from a completion.
ROLE_FIELDS: dict[str, tuple[str, ...]] = {
    "developer": ("role", "content", "name"),
    "system": ("role", "content", "name"),
    "user": ("role", "content", "name"),
    "assistant": ("role", "content", "name", "refusal", "tool_calls", "function_call", "audio", "annotations"),
    "tool": ("role", "content", "tool_call_id"),
    "function": ("role", "content", "name"),
}
NAME_RE = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
MAX_TOOLS = 128


def oxford(values: list[str]) -> str:
    """``'a', 'b', and 'c'``: the newer validator's list (with the serial comma; errors.quoted_choice has none)."""
    quoted = [f"'{x}'" for x in values]
    if len(quoted) <= 2:
        return " and ".join(quoted)
    return ", ".join(quoted[:-1]) + ", and " + quoted[-1]


def unknown(body: Mapping[str, Any], allowed: tuple[str, ...], param: str) -> None:
    for key in body:
        if key not in allowed:
            where = v.join_param(param, key)
            raise e.InvalidRequestError(
                e.CHAT_UNKNOWN_PARAMETER.format(param=where), param=where, code="unknown_parameter"
            )


def check_messages(raw: Any) -> list[dict[str, Any]]:
    messages = v.expect_array(raw, "messages") or []
    if not messages:
        raise e.InvalidRequestError(e.EMPTY_ARRAY.format(param="messages"), param="messages", code="empty_array")
    for i, message in enumerate(messages):
        _check_message(message, f"messages[{i}]")
    return messages


def _check_message(message: Any, param: str) -> None:
    v.expect_object(message, param)
    role = v.require(message, "role", param)
    if not isinstance(role, str):
        raise v.type_error(role, "a string", f"{param}.role")
    if role not in ROLES:
        raise e.InvalidRequestError(e.CHAT_BAD_ROLE.format(value=role), param=f"{param}.role", code="invalid_value")
    unknown(message, ROLE_FIELDS[role], param)
    content = message.get("content")
    if role == "assistant":
        if "content" not in message and not message.get("tool_calls") and not message.get("function_call"):
            raise e.missing_param(f"{param}.content")
        _check_content(content, ASSISTANT_PARTS, f"{param}.content", nullable=True)
        v.expect_string(message.get("refusal"), f"{param}.refusal", nullable=True)
        calls = v.expect_array(message.get("tool_calls"), f"{param}.tool_calls", nullable=True) or []
        for j, call in enumerate(calls):
            _check_tool_call(call, f"{param}.tool_calls[{j}]")
        v.expect_array(message.get("annotations"), f"{param}.annotations", nullable=True)
        v.expect_object(message.get("function_call"), f"{param}.function_call", nullable=True)
        v.expect_object(message.get("audio"), f"{param}.audio", nullable=True)
    elif role == "function":
        v.require(message, "content", param)
        v.expect_string(content, f"{param}.content", nullable=True)
        v.expect_string(v.require(message, "name", param), f"{param}.name")
    else:
        v.require(message, "content", param)
        parts = USER_PARTS if role == "user" else ["text"]
        _check_content(content, parts, f"{param}.content", nullable=False)
        if role == "tool":
            v.expect_string(v.require(message, "tool_call_id", param), f"{param}.tool_call_id")
    if "name" in message and role != "function":
        v.expect_string(message["name"], f"{param}.name")


def _check_content(content: Any, kinds: list[str], param: str, *, nullable: bool) -> None:
    if content is None and nullable:
        return
    if isinstance(content, str):
        return
    if not isinstance(content, list):
        raise v.type_error(content, "one of a string or array of content parts", param)
    for i, part in enumerate(content):
        _check_part(part, kinds, f"{param}[{i}]")


def _check_part(part: Any, kinds: list[str], param: str) -> None:
    v.expect_object(part, param)
    kind = v.require(part, "type", param)
    if not isinstance(kind, str):
        raise v.type_error(kind, "a string", f"{param}.type")
    if kind not in kinds:
        raise e.InvalidRequestError(
            e.CHAT_INVALID_VALUE.format(value=kind, supported=oxford(kinds)),
            param=f"{param}.type",
            code="invalid_value",
        )
    unknown(part, ("type", kind), param)
    if kind in ("text", "refusal"):
        v.expect_string(v.require(part, kind, param), f"{param}.{kind}")
        return
    body = v.expect_object(v.require(part, kind, param), f"{param}.{kind}") or {}
    where = f"{param}.{kind}"
    if kind == "image_url":
        unknown(body, ("url", "detail"), where)
        v.expect_string(v.require(body, "url", where), f"{where}.url")
        v.expect_enum(body.get("detail"), ["auto", "low", "high"], f"{where}.detail", nullable=True)
    elif kind == "input_audio":
        unknown(body, ("data", "format"), where)
        v.expect_string(v.require(body, "data", where), f"{where}.data")
        v.expect_enum(v.require(body, "format", where), ["wav", "mp3"], f"{where}.format")
    else:
        unknown(body, ("file_id", "file_data", "filename"), where)
        for key in ("file_id", "file_data", "filename"):
            v.expect_string(body.get(key), f"{where}.{key}", nullable=True)


def _check_tool_call(call: Any, param: str) -> None:
    v.expect_object(call, param)
    kind = v.expect_enum(call.get("type", "function"), ["function", "custom"], f"{param}.type")
    unknown(call, ("id", "type", "function", "custom"), param)
    v.expect_string(v.require(call, "id", param), f"{param}.id")
    key = kind or "function"
    body = v.expect_object(v.require(call, key, param), f"{param}.{key}") or {}
    fields = ("name", "arguments") if key == "function" else ("name", "input")
    unknown(body, fields, f"{param}.{key}")
    for field in fields:
        v.expect_string(v.require(body, field, f"{param}.{key}"), f"{param}.{key}.{field}")


def check_tool_turns(messages: list[dict[str, Any]]) -> None:
    """Every ``tool`` message answers a call of the assistant message just before the tool run, and every call of
    an assistant message is answered before the conversation goes on (the real API's two 400s)."""
    open_calls: list[str] = []
    opened_at = -1
    for i, message in enumerate(messages):
        role = message["role"]
        if role == "tool":
            if opened_at < 0:
                raise e.InvalidRequestError(e.CHAT_TOOL_WITHOUT_CALLS, param=f"messages.[{i}].role")
            if message["tool_call_id"] in open_calls:
                open_calls.remove(message["tool_call_id"])
            continue
        if open_calls:
            raise e.InvalidRequestError(
                e.CHAT_UNANSWERED_CALLS.format(ids=", ".join(open_calls)), param=f"messages.[{opened_at}].role"
            )
        opened_at = -1
        if role == "assistant" and message.get("tool_calls"):
            open_calls = [call["id"] for call in message["tool_calls"]]
            opened_at = i
    if open_calls:
        raise e.InvalidRequestError(
            e.CHAT_UNANSWERED_CALLS.format(ids=", ".join(open_calls)), param=f"messages.[{opened_at}].role"
        )


def check_tools(raw: Any) -> list[dict[str, Any]]:
    tools = v.expect_array(raw, "tools", max_items=MAX_TOOLS) or []
    for i, tool in enumerate(tools):
        param = f"tools[{i}]"
        v.expect_object(tool, param)
        kind = v.expect_enum(v.require(tool, "type", param), ["function", "custom"], f"{param}.type") or "function"
        unknown(tool, ("type", kind), param)
        body = v.expect_object(v.require(tool, kind, param), f"{param}.{kind}") or {}
        where = f"{param}.{kind}"
        name = v.expect_string(v.require(body, "name", where), f"{where}.name") or ""
        if not NAME_RE.match(name):
            raise e.InvalidRequestError(
                e.STRING_PATTERN.format(param=f"{where}.name", pattern=NAME_RE.pattern),
                param=f"{where}.name",
                code="invalid_value",
            )
        v.expect_string(body.get("description"), f"{where}.description", nullable=True)
        if kind == "custom":
            unknown(body, ("name", "description", "format"), where)
            v.expect_object(body.get("format"), f"{where}.format", nullable=True)
            continue
        unknown(body, ("name", "description", "parameters", "strict"), where)
        parameters = v.expect_object(body.get("parameters"), f"{where}.parameters", nullable=True)
        if v.expect_bool(body.get("strict"), f"{where}.strict", nullable=True) and parameters is not None:
            problem = strict_problem(parameters)
            if problem:
                raise e.InvalidRequestError(
                    e.CHAT_BAD_FUNCTION_SCHEMA.format(name=name, problem=problem),
                    param=f"{where}.parameters",
                    code="invalid_function_parameters",
                )
    return tools


def check_tool_choice(raw: Any, tools: list[dict[str, Any]]) -> Any:
    """``none|auto|required``, a named function or custom tool, or ``allowed_tools``; only with ``tools``."""
    if isinstance(raw, str):
        if raw not in ("none", "auto", "required"):
            raise e.invalid_value(raw, ["none", "auto", "required"], "tool_choice")
    elif isinstance(raw, dict):
        kind = v.expect_enum(
            v.require(raw, "type", "tool_choice"), ["function", "custom", "allowed_tools"], "tool_choice.type"
        )
        key = kind or "function"
        unknown(raw, ("type", key), "tool_choice")
        body = v.expect_object(v.require(raw, key, "tool_choice"), f"tool_choice.{key}") or {}
        if key == "allowed_tools":
            unknown(body, ("mode", "tools"), "tool_choice.allowed_tools")
            v.expect_enum(
                v.require(body, "mode", "tool_choice.allowed_tools"),
                ["auto", "required"],
                "tool_choice.allowed_tools.mode",
            )
            v.expect_array(v.require(body, "tools", "tool_choice.allowed_tools"), "tool_choice.allowed_tools.tools")
        else:
            unknown(body, ("name",), f"tool_choice.{key}")
            name = v.expect_string(v.require(body, "name", f"tool_choice.{key}"), f"tool_choice.{key}.name")
            if tools and not any(t["type"] == key and t[key]["name"] == name for t in tools):
                raise e.InvalidRequestError(
                    e.CHAT_TOOL_CHOICE_UNKNOWN.format(kind=key, name=name), param="tool_choice", code="invalid_value"
                )
    else:
        raise v.type_error(raw, "one of an object or 'none', 'auto', or 'required'", "tool_choice")
    if not tools:
        raise e.InvalidRequestError(e.CHAT_ONLY_WITH_TOOLS.format(param="tool_choice"), param="tool_choice")
    return raw
