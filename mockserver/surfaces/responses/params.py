"""``POST /v1/responses`` body: every check (reference 6.2, in its order) and the fields a response echoes.

:func:`check_create` touches no state: it returns a :class:`CreateRequest` the operations then resolve against
stored responses and conversations. Tool, tool-choice and text-format normalization lives in :mod:`.tools`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mockserver.core import errors as e
from mockserver.surfaces.responses import checks as c
from mockserver.surfaces.responses import items as it
from mockserver.surfaces.responses import tools as tl

#: Every key the SDK 3.63 ``responses.create`` signature can send (reference 1.1).
CREATE_FIELDS = (
    "access_programs",
    "background",
    "background_options",
    "context_management",
    "conversation",
    "image",
    "include",
    "input",
    "instructions",
    "max_output_tokens",
    "max_tool_calls",
    "metadata",
    "model",
    "moderation",
    "parallel_tool_calls",
    "previous_response_id",
    "prompt",
    "prompt_cache_key",
    "prompt_cache_options",
    "prompt_cache_retention",
    "reasoning",
    "safety_identifier",
    "service_tier",
    "store",
    "stream",
    "stream_options",
    "temperature",
    "text",
    "tool_choice",
    "tools",
    "top_logprobs",
    "top_p",
    "truncation",
    "user",
)
#: Body of ``POST /v1/responses/input_tokens`` (every key optional).
INPUT_TOKENS_FIELDS = (
    "model",
    "input",
    "instructions",
    "previous_response_id",
    "conversation",
    "tools",
    "tool_choice",
    "parallel_tool_calls",
    "reasoning",
    "text",
    "truncation",
    "personality",
)
#: Chat Completions keys that moved (the API answers them with a pointer instead of "unknown parameter").
MOVED = {"messages": "input"}
SERVICE_TIERS = ["auto", "default", "fast", "flex", "priority"]
TRUNCATIONS = ["auto", "disabled"]
CACHE_RETENTIONS = ["in_memory", "24h"]
REASONING_EFFORTS = ["none", "minimal", "low", "medium", "high", "xhigh"]
REASONING_SUMMARIES = ["auto", "concise", "detailed"]
MAX_INPUT_CHARS = 10_485_760


@dataclass
class CreateRequest:
    """A checked create body: what the response echoes (``fields``) and how it is to be answered."""

    fields: dict[str, Any]
    #: Normalized input items (ids not yet minted; references unresolved); ``[]`` for an empty input.
    input: list[dict[str, Any]]
    previous_response_id: str | None = None
    conversation_id: str | None = None
    background: bool = False
    stream: bool = False
    store: bool = True
    include: list[str] = field(default_factory=list)


def check_create(body: dict[str, Any]) -> CreateRequest:
    if "model" not in body:
        raise c.missing("model")
    if "input" not in body:
        raise c.missing("input")
    _reject_unknown(body, CREATE_FIELDS)
    model = _model(body["model"])
    raw_input = body["input"]
    if isinstance(raw_input, str) and len(raw_input) > MAX_INPUT_CHARS:
        c.string(raw_input, "input", max_length=MAX_INPUT_CHARS)
    inputs = [] if raw_input in ("", []) else it.check_input(raw_input)
    fields = common_fields(body, model)
    include = it.check_include(body.get("include"))
    store = c.boolean(body.get("store"), "store")
    background = c.boolean(body.get("background"), "background") or False
    stream = c.boolean(body.get("stream"), "stream") or False
    stream_options = c.obj(body.get("stream_options"), "stream_options") or {}
    c.reject_unknown(stream_options, ("include_obfuscation",), "stream_options")
    c.boolean(stream_options.get("include_obfuscation"), "stream_options.include_obfuscation")
    service_tier = c.enum(body.get("service_tier"), SERVICE_TIERS, "service_tier")
    top_logprobs = c.integer(body.get("top_logprobs"), "top_logprobs", minimum=0, maximum=20)
    user = c.string(body.get("user"), "user")
    safety = c.string(body.get("safety_identifier"), "safety_identifier", max_length=64)
    cache_key = c.string(body.get("prompt_cache_key"), "prompt_cache_key")
    retention = c.enum(body.get("prompt_cache_retention"), CACHE_RETENTIONS, "prompt_cache_retention")
    reasoning = _reasoning(body.get("reasoning"))
    previous = body.get("previous_response_id")
    if previous is not None:
        previous = c.object_id(previous, "resp_", "previous_response_id")
    conversation = _conversation(body.get("conversation"))
    prompt = _prompt(body.get("prompt"))
    for key in ("context_management",):
        for i, entry in enumerate(c.array(body.get(key), key) or []):
            c.obj(entry, f"{key}[{i}]", nullable=False)
    for key in ("access_programs", "background_options", "image", "prompt_cache_options", "moderation"):
        c.obj(body.get(key), key)
    if previous is not None and conversation is not None:
        raise e.InvalidRequestError(e.MUTUALLY_EXCLUSIVE, code="mutually_exclusive_parameters")
    if background and store is False:
        raise e.InvalidRequestError(e.BACKGROUND_NEEDS_STORE, param="store", code="invalid_value")
    fields.update(
        previous_response_id=previous,
        prompt=prompt,
        prompt_cache_key=cache_key,
        prompt_cache_retention=retention,
        reasoning=reasoning,
        safety_identifier=safety,
        service_tier=service_tier,
        store=store is not False,
        top_logprobs=top_logprobs or 0,
        user=user,
    )
    return CreateRequest(
        fields=fields,
        input=inputs,
        previous_response_id=previous,
        conversation_id=conversation,
        background=background,
        stream=stream,
        store=store is not False,
        include=include,
    )


def check_input_tokens(body: dict[str, Any]) -> CreateRequest:
    """``POST /v1/responses/input_tokens``: the create checks for the keys it takes, all optional."""
    _reject_unknown(body, INPUT_TOKENS_FIELDS)
    model = _model(body["model"]) if "model" in body else ""
    raw_input = body.get("input")
    inputs = [] if raw_input in (None, "", []) else it.check_input(raw_input)
    fields = common_fields(body, model)
    c.string(body.get("personality"), "personality")
    _reasoning(body.get("reasoning"))
    previous = body.get("previous_response_id")
    if previous is not None:
        previous = c.object_id(previous, "resp_", "previous_response_id")
    conversation = _conversation(body.get("conversation"))
    if previous is not None and conversation is not None:
        raise e.InvalidRequestError(e.MUTUALLY_EXCLUSIVE, code="mutually_exclusive_parameters")
    return CreateRequest(fields=fields, input=inputs, previous_response_id=previous, conversation_id=conversation)


def _reject_unknown(body: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for key in body:
        if key in MOVED:
            raise e.InvalidRequestError(
                e.MOVED_PARAMETER.format(param=key, moved=MOVED[key]), code="unsupported_parameter"
            )
    c.reject_unknown(body, allowed)


def _model(value: Any) -> str:
    model = c.string(value, "model", nullable=False) or ""
    if not model:
        raise e.InvalidRequestError(e.MODEL_NOT_FOUND.format(model=model), param="model", code="model_not_found")
    return model


def common_fields(body: dict[str, Any], model: str) -> dict[str, Any]:
    """The fields create and input_tokens share, checked in the API's order (reference 6.2)."""
    tools = tl.check_tools(body.get("tools"))
    metadata = c.metadata(body.get("metadata"))
    text = tl.check_text(body.get("text"))
    temperature = c.decimal(body.get("temperature"), "temperature", minimum=0, maximum=2)
    top_p = c.decimal(body.get("top_p"), "top_p", minimum=0, maximum=1)
    max_output = c.integer(body.get("max_output_tokens"), "max_output_tokens", minimum=16)
    max_calls = c.integer(body.get("max_tool_calls"), "max_tool_calls", minimum=1)
    parallel = c.boolean(body.get("parallel_tool_calls"), "parallel_tool_calls")
    tool_choice = tl.check_tool_choice(body.get("tool_choice"))
    truncation = c.enum(body.get("truncation"), TRUNCATIONS, "truncation")
    instructions = c.string(body.get("instructions"), "instructions")
    return {
        "instructions": instructions,
        "max_output_tokens": max_output,
        "max_tool_calls": max_calls,
        "model": model,
        "parallel_tool_calls": True if parallel is None else parallel,
        "temperature": 1.0 if temperature is None else temperature,
        "text": text,
        "tool_choice": tool_choice,
        "tools": tools,
        "top_p": 1.0 if top_p is None else top_p,
        "truncation": truncation or "disabled",
        "metadata": metadata,
    }


