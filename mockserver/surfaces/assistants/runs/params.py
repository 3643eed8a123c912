"""Validation of the fields assistants and runs share: tools, sampling, response format, tool choice...

Each helper returns the value as the API echoes it, with the real defaults filled in, or raises
:class:`~mockserver.core.errors.InvalidRequestError` naming the offending parameter.
"""

from __future__ import annotations

import re
from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v

TOOL_TYPES = ["code_interpreter", "file_search", "function"]
# The real API family reports the character pattern and the length limit as two separate errors.
FUNCTION_NAME_RE = re.compile(r"^[a-zA-Z0-9_-]+$")
FUNCTION_NAME_MAX = 64
REASONING_EFFORTS = ["none", "minimal", "low", "medium", "high", "xhigh", "max"]
RESPONSE_FORMAT_TYPES = ["text", "json_object", "json_schema"]
TOOL_CHOICE_MODES = ["none", "auto", "required"]
TRUNCATION_TYPES = ["auto", "last_messages"]
RANKERS = ["auto", "default_2024_08_21"]


def tools(value: Any, param: str, *, max_items: int) -> list[dict[str, Any]]:
    items = v.expect_array(value, param, nullable=True, max_items=max_items) or []
    return [_tool(item, f"{param}[{i}]") for i, item in enumerate(items)]


def _tool(item: Any, param: str) -> dict[str, Any]:
    v.expect_object(item, param)
    kind = v.expect_enum(v.require(item, "type", param), TOOL_TYPES, f"{param}.type")
    if kind == "code_interpreter":
        v.reject_unknown(item, ("type",))
        return {"type": "code_interpreter"}
    if kind == "file_search":
        v.reject_unknown(item, ("type", "file_search"))
        options = v.expect_object(item.get("file_search"), f"{param}.file_search", nullable=True) or {}
        v.reject_unknown(options, ("max_num_results", "ranking_options"))
        echoed: dict[str, Any] = {}
        if options.get("max_num_results") is not None:
            echoed["max_num_results"] = v.expect_int(
                options["max_num_results"], f"{param}.file_search.max_num_results", minimum=1, maximum=50
            )
        where = f"{param}.file_search.ranking_options"
        ranking = v.expect_object(options.get("ranking_options"), where, nullable=True)
        ranker, threshold = None, None
        if ranking is not None:
            # The schema makes score_threshold required once ranking_options is given.
            v.reject_unknown(ranking, ("ranker", "score_threshold"))
            ranker = v.expect_enum(ranking.get("ranker"), RANKERS, f"{where}.ranker", nullable=True)
            threshold = v.expect_number(
                v.require(ranking, "score_threshold", where), f"{where}.score_threshold", minimum=0, maximum=1
            )
        echoed["ranking_options"] = {
            "ranker": ranker or "default_2024_08_21",
            "score_threshold": 0.0 if threshold is None else threshold,
        }
        return {"type": "file_search", "file_search": echoed}
    v.reject_unknown(item, ("type", "function"))
    where = f"{param}.function"
    function = v.expect_object(v.require(item, "function", param), where) or {}
    v.reject_unknown(function, ("name", "description", "parameters", "strict"))
    name = v.expect_string(v.require(function, "name", where), f"{where}.name") or ""
    if not FUNCTION_NAME_RE.match(name):
        raise e.InvalidRequestError(
            e.STRING_PATTERN.format(param=f"{where}.name", pattern=FUNCTION_NAME_RE.pattern),
            param=f"{where}.name",
            code="invalid_value",
        )
    v.expect_string(name, f"{where}.name", max_length=FUNCTION_NAME_MAX)
    echoed_fn: dict[str, Any] = {"name": name}
    description = v.expect_string(function.get("description"), f"{where}.description", nullable=True)
    if description is not None:
        echoed_fn["description"] = description
    echoed_fn["parameters"] = v.expect_object(function.get("parameters"), f"{where}.parameters", nullable=True) or {}
    echoed_fn["strict"] = bool(v.expect_bool(function.get("strict"), f"{where}.strict", nullable=True))
    return {"type": "function", "function": echoed_fn}


def temperature(value: Any, param: str = "temperature") -> float | int | None:
    return v.expect_number(value, param, nullable=True, minimum=0, maximum=2)


def top_p(value: Any, param: str = "top_p") -> float | int | None:
    return v.expect_number(value, param, nullable=True, minimum=0, maximum=1)


def reasoning_effort(value: Any, param: str = "reasoning_effort") -> str | None:
    return v.expect_enum(value, REASONING_EFFORTS, param, nullable=True)


