"""Pre-sunset cassettes (Assistants traffic recorded by mockserver or vcrpy) as a Responses-era scenario.

A recording holds what the real model answered. Replayed as it is, it only serves the old endpoints, which
no longer exist; converted, it seeds the port's tests:

- every thread seen in the recorded answers becomes a conversation (the same conversion as scenario files);
- every run becomes a script rule (``times: 1``) that answers the user message it ran on with the recorded
  turns (tool calls, then text), so the Responses port gets the very answers the legacy app got;
- the Assistants endpoints it called are listed with what replaces them, and those without an equivalent noted.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from mockserver.migration.convert import Converted, Note, thread_to_conversation
from mockserver.migration.errors import MigrationError
from mockserver.migration.transcript import api_of, message_text, normalise_path

_CONV = "/v1/conversations/{conversation_id}"
_NO_ASSISTANTS = "no API equivalent: keep model, instructions and tools in the app and pass them per request"
#: What replaces each Assistants endpoint (normalised path -> replacement); absent: no equivalent.
REPLACEMENTS = {
    "POST /v1/threads": "POST /v1/conversations",
    "GET /v1/threads/{thread_id}": f"GET {_CONV}",
    "POST /v1/threads/{thread_id}": f"POST {_CONV}",
    "DELETE /v1/threads/{thread_id}": f"DELETE {_CONV}",
    "POST /v1/threads/{thread_id}/messages": f"POST {_CONV}/items, or the input of the next response",
    "GET /v1/threads/{thread_id}/messages": f"GET {_CONV}/items",
    "GET /v1/threads/{thread_id}/messages/{message_id}": f"GET {_CONV}/items/{{item_id}}",
    "DELETE /v1/threads/{thread_id}/messages/{message_id}": f"DELETE {_CONV}/items/{{item_id}}",
    "POST /v1/threads/{thread_id}/runs": "POST /v1/responses with conversation=...",
    "POST /v1/threads/runs": "POST /v1/conversations, then POST /v1/responses",
    "GET /v1/threads/{thread_id}/runs/{run_id}": "none: responses finish at once (background: GET /v1/responses/{id})",
    "POST /v1/threads/{thread_id}/runs/{run_id}/submit_tool_outputs": "POST /v1/responses, function_call_output input",
    "POST /v1/threads/{thread_id}/runs/{run_id}/cancel": "POST /v1/responses/{id}/cancel (background responses only)",
    "GET /v1/threads/{thread_id}/runs/{run_id}/steps": "the response's output items",
    "GET /v1/threads/{thread_id}/runs/{run_id}/steps/{step_id}": "the response's output items",
    "GET /v1/threads/{thread_id}/runs": "no equivalent (responses are not listed)",
    "POST /v1/assistants": _NO_ASSISTANTS + " (prompts are created in the dashboard only)",
    "GET /v1/assistants": _NO_ASSISTANTS,
    "GET /v1/assistants/{assistant_id}": _NO_ASSISTANTS,
    "POST /v1/assistants/{assistant_id}": _NO_ASSISTANTS,
    "DELETE /v1/assistants/{assistant_id}": _NO_ASSISTANTS,
}


def load(path: str | Path) -> list[dict[str, Any]]:
    """The interactions of a mockserver cassette or a vcrpy cassette; errors name the file."""
    from mockserver.replay.cassette import CassetteError, load_interactions, parse_document
    from mockserver.replay.vcr import convert

    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else f"not UTF-8 text ({exc.reason})"
        raise MigrationError(f"{file}: cannot read: {reason or exc}") from None
    try:
        document = parse_document(text, file)
        if isinstance(document, dict) and "format" not in document and "interactions" in document:
            return convert(document)  # vcrpy / pytest-recording
        return load_interactions(file)
    except CassetteError as exc:
        message = str(exc)
        raise MigrationError(message if message.startswith(str(file)) else f"{file}: {message}") from None


def _body(spec: Any) -> Any:
    from mockserver.replay.wire import body_value

    return body_value(spec) if isinstance(spec, dict) else None


class _Seen:
    """The latest version of every Assistants object the recorded answers showed, in order of first sight, plus
    what only requests show: the messages a thread or run was created with, and the submitted tool outputs."""

    def __init__(self) -> None:
        self.objects: dict[str, dict[str, dict[str, Any]]] = {k: {} for k in ("assistant", "thread", "message",
                                                                              "run", "step")}  # fmt: skip
        self.outputs: dict[str, str] = {}
        #: run id -> its rounds of required tool calls, as seen on ``requires_action`` versions of the run.
        self.rounds: dict[str, list[list[dict[str, Any]]]] = {}
        #: Messages known only from request bodies (the API does not echo them): ``(thread_id, message)``.
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def visit(self, value: Any, ascending: bool = True) -> None:
        if not isinstance(value, dict):
            return
        kind = value.get("object")
        if kind == "list":
            data = [d for d in value.get("data") or [] if isinstance(d, dict)]
            for item in data if ascending else reversed(data):  # lists are newest first unless order=asc
                self.visit(item)
            return
        short = {"assistant": "assistant", "thread": "thread", "thread.message": "message", "thread.run": "run",
                 "thread.run.step": "step"}.get(str(kind))  # fmt: skip
        if short and isinstance(value.get("id"), str):
            self.objects[short][value["id"]] = value
        if short == "run" and isinstance(value.get("required_action"), dict):
            calls = (value["required_action"].get("submit_tool_outputs") or {}).get("tool_calls") or []
            rounds = self.rounds.setdefault(value["id"], [])
            if calls and calls not in rounds:
                rounds.append(calls)

    def send(self, thread_id: Any, messages: Any, created_at: Any) -> None:
        for message in messages if isinstance(messages, list) else []:
            if (
                isinstance(thread_id, str)
                and isinstance(message, dict)
                and message.get("role") in ("user", "assistant")
            ):
                self.sent.append((thread_id, {**message, "thread_id": thread_id, "created_at": created_at or 0}))


def _messages(seen: _Seen, thread_id: str) -> list[dict[str, Any]]:
    """The thread's messages, oldest first: recorded ones, plus sent ones no recorded answer showed."""
    real = [m for m in seen.objects["message"].values() if m.get("thread_id") == thread_id]
    unmatched = [(m["role"], message_text(m.get("content"))) for m in real]
    merged = []
    for sent_thread, message in seen.sent:
        key = (message["role"], message_text(message.get("content")))
        if sent_thread != thread_id:
            continue
        if key in unmatched:
            unmatched.remove(key)  # the same message, seen later with its id
        else:
            merged.append(message)
    order = {id(m): i for i, m in enumerate(merged + real)}
    return sorted(merged + real, key=lambda m: (m.get("created_at") or 0, order[id(m)]))


