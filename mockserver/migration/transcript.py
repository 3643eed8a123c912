"""A normalised view of what an app did through one API: the comparable part of an Assistants or Responses flow.

A transcript keeps what a user of the app could see or what the app's logic depends on (visible messages, the
tool calls with their arguments and the outputs the app fed back, the final answer, output tokens) and drops
what necessarily differs between the two APIs (ids, timestamps, object layouts, where usage is reported).

It is built from the project's stored objects, read through the surfaces' public operations (their
``export_state``: no endpoint lists threads, conversations or responses), and from the journal (which API
calls were made). Only threads, conversations and responses created or changed by the app count: seeded
objects the app never touched are left out, so a scenario that seeds both a thread and a conversation does not
make every comparison differ.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockserver.control.journal import JournalEntry
    from mockserver.store import Store

#: Roles that are visible in both APIs' histories (instructions live on the assistant / the request, not here).
VISIBLE_ROLES = ("user", "assistant")
#: Path segments that are object ids, by prefix: normalised to ``{thread_id}`` and so on in the call list.
_ID_SEGMENT = re.compile(r"^([a-z]+)_[A-Za-z0-9]+$")
_ID_NAMES = {
    "asst": "assistant_id", "thread": "thread_id", "run": "run_id", "msg": "message_id", "step": "step_id",
    "resp": "response_id", "conv": "conversation_id", "fc": "item_id", "fco": "item_id", "file": "file_id",
    "vs": "vector_store_id", "call": "call_id",
}  # fmt: skip


@dataclass(frozen=True)
class ToolEvent:
    """One function call the model made and the output the app gave back (``None``: never answered)."""

    name: str
    arguments: str
    output: str | None

    def render(self) -> str:
        return f"{self.name}({self.arguments}) -> {'(no output)' if self.output is None else repr(self.output)}"


@dataclass(frozen=True)
class Transcript:
    """The comparable outcome of one side (see ``docs/migration.md`` "What is compared")."""

    #: ``assistants``, ``responses``, ``both`` (a half-ported app) or ``none``.
    api: str
    #: Visible messages, oldest first: ``(role, text)``; user and assistant only.
    messages: tuple[tuple[str, str], ...] = ()
    tool_calls: tuple[ToolEvent, ...] = ()
    #: The text of the last assistant message (``None`` when the app got no answer).
    final_text: str | None = None
    #: Output tokens of every model turn (run steps / responses), in order, and their sum.
    turn_output_tokens: tuple[int, ...] = ()
    #: API calls in order, ids normalised: ``POST /v1/threads/{thread_id}/runs (stream) -> 200``.
    calls: tuple[str, ...] = field(default=(), compare=False)

    @property
    def output_tokens(self) -> int:
        return sum(self.turn_output_tokens)

    def render(self) -> list[str]:
        """The transcript as lines, the form the equivalence report diffs."""
        lines = [f"{role}: {text}" for role, text in self.messages]
        lines += [f"tool: {event.render()}" for event in self.tool_calls]
        lines.append(f"final: {self.final_text!r}")
        lines.append(f"output tokens: {self.output_tokens}")
        return lines

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["format"] = "mockserver-transcript"
        return data

    @classmethod
    def from_json(cls, data: Any) -> Transcript:
        """The inverse of :meth:`to_json`; raises ``ValueError`` naming the first field that is wrong."""
        if not isinstance(data, dict) or data.get("format") != "mockserver-transcript":
            raise ValueError("not a mockserver transcript (expected 'format: mockserver-transcript')")
        try:
            return cls(
                api=str(data["api"]),
                messages=tuple((str(r), str(t)) for r, t in data.get("messages", [])),
                tool_calls=tuple(
                    ToolEvent(str(t["name"]), str(t["arguments"]), None if t["output"] is None else str(t["output"]))
                    for t in data.get("tool_calls", [])
                ),
                final_text=None if data.get("final_text") is None else str(data["final_text"]),
                turn_output_tokens=tuple(int(n) for n in data.get("turn_output_tokens", [])),
                calls=tuple(str(c) for c in data.get("calls", [])),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"malformed transcript field: {exc!r}") from exc


# -- text of messages -------------------------------------------------------------------------------------------


def message_text(content: Any) -> str:
    """The visible text of a message in either API: text parts joined by newlines, other parts as placeholders."""
    if isinstance(content, str):
        return content
    parts: list[str] = []
    for part in content or []:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text":
            text = part.get("text")
            parts.append(text.get("value", "") if isinstance(text, dict) else str(text or ""))
        elif kind in ("input_text", "output_text"):
            parts.append(str(part.get("text", "")))
        elif kind == "refusal":
            parts.append(f"[refusal] {part.get('refusal', '')}")
        elif kind in ("image_file", "image_url", "input_image"):
            parts.append("[image]")
        elif kind == "input_file":
            parts.append("[file]")
    return "\n".join(parts)


def canonical_arguments(arguments: Any) -> str:
    """Arguments as compact JSON with sorted keys when they parse (so key order and spacing do not count)."""
    text = arguments if isinstance(arguments, str) else json.dumps(arguments)
    try:
        return json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))
    except ValueError:
        return text


# -- the journal -------------------------------------------------------------------------------------------------


def normalise_path(path: str) -> str:
    segments = []
    for segment in path.split("/"):
        found = _ID_SEGMENT.match(segment)
        segments.append("{" + _ID_NAMES.get(found.group(1), "id") + "}" if found else segment)
    return "/".join(segments)


def describe_call(entry: JournalEntry) -> str:
    body = entry.body
    stream = " (stream)" if isinstance(body, dict) and body.get("stream") is True else ""
    return f"{entry.method} {normalise_path(entry.path)}{stream} -> {entry.status}"


def api_of(path: str) -> str | None:
    """``assistants`` for the retired surface, ``responses`` for its replacement, else ``None``."""
    if path.startswith(("/v1/assistants", "/v1/threads")):
        return "assistants"
    if path.startswith(("/v1/responses", "/v1/conversations")):
        return "responses"
    return None


# -- snapshots and extraction -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """What a project held before the app ran: to tell the app's objects from seeded ones."""

    threads: dict[str, str]
    conversations: dict[str, str]
    responses: frozenset[str]


