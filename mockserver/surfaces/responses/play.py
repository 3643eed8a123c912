"""Playing a response's scripted turns: its output items, its terminal status, and the stream events of both.

The same rules answer runs and responses (mockserver/model/rules.py); here a turn becomes Responses items, in
the event order of reference section 5 (5.3 text, 5.4 function calls, 5.6 failure and incomplete, 5.7
refusal). A turn of built-in tool calls only (web_search, file_search, code_interpreter) is followed by the next
turn in the same response: the model uses its hosted tools, then answers. Function calls end the response
``completed``; the client answers them in a new request, which continues the script (:class:`.state.Script`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mockserver import model as engine
from mockserver.core import errors as e
from mockserver.core.project import Project
from mockserver.model import structured
from mockserver.surfaces.responses import shapes as sh
from mockserver.surfaces.responses import tools as tl
from mockserver.surfaces.responses.state import ResponseRecord, Script

#: Incomplete reasons of the rule format (both APIs' names) as a response reports them (docs/runs.md).
INCOMPLETE_REASON = {"content_filter": "content_filter"}
EXPIRED_FAILURE = {"code": "server_error", "message": "The model failed to generate a response."}

FileSearch = Callable[[list[str], list[str], int], list[dict[str, Any]]]


@dataclass
class Play:
    """What one response needs to play its turns (built by the operations under the store's lock)."""

    project: Project
    record: ResponseRecord
    settings: dict[str, Any]
    #: Outputs of the function calls this request answers (``{{output}}``).
    outputs: list[str]
    record_miss: Callable[[str], None]
    #: ``(vector_store_ids, queries, max_num_results) -> results`` for unscripted file_search results.
    file_search: FileSearch
    #: Function call id -> script position, filled as calls are made.
    calls: dict[str, Script] = field(default_factory=dict)
    output: list[dict[str, Any]] = field(default_factory=list)
    output_tokens: int = 0

    # -- the turn loop --------------------------------------------------------------------------------------

    def run(self) -> None:
        rec = self.record
        script = rec.script
        if script.miss is not None:
            self.record_miss(script.miss)
            self._fail({"code": "server_error", "message": script.miss})
            return
        if script.queued_calls:
            self._call_functions(list(script.queued_calls), script.advanced(queued_calls=()))
            self._finish("completed")
            return
        while True:
            turn: dict[str, Any] | None = script.turns[script.turn] if script.turn < len(script.turns) else None
            if script.rule is None:
                turn = None  # the default reply, shaped by the request (text format, tool choice)
            script = script.advanced(turn=script.turn + 1)
            if turn is None:
                if self.settings["strict"] and script.rule is not None:
                    message = e.SCRIPT_MISS_FOLLOW_UP.format(rule=script.rule)
                    self.record_miss(message)
                    self._fail({"code": "server_error", "message": message})
                    return
                turn = self._default_turn()
            turn = self._apply_tool_choice(turn, script)
            if turn is None:
                return
            if "tool_calls" in turn:
                problem = self._check_calls(turn["tool_calls"], script)
                if problem is not None:
                    self.record_miss(problem)
                    self._fail({"code": "server_error", "message": problem})
                    return
                builtins = [c for c in turn["tool_calls"] if not engine.rules.is_function_call(c)]
                functions = [c for c in turn["tool_calls"] if engine.rules.is_function_call(c)]
                for call in builtins:
                    self._builtin(call)
                if functions:
                    self._call_functions(functions, script)
                    self._finish("completed")
                    return
                continue
            if "fail" in turn:
                self._fail(turn["fail"])
            elif "expire" in turn:
                self._fail(dict(EXPIRED_FAILURE))
            elif "refusal" in turn:
                self._say(self._fill(turn["refusal"]), [], refusal=True)
            else:
                self._say_text(turn, script)
            return

    def _fill(self, text: str) -> str:
        return engine.fill_template(text, message=self.record.script.prompt_text, outputs=self.outputs)

    def _default_turn(self) -> dict[str, Any]:
        """No rule (or no turn left): the default reply, or JSON fitting the requested text format."""
        fmt = self.record.data["text"]["format"]
        if fmt["type"] == "json_schema":
            return {"text": compact(structured.instance_for(fmt["schema"])), "annotations": []}
        if fmt["type"] == "json_object":
            return {"text": compact({"reply": self.settings["default_reply"]}), "annotations": []}
        return {"text": self.settings["default_reply"], "annotations": []}

    def _apply_tool_choice(self, turn: dict[str, Any], script: Script) -> dict[str, Any] | None:
        """``none`` refuses scripted calls; ``required`` and a named function force one (reference 2.1)."""
        data = self.record.data
        choice = data["tool_choice"]
        functions = tl.function_names(data["tools"])
        if choice == "none" and "tool_calls" in turn:
            if self.settings["strict"]:
                message = e.SCRIPT_TOOL_CHOICE_NONE.format(rule=script.rule)
                self.record_miss(message)
                self._fail({"code": "server_error", "message": message})
                return None
            return {"text": self.settings["default_reply"], "annotations": []}
        named = choice.get("name") if isinstance(choice, dict) and choice.get("type") == "function" else None
        if named is not None:
            calls = [c for c in turn.get("tool_calls", []) if c.get("name") == named]
            return {"tool_calls": calls or [self._forced_call(named)]}
        forced = choice == "required" or (isinstance(choice, dict) and choice.get("mode") == "required")
        if forced and "tool_calls" not in turn and functions:
            return {"tool_calls": [self._forced_call(functions[0])]}
        return turn

    def _forced_call(self, name: str) -> dict[str, Any]:
        tool: dict[str, Any] = next((t for t in self.record.data["tools"] if t.get("name") == name), {})
        schema = tool.get("parameters") or {"type": "object", "properties": {}}
        try:
            arguments = compact(structured.instance_for(schema))
        except structured.SchemaError:
            arguments = "{}"
        return {"name": name, "arguments": arguments}

    def _check_calls(self, calls: list[dict[str, Any]], script: Script) -> str | None:
        """The real model can only call the request's tools: a script that does otherwise is a miss."""
        tools = self.record.data["tools"]
        available = tl.function_names(tools)
        for call in calls:
            if not engine.rules.is_function_call(call):
                if not tl.has_tool(tools, call["type"]):
                    return e.SCRIPT_BUILTIN_NO_TOOL.format(rule=script.rule, name=call["type"])
            elif call["name"] not in available:
                return e.SCRIPT_UNKNOWN_FUNCTION_RESPONSE.format(
                    rule=script.rule, name=call["name"], available=", ".join(available) or "none"
                )
        return None

    # -- what a turn writes ---------------------------------------------------------------------------------

    def _say_text(self, turn: dict[str, Any], script: Script) -> None:
        text = self._fill(turn["text"])
        if "incomplete" in turn:
            reason = INCOMPLETE_REASON.get(turn["incomplete"], "max_output_tokens")
            self._say(text, turn.get("annotations", []), incomplete=reason)
            return
        fmt = self.record.data["text"]["format"]
        if fmt["type"] == "json_schema" and fmt.get("strict"):
            problem = json_problem(fmt["schema"], text)
            if problem is not None:
                message = e.SCRIPT_STRUCTURED_MISMATCH.format(rule=script.rule, name=fmt["name"], problem=problem)
                self.record_miss(message)
                self._fail({"code": "server_error", "message": message})
                return
        self._say(text, turn.get("annotations", []))

    def _say(
        self, text: str, annotations: list[dict[str, Any]], *, refusal: bool = False, incomplete: str | None = None
    ) -> None:
        """A message item (reference 5.3, or 5.7 for a refusal), cut at ``max_output_tokens``."""
        rec = self.record
        limit = rec.data["max_output_tokens"]
        if limit is not None and engine.count_tokens(text) > limit:
            text, incomplete = text[: limit * engine.replies.CHARS_PER_TOKEN], "max_output_tokens"
        notes = [sh.annotation(a) for a in annotations if a["end_index"] <= len(text)]
        index = len(self.output)
        item_id = self.project.ids.new("response_message")
        status = "incomplete" if incomplete else "completed"
        part = sh.refusal_part(text) if refusal else _output_text(text, notes)
        if rec.events is not None:
            rec.emit(
                "response.output_item.added", output_index=index, item=sh.output_message(item_id, [], "in_progress")
            )
            empty = sh.refusal_part("") if refusal else _output_text("", [])
            where = {"content_index": 0, "item_id": item_id, "output_index": index}
            rec.emit("response.content_part.added", **where, part=empty)
            pieces = engine.chunk(text, self.settings["chunk_size"])
            if refusal:
                for piece in pieces:
                    rec.emit("response.refusal.delta", **where, delta=piece)
                rec.emit("response.refusal.done", **where, refusal=text)
            else:
                self._text_deltas(where, pieces, notes, annotations)
                rec.emit("response.output_text.done", **where, logprobs=[], text=text)
            rec.emit("response.content_part.done", **where, part=part)
        item = sh.output_message(item_id, [part], status)
        self._done(item)
        self.output_tokens += engine.count_tokens(text)
        if incomplete:
            self._finish("incomplete", incomplete_details={"reason": incomplete})
        else:
            self._finish("completed")

    def _text_deltas(
        self, where: dict[str, Any], pieces: list[str], notes: list[dict[str, Any]], raw: list[dict[str, Any]]
    ) -> None:
        """Deltas of ``chunk_size`` characters; an annotation is added after the delta that completes its text."""
        rec = self.record
        start = 0
        for piece in pieces:
            rec.emit("response.output_text.delta", **where, delta=piece, logprobs=[])
            end = start + len(piece)
            for i, note in enumerate(notes):
                if start < raw[i]["end_index"] <= end:
                    rec.emit("response.output_text.annotation.added", **where, annotation_index=i, annotation=note)
            start = end

    def _call_functions(self, calls: list[dict[str, Any]], script: Script) -> None:
        """``function_call`` items (reference 5.4), one after the other; ``parallel_tool_calls: false`` makes the
        first and leaves the others for the next requests."""
        if not self.record.data["parallel_tool_calls"] and len(calls) > 1:
            calls, queued = calls[:1], tuple(calls[1:])
        else:
            queued = ()
        position = script.advanced(queued_calls=queued)
        for call in calls:
            index = len(self.output)
            item = sh.function_call(
                self.project.ids.new("function_call"), self.project.ids.new("call"), call["name"], call["arguments"]
            )
            rec = self.record
            if rec.events is not None:
                rec.emit(
                    "response.output_item.added",
                    output_index=index,
                    item={**item, "status": "in_progress", "arguments": ""},
                )
                where = {"item_id": item["id"], "output_index": index}
                for piece in engine.chunk(call["arguments"], self.settings["chunk_size"]) if call["arguments"] else []:
                    rec.emit("response.function_call_arguments.delta", **where, delta=piece)
                rec.emit("response.function_call_arguments.done", **where, arguments=call["arguments"])
            self._done(item)
            self.calls[item["call_id"]] = position
            self.output_tokens += engine.count_tokens(call["name"] + call["arguments"])

    def _builtin(self, call: dict[str, Any]) -> None:
        """A hosted tool call item with its ``response.<tool>_call.*`` events; results per ``include``."""
        rec = self.record
        index = len(self.output)
        include = rec.include
        kind = call["type"]
        if kind == "web_search":
            item_id = self.project.ids.new("web_search_call")
            sources = call["sources"] if "web_search_call.action.sources" in include else None
            opening = sh.web_search_call(item_id, call["query"], None, "in_progress")
            item = sh.web_search_call(item_id, call["query"], sources, "completed")
            phases = ["in_progress", "searching", "completed"]
            spoken = call["query"]
        elif kind == "file_search":
            item_id = self.project.ids.new("file_search_call")
            results = call["results"]
            if results is None:
                tool = next(t for t in rec.data["tools"] if t.get("type") == "file_search")
                queries = call["queries"] or [rec.script.prompt_text]
                results = self.file_search(tool["vector_store_ids"], queries, tool["max_num_results"])
            shown = results if "file_search_call.results" in include else None
            opening = sh.file_search_call(item_id, call["queries"], None, "in_progress")
            item = sh.file_search_call(item_id, call["queries"], shown, "completed")
            phases = ["in_progress", "searching", "completed"]
            spoken = " ".join(call["queries"])
        else:
            item_id = self.project.ids.new("code_interpreter_call")
            container = self._container()
            outputs = call["outputs"] if "code_interpreter_call.outputs" in include else None
            opening = sh.code_interpreter_call(item_id, "", container, None, "in_progress")
            item = sh.code_interpreter_call(item_id, call["code"], container, outputs, "completed")
            phases = ["in_progress", "interpreting", "completed"]
            spoken = call["code"]
        if rec.events is not None:
            rec.emit("response.output_item.added", output_index=index, item=opening)
            where = {"item_id": item_id, "output_index": index}
            prefix = f"response.{kind}_call"
            rec.emit(f"{prefix}.{phases[0]}", **where)
            if kind == "code_interpreter":
                for piece in engine.chunk(call["code"], self.settings["chunk_size"]) if call["code"] else []:
                    rec.emit("response.code_interpreter_call_code.delta", **where, delta=piece)
                rec.emit("response.code_interpreter_call_code.done", **where, code=call["code"])
            rec.emit(f"{prefix}.{phases[1]}", **where)
            rec.emit(f"{prefix}.{phases[2]}", **where)
        self._done(item)
        self.output_tokens += engine.count_tokens(spoken)

    def _container(self) -> str:
        tool: dict[str, Any] = next((t for t in self.record.data["tools"] if t.get("type") == "code_interpreter"), {})
        container = tool.get("container")
        return container if isinstance(container, str) else self.project.ids.new("container")

    def _done(self, item: dict[str, Any]) -> None:
        self.record.emit("response.output_item.done", output_index=len(self.output), item=item)
        self.output.append(item)

    # -- endings --------------------------------------------------------------------------------------------

    def _finish(self, status: str, **changes: Any) -> None:
        rec = self.record
        data = rec.update(
            status=status,
            completed_at=self.project.clock.now() if status == "completed" else None,
            output=list(self.output),
            service_tier=sh.terminal_service_tier(rec.requested_tier),
            usage=sh.usage(rec.prompt_tokens, self.output_tokens),
            **changes,
        )
        rec.emit(f"response.{status}", response=data)
        rec.data = sh.with_billing(data)

    def _fail(self, error: dict[str, str]) -> None:
        """``error`` (nested, so the SDK raises APIError) then ``response.failed`` (reference 5.6)."""
        rec = self.record
        rec.emit("error", error=sh.error_event_body(error["code"], error["message"]))
        data = rec.update(
            status="failed",
            error={"code": error["code"], "message": error["message"]},
            output=list(self.output),
            service_tier=sh.terminal_service_tier(rec.requested_tier),
        )
        rec.emit("response.failed", response=data)
        rec.data = sh.with_billing(data)


def _output_text(text: str, annotations: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "output_text", "annotations": annotations, "logprobs": [], "text": text}


def compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def json_problem(schema: dict[str, Any], text: str) -> str | None:
    """Why ``text`` is not a JSON instance of ``schema`` (first problems, readable), or ``None``."""
    try:
        instance = json.loads(text)
    except ValueError as exc:
        return f"the text is not JSON ({exc})."
    problems = structured.validate(schema, instance)
    return "; ".join(problems[:3]) + ("." if problems else "") if problems else None
