"""Legacy state to its Responses equivalent, per the official mapping (reference responses-conversations.md 7):
Threads -> Conversations, Run steps -> Items, Assistants -> settings the app passes with every request.

Pure functions over scenario-shaped documents (a scenario file or a state export: both use the same format).
Whatever has no equivalent is reported as a :class:`Note` (with the place in the document), never silently
dropped; input that cannot be read at all is a :class:`MigrationError` naming the place.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from mockserver.migration.errors import MigrationError

ROLES = ("user", "assistant")
#: Terminal run states whose partial output is kept as it is.
UNFINISHED = ("queued", "in_progress", "requires_action", "cancelling")


@dataclass(frozen=True)
class Note:
    """Something the conversion could not carry over: where it was and what happened to it."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def conversation_id_for(thread_id: str) -> str:
    """The conversation a thread becomes: ``conv_`` + 48 hex derived from the thread id (stable across runs)."""
    return "conv_" + hashlib.sha256(f"mockserver-migration:{thread_id}".encode()).hexdigest()[:48]


def _fail(where: str, what: str) -> MigrationError:
    return MigrationError(f"{where}: {what}")


def _obj(value: Any, where: str) -> dict[str, Any]:
    """``value`` as a mapping (absent: empty); anything else is a located error."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(where, f"expected an object, got {type(value).__name__}")
    return value


def _seq(value: Any, where: str) -> list[Any]:
    """``value`` as a list (absent: empty); anything else is a located error."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(where, f"expected a list, got {type(value).__name__}")
    return value


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise _fail(where, f"expected a non-empty string, got {value!r}")
    return value


def _text_of(part: dict[str, Any]) -> str:
    text = part.get("text")
    if isinstance(text, dict):
        return str(text.get("value", ""))
    return "" if text is None else str(text)


def _content(message: dict[str, Any], where: str, notes: list[Note]) -> list[dict[str, Any]]:
    """A thread message's content as Responses content parts (reference 7.2; image_file is our choice)."""
    role = message["role"]
    text_type = "input_text" if role == "user" else "output_text"
    raw = message.get("content")
    if isinstance(raw, str):
        raw = [{"type": "text", "text": raw}]
    if not isinstance(raw, list):
        raise _fail(f"{where}.content", f"expected a string or a list of content parts, got {type(raw).__name__}")
    parts: list[dict[str, Any]] = []
    for i, part in enumerate(raw):
        at = f"{where}.content[{i}]"
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text":
            text = part.get("text")
            if isinstance(text, dict) and text.get("annotations"):
                notes.append(Note(at, "annotations dropped (conversation items carry none for input)"))
            converted: dict[str, Any] = {"type": text_type, "text": _text_of(part)}
            if text_type == "output_text":
                converted["annotations"] = []
            parts.append(converted)
        elif kind in ("image_url", "image_file") and role == "user":
            image = _obj(part.get(kind), f"{at}.{kind}")
            source = {"image_url": image.get("url")} if kind == "image_url" else {"file_id": image.get("file_id")}
            parts.append({"type": "input_image", **source, "detail": image.get("detail") or "auto"})
        elif kind in ("image_url", "image_file"):
            notes.append(Note(at, f"{kind} in an assistant message dropped (assistant items hold text only)"))
        elif kind == "refusal":
            parts.append({"type": "refusal", "refusal": str(part.get("refusal", ""))})
        else:
            raise _fail(at, f"unknown content part type {kind!r} (expected text, image_url or image_file)")
    return parts


