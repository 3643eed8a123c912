"""``POST /v1/chat/completions`` bodies: every field checked with the real wording, then normalized.

Check order (docs/chat.md): body -> unknown top-level keys -> ``model`` -> ``messages`` -> each other field in
the SDK's order -> cross-field rules (stream_options, top_logprobs, tool_choice, the word "json", tool turns).
Model existence is the operations' business (it needs the project's catalogue).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.model.structured import strict_problem
from mockserver.surfaces.chat import inputs

FIELDS = (
    "model", "messages", "stream", "stream_options", "n", "temperature", "top_p", "max_completion_tokens",
    "max_tokens", "stop", "frequency_penalty", "presence_penalty", "logprobs", "top_logprobs", "response_format",
    "tools", "tool_choice", "parallel_tool_calls", "store", "metadata", "service_tier", "seed", "logit_bias",
    "modalities", "audio", "prediction", "reasoning_effort", "verbosity", "web_search_options", "user",
    "safety_identifier", "prompt_cache_key", "prompt_cache_retention", "prompt_cache_options", "function_call",
    "functions", "moderation",
)  # fmt: skip
SERVICE_TIERS = ["auto", "default", "flex", "scale", "priority", "fast"]
REASONING_EFFORTS = ["none", "minimal", "low", "medium", "high", "xhigh"]
SCHEMA_NAME_RE = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
MAX_N = 128
MAX_STOP = 4


@dataclass
class ChatRequest:
    """A checked create body: what the scripted model and the response shapes need."""

    model: str
    messages: list[dict[str, Any]]
    stream: bool = False
    include_usage: bool = False
    n: int = 1
    max_tokens: int | None = None
    stop: list[str] = field(default_factory=list)
    logprobs: bool = False
    top_logprobs: int = 0
    response_format: dict[str, Any] = field(default_factory=lambda: {"type": "text"})
    tools: list[dict[str, Any]] = field(default_factory=list)
    tool_choice: Any = None
    parallel_tool_calls: bool = True
    store: bool = False
    metadata: dict[str, str] = field(default_factory=dict)
    service_tier: str | None = None
    #: The body as sent (stored completions echo parts of it).
    body: Mapping[str, Any] = field(default_factory=dict)


def _number(body: Mapping[str, Any], name: str, low: float, high: float) -> float | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise v.type_error(value, "a decimal", name)
    v.check_range(value, name, low, high, integer=False)
    return float(value)


def parse_create(body: Mapping[str, Any]) -> ChatRequest:
    v.reject_unknown(body, FIELDS)
    if body.get("model") in (None, ""):
        raise e.InvalidRequestError(e.CHAT_MISSING_MODEL)
    model = v.expect_string(body["model"], "model") or ""
    messages = inputs.check_messages(v.require(body, "messages"))
    req = ChatRequest(model=model, messages=messages, body=body)
    req.stream = bool(v.expect_bool(body.get("stream"), "stream", nullable=True))
    options = v.expect_object(body.get("stream_options"), "stream_options", nullable=True)
    if options is not None:
        inputs.unknown(options, ("include_usage", "include_obfuscation"), "stream_options")
        req.include_usage = bool(
            v.expect_bool(options.get("include_usage"), "stream_options.include_usage", nullable=True)
        )
        v.expect_bool(options.get("include_obfuscation"), "stream_options.include_obfuscation", nullable=True)
    req.n = v.expect_int(body.get("n"), "n", nullable=True, minimum=1, maximum=MAX_N) or 1
    _number(body, "temperature", 0, 2)
    _number(body, "top_p", 0, 1)
    for name in ("max_completion_tokens", "max_tokens"):
        limit = v.expect_int(body.get(name), name, nullable=True, minimum=1)
        if limit is not None:
            req.max_tokens = limit if req.max_tokens is None else min(req.max_tokens, limit)
    req.stop = _stop(body.get("stop"))
    _number(body, "frequency_penalty", -2, 2)
    _number(body, "presence_penalty", -2, 2)
    req.logprobs = bool(v.expect_bool(body.get("logprobs"), "logprobs", nullable=True))
    top = v.expect_int(body.get("top_logprobs"), "top_logprobs", nullable=True, minimum=0, maximum=20)
    req.response_format = _response_format(body.get("response_format"))
    req.tools = inputs.check_tools(body["tools"]) if body.get("tools") is not None else []
    parallel = v.expect_bool(body.get("parallel_tool_calls"), "parallel_tool_calls", nullable=True)
    req.store = bool(v.expect_bool(body.get("store"), "store", nullable=True))
    req.metadata = v.check_metadata(body.get("metadata"))
    req.service_tier = v.expect_enum(body.get("service_tier"), SERVICE_TIERS, "service_tier", nullable=True)
    _others(body)
    # cross-field rules, after every field is known to be well-formed
    if options is not None and not req.stream:
        raise e.InvalidRequestError(e.CHAT_STREAM_OPTIONS, param="stream_options")
    if top is not None and top > 0 and not req.logprobs:
        raise e.InvalidRequestError(e.CHAT_TOP_LOGPROBS, param="top_logprobs")
    req.top_logprobs = top or 0
    if body.get("tool_choice") is not None:
        req.tool_choice = inputs.check_tool_choice(body["tool_choice"], req.tools)
    if parallel is not None:
        if not req.tools:
            raise e.InvalidRequestError(
                e.CHAT_ONLY_WITH_TOOLS.format(param="parallel_tool_calls"), param="parallel_tool_calls"
            )
        req.parallel_tool_calls = parallel
    if req.response_format["type"] == "json_object" and not _mentions_json(messages):
        raise e.InvalidRequestError(e.CHAT_JSON_WORD, param="messages")
    inputs.check_tool_turns(messages)
    return req


def _stop(raw: Any) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        return [raw]
    items = v.expect_array(raw, "stop", max_items=MAX_STOP)
    if items is None:  # pragma: no cover - expect_array returns the list when raw is not None
        return []
    return [v.expect_string(s, f"stop[{i}]") or "" for i, s in enumerate(items)]


def _response_format(raw: Any) -> dict[str, Any]:
    if raw is None:
        return {"type": "text"}
    body = v.expect_object(raw, "response_format") or {}
    kind = v.require(body, "type", "response_format")
    if not isinstance(kind, str):
        raise v.type_error(kind, "a string", "response_format.type")
    if kind not in ("text", "json_object", "json_schema"):
        raise e.InvalidRequestError(
            e.CHAT_INVALID_VALUE.format(value=kind, supported=inputs.oxford(["text", "json_object", "json_schema"])),
            param="response_format.type",
            code="invalid_value",
        )
    if kind != "json_schema":
        inputs.unknown(body, ("type",), "response_format")
        return {"type": kind}
    inputs.unknown(body, ("type", "json_schema"), "response_format")
    spec = v.expect_object(v.require(body, "json_schema", "response_format"), "response_format.json_schema") or {}
    where = "response_format.json_schema"
    inputs.unknown(spec, ("name", "description", "schema", "strict"), where)
    name = v.expect_string(v.require(spec, "name", where), f"{where}.name") or ""
    if not SCHEMA_NAME_RE.match(name):
        raise e.InvalidRequestError(
            e.STRING_PATTERN.format(param=f"{where}.name", pattern=SCHEMA_NAME_RE.pattern),
            param=f"{where}.name",
            code="invalid_value",
        )
    v.expect_string(spec.get("description"), f"{where}.description", nullable=True)
    schema = v.expect_object(spec.get("schema"), f"{where}.schema", nullable=True)
    strict = bool(v.expect_bool(spec.get("strict"), f"{where}.strict", nullable=True))
    if strict and schema is not None:
        problem = strict_problem(schema)
        if problem:
            raise e.InvalidRequestError(
                e.CHAT_BAD_RESPONSE_SCHEMA.format(name=name, problem=problem),
                param="response_format",
                code="invalid_json_schema",
            )
    return {"type": kind, "name": name, "schema": schema, "strict": strict}


def _others(body: Mapping[str, Any]) -> None:
    """Fields the fake accepts but does not act on: their types are still checked."""
    v.expect_int(body.get("seed"), "seed", nullable=True)
    bias = v.expect_object(body.get("logit_bias"), "logit_bias", nullable=True) or {}
    for key, value in bias.items():
        v.expect_int(value, f"logit_bias.{key}", minimum=-100, maximum=100)
    modalities = v.expect_array(body.get("modalities"), "modalities", nullable=True) or []
    for i, item in enumerate(modalities):
        v.expect_enum(item, ["text", "audio"], f"modalities[{i}]")
    for name in ("audio", "prediction", "web_search_options", "prompt_cache_options", "moderation"):
        v.expect_object(body.get(name), name, nullable=True)
    v.expect_enum(body.get("reasoning_effort"), REASONING_EFFORTS, "reasoning_effort", nullable=True)
    v.expect_enum(body.get("verbosity"), ["low", "medium", "high"], "verbosity", nullable=True)
    v.expect_enum(body.get("prompt_cache_retention"), ["in_memory", "24h"], "prompt_cache_retention", nullable=True)
    for name in ("user", "safety_identifier", "prompt_cache_key"):
        v.expect_string(body.get(name), name, nullable=True)
    v.expect_array(body.get("functions"), "functions", nullable=True)
    call = body.get("function_call")
    if call is not None and not isinstance(call, (str, dict)):
        raise v.type_error(call, "one of an object or 'none' or 'auto'", "function_call")


def _mentions_json(messages: list[dict[str, Any]]) -> bool:
    return any("json" in message_text(m).lower() for m in messages)


def message_text(message: Mapping[str, Any]) -> str:
    """The text of a request message: a string, or its text/refusal parts joined by newlines."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(str(p.get("text") or p.get("refusal") or "") for p in content if isinstance(p, dict))
    return ""
