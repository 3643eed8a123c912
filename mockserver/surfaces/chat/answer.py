"""What the scripted model says to one chat completion request: one plan per choice (docs/chat.md).

Pure: the operations pick the reply (``store.script``), this module turns it into choices (template filled,
tool choice honoured, structured output generated or checked, cut by ``max_completion_tokens`` or ``stop``),
and the operations mint ids and build the wire object. A problem with the script raises :class:`ScriptProblem`
(recorded as a miss, answered 500); a scripted ``fail`` raises the HTTP error it stands for.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mockserver.core import errors as e
from mockserver.model.replies import CHARS_PER_TOKEN, count_tokens, fill_template
from mockserver.model.structured import SchemaError, instance_for, validate
from mockserver.surfaces.chat.request import ChatRequest, message_text

#: A scripted failure answers as the real API fails; never retried by the SDK (the rule would be used again).
FAIL_STATUS = {
    "server_error": (500, "server_error"),
    "rate_limit_exceeded": (429, "requests"),
    "invalid_prompt": (400, "invalid_request_error"),
}
NO_RETRY = {"x-should-retry": "false"}
TOKEN_RE = re.compile(r"\s*\w+|\s*[^\w\s]|\s+$")


class ScriptProblem(Exception):
    """The script cannot answer this request (strict miss, unknown tool, invalid structured output...)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def error(self) -> e.MockError:
        return e.MockError(self.message, code="script_error", headers=dict(NO_RETRY))


@dataclass
class ChoicePlan:
    content: str | None = None
    refusal: str | None = None
    #: (kind, name, arguments-or-input): kind ``function`` or ``custom``.
    calls: list[tuple[str, str, str]] = field(default_factory=list)
    finish_reason: str = "stop"

    def completion_tokens(self) -> int:
        if self.calls:
            return sum(count_tokens(name + payload) for _, name, payload in self.calls)
        return count_tokens(self.content or self.refusal or "")


def last_user_text(messages: list[dict[str, Any]]) -> str:
    for message in reversed(messages):
        if message["role"] == "user":
            return message_text(message)
    return ""


def tool_rounds(messages: list[dict[str, Any]]) -> tuple[int, list[str], list[str]]:
    """(assistant tool-call rounds since the last user message, the last round's call ids, its tool outputs)."""
    rounds, ids, outputs = 0, list[str](), list[str]()
    for message in messages:
        if message["role"] == "user":
            rounds, ids, outputs = 0, [], []
        elif message["role"] == "assistant" and message.get("tool_calls"):
            rounds, ids, outputs = rounds + 1, [c["id"] for c in message["tool_calls"]], []
        elif message["role"] == "tool":
            outputs.append(message_text(message))
    return rounds, ids, outputs


def prompt_tokens(messages: list[dict[str, Any]]) -> int:
    total = 0
    for message in messages:
        total += count_tokens(message_text(message))
        for call in message.get("tool_calls") or []:
            body = call.get("function") or call.get("custom") or {}
            total += count_tokens(str(body.get("name", "")) + str(body.get("arguments", body.get("input", ""))))
    return total


