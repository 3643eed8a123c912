"""``tools``, ``tool_choice`` and ``text`` of a create body: checks and the echo (reference 3.4 and 6.2)."""

from __future__ import annotations

from typing import Any

from mockserver.core import errors as e
from mockserver.model import structured
from mockserver.surfaces.responses import checks as c

TOOL_TYPES = [
    "apply_patch",
    "code_interpreter",
    "computer",
    "computer_use_preview",
    "custom",
    "file_search",
    "function",
    "image_generation",
    "local_shell",
    "mcp",
    "namespace",
    "programmatic_tool_calling",
    "shell",
    "tool_search",
    "web_search",
    "web_search_2025_08_26",
    "web_search_preview",
    "web_search_preview_2025_03_11",
]
WEB_SEARCH_TYPES = ("web_search", "web_search_2025_08_26", "web_search_preview", "web_search_preview_2025_03_11")
TOOL_CHOICE_MODES = ["none", "auto", "required"]
HOSTED_CHOICES = [
    "allowed_tools",
    "apply_patch",
    "code_interpreter",
    "computer",
    "computer_use_preview",
    "custom",
    "file_search",
    "function",
    "image_generation",
    "mcp",
    "shell",
    "web_search_preview",
    "web_search_preview_2025_03_11",
]
FORMAT_TYPES = ["json_object", "text", "json_schema"]
VERBOSITIES = ["low", "medium", "high"]
SEARCH_CONTEXT_SIZES = ["low", "medium", "high"]


def check_tools(value: Any) -> list[dict[str, Any]]:
    tools = c.array(value, "tools", expected="an array of tools") or []
    return [_tool(tool, f"tools[{i}]") for i, tool in enumerate(tools)]


def _tool(tool: Any, param: str) -> dict[str, Any]:
    body = c.obj(tool, param, nullable=False) or {}
    if "type" not in body:
        raise c.missing(f"{param}.type")
    kind = c.enum(body["type"], TOOL_TYPES, f"{param}.type", nullable=False)
    if kind == "function":
        # Name first: a Chat-shaped tool ({type, function: {name}}) is answered "missing tools[0].name".
        if "name" not in body:
            raise c.missing(f"{param}.name")
        c.reject_unknown(body, ("type", "name", "description", "parameters", "strict", "defer_loading"), param)
        name = c.string(body["name"], f"{param}.name", nullable=False)
        parameters = c.obj(body.get("parameters"), f"{param}.parameters")
        strict = c.boolean(body.get("strict"), f"{param}.strict")
        problem = structured.strict_problem(parameters) if parameters is not None else None
        if strict and problem:
            raise e.InvalidRequestError(
                e.FUNCTION_INVALID_SCHEMA.format(name=name, problem=problem),
                param=f"{param}.parameters",
                code="invalid_function_parameters",
            )
        return {
            "type": "function",
            "description": c.string(body.get("description"), f"{param}.description"),
            "name": name,
            "parameters": parameters,
            # Unset strict is true when the schema allows it (reference 3.4).
            "strict": problem is None if strict is None else strict,
        }
    if kind == "file_search":
        c.reject_unknown(body, ("type", "vector_store_ids", "filters", "max_num_results", "ranking_options"), param)
        if "vector_store_ids" not in body:
            raise c.missing(f"{param}.vector_store_ids")
        ids = c.array(body["vector_store_ids"], f"{param}.vector_store_ids", nullable=False) or []
        for i, store_id in enumerate(ids):
            c.string(store_id, f"{param}.vector_store_ids[{i}]", nullable=False)
        ranking = c.obj(body.get("ranking_options"), f"{param}.ranking_options")
        return {
            "type": "file_search",
            "filters": c.obj(body.get("filters"), f"{param}.filters"),
            "max_num_results": c.integer(body.get("max_num_results"), f"{param}.max_num_results", minimum=1, maximum=50)
            or 20,
            "ranking_options": ranking if ranking is not None else {"ranker": "auto", "score_threshold": 0.0},
            "vector_store_ids": list(ids),
        }
    if kind in WEB_SEARCH_TYPES:
        size = c.enum(body.get("search_context_size"), SEARCH_CONTEXT_SIZES, f"{param}.search_context_size")
        return {
            **body,
            "filters": body.get("filters"),
            "search_context_size": size or "medium",
            "user_location": c.obj(body.get("user_location"), f"{param}.user_location"),
        }
    if kind == "code_interpreter":
        if "container" not in body:
            raise c.missing(f"{param}.container")
        container = body["container"]
        if not isinstance(container, (str, dict)):
            raise c.type_error(container, "one of a string or an object", f"{param}.container")
        if isinstance(container, dict):  # an automatic container: the files copied into it are checked later
            ids = c.array(container.get("file_ids"), f"{param}.container.file_ids") or []
            for i, file_id in enumerate(ids):
                c.string(file_id, f"{param}.container.file_ids[{i}]", nullable=False)
        return dict(body)
    return dict(body)


