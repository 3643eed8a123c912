"""Run options that shape what the scripted model does (docs/runs.md, "Tool choice, parallel calls, formats").

- ``tool_choice: "none"``: scripted tool-call turns are skipped; the run answers with the rule's next reply, or
  the default reply when the rule has none.
- ``tool_choice: "required"`` or a named tool (``{"type": "function", "function": {"name": ...}}``,
  ``{"type": "file_search"}``, ``{"type": "code_interpreter"}``): the run's first turn must call it. When the
  scripted turn does not (or no rule matched), a deterministic call comes first: a function with arguments that
  validate against its ``parameters`` schema (``model/structured.instance_for``; ``required`` picks the run's
  first function tool, else its first tool), a file_search of the run's vector stores, or an empty
  code_interpreter call; the scripted turn plays after it. Later turns are not forced (INF: a forced call on
  every turn would never let a run end).
- ``parallel_tool_calls: false``: a turn's calls are made one per step, in order.
- ``response_format`` ``json_object`` / ``json_schema``: the default reply (no rule matched) is JSON: an object
  ``{"message": <default reply>}``, or an instance of the schema. Scripted replies are used as written.
"""

from __future__ import annotations

import json
from typing import Any

from mockserver.model import structured
from mockserver.model.rules import is_function_call
from mockserver.surfaces.assistants.runs.builtin import BuiltinTurns
from mockserver.surfaces.assistants.runs.state import RunState


def default_json(response_format: Any, text: str) -> str | None:
    """The default reply as JSON under a JSON response format; None for ``auto``/``text``."""
    if not isinstance(response_format, dict) or response_format.get("type") not in ("json_object", "json_schema"):
        return None
    if response_format["type"] == "json_object":
        return json.dumps({"message": text}, ensure_ascii=False)
    schema = response_format["json_schema"].get("schema") or {"type": "object"}
    try:
        instance = structured.instance_for(schema)
    except structured.SchemaError:
        instance = {}
    return json.dumps(instance, ensure_ascii=False, separators=(",", ":"))


def forced_call(tools: list[dict[str, Any]], choice: Any, turn: dict[str, Any]) -> dict[str, Any] | None:
    """The call ``choice`` forces before ``turn``, or None when the turn already makes it (or nothing can)."""
    calls = turn.get("tool_calls") or []
    if choice == "required":
        if calls or not tools:
            return None
        target = next((t for t in tools if t["type"] == "function"), tools[0])
    else:
        kind = choice["type"]
        name = choice.get("function", {}).get("name")
        for call in calls:
            if kind == "function" and is_function_call(call) and call["name"] == name:
                return None
            if kind != "function" and call.get("type") == kind:
                return None
        found = [t for t in tools if t["type"] == kind and (name is None or t["function"]["name"] == name)]
        if not found:  # the run lacks the tool: the call fails the run, naming it (a scripted miss)
            if kind == "function":
                return {"name": name, "arguments": "{}"}
            return {"type": kind, "queries": [], "results": None}
        target = found[0]
    if target["type"] == "function":
        try:
            arguments = structured.instance_for(target["function"].get("parameters") or {"type": "object"})
        except structured.SchemaError:
            arguments = {}
        if not isinstance(arguments, dict):
            arguments = {}
        return {"name": target["function"]["name"], "arguments": json.dumps(arguments, separators=(",", ":"))}
    if target["type"] == "file_search":
        return {"type": "file_search", "queries": [], "results": None}
    return {"type": "code_interpreter", "code": "", "outputs": []}


class TurnChoice(BuiltinTurns):
    def _shape_turn(self, rs: RunState, turn: dict[str, Any], default_text: str) -> dict[str, Any]:
        """Apply ``tool_choice``, ``parallel_tool_calls`` and the default reply's ``response_format`` to ``turn``."""
        data = rs.data
        choice = data["tool_choice"]
        if choice == "none":
            while "tool_calls" in turn:
                following = rs.turns[rs.turn] if rs.turn < len(rs.turns) else None
                rs.turn += 1
                turn = following if following is not None else {"text": default_text, "annotations": []}
        elif choice != "auto" and not rs.steps:
            forced = forced_call(data["tools"], choice, turn)
            if forced is not None:
                rs.turns = [*rs.turns[: rs.turn], turn, *rs.turns[rs.turn :]]
                turn = {"tool_calls": [forced]}
        calls = turn.get("tool_calls") or []
        if data["parallel_tool_calls"] is False and len(calls) > 1:
            rs.turns = [*rs.turns[: rs.turn], {"tool_calls": calls[1:]}, *rs.turns[rs.turn :]]
            turn = {"tool_calls": calls[:1]}
        if rs.rule is None and "text" in turn and "incomplete" not in turn:
            as_json = default_json(data["response_format"], turn["text"])
            if as_json is not None:
                turn = {"text": as_json, "annotations": []}
        return turn