def plan(req: ChatRequest, reply: Mapping[str, Any] | None, rule: str | None, default_reply: str) -> list[ChoicePlan]:
    """The ``n`` choices for ``reply`` (``None``: no rule matched, the default reply)."""
    outputs = tool_rounds(req.messages)[2]
    user_text = last_user_text(req.messages)
    label = rule or "default reply"
    if reply is not None and "fail" in reply:
        status, kind = FAIL_STATUS.get(reply["fail"]["code"], (500, "server_error"))
        raise e.InjectedFaultError(
            status, reply["fail"]["message"], type=kind, code=reply["fail"]["code"], headers=dict(NO_RETRY)
        )
    if reply is not None and "expire" in reply:
        raise ScriptProblem(e.CHAT_SCRIPT_EXPIRE.format(rule=label))
    if reply is not None and "tool_calls" in reply and req.tool_choice != "none":
        return [_calls(req, reply["tool_calls"], label) for _ in range(req.n)]
    forced = _forced_tool(req)
    if forced is not None:
        text = fill_template(
            default_reply if reply is None else reply.get("text", ""), message=user_text, outputs=outputs
        )
        return [_forced_call(forced, text, i) for i in range(req.n)]
    if reply is not None and "refusal" in reply:
        return [ChoicePlan(refusal=reply["refusal"]) for _ in range(req.n)]
    if reply is None or "text" not in reply:  # no rule, or a tool-call turn under tool_choice "none"
        return [_cut(req, _default_text(req, default_reply, user_text, outputs, i)) for i in range(req.n)]
    text = fill_template(reply["text"], message=user_text, outputs=outputs)
    _check_structured(req, text, label)
    finish = {"content_filter": "content_filter"}.get(str(reply.get("incomplete")), "length")
    plans = []
    for i in range(req.n):
        choice = _cut(req, _variant(req, text, i))
        if "incomplete" in reply:
            choice.finish_reason = finish
        plans.append(choice)
    return plans


def _default_text(req: ChatRequest, default_reply: str, user_text: str, outputs: list[str], i: int) -> str:
    fmt = req.response_format
    if fmt["type"] == "json_schema" and fmt.get("schema") is not None:
        try:
            return json.dumps(instance_for(fmt["schema"], variant=i), ensure_ascii=False)
        except SchemaError as exc:
            raise ScriptProblem(f"mockserver: no default reply fits response_format '{fmt['name']}': {exc}") from None
    text = fill_template(default_reply, message=user_text, outputs=outputs)
    if fmt["type"] != "text":  # json_object, or json_schema without a schema
        return json.dumps({"reply": text} if i == 0 else {"reply": text, "choice": i + 1}, ensure_ascii=False)
    return _variant(req, text, i)


def _variant(req: ChatRequest, text: str, i: int) -> str:
    """Choice ``i`` of ``n``: plain text gets `` (i+1)`` appended so choices differ; JSON stays as scripted."""
    if i == 0 or req.response_format["type"] != "text":
        return text
    return f"{text} ({i + 1})"


def _cut(req: ChatRequest, text: str) -> ChoicePlan:
    choice = ChoicePlan(content=text)
    for stop in req.stop:
        at = text.find(stop) if stop else -1
        if at >= 0:
            text = text[:at]
    choice.content = text
    if req.max_tokens is not None and count_tokens(text) > req.max_tokens:
        choice.content = text[: req.max_tokens * CHARS_PER_TOKEN]
        choice.finish_reason = "length"
    return choice


def _tools_by_name(req: ChatRequest) -> dict[str, dict[str, Any]]:
    return {tool[tool["type"]]["name"]: tool for tool in req.tools}


def _calls(req: ChatRequest, calls: list[dict[str, Any]], label: str) -> ChoicePlan:
    tools = _tools_by_name(req)
    planned: list[tuple[str, str, str]] = []
    for call in calls:
        if "type" in call and call["type"] != "function":
            raise ScriptProblem(e.CHAT_BUILTIN_CALL.format(rule=label, kind=call["type"]))
        tool = tools.get(call["name"])
        if tool is None:
            available = ", ".join(tools) or "none"
            raise ScriptProblem(
                e.CHAT_UNKNOWN_FUNCTION.format(rule=label, kind="function", name=call["name"], available=available)
            )
        if tool["type"] == "custom":
            planned.append(("custom", call["name"], _custom_input(call["arguments"])))
            continue
        _check_arguments(tool, call["arguments"], label)
        planned.append(("function", call["name"], call["arguments"]))
        if not req.parallel_tool_calls:
            break
    return ChoicePlan(calls=planned, finish_reason="tool_calls")


def _custom_input(arguments: str) -> str:
    """A custom tool takes free text: a scripted string argument is used as is, an object as its JSON."""
    try:
        value = json.loads(arguments)
    except ValueError:
        return arguments
    return value if isinstance(value, str) else arguments


