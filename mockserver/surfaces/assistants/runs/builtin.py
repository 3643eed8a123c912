"""Built-in tools in runs: scripted ``file_search`` and ``code_interpreter`` calls (docs/runs.md, "Built-in tools").

A turn's built-in calls run on the server, as the real ones do: they make one ``tool_calls`` step that completes
at once, and the run goes on to its next scripted turn in the same move (no ``requires_action``).

- ``file_search``: ``results`` given in the rule are used as they are; otherwise the run's vector stores (its
  ``tool_resources`` and the thread's) are searched with the call's ``queries`` (default: the last user message)
  through ``store.vector_stores.search_results``, honouring the tool's ``max_num_results`` and
  ``ranking_options.score_threshold``. Result ``content`` is shown only with
  ``include[]=step_details.tool_calls[*].file_search.results[*].content``.
- ``code_interpreter``: ``code`` is the call's input; ``logs`` outputs are echoed; each ``image`` output becomes a
  stored File (purpose ``assistants_output``, downloadable through ``files.content``): its bytes come from a
  ``data:`` URL, else a fixed 1x1 PNG; its name from the URL's last path segment, else ``image.png``. The next
  message of the run shows every image made since the previous message as ``image_file`` content before its text.

In a later text reply, an annotation's ``file_id`` may be a placeholder resolved when the message is written:
``{{result_file}}`` / ``{{result_file:N}}`` (the file of the N-th result of the run's latest file_search call) and
``{{output_file}}`` / ``{{output_file:N}}`` (the N-th image of its latest code_interpreter call). An annotation
whose placeholder has nothing to point at is left out.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any
from urllib.parse import unquote, urlparse

from mockserver import model as engine
from mockserver.core import errors as e
from mockserver.core.project import Project
from mockserver.surfaces.assistants import shapes as models
from mockserver.surfaces.assistants.runs.state import RunState
from mockserver.surfaces.assistants.runs.turns import RunTurns
from mockserver.surfaces.assistants.state import ThreadState

#: 1x1 transparent PNG: the bytes of a scripted image without a ``data:`` URL.
PLACEHOLDER_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
INCLUDE_CONTENT = "step_details.tool_calls[*].file_search.results[*].content"
#: The model's default for ``file_search.max_num_results`` (20 for gpt-4* and o-series models: INF for all).
DEFAULT_MAX_RESULTS = 20
_PLACEHOLDER_RE = re.compile(r"^\{\{(result_file|output_file)(?::(\d+))?\}\}$")
_DATA_URL_RE = re.compile(r"^data:([\w.+-]+/[\w.+-]+)?(;base64)?,(.*)$", re.S)


def strip_content(step: dict[str, Any]) -> dict[str, Any]:
    """A step as shown without the include: file_search results lose their ``content``."""
    details = step["step_details"]
    if details["type"] != "tool_calls" or not any(c["type"] == "file_search" for c in details["tool_calls"]):
        return step
    calls = []
    for call in details["tool_calls"]:
        if call["type"] == "file_search" and call["file_search"].get("results"):
            results = [{k: r[k] for k in r if k != "content"} for r in call["file_search"]["results"]]
            call = {**call, "file_search": {**call["file_search"], "results": results}}
        calls.append(call)
    return {**step, "step_details": {**details, "tool_calls": calls}}


def decode_image(url: str) -> tuple[bytes, str, str]:
    """(bytes, media type, file name) of a scripted image output."""
    match = _DATA_URL_RE.match(url)
    if match:
        media, is_base64, payload = match.groups()
        try:
            data = base64.b64decode(payload, validate=True) if is_base64 else unquote(payload).encode("latin-1")
        except (binascii.Error, ValueError, UnicodeEncodeError):
            data = PLACEHOLDER_PNG
        return data, media or "image/png", "image.png"
    name = urlparse(url).path.rsplit("/", 1)[-1] or "image.png"
    return PLACEHOLDER_PNG, "image/png", name


class BuiltinTurns(RunTurns):
    def _unavailable_builtin(self, rs: RunState, calls: list[dict[str, Any]]) -> str | None:
        """A built-in call needs its tool on the run, as a function call needs its function."""
        enabled = {tool["type"] for tool in rs.data["tools"]}
        for call in calls:
            if call["type"] not in enabled:
                names = ", ".join(sorted(enabled)) or "none"
                return e.SCRIPT_TOOL_NOT_ENABLED.format(rule=rs.rule, name=call["type"], available=names)
        return None

    def _run_builtins(
        self, state: Project, thread: ThreadState, rs: RunState, calls: list[dict[str, Any]], prompt: int
    ) -> None:
        """One completed ``tool_calls`` step holding every built-in call of the turn, with its stream events."""
        made = [self._builtin_call(state, thread, rs, call) for call in calls]
        step = self._new_step(state, rs, {"type": "tool_calls", "tool_calls": made})
        opening = {**step, "step_details": {"type": "tool_calls", "tool_calls": []}}
        rs.emit("thread.run.step.created", opening)
        rs.emit("thread.run.step.in_progress", opening)
        size = self._run_settings(state)["chunk_size"]
        for index, call in enumerate(made):
            for part in _call_deltas(index, call, size):
                rs.emit(
                    "thread.run.step.delta", models.step_delta(step["id"], {"type": "tool_calls", "tool_calls": [part]})
                )
        spoken = [_spoken(call) for call in made]
        rs.spoken.extend(spoken)
        usage = models.usage(prompt, sum(engine.count_tokens(t) for t in spoken))
        done = {**step, "status": "completed", "completed_at": state.clock.now(), "expires_at": None, "usage": usage}
        rs.put_step(done)
        rs.emit("thread.run.step.completed", done)

    def _builtin_call(self, state: Project, thread: ThreadState, rs: RunState, call: dict[str, Any]) -> dict[str, Any]:
        call_id = state.ids.new("call")
        if call["type"] == "code_interpreter":
            outputs: list[dict[str, Any]] = []
            for output in call["outputs"]:
                if output["type"] == "logs":
                    outputs.append({"type": "logs", "logs": output["logs"]})
                    continue
                data, media, name = decode_image(output["url"])
                made = self.store.files.create_output_file(state.name, name, data, media)
                outputs.append({"type": "image", "image": {"file_id": made["id"]}})
            return {
                "id": call_id,
                "type": "code_interpreter",
                "code_interpreter": {"input": call["code"], "outputs": outputs},
            }
        tool: dict[str, Any] = next((t for t in rs.data["tools"] if t["type"] == "file_search"), {})
        options = tool.get("file_search") or {}
        ranking = options.get("ranking_options") or {"ranker": "default_2024_08_21", "score_threshold": 0.0}
        if call["results"] is not None:
            results = [self._scripted_result(state, r) for r in call["results"]]
        else:
            found = self.store.vector_stores.search_results(
                state.name,
                self._run_vector_stores(thread, rs),
                call["queries"] or [rs.prompt_text],
                max_num_results=options.get("max_num_results") or DEFAULT_MAX_RESULTS,
                score_threshold=float(ranking["score_threshold"]),
            )
            results = [
                {"file_id": r["file_id"], "file_name": r["filename"], "score": r["score"], "content": r["content"]}
                for r in found
            ]
        return {"id": call_id, "type": "file_search", "file_search": {"ranking_options": ranking, "results": results}}

    def _scripted_result(self, state: Project, result: dict[str, Any]) -> dict[str, Any]:
        name = result["filename"]
        if not name and self.store.files.exists(state.name, result["file_id"]):
            name = self.store.files.get_file(state.name, result["file_id"])["filename"]
        return {
            "file_id": result["file_id"],
            "file_name": name,
            "score": float(result["score"]),
            "content": [{"type": "text", "text": result["text"]}],
        }

    @staticmethod
    def _run_vector_stores(thread: ThreadState, rs: RunState) -> list[str]:
        """The run's stores (its resources: the assistant's or the create-and-run override), then the thread's."""
        ids: list[str] = []
        for resources in (rs.data.get("tool_resources") or {}, thread.data.get("tool_resources") or {}):
            for store_id in resources.get("file_search", {}).get("vector_store_ids", []):
                if store_id not in ids:
                    ids.append(store_id)
        return ids

    # -- what a later message shows --------------------------------------------------------------------------

    def _builtin_context(
        self, rs: RunState, annotations: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """(image_file blocks to show first, annotations with their placeholders resolved)."""
        images: list[str] = []
        result_files: list[str] = []
        output_files: list[str] = []
        for step_id in rs.step_index.ids():
            details = rs.steps[step_id]["step_details"]
            if details["type"] == "message_creation":
                images = []
                continue
            for call in details["tool_calls"]:
                if call["type"] == "file_search":
                    result_files = [r["file_id"] for r in call["file_search"].get("results") or []]
                elif call["type"] == "code_interpreter":
                    made = [o["image"]["file_id"] for o in call["code_interpreter"]["outputs"] if o["type"] == "image"]
                    output_files = made
                    images.extend(made)
        resolved = []
        for note in annotations:
            kind = note["type"]
            match = _PLACEHOLDER_RE.match(note[kind]["file_id"])
            if match is None:
                resolved.append(note)
                continue
            pool = result_files if match.group(1) == "result_file" else output_files
            position = int(match.group(2) or 0)
            if position < len(pool):
                resolved.append({**note, kind: {**note[kind], "file_id": pool[position]}})
        return [{"type": "image_file", "image_file": {"file_id": i}} for i in images], resolved


def _call_deltas(index: int, call: dict[str, Any], size: int) -> list[dict[str, Any]]:
    """The step deltas that open a built-in call and fill it in (what the SDK's event handler accumulates)."""
    if call["type"] == "file_search":
        return [{"index": index, "id": call["id"], "type": "file_search", "file_search": {}}]
    code = call["code_interpreter"]
    parts: list[dict[str, Any]] = [
        {"index": index, "id": call["id"], "type": "code_interpreter", "code_interpreter": {"input": "", "outputs": []}}
    ]
    pieces = engine.chunk(code["input"], size) if code["input"] else []
    parts += [{"index": index, "type": "code_interpreter", "code_interpreter": {"input": p}} for p in pieces]
    if code["outputs"]:
        outputs = [{"index": i, **output} for i, output in enumerate(code["outputs"])]
        parts.append({"index": index, "type": "code_interpreter", "code_interpreter": {"outputs": outputs}})
    return parts


def _spoken(call: dict[str, Any]) -> str:
    """What the call adds to the conversation's tokens: the code and its logs, or the found text."""
    if call["type"] == "code_interpreter":
        logs = [o["logs"] for o in call["code_interpreter"]["outputs"] if o["type"] == "logs"]
        return "\n".join([call["code_interpreter"]["input"], *logs])
    return "\n".join(c["text"] for r in call["file_search"]["results"] for c in r.get("content") or [])