def response_format(value: Any, param: str = "response_format") -> Any:
    """``"auto"`` or ``{"type": "text"|"json_object"|"json_schema", ...}``; ``null`` means ``"auto"``."""
    if value is None or value == "auto":
        return "auto"
    if isinstance(value, str):
        raise e.invalid_value(value, ["auto"], param)
    fmt = v.expect_object(value, param) or {}
    kind = v.expect_enum(v.require(fmt, "type", param), RESPONSE_FORMAT_TYPES, f"{param}.type")
    if kind != "json_schema":
        v.reject_unknown(fmt, ("type",))
        return {"type": kind}
    v.reject_unknown(fmt, ("type", "json_schema"))
    where = f"{param}.json_schema"
    schema = v.expect_object(v.require(fmt, "json_schema", param), where) or {}
    v.reject_unknown(schema, ("name", "description", "schema", "strict"))
    v.expect_string(v.require(schema, "name", where), f"{where}.name", max_length=64)
    v.expect_string(schema.get("description"), f"{where}.description", nullable=True)
    if "schema" in schema:  # optional, but not nullable (the reference's JSON Schema object)
        v.expect_object(schema["schema"], f"{where}.schema")
    v.expect_bool(schema.get("strict"), f"{where}.strict", nullable=True)
    return {"type": "json_schema", "json_schema": dict(schema)}


def tool_choice(value: Any, param: str = "tool_choice") -> Any:
    if value is None:
        return "auto"
    if isinstance(value, str):
        return v.expect_enum(value, TOOL_CHOICE_MODES, param)
    choice = v.expect_object(value, param) or {}
    kind = v.expect_enum(v.require(choice, "type", param), TOOL_TYPES, f"{param}.type")
    if kind != "function":
        v.reject_unknown(choice, ("type",))
        return {"type": kind}
    v.reject_unknown(choice, ("type", "function"))
    function = v.expect_object(v.require(choice, "function", param), f"{param}.function") or {}
    v.reject_unknown(function, ("name",))
    name = v.expect_string(v.require(function, "name", f"{param}.function"), f"{param}.function.name")
    return {"type": "function", "function": {"name": name}}


def truncation_strategy(value: Any, param: str = "truncation_strategy") -> dict[str, Any]:
    if value is None:
        return {"type": "auto", "last_messages": None}
    strategy = v.expect_object(value, param) or {}
    v.reject_unknown(strategy, ("type", "last_messages"))
    kind = v.expect_enum(v.require(strategy, "type", param), TRUNCATION_TYPES, f"{param}.type")
    last = v.expect_int(strategy.get("last_messages"), f"{param}.last_messages", nullable=True, minimum=1)
    return {"type": kind, "last_messages": last}


def token_limit(value: Any, param: str) -> int | None:
    return v.expect_int(value, param, nullable=True, minimum=256)


MAX_RUN_TOOLS = 20


def run_overrides(body: dict[str, Any]) -> dict[str, Any]:
    """Validate every per-run setting in a run-create body. Settings the assistant supplies when absent (model,
    tools, temperature...) come back as ``None`` then; the others come back with their real defaults.

    Kept apart from :func:`run_fields` so the whole body is checked before the assistant is looked up: a body
    error is a 400 even when ``assistant_id`` names no assistant.
    """
    v.expect_bool(body.get("stream"), "stream", nullable=True)
    raw_tools = body.get("tools")
    return {
        "model": v.expect_string(body.get("model"), "model", nullable=True) or None,
        "instructions": v.expect_string(body.get("instructions"), "instructions", nullable=True),
        "additional_instructions": v.expect_string(
            body.get("additional_instructions"), "additional_instructions", nullable=True
        ),
        "tools": None if raw_tools is None else tools(raw_tools, "tools", max_items=MAX_RUN_TOOLS),
        "metadata": v.check_metadata(body.get("metadata")),
        "temperature": temperature(body.get("temperature")),
        "top_p": top_p(body.get("top_p")),
        "reasoning_effort": reasoning_effort(body.get("reasoning_effort")),
        "max_completion_tokens": token_limit(body.get("max_completion_tokens"), "max_completion_tokens"),
        "max_prompt_tokens": token_limit(body.get("max_prompt_tokens"), "max_prompt_tokens"),
        "truncation_strategy": truncation_strategy(body.get("truncation_strategy")),
        "response_format": None if body.get("response_format") is None else response_format(body["response_format"]),
        "tool_choice": tool_choice(body.get("tool_choice")),
        "parallel_tool_calls": (  # optional but not nullable in the reference
            v.expect_bool(body["parallel_tool_calls"], "parallel_tool_calls") if "parallel_tool_calls" in body else None
        ),
    }


def run_fields(overrides: dict[str, Any], assistant: dict[str, Any]) -> dict[str, Any]:
    """The run's settings: the request's overrides, else the assistant's values, else the real defaults."""
    instructions = overrides["instructions"]
    if instructions is None:
        instructions = assistant["instructions"] or ""
    extra = overrides["additional_instructions"]
    if extra:
        instructions = f"{instructions}\n{extra}" if instructions else extra

    def inherit(name: str) -> Any:
        return assistant.get(name) if overrides[name] is None else overrides[name]

    passed_through = {k: val for k, val in overrides.items() if k != "additional_instructions"}
    return {
        **passed_through,
        "model": inherit("model"),
        "instructions": instructions,
        "tools": inherit("tools"),
        "tool_resources": assistant["tool_resources"],
        "temperature": inherit("temperature"),
        "top_p": inherit("top_p"),
        # The settings the run executes with, like temperature: the assistant's unless the run overrides it.
        "reasoning_effort": inherit("reasoning_effort"),
        "response_format": inherit("response_format"),
        "parallel_tool_calls": True if overrides["parallel_tool_calls"] is None else overrides["parallel_tool_calls"],
    }
