"""Run and run-step operations: create (and create-and-run), list, retrieve, modify, cancel, submit tool outputs.

Streaming variants return a :class:`RunStream` (where in the run's event log the request's stream starts);
:meth:`RunOps.stream_events` then hands out the log piece by piece (see :mod:`.run_state`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.core.project import Project
from mockserver.core.store import locked
from mockserver.surfaces.assistants import shapes as models
from mockserver.surfaces.assistants.assistants import AssistantOps
from mockserver.surfaces.assistants.messages import MessageOps
from mockserver.surfaces.assistants.runs import params as rp
from mockserver.surfaces.assistants.runs.builtin import strip_content
from mockserver.surfaces.assistants.runs.script import RunScript
from mockserver.surfaces.assistants.runs.state import STREAM_END_STATUSES, Event, RunState
from mockserver.surfaces.assistants.state import ThreadState
from mockserver.surfaces.assistants.threads import ThreadOps

COMMON_FIELDS = (
    "assistant_id",
    "model",
    "instructions",
    "tools",
    "metadata",
    "temperature",
    "top_p",
    "stream",
    "max_prompt_tokens",
    "max_completion_tokens",
    "truncation_strategy",
    "tool_choice",
    "parallel_tool_calls",
    "response_format",
)
RUN_CREATE_FIELDS = (*COMMON_FIELDS, "additional_instructions", "additional_messages", "reasoning_effort")
CREATE_AND_RUN_FIELDS = (*COMMON_FIELDS, "thread", "tool_resources")
INCLUDE_VALUES = ["step_details.tool_calls[*].file_search.results[*].content"]


@dataclass
class RunStream:
    """Where a streaming request's events start: ``cursor`` in the run's log, after ``prefix`` events."""

    thread_id: str
    run_id: str
    cursor: int
    prefix: list[Event] = field(default_factory=list)
    #: The request asked for file_search result content (``include[]``): steps in the stream keep it.
    include_content: bool = False


def checked_assistant_id(body: dict[str, Any]) -> str:
    assistant_id = v.expect_string(v.require(body, "assistant_id"), "assistant_id") or ""
    v.check_id(assistant_id, "assistant", "assistant_id")
    return assistant_id


def step_view(step: dict[str, Any], include: list[str] | None) -> dict[str, Any]:
    """A step as the request sees it: file_search result ``content`` only when ``include[]`` asks for it."""
    return step if INCLUDE_VALUES[0] in (include or []) else strip_content(step)


def check_include(values: list[str]) -> None:
    for value in values:
        if value not in INCLUDE_VALUES:
            raise e.InvalidRequestError(
                e.INCLUDE_VALUE.format(value=value, supported=INCLUDE_VALUES[0]), param="include", code="invalid_value"
            )


class RunOps(RunScript, AssistantOps, MessageOps, ThreadOps):
    # -- creating runs --------------------------------------------------------------------------------------

    def _check_no_active(self, state: Project, thread: ThreadState) -> None:
        self._settle_runs(state, thread)
        if thread.active_run_id is not None:
            raise e.ConflictStateError(
                e.RUN_WHILE_RUN_ACTIVE.format(thread_id=thread.data["id"], run_id=thread.active_run_id)
            )

    def _start_run(
        self, state: Project, thread: ThreadState, assistant: dict[str, Any], fields: dict[str, Any]
    ) -> RunState:
        now = state.clock.now()
        run = models.run(
            state.ids.new("run"),
            created_at=now,
            thread_id=thread.data["id"],
            assistant_id=assistant["id"],
            fields=fields,
        )
        rs = self._script_run(state, thread, assistant, run)
        thread.runs[run["id"]] = rs
        thread.run_index.add(run["id"], now, state.next_sequence())
        thread.active_run_id = run["id"]
        rs.emit("thread.run.created", run)
        rs.emit("thread.run.queued", run)
        self._queue(state, thread, rs)
        return rs

    def _create_run(self, state: Project, thread_id: str, body: dict[str, Any], include: list[str]) -> RunState:
        # Check order: path id and thread existence, then the whole body, then the assistant it names, then the
        # thread's state; nothing is written until every check passed.
        thread = self._thread(state, thread_id)
        v.reject_unknown(body, RUN_CREATE_FIELDS)
        assistant_id = checked_assistant_id(body)
        overrides = rp.run_overrides(body)
        raw = v.expect_array(body.get("additional_messages"), "additional_messages", nullable=True) or []
        prepared = [self._prepare_message(m, f"additional_messages[{i}]") for i, m in enumerate(raw)]
        check_include(include)
        assistant = self._assistant(state, assistant_id)
        for i, message in enumerate(prepared):
            self._check_message_refs(state, message, f"additional_messages[{i}]")
        fields = rp.run_fields(overrides, assistant)
        self._check_no_active(state, thread)
        self._attach_to_thread_store(state, thread, prepared)
        for message in prepared:
            self._insert_message(state, thread, message)
        return self._start_run(state, thread, assistant, fields)

    @locked
    def create_run(
        self, project: str, thread_id: str, body: dict[str, Any], include: list[str] | None = None
    ) -> dict[str, Any]:
        """``POST /threads/{id}/runs``: the run, ``queued`` unless the progress mode is ``immediate``."""
        return self._create_run(self._project(project), thread_id, body, include or []).data

    @locked
    def create_run_stream(
        self, project: str, thread_id: str, body: dict[str, Any], include: list[str] | None = None
    ) -> RunStream:
        rs = self._create_run(self._project(project), thread_id, body, include or [])
        return RunStream(rs.data["thread_id"], rs.data["id"], 0, include_content=INCLUDE_VALUES[0] in (include or []))

    def _create_thread_and_run(self, state: Project, body: dict[str, Any]) -> tuple[dict[str, Any], RunState]:
        v.reject_unknown(body, CREATE_AND_RUN_FIELDS)
        assistant_id = checked_assistant_id(body)
        overrides = rp.run_overrides(body)
        resources = body.get("tool_resources")
        resources = None if resources is None else models.normalize_tool_resources(resources, allow_helpers=False)
        thread_body = v.expect_object(body.get("thread"), "thread", nullable=True) or {}
        v.reject_unknown(thread_body, ("messages", "metadata", "tool_resources"))
        assistant = self._assistant(state, assistant_id)
        if resources is not None:
            self._check_resources(state, resources, "tool_resources")
        fields = rp.run_fields(overrides, assistant)
        if resources is not None:
            fields["tool_resources"] = resources
        # _create_thread validates the thread object completely before it mints an id or stores anything.
        thread_data = self._create_thread(state, thread_body, "thread")
        thread = self._s(state).threads[thread_data["id"]]
        return thread_data, self._start_run(state, thread, assistant, fields)

    @locked
    def create_thread_and_run(self, project: str, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /threads/runs``: a new thread (from ``thread``) and a run on it."""
        return self._create_thread_and_run(self._project(project), body)[1].data

    @locked
    def create_thread_and_run_stream(self, project: str, body: dict[str, Any]) -> RunStream:
        thread, rs = self._create_thread_and_run(self._project(project), body)
        return RunStream(thread["id"], rs.data["id"], 0, [("thread.created", thread)])

    # -- reading runs ---------------------------------------------------------------------------------------

    def _run(self, state: Project, thread_id: str, run_id: str) -> tuple[ThreadState, RunState]:
        thread = self._thread(state, thread_id)
        v.check_id(run_id, "run", "run_id")
        rs = thread.runs.get(run_id)
        if rs is None:
            raise e.not_found("run", run_id)
        return thread, rs

    @locked
    def check_run(self, project: str, thread_id: str, run_id: str) -> None:
        """Raise the path errors of a run URL (bad prefix, unknown thread or run) without reading the run: a read
        can move an ``on_read`` run along, which a rejected request must not do."""
        self._run(self._project(project), thread_id, run_id)

    @locked
    def get_run(self, project: str, thread_id: str, run_id: str) -> dict[str, Any]:
        state = self._project(project)
        thread, rs = self._run(state, thread_id, run_id)
        self._read_run(state, thread, rs)
        return rs.data

    @locked
    def list_runs(self, project: str, thread_id: str, query: dict[str, str]) -> dict[str, Any]:
        state = self._project(project)
        thread = self._thread(state, thread_id)
        params = v.parse_list_query(query)
        if thread.active_run_id is not None:
            self._read_run(state, thread, thread.runs[thread.active_run_id])
        page = thread.run_index.page(**params)
        return models.list_page([thread.runs[i].data for i in page.ids], page.has_more)

    @locked
    def modify_run(self, project: str, thread_id: str, run_id: str, body: dict[str, Any]) -> dict[str, Any]:
        state = self._project(project)
        thread, rs = self._run(state, thread_id, run_id)
        v.reject_unknown(body, ("metadata",))
        metadata = v.check_metadata(body.get("metadata")) if "metadata" in body else None
        self._settle_runs(state, thread)
        if metadata is not None:
            rs.update(metadata=metadata)
        return rs.data

    @locked
    def list_run_steps(
        self, project: str, thread_id: str, run_id: str, query: dict[str, str], include: list[str] | None = None
    ) -> dict[str, Any]:
        state = self._project(project)
        thread, rs = self._run(state, thread_id, run_id)
        params = v.parse_list_query(query)
        check_include(include or [])
        self._read_run(state, thread, rs)
        page = rs.step_index.page(**params)
        return models.list_page([step_view(rs.steps[i], include) for i in page.ids], page.has_more)

    @locked
    def get_run_step(
        self, project: str, thread_id: str, run_id: str, step_id: str, include: list[str] | None = None
    ) -> dict[str, Any]:
        state = self._project(project)
        thread, rs = self._run(state, thread_id, run_id)
        v.check_id(step_id, "step", "step_id")
        check_include(include or [])
        # A step exists only once a read has produced it, so an unknown id is a 404 that must not count as a read.
        if step_id not in rs.steps:
            raise e.not_found("run step", step_id)
        self._read_run(state, thread, rs)
        return step_view(rs.steps[step_id], include)

    # -- acting on runs -------------------------------------------------------------------------------------

    @locked
    def cancel_run(self, project: str, thread_id: str, run_id: str) -> dict[str, Any]:
        """``cancelling`` now; ``cancelled`` on the next look at the thread (any progress mode)."""
        state = self._project(project)
        thread, rs = self._run(state, thread_id, run_id)
        self._settle_runs(state, thread)
        self._cancel(state, thread, rs)
        return rs.data

    def _submit(self, state: Project, thread_id: str, run_id: str, body: dict[str, Any]) -> RunState:
        thread, rs = self._run(state, thread_id, run_id)
        v.reject_unknown(body, ("tool_outputs", "stream"))
        v.expect_bool(body.get("stream"), "stream", nullable=True)
        items = v.expect_array(v.require(body, "tool_outputs"), "tool_outputs") or []
        outputs: dict[str, str] = {}
        for i, item in enumerate(items):
            where = f"tool_outputs[{i}]"
            v.expect_object(item, where)
            v.reject_unknown(item, ("tool_call_id", "output"))
            call_id = v.expect_string(item.get("tool_call_id"), f"{where}.tool_call_id", nullable=True)
            output = v.expect_string(item.get("output"), f"{where}.output", nullable=True)
            outputs[call_id or ""] = output or ""
        self._settle_runs(state, thread)
        if rs.status != "requires_action":
            raise e.ConflictStateError(e.TOOL_OUTPUTS_WRONG_STATUS.format(status=rs.status))
        expected = [c["id"] for c in rs.data["required_action"]["submit_tool_outputs"]["tool_calls"]]
        given = [str(item.get("tool_call_id")) for item in items]
        if sorted(given) != sorted(expected):
            raise e.ConflictStateError(
                e.TOOL_OUTPUTS_MISMATCH.format(expected=expected, got=given), param="tool_outputs"
            )
        self._resume(state, thread, rs, outputs)
        return rs

    @locked
    def submit_tool_outputs(self, project: str, thread_id: str, run_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Answers every pending call at once; the run goes back to ``queued`` (reference section 7)."""
        return self._submit(self._project(project), thread_id, run_id, body).data

    @locked
    def submit_tool_outputs_stream(self, project: str, thread_id: str, run_id: str, body: dict[str, Any]) -> RunStream:
        state = self._project(project)
        rs = self._run(state, thread_id, run_id)[1]
        start = len(rs.events)
        self._submit(state, thread_id, run_id, body)
        return RunStream(thread_id, run_id, start)

    # -- streaming ------------------------------------------------------------------------------------------

    @locked
    def stream_events(
        self, project: str, thread_id: str, run_id: str, cursor: int, include_content: bool = False
    ) -> tuple[list[Event], int, bool]:
        """Events after ``cursor``, up to the run event that ends a stream; ``True`` once that one is included."""
        state = self._project(project)
        thread, rs = self._run(state, thread_id, run_id)
        self._watch_run(state, thread, rs)
        out: list[Event] = []
        for name, data in rs.events[cursor:]:
            if not include_content and name.startswith("thread.run.step.") and name != "thread.run.step.delta":
                data = strip_content(data)
            out.append((name, data))
            if name.count(".") == 2 and name.startswith("thread.run.") and data["status"] in STREAM_END_STATUSES:
                return out, cursor + len(out), True
        return out, cursor + len(out), False

    @locked
    def run_stream_settings(self, project: str) -> dict[str, Any]:
        return self._run_settings(self._project(project))
