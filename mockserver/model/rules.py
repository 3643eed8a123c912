"""Script rules: parsing (with the location of every mistake) and matching a run against them.

A rule is a plain dict (so it round-trips through scenario files and HTTP unchanged)::

    {"name": "weather",
     "match": {"contains": "weather", "model": "gpt-4o", "metadata": {"team": "support"}},
     "reply": {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]},
     "then": [{"text": "It is sunny in {{output}}."}],
     "times": 1}

The same rules answer Assistants runs, Responses and Chat Completions: ``RunContext`` is what any of them
shows a rule. ``parse_rules`` returns the rules normalized: ``then`` always a list, function-call
``arguments`` always a JSON string, built-in tool calls with every field, every reply with exactly one kind.
docs/runs.md describes the format.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v

RULE_FIELDS = ("name", "match", "reply", "then", "times")
TEXT_CONDITIONS = ("equals", "contains", "regex")
METADATA_CONDITIONS = ("assistant_metadata", "thread_metadata", "run_metadata", "metadata")
MATCH_FIELDS = (*TEXT_CONDITIONS, "assistant_id", "model", *METADATA_CONDITIONS)
REPLY_KINDS = ("text", "tool_calls", "refusal", "fail", "incomplete", "expire")
FAIL_CODES = ["server_error", "rate_limit_exceeded", "invalid_prompt"]
#: Runs know the first two, Responses the last two; each API maps the others onto its own (docs/runs.md).
INCOMPLETE_REASONS = ["max_completion_tokens", "max_prompt_tokens", "max_output_tokens", "content_filter"]
#: Built-in (hosted) tools a scripted turn may call besides functions, and the fields each call takes.
BUILTIN_TOOLS = ("web_search", "file_search", "code_interpreter")
BUILTIN_FIELDS = {
    "web_search": ("type", "query", "sources"),
    "file_search": ("type", "queries", "results"),
    "code_interpreter": ("type", "code", "outputs"),
}
FILE_SEARCH_RESULT_FIELDS = ("file_id", "filename", "score", "text", "attributes")
ANNOTATION_TYPES = ["file_citation", "file_path"]
DEFAULT_FAILURE = "Sorry, something went wrong."


def parse_rules(rules: Any, param: str = "script") -> list[dict[str, Any]]:
    items = v.expect_array(rules, param) or []
    return [parse_rule(rule, f"{param}[{i}]") for i, rule in enumerate(items)]


def parse_rule(rule: Any, param: str) -> dict[str, Any]:
    v.expect_object(rule, param)
    _reject_unknown(rule, RULE_FIELDS, param)
    parsed: dict[str, Any] = {}
    name = v.expect_string(rule.get("name"), f"{param}.name", nullable=True)
    if name is not None:
        parsed["name"] = name
    parsed["match"] = _parse_match(rule.get("match"), f"{param}.match")
    parsed["reply"] = parse_reply(v.require(rule, "reply", param), f"{param}.reply")
    then = rule.get("then")
    if isinstance(then, (dict, str)):
        then = [then]
    then_items = v.expect_array(then, f"{param}.then", nullable=True) or []
    parsed["then"] = [parse_reply(item, f"{param}.then[{i}]") for i, item in enumerate(then_items)]
    times = v.expect_int(rule.get("times"), f"{param}.times", nullable=True, minimum=1)
    if times is not None:
        parsed["times"] = times
    return parsed


def _reject_unknown(body: Mapping[str, Any], allowed: tuple[str, ...], param: str) -> None:
    unknown = [k for k in body if k not in allowed]
    if unknown:
        raise e.InvalidRequestError(
            e.SCRIPT_UNKNOWN_FIELD.format(param=param, name=unknown[0], allowed=", ".join(allowed)),
            param=f"{param}.{unknown[0]}",
        )


def _parse_match(match: Any, param: str) -> dict[str, Any]:
    conditions = v.expect_object(match, param, nullable=True) or {}
    _reject_unknown(conditions, MATCH_FIELDS, param)
    parsed: dict[str, Any] = {}
    for key in TEXT_CONDITIONS:
        if key in conditions:
            text = v.expect_string(conditions[key], f"{param}.{key}") or ""
            if key == "regex":
                try:
                    re.compile(text)
                except re.error as exc:
                    raise e.InvalidRequestError(
                        e.SCRIPT_BAD_REGEX.format(param=f"{param}.regex", error=exc), param=f"{param}.regex"
                    ) from None
            parsed[key] = text
    for key in ("assistant_id", "model"):
        if key in conditions:
            parsed[key] = v.expect_string(conditions[key], f"{param}.{key}")
    for key in METADATA_CONDITIONS:
        if key in conditions:
            parsed[key] = v.check_metadata(conditions[key], f"{param}.{key}")
    return parsed


def parse_reply(reply: Any, param: str) -> dict[str, Any]:
    """One turn of the scripted model: exactly one of text, tool_calls, refusal, fail, incomplete, expire."""
    if isinstance(reply, str):
        return {"text": reply, "annotations": []}
    v.expect_object(reply, param)
    # An ``incomplete`` reply may carry the partial ``text`` it was cut short at.
    kinds = [k for k in REPLY_KINDS if k in reply and not (k == "text" and "incomplete" in reply)]
    if len(kinds) != 1:
        raise e.InvalidRequestError(e.SCRIPT_REPLY_KIND.format(param=param, found=len(kinds)), param=param)
    kind = kinds[0]
    if kind == "text":
        _reject_unknown(reply, ("text", "annotations"), param)
        text = v.expect_string(reply["text"], f"{param}.text") or ""
        notes = v.expect_array(reply.get("annotations"), f"{param}.annotations", nullable=True) or []
        return {
            "text": text,
            "annotations": [_annotation(a, text, f"{param}.annotations[{i}]") for i, a in enumerate(notes)],
        }
    if kind == "tool_calls":
        _reject_unknown(reply, ("tool_calls",), param)
        calls = v.expect_array(reply["tool_calls"], f"{param}.tool_calls") or []
        if not calls:
            raise e.InvalidRequestError(e.EMPTY_ARRAY.format(param=f"{param}.tool_calls"), param=f"{param}.tool_calls")
        return {"tool_calls": [_tool_call(c, f"{param}.tool_calls[{i}]") for i, c in enumerate(calls)]}
    if kind == "refusal":
        _reject_unknown(reply, ("refusal",), param)
        return {"refusal": v.expect_string(reply["refusal"], f"{param}.refusal") or ""}
    if kind == "fail":
        _reject_unknown(reply, ("fail",), param)
        fail = reply["fail"]
        if fail is True or fail is None:
            fail = {}
        if isinstance(fail, str):
            fail = {"message": fail}
        v.expect_object(fail, f"{param}.fail")
        _reject_unknown(fail, ("code", "message"), f"{param}.fail")
        code = v.expect_enum(fail.get("code"), FAIL_CODES, f"{param}.fail.code", nullable=True) or "server_error"
        message = v.expect_string(fail.get("message"), f"{param}.fail.message", nullable=True) or DEFAULT_FAILURE
        return {"fail": {"code": code, "message": message}}
    if kind == "incomplete":
        _reject_unknown(reply, ("incomplete", "text"), param)
        reason = reply["incomplete"]
        if reason is True:
            reason = "max_completion_tokens"
        reason = v.expect_enum(reason, INCOMPLETE_REASONS, f"{param}.incomplete")
        text = v.expect_string(reply.get("text"), f"{param}.text", nullable=True) or ""
        return {"incomplete": reason, "text": text}
    _reject_unknown(reply, ("expire",), param)
    if reply["expire"] is not True:
        raise v.type_error(reply["expire"], "true", f"{param}.expire")
    return {"expire": True}


def _annotation(note: Any, text: str, param: str) -> dict[str, Any]:
    """``{"type": "file_citation"|"file_path", "text": "<substring of the reply>", "file_id": "file-..."}``."""
    v.expect_object(note, param)
    # The normalized form (what list_script_rules returns, so exports round-trip) is accepted as well.
    _reject_unknown(note, ("type", "text", "file_id", *ANNOTATION_TYPES, "start_index", "end_index"), param)
    kind = v.expect_enum(note.get("type", "file_citation"), ANNOTATION_TYPES, f"{param}.type") or "file_citation"
    marker = v.expect_string(v.require(note, "text", param), f"{param}.text") or ""
    nested = note.get(kind) if isinstance(note.get(kind), dict) else {}
    file_id = v.expect_string(v.require({**nested, **note}, "file_id", param), f"{param}.file_id") or ""
    start = text.find(marker) if marker else -1
    if start < 0:
        raise e.InvalidRequestError(
            e.SCRIPT_ANNOTATION_TEXT.format(param=f"{param}.text", text=marker), param=f"{param}.text"
        )
    return {
        "type": kind,
        "text": marker,
        kind: {"file_id": file_id},
        "start_index": start,
        "end_index": start + len(marker),
    }


def _tool_call(call: Any, param: str) -> dict[str, Any]:
    """A function call ``{"name", "arguments"}`` (``"type": "function"`` optional), or a built-in tool call
    ``{"type": "web_search"|"file_search"|"code_interpreter", ...}``."""
    v.expect_object(call, param)
    kind = call.get("type", "function")
    if kind != "function":
        v.expect_enum(kind, ["function", *BUILTIN_TOOLS], f"{param}.type")
        return _builtin_call(call, kind, param)
    _reject_unknown(call, ("type", "name", "arguments"), param)
    name = v.expect_string(v.require(call, "name", param), f"{param}.name") or ""
    arguments = call.get("arguments", {})
    if not isinstance(arguments, str):
        arguments = json.dumps(v.expect_object(arguments, f"{param}.arguments"), separators=(",", ":"))
    return {"name": name, "arguments": arguments}


def _builtin_call(call: dict[str, Any], kind: str, param: str) -> dict[str, Any]:
    """Normalized: web_search ``{query, sources: [url]}``; file_search ``{queries, results: [...] | None}`` (None:
    the surface searches its vector stores); code_interpreter ``{code, outputs: [{type: logs|image, ...}]}``."""
    _reject_unknown(call, BUILTIN_FIELDS[kind], param)
    if kind == "web_search":
        query = v.expect_string(call.get("query", ""), f"{param}.query") or ""
        sources = v.expect_array(call.get("sources"), f"{param}.sources", nullable=True) or []
        urls = [_source_url(s, f"{param}.sources[{i}]") for i, s in enumerate(sources)]
        return {"type": kind, "query": query, "sources": urls}
    if kind == "file_search":
        queries = call.get("queries", [])
        if isinstance(queries, str):
            queries = [queries]
        listed = v.expect_array(queries, f"{param}.queries") or []
        texts = [v.expect_string(q, f"{param}.queries[{i}]") or "" for i, q in enumerate(listed)]
        raw = v.expect_array(call.get("results"), f"{param}.results", nullable=True)
        results = None if raw is None else [_search_result(r, f"{param}.results[{i}]") for i, r in enumerate(raw)]
        return {"type": kind, "queries": texts, "results": results}
    code = v.expect_string(call.get("code", ""), f"{param}.code") or ""
    outputs = v.expect_array(call.get("outputs"), f"{param}.outputs", nullable=True) or []
    return {
        "type": kind,
        "code": code,
        "outputs": [_code_output(o, f"{param}.outputs[{i}]") for i, o in enumerate(outputs)],
    }


def _source_url(source: Any, param: str) -> str:
    if isinstance(source, dict):
        _reject_unknown(source, ("type", "url"), param)
        source = v.require(source, "url", param)
        param = f"{param}.url"
    return v.expect_string(source, param) or ""


def _search_result(result: Any, param: str) -> dict[str, Any]:
    v.expect_object(result, param)
    _reject_unknown(result, FILE_SEARCH_RESULT_FIELDS, param)
    out: dict[str, Any] = {
        "file_id": v.expect_string(v.require(result, "file_id", param), f"{param}.file_id"),
        "filename": v.expect_string(result.get("filename", ""), f"{param}.filename"),
        "score": v.expect_number(result.get("score", 1.0), f"{param}.score", minimum=0, maximum=1),
        "text": v.expect_string(result.get("text", ""), f"{param}.text"),
    }
    if "attributes" in result:
        out["attributes"] = v.expect_object(result["attributes"], f"{param}.attributes")
    return out


def _code_output(output: Any, param: str) -> dict[str, Any]:
    if isinstance(output, str):
        return {"type": "logs", "logs": output}
    v.expect_object(output, param)
    kind = v.expect_enum(output.get("type", "logs"), ["logs", "image"], f"{param}.type")
    key = "logs" if kind == "logs" else "url"
    _reject_unknown(output, ("type", key), param)
    return {"type": kind, key: v.expect_string(v.require(output, key, param), f"{param}.{key}")}


def is_function_call(call: Mapping[str, Any]) -> bool:
    """Normalized tool calls: function calls have no ``type`` (the form rules had before built-ins existed)."""
    return "type" not in call


# -- matching ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunContext:
    """What a rule can look at: the last user message, and the objects of the request being answered.

    ``run`` is the object the request creates: a run (with its assistant and thread), a response or a chat
    completion (no assistant, no thread). ``model`` and ``metadata`` conditions read ``model`` and ``metadata``
    unless given, the run's (a run's ``metadata`` is its own, as ``run_metadata``).
    """

    text: str
    assistant: Mapping[str, Any] = field(default_factory=dict)
    thread: Mapping[str, Any] = field(default_factory=dict)
    run: Mapping[str, Any] = field(default_factory=dict)
    model: str | None = None
    metadata: Mapping[str, Any] | None = None

    def request_model(self) -> str | None:
        return self.model if self.model is not None else self.run.get("model")

    def request_metadata(self) -> Mapping[str, Any]:
        return self.metadata if self.metadata is not None else (self.run.get("metadata") or {})


def rule_name(rule: Mapping[str, Any], index: int) -> str:
    return str(rule.get("name") or f"script[{index}]")


def matches(rule: Mapping[str, Any], ctx: RunContext) -> bool:
    match = rule["match"]
    if "equals" in match and ctx.text.strip() != match["equals"].strip():
        return False
    if "contains" in match and match["contains"] not in ctx.text:
        return False
    if "regex" in match and re.search(match["regex"], ctx.text) is None:
        return False
    if "assistant_id" in match and ctx.assistant.get("id") != match["assistant_id"]:
        return False
    if "model" in match and ctx.request_model() != match["model"]:
        return False
    for key, found in (
        ("assistant_metadata", ctx.assistant.get("metadata") or {}),
        ("thread_metadata", ctx.thread.get("metadata") or {}),
        ("run_metadata", ctx.run.get("metadata") or {}),
        ("metadata", ctx.request_metadata()),
    ):
        wanted = match.get(key)
        if wanted and any(found.get(k) != val for k, val in wanted.items()):
            return False
    return True


def find_rule(
    rules: list[dict[str, Any]], uses: Mapping[str, int], ctx: RunContext
) -> tuple[int, dict[str, Any]] | None:
    """The first rule (in the order added) that matches and still has uses left."""
    for index, rule in enumerate(rules):
        if "times" in rule and uses.get(rule_name(rule, index), 0) >= rule["times"]:
            continue
        if matches(rule, ctx):
            return index, rule
    return None


def describe_match(match: Mapping[str, Any]) -> str:
    if not match:
        return "matches anything"
    return ", ".join(f"{key} {json.dumps(value, ensure_ascii=False)}" for key, value in match.items())


def closest_rules(rules: list[dict[str, Any]], ctx: RunContext, limit: int = 3) -> list[str]:
    """Rules ranked by how close their text condition is to the message, described for an error message."""
    scored = []
    for index, rule in enumerate(rules):
        pattern = next((rule["match"][k] for k in TEXT_CONDITIONS if k in rule["match"]), "")
        score = difflib.SequenceMatcher(None, pattern.lower(), ctx.text.lower()).ratio() if pattern else 0.0
        scored.append((-score, index, f"'{rule_name(rule, index)}' ({describe_match(rule['match'])})"))
    return [text for _, _, text in sorted(scored)[:limit]]