def _thread_key(thread: dict[str, Any]) -> str:
    return json.dumps([[m["id"] for m in thread["messages"]], [r["run"]["id"] for r in thread["runs"]]])


def _conversation_key(conversation: dict[str, Any]) -> str:
    return json.dumps([item["id"] for item in conversation["items"]])


def snapshot(store: Store, project: str) -> Snapshot:
    threads = store.assistants.export_state(project)["threads"]
    return Snapshot(
        threads={t["thread"]["id"]: _thread_key(t) for t in threads},
        conversations={c["id"]: _conversation_key(c) for c in store.conversations.export_state(project)},
        responses=frozenset(r["id"] for r in store.responses.export_state(project)),
    )


@dataclass
class _Builder:
    messages: list[tuple[str, str]] = field(default_factory=list)
    tools: list[ToolEvent] = field(default_factory=list)
    tokens: list[int] = field(default_factory=list)


def _assistants_part(store: Store, project: str, before: Snapshot, out: _Builder) -> bool:
    used = False
    for thread in store.assistants.export_state(project)["threads"]:
        if before.threads.get(thread["thread"]["id"]) == _thread_key(thread):
            continue
        used = True
        for message in thread["messages"]:
            if message["role"] in VISIBLE_ROLES:
                out.messages.append((message["role"], message_text(message["content"])))
        for run in thread["runs"]:
            for step in run["steps"]:
                details = step["step_details"]
                if details["type"] == "tool_calls":
                    for call in details["tool_calls"]:
                        if call.get("type") == "function":
                            function = call["function"]
                            out.tools.append(
                                ToolEvent(
                                    function["name"], canonical_arguments(function["arguments"]), function["output"]
                                )
                            )
                if step.get("usage"):
                    out.tokens.append(int(step["usage"]["completion_tokens"]))
    return used


def _item_groups(store: Store, project: str, before: Snapshot) -> list[list[dict[str, Any]]]:
    """Each conversation the app changed, and each chain of stored responses outside conversations, as items."""
    groups: list[list[dict[str, Any]]] = []
    for conversation in store.conversations.export_state(project):
        if before.conversations.get(conversation["id"]) != _conversation_key(conversation):
            groups.append(list(conversation["items"]))
    # Stored responses with their own input items (``export_state``: no endpoint lists responses).
    stored = [r for r in store.responses.export_state(project) if r["id"] not in before.responses]
    by_id = {r["id"]: r for r in stored}
    parents = {r.get("previous_response_id") for r in stored}
    for response in stored:
        if response.get("conversation") or response["id"] in parents:
            continue  # in a conversation (listed above), or not the end of its chain
        chain = [response]
        while (parent := by_id.get(chain[-1].get("previous_response_id") or "")) is not None:
            chain.append(parent)
        items: list[dict[str, Any]] = []
        for link in reversed(chain):
            items += list(link["input"]) + list(link["output"])
        groups.append(items)
    return groups


def _visible(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (item["role"], message_text(item.get("content")))
        for item in items
        if item.get("type", "message") == "message" and item.get("role") in VISIBLE_ROLES
    ]


def _responses_part(store: Store, project: str, before: Snapshot, out: _Builder) -> bool:
    groups = _item_groups(store, project, before)
    # An app that replays its whole history in ``input`` makes one group per request, each a prefix of the
    # next: keep only the longest, so replaying, chaining and conversations read the same.
    kept = [g for i, g in enumerate(groups) if not any(_is_prefix(_visible(g), _visible(h)) for h in groups[i + 1 :])]
    for items in kept:
        out.messages += _visible(items)
        outputs = {i["call_id"]: i.get("output") for i in items if i.get("type") == "function_call_output"}
        for item in items:
            if item.get("type") == "function_call":
                output = outputs.get(item["call_id"])
                text = output if output is None or isinstance(output, str) else message_text(output)
                out.tools.append(ToolEvent(item["name"], canonical_arguments(item["arguments"]), text))
    for response in store.responses.export_state(project):
        usage = response.get("usage")
        if response["id"] not in before.responses and usage:
            out.tokens.append(int(usage["output_tokens"]))
    return bool(groups)


def _is_prefix(short: list[tuple[str, str]], long: list[tuple[str, str]]) -> bool:
    return len(short) <= len(long) and long[: len(short)] == short


def extract(store: Store, project: str, before: Snapshot, journal: list[JournalEntry]) -> Transcript:
    """The transcript of what happened in ``project`` since ``before`` was taken (``journal``: its requests)."""
    out = _Builder()
    used_assistants = _assistants_part(store, project, before, out)
    used_responses = _responses_part(store, project, before, out)
    families = {api for e in journal if (api := api_of(e.path)) is not None}
    if used_assistants:
        families.add("assistants")
    if used_responses:
        families.add("responses")
    api = "both" if len(families) == 2 else (families.pop() if families else "none")
    final = next((text for role, text in reversed(out.messages) if role == "assistant"), None)
    return Transcript(
        api=api,
        messages=tuple(out.messages),
        tool_calls=tuple(out.tools),
        final_text=final,
        turn_output_tokens=tuple(out.tokens),
        calls=tuple(describe_call(e) for e in journal),
    )