def _synthetic_steps(run: dict[str, Any], seen: _Seen) -> list[dict[str, Any]]:
    """Tool-call steps rebuilt from ``requires_action`` versions of a run whose steps were never fetched."""
    steps = []
    for calls in seen.rounds.get(run["id"], []):
        filled = [{**c, "function": {**(c.get("function") or {}), "output": seen.outputs.get(c.get("id", ""))}}
                  for c in calls]  # fmt: skip
        steps.append({"step_details": {"type": "tool_calls", "tool_calls": filled}})
    return steps


def _threads(seen: _Seen) -> list[dict[str, Any]]:
    """Scenario-shaped threads (messages and runs with steps, oldest first) rebuilt from what was seen."""
    ids = list(seen.objects["thread"])
    others = [*seen.objects["message"].values(), *seen.objects["run"].values(), *(m for _, m in seen.sent)]
    for obj in others:
        if obj.get("thread_id") and obj["thread_id"] not in ids:
            ids.append(obj["thread_id"])
    threads = []
    for thread_id in ids:
        data = seen.objects["thread"].get(thread_id, {"id": thread_id})
        runs = []
        for run in seen.objects["run"].values():
            if run.get("thread_id") != thread_id:
                continue
            steps = [dict(s) for s in seen.objects["step"].values() if s.get("run_id") == run["id"]]
            for step in steps:
                _fill_outputs(step, seen.outputs)
            steps = sorted(steps, key=lambda s: s.get("created_at") or 0)
            if not any((s.get("step_details") or {}).get("type") == "tool_calls" for s in steps):
                steps = _synthetic_steps(run, seen) + steps
            runs.append({**run, "steps": steps})
        thread: dict[str, Any] = {k: data[k] for k in ("id", "created_at", "metadata") if k in data}
        threads.append({**thread, "messages": _messages(seen, thread_id), "runs": runs})
    return threads


def _fill_outputs(step: dict[str, Any], outputs: dict[str, str]) -> None:
    details = step.get("step_details") or {}
    calls = details.get("tool_calls") if details.get("type") == "tool_calls" else None
    if not calls:
        return
    filled = []
    for call in calls:
        function = call.get("function")
        if isinstance(function, dict) and function.get("output") is None and call.get("id") in outputs:
            call = {**call, "function": {**function, "output": outputs[call["id"]]}}
        filled.append(call)
    step["step_details"] = {**details, "tool_calls": filled}