def _reasoning(value: Any) -> dict[str, Any]:
    body = c.obj(value, "reasoning") or {}
    c.reject_unknown(body, ("effort", "summary", "generate_summary"), "reasoning")
    effort = c.enum(body.get("effort"), REASONING_EFFORTS, "reasoning.effort")
    summary = c.enum(body.get("summary"), REASONING_SUMMARIES, "reasoning.summary")
    summary = summary or c.enum(body.get("generate_summary"), REASONING_SUMMARIES, "reasoning.generate_summary")
    return {"effort": effort, "summary": summary}


def _conversation(value: Any) -> str | None:
    """``"conv_..."`` or ``{"id": "conv_..."}``; a foreign prefix is ``invalid_value`` (reference 6.1)."""
    if value is None:
        return None
    if isinstance(value, dict):
        c.reject_unknown(value, ("id",), "conversation")
        if "id" not in value:
            raise c.missing("conversation.id")
        return c.object_id(value["id"], "conv_", "conversation", code="invalid_value")
    if not isinstance(value, str):
        raise c.type_error(value, "one of a string or an object", "conversation")
    return c.object_id(value, "conv_", "conversation", code="invalid_value")


def _prompt(value: Any) -> dict[str, Any] | None:
    body = c.obj(value, "prompt")
    if body is None:
        return None
    c.reject_unknown(body, ("id", "version", "variables"), "prompt")
    if "id" not in body:
        raise c.missing("prompt.id")
    prompt_id = c.string(body["id"], "prompt.id", nullable=False)
    version = c.string(body.get("version"), "prompt.version")
    variables = c.obj(body.get("variables"), "prompt.variables")
    return {"id": prompt_id, "variables": variables, "version": version}