def _tool_items(run: dict[str, Any], where: str, notes: list[Note]) -> list[dict[str, Any]]:
    """A run's tool_calls steps as function_call / function_call_output items (reference 7.1: steps -> items)."""
    items: list[dict[str, Any]] = []
    for s, step in enumerate(_seq(run.get("steps"), f"{where}.steps")):
        details = _obj(_obj(step, f"{where}.steps[{s}]").get("step_details"), f"{where}.steps[{s}].step_details")
        if details.get("type") != "tool_calls":
            continue
        calls = _seq(details.get("tool_calls"), f"{where}.steps[{s}].step_details.tool_calls")
        for c, call in enumerate(calls):
            at = f"{where}.steps[{s}].step_details.tool_calls[{c}]"
            call = _obj(call, at)
            if call.get("type") != "function":
                notes.append(Note(at, f"{call.get('type')} call dropped (hosted tools run again per request)"))
                continue
            function = _obj(call.get("function"), f"{at}.function")
            if function.get("output") is None:
                notes.append(Note(at, f"call {function.get('name')!r} was never answered: dropped (an unanswered "
                                      "function_call in a conversation makes the next response fail)"))  # fmt: skip
                continue
            call_id, name = _str(call.get("id"), f"{at}.id"), _str(function.get("name"), f"{at}.function.name")
            arguments = function.get("arguments") or "{}"
            arguments = arguments if isinstance(arguments, str) else json.dumps(arguments)
            items.append({"type": "function_call", "call_id": call_id, "name": name, "arguments": arguments,
                          "status": "completed"})  # fmt: skip
            output = function["output"]
            items.append({"type": "function_call_output", "call_id": call_id,
                          "output": output if isinstance(output, str) else json.dumps(output),
                          "status": "completed"})  # fmt: skip
    return items


def thread_to_conversation(thread: Any, where: str = "thread") -> tuple[dict[str, Any], list[Note]]:
    """One scenario thread (``threads[i]`` of a scenario file or state export) as a ``conversations[]`` entry:
    ``{"id", "created_at", "metadata", "items"}``. Tool calls are placed before the message their run wrote."""
    if not isinstance(thread, dict):
        raise _fail(where, f"expected a thread object, got {type(thread).__name__}")
    notes: list[Note] = []
    messages = thread.get("messages") or []
    runs = thread.get("runs") or []
    if not isinstance(messages, list) or not isinstance(runs, list):
        raise _fail(where, "'messages' and 'runs' must be lists")
    metadata = _obj(thread.get("metadata"), f"{where}.metadata")
    if thread.get("tool_resources"):
        notes.append(Note(f"{where}.tool_resources", "no conversation equivalent: pass the files or vector "
                                                     "stores with each request's tools"))  # fmt: skip
    run_items = {}
    for r, run in enumerate(runs):
        if not isinstance(run, dict) or not isinstance(run.get("id"), str):
            raise _fail(f"{where}.runs[{r}]", "expected a run object with an 'id'")
        run_items[run["id"]] = _tool_items(run, f"{where}.runs[{r}]", notes)
        if run.get("status") in UNFINISHED:
            notes.append(Note(f"{where}.runs[{r}]", f"run still {run['status']}: only what it finished is kept"))
        elif run.get("status") not in (None, "completed"):
            notes.append(Note(f"{where}.runs[{r}]", f"{run['status']} run: its finished items are kept, the "
                                                    "status has no item equivalent"))  # fmt: skip
    items: list[dict[str, Any]] = []
    placed: set[str] = set()
    for m, message in enumerate(messages):
        at = f"{where}.messages[{m}]"
        if not isinstance(message, dict) or message.get("role") not in ROLES:
            role = message.get("role") if isinstance(message, dict) else message
            raise _fail(f"{at}.role", f"{role!r} is not a thread message role (user or assistant)")
        run_id = message.get("run_id")
        if isinstance(run_id, str) and run_id in run_items and run_id not in placed:
            placed.add(run_id)
            items += run_items[run_id]
        for key in ("attachments", "metadata"):
            if message.get(key):
                notes.append(Note(f"{at}.{key}", f"{key} dropped (conversation items have no {key})"))
        content = _content(message, at, notes)
        if not content:
            notes.append(Note(at, "message without content dropped"))
            continue
        items.append({"type": "message", "role": message["role"], "content": content, "status": "completed"})
    for run_id, extra in run_items.items():  # runs that wrote no message (a tool round trip still open)
        if run_id not in placed:
            items += extra
    conversation: dict[str, Any] = {"metadata": dict(metadata), "items": items}
    if "id" in thread:
        conversation = {"id": conversation_id_for(str(thread["id"])), **conversation}
    if "created_at" in thread:
        conversation["created_at"] = thread["created_at"]
    return conversation, notes