def check_tool_choice(value: Any) -> Any:
    if value is None:
        return "auto"
    if isinstance(value, str):
        return c.enum(value, TOOL_CHOICE_MODES, "tool_choice", nullable=False)
    if not isinstance(value, dict):
        raise c.type_error(value, "one of an object or 'none', 'auto', or 'required'", "tool_choice")
    if "type" not in value:
        raise c.missing("tool_choice.type")
    kind = c.enum(value["type"], HOSTED_CHOICES, "tool_choice.type", nullable=False)
    if kind in ("function", "custom"):
        if "name" not in value:
            raise c.missing("tool_choice.name")
        c.reject_unknown(value, ("type", "name"), "tool_choice")
        return {"type": kind, "name": c.string(value["name"], "tool_choice.name", nullable=False)}
    if kind == "allowed_tools":
        c.reject_unknown(value, ("type", "mode", "tools"), "tool_choice")
        mode = c.enum(value.get("mode"), ["auto", "required"], "tool_choice.mode", nullable=False)
        allowed = c.array(value.get("tools"), "tool_choice.tools", nullable=False) or []
        for i, tool in enumerate(allowed):
            c.obj(tool, f"tool_choice.tools[{i}]", nullable=False)
        return {"type": kind, "mode": mode, "tools": list(allowed)}
    return dict(value)


def check_text(value: Any) -> dict[str, Any]:
    body = c.obj(value, "text") or {}
    c.reject_unknown(body, ("format", "verbosity"), "text")
    verbosity = c.enum(body.get("verbosity"), VERBOSITIES, "text.verbosity") or "medium"
    fmt = c.obj(body.get("format"), "text.format") or {"type": "text"}
    if "type" not in fmt:
        raise c.missing("text.format.type")
    kind = c.enum(fmt["type"], FORMAT_TYPES, "text.format.type", nullable=False)
    if kind != "json_schema":
        c.reject_unknown(fmt, ("type",), "text.format")
        return {"format": {"type": kind}, "verbosity": verbosity}
    c.reject_unknown(fmt, ("type", "name", "schema", "strict", "description"), "text.format")
    if "name" not in fmt:
        raise c.missing("text.format.name")
    name = c.string(fmt["name"], "text.format.name", nullable=False, max_length=64)
    if "schema" not in fmt:
        raise c.missing("text.format.schema")
    schema = c.obj(fmt["schema"], "text.format.schema", nullable=False)
    strict = c.boolean(fmt.get("strict"), "text.format.strict")
    problem = structured.strict_problem(schema) if strict else None
    if problem:
        raise e.InvalidRequestError(
            e.TEXT_FORMAT_INVALID_SCHEMA.format(name=name, problem=problem),
            param="text.format.schema",
            code="invalid_json_schema",
        )
    out: dict[str, Any] = {"type": "json_schema"}
    if fmt.get("description") is not None:
        out["description"] = c.string(fmt["description"], "text.format.description")
    out.update(name=name, schema=schema, strict=bool(strict))
    return {"format": out, "verbosity": verbosity}


def function_names(tools: list[dict[str, Any]]) -> list[str]:
    return [t["name"] for t in tools if t.get("type") == "function"]


def has_tool(tools: list[dict[str, Any]], kind: str) -> bool:
    if kind == "web_search":
        return any(t.get("type") in WEB_SEARCH_TYPES for t in tools)
    return any(t.get("type") == kind for t in tools)