def _rule(run: dict[str, Any], thread: dict[str, Any], seen: _Seen) -> dict[str, Any] | None:
    """The script rule replaying ``run``: its user message, then its turns (tool-call rounds, final text)."""
    before = [m for m in thread["messages"] if (m.get("created_at") or 0) <= (run.get("created_at") or 0)]
    users = [m for m in before if m.get("role") == "user"]
    if not users:
        return None
    turns: list[dict[str, Any]] = []
    for step in run["steps"]:
        details = step.get("step_details") or {}
        if details.get("type") == "tool_calls":
            calls = [{"name": c["function"]["name"], "arguments": c["function"].get("arguments") or "{}"}
                     for c in details.get("tool_calls") or [] if c.get("type") == "function"]  # fmt: skip
            if calls:
                turns.append({"tool_calls": calls})
        elif details.get("type") == "message_creation":
            message = seen.objects["message"].get((details.get("message_creation") or {}).get("message_id", ""))
            if message is not None:
                turns.append({"text": message_text(message.get("content"))})
    if not any("text" in t for t in turns):  # no message_creation step recorded: the run's own messages
        texts = [message_text(m.get("content")) for m in thread["messages"] if m.get("run_id") == run["id"]]
        turns += [{"text": t} for t in texts]
    if not turns:
        return None
    rule: dict[str, Any] = {"name": f"recorded {run['id']}", "match": {"equals": message_text(users[-1]["content"])},
                            "reply": turns[0], "times": 1}  # fmt: skip
    if len(turns) > 1:
        rule["then"] = turns[1:]
    return rule


def convert_cassette(path: str | Path) -> Converted:
    """A pre-sunset cassette as ``{conversations, script}`` plus notes (endpoints and what has no equivalent)."""
    interactions = load(path)
    seen = _Seen()
    used: Counter[str] = Counter()
    others: Counter[str] = Counter()
    for item in interactions:
        request, response = item["request"], item["response"]
        key = f"{request['method']} {normalise_path(request['path'])}"
        (used if api_of(request["path"]) == "assistants" else others)[key] += 1
        if not 200 <= response["status"] < 300:
            continue
        body = _body(request.get("body"))
        body = body if isinstance(body, dict) else {}
        for output in body.get("tool_outputs") or []:
            if isinstance(output, dict) and output.get("tool_call_id"):
                seen.outputs[str(output["tool_call_id"])] = str(output.get("output", ""))
        answers = [_body(response.get("body"))]
        answers += [e.get("data") for e in (response.get("stream") or {}).get("events") or [] if isinstance(e, dict)]
        first = next((a for a in answers if isinstance(a, dict)), {})
        when = first.get("created_at")
        if key == "POST /v1/threads":
            seen.send(first.get("id"), body.get("messages"), when)
        elif key == "POST /v1/threads/runs":
            seen.send(first.get("thread_id"), (body.get("thread") or {}).get("messages"), when)
        elif key == "POST /v1/threads/{thread_id}/runs":
            seen.send(first.get("thread_id"), body.get("additional_messages"), when)
        ascending = (request.get("query") or {}).get("order") == "asc"
        for answer in answers:
            seen.visit(answer, ascending)
    if not used:
        found = ", ".join(sorted(others)) or "nothing"
        raise MigrationError(f"{path}: not an Assistants API cassette: no /v1/assistants or /v1/threads calls "
                             f"(it records {found})")  # fmt: skip
    notes = [Note(f"{path}: {k} (x{n})", f"-> {REPLACEMENTS.get(k, 'no equivalent')}") for k, n in sorted(used.items())]
    threads = _threads(seen)
    conversations, rules = [], []
    for thread in threads:
        conversation, lost = thread_to_conversation(thread, f"{path}: thread {thread['id']}")
        conversations.append(conversation)
        notes += lost
        rules += [r for run in thread["runs"] if (r := _rule(run, thread, seen)) is not None]
    document: dict[str, Any] = {"version": 1}
    if conversations:
        document["conversations"] = conversations
    if rules:
        document["script"] = rules
    from mockserver.migration.convert import assistant_settings

    settings = {}
    for assistant_id, assistant in seen.objects["assistant"].items():
        settings[assistant_id], lost = assistant_settings(assistant, f"{path}: assistant {assistant_id}")
        notes += lost
    return Converted(document, settings, notes)


def dumps(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