def _tool(tool: Any, resources: dict[str, Any], where: str, notes: list[Note]) -> dict[str, Any] | None:
    kind = tool.get("type") if isinstance(tool, dict) else None
    if kind == "function":
        function = _obj(tool.get("function"), f"{where}.function")
        out = {"type": "function", "name": function.get("name"), "description": function.get("description"),
               "parameters": function.get("parameters") or {"type": "object", "properties": {}},
               "strict": bool(function.get("strict"))}  # fmt: skip
        return out
    if kind == "file_search":
        stores = _seq(_obj(resources.get("file_search"), "tool_resources.file_search").get("vector_store_ids"), where)
        return {"type": "file_search", "vector_store_ids": list(stores)}
    if kind == "code_interpreter":
        files = _seq(_obj(resources.get("code_interpreter"), "tool_resources.code_interpreter").get("file_ids"), where)
        return {"type": "code_interpreter", "container": {"type": "auto", "file_ids": list(files)}}
    notes.append(Note(where, f"tool type {kind!r} has no Responses equivalent: dropped"))
    return None


def assistant_settings(assistant: Any, where: str = "assistant") -> tuple[dict[str, Any], list[Note]]:
    """An assistant as the per-request settings of ``responses.create`` (reference 7.1: Assistants -> settings
    the app passes; prompts are dashboard objects the fake cannot create)."""
    if not isinstance(assistant, dict) or not isinstance(assistant.get("model"), str):
        raise _fail(where, "expected an assistant object with a 'model'")
    notes: list[Note] = []
    resources = _obj(assistant.get("tool_resources"), f"{where}.tool_resources")
    tools = [t for t in _seq(assistant.get("tools"), f"{where}.tools") if t is not None]
    converted = [_tool(t, resources, f"{where}.tools[{i}]", notes) for i, t in enumerate(tools)]
    settings: dict[str, Any] = {"model": assistant["model"]}
    if assistant.get("instructions"):
        settings["instructions"] = assistant["instructions"]
    if converted:
        settings["tools"] = [t for t in converted if t is not None]
    for key in ("temperature", "top_p"):
        if assistant.get(key) is not None:
            settings[key] = assistant[key]
    response_format = assistant.get("response_format")
    if isinstance(response_format, dict) and response_format.get("type") == "json_schema":
        schema = _obj(response_format.get("json_schema"), f"{where}.response_format.json_schema")
        settings["text"] = {"format": {"type": "json_schema", **schema}}
    elif isinstance(response_format, dict) and response_format.get("type") == "json_object":
        settings["text"] = {"format": {"type": "json_object"}}
    for key in ("name", "description", "metadata"):
        if assistant.get(key):
            notes.append(Note(f"{where}.{key}", f"{key} is the app's own bookkeeping now (not sent per request)"))
    return settings, notes


@dataclass
class Converted:
    """A converted scenario document, the assistants' settings (by assistant id or name) and what was lost."""

    document: dict[str, Any]
    settings: dict[str, dict[str, Any]]
    notes: list[Note]


def convert_document(document: Any, source: str = "scenario") -> Converted:
    """A scenario document (or state export): ``threads`` become ``conversations``, ``assistants`` become
    settings; every other section (clock, seed, script, runs settings, faults) is kept as it is."""
    if not isinstance(document, dict):
        raise _fail(source, f"expected a scenario document (a mapping), got {type(document).__name__}")
    notes: list[Note] = []
    out = {k: v for k, v in document.items() if k not in ("threads", "assistants", "id_counters")}
    if "id_counters" in document:
        notes.append(Note(f"{source}: id_counters", "dropped (the converted objects get new ids)"))
    settings: dict[str, dict[str, Any]] = {}
    for i, assistant in enumerate(_seq(document.get("assistants"), f"{source}: assistants")):
        converted, lost = assistant_settings(assistant, f"{source}: assistants[{i}]")
        key = str(assistant.get("id") or assistant.get("name") or f"assistants[{i}]")
        settings[key] = converted
        notes += lost
    conversations = []
    for i, thread in enumerate(_seq(document.get("threads"), f"{source}: threads")):
        conversation, lost = thread_to_conversation(thread, f"{source}: threads[{i}]")
        conversations.append(conversation)
        notes += lost
    if conversations:
        out["conversations"] = conversations
    return Converted(out, settings, notes)


def visible_messages(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """``(role, text)`` of the message items (what a user sees), for checks and reports."""
    from mockserver.migration.transcript import message_text

    return [(i["role"], message_text(i["content"])) for i in items if i.get("type") == "message"]


def dumps(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