def _check_arguments(tool: dict[str, Any], arguments: str, label: str) -> None:
    function = tool["function"]
    if not function.get("strict") or function.get("parameters") is None:
        return
    _check_json(
        arguments,
        function["parameters"],
        f"calls '{function['name']}' with arguments that",
        f"function '{function['name']}'",
        label,
    )


def _check_structured(req: ChatRequest, text: str, label: str) -> None:
    fmt = req.response_format
    if fmt["type"] == "json_schema" and fmt.get("strict") and fmt.get("schema") is not None:
        _check_json(text, fmt["schema"], "replies with text that", f"response_format '{fmt['name']}'", label)


def _check_json(text: str, schema: Any, what: str, target: str, label: str) -> None:
    try:
        value = json.loads(text)
    except ValueError:
        problems = ["$: not valid JSON"]
    else:
        problems = validate(schema, value)
    if problems:
        raise ScriptProblem(
            e.CHAT_SCRIPT_INVALID.format(rule=label, what=what, target=target, errors="; ".join(problems[:5]))
        )


def _forced_tool(req: ChatRequest) -> dict[str, Any] | None:
    """The tool a ``tool_choice`` forces (a named one; the first tool for ``required``), else None."""
    choice = req.tool_choice
    if isinstance(choice, dict) and choice.get("type") in ("function", "custom"):
        return _tools_by_name(req).get(choice[choice["type"]]["name"])
    required = choice == "required" or (
        isinstance(choice, dict) and choice.get("allowed_tools", {}).get("mode") == "required"
    )
    return req.tools[0] if required and req.tools else None


def _forced_call(tool: dict[str, Any], text: str, i: int) -> ChoicePlan:
    """A text turn under a forced tool choice becomes a call with schema-valid default arguments."""
    if tool["type"] == "custom":
        return ChoicePlan(calls=[("custom", tool["custom"]["name"], text)], finish_reason="tool_calls")
    function = tool["function"]
    parameters = function.get("parameters")
    try:
        arguments = instance_for(parameters, variant=i) if parameters else {}
    except SchemaError as exc:
        raise ScriptProblem(f"mockserver: no default arguments fit function '{function['name']}': {exc}") from None
    return ChoicePlan(
        calls=[("function", function["name"], json.dumps(arguments, ensure_ascii=False))], finish_reason="tool_calls"
    )


# -- logprobs ---------------------------------------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    """Word-ish pieces that join back to ``text``: what streams carry one per chunk and logprobs describe."""
    return TOKEN_RE.findall(text)


def token_logprob(token: str, position: int, top: int) -> dict[str, Any]:
    """A deterministic ``{token, logprob, bytes, top_logprobs}`` (the chosen token is the most likely one)."""
    digest = hashlib.sha256(f"{position}\x00{token}".encode()).digest()
    chosen = -round((digest[0] / 255) ** 3 * 0.5 + digest[1] / 1e5, 6)
    alternatives = [token]
    for candidate in (token.upper(), token.lower(), token.strip(), token + ".", token.strip() + ","):
        if candidate not in alternatives:
            alternatives.append(candidate)
    while len(alternatives) < top:
        alternatives.append(f"{token.strip()}{len(alternatives)}")
    ranked = [
        {
            "token": alt,
            "logprob": chosen if j == 0 else round(chosen - 1.5 * j - digest[2 + j % 20] / 100, 6),
            "bytes": list(alt.encode()),
        }
        for j, alt in enumerate(alternatives[:top])
    ]
    return {"token": token, "logprob": chosen, "bytes": list(token.encode()), "top_logprobs": ranked}


def logprobs_for(choice: ChoicePlan, top: int) -> dict[str, Any]:
    if choice.refusal is not None:
        return {"content": None, "refusal": [token_logprob(t, i, top) for i, t in enumerate(tokens(choice.refusal))]}
    if choice.content is None:
        return {"content": None, "refusal": None}
    return {"content": [token_logprob(t, i, top) for i, t in enumerate(tokens(choice.content))], "refusal": None}
