"""Chat Completions operations: create (answered by the shared scripted model) and stored completions.

The only code that changes :class:`ChatState`. Create validates everything, asks the script, plans every choice
(which may refuse), and only then mints ids and stores: a refused request stores nothing and mints no id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.core.project import Project
from mockserver.core.store import SurfaceOps, locked
from mockserver.model.rules import RunContext
from mockserver.surfaces.chat import answer, shapes
from mockserver.surfaces.chat.answer import ChoicePlan, ScriptProblem
from mockserver.surfaces.chat.request import ChatRequest, parse_create
from mockserver.surfaces.chat.restore import check_stored
from mockserver.surfaces.chat.state import ChatState
from mockserver.surfaces.model_kinds import check_chat_model

if TYPE_CHECKING:
    from mockserver.store import Store

LIST_LIMIT_MAX = 100
LIST_LIMIT_DEFAULT = 20


class ChatOps(SurfaceOps):
    name = "chat"
    store: Store

    def _state(self, project: Project) -> ChatState:
        state: ChatState = project.states[self.name]
        return state

    # -- create -------------------------------------------------------------------------------------------------

    @locked
    def create(self, project: str, body: Mapping[str, Any]) -> tuple[dict[str, Any], ChatRequest]:
        """The completion for ``body`` (and the checked request, which says how to stream it)."""
        req = parse_create(body)
        check_chat_model(self.store, project, req.model)
        self._check_files(project, req)
        p = self._project(project)
        state = self._state(p)
        try:
            reply, rule, turns, turn = self._reply(p, state, req)
            plans = answer.plan(req, reply, rule, self.store.script.settings(p)["default_reply"])
        except ScriptProblem as problem:
            self.store.script.record_miss(
                p,
                {
                    "run_id": None,
                    "surface": "chat.completions",
                    "input": answer.last_user_text(req.messages),
                    "message": problem.message,
                },
            )
            raise problem.error() from None
        data = self._build(p, state, req, plans)
        if rule is not None and turns is not None:
            for choice in data["choices"]:
                for call in (choice["message"].get("tool_calls") or [])[:1]:
                    state.continuations[call["id"]] = {"rule": rule, "turns": turns, "turn": turn}
        if req.store:
            self._keep(p, state, data, req)
        return data, req

    def _check_files(self, project: str, req: ChatRequest) -> None:
        """``file`` content parts name uploaded files: the files surface's 404, unless its checks are off."""
        for i, message in enumerate(req.messages):
            content = message.get("content")
            for j, part in enumerate(content if isinstance(content, list) else []):
                file_id = part.get("file", {}).get("file_id") if part.get("type") == "file" else None
                if file_id is not None:
                    self.store.files.check_file(project, file_id, f"messages[{i}].content[{j}].file.file_id")

    def _reply(
        self, p: Project, state: ChatState, req: ChatRequest
    ) -> tuple[dict[str, Any] | None, str | None, list[dict[str, Any]] | None, int]:
        """(the reply to play or None for the default, its rule, the rule's turns, which turn)."""
        rounds, call_ids, _ = answer.tool_rounds(req.messages)
        known = state.continuations.get(call_ids[0]) if call_ids else None
        if known is not None:
            rule, turns, turn = known["rule"], known["turns"], known["turn"] + 1
        else:
            ctx = RunContext(
                text=answer.last_user_text(req.messages),
                assistant={},
                thread={},
                run={"model": req.model, "metadata": req.metadata},
            )
            pick = self.store.script.pick(p, ctx)
            if pick.miss is not None:
                # The shared miss text speaks of runs; chat users should read what missed.
                raise ScriptProblem(pick.miss.replace("this run", "this chat completion", 1))
            rule, turns, turn = pick.rule, pick.turns, rounds
        if rule is None:
            return None, None, None, 0
        if turn < len(turns):
            return turns[turn], rule, turns, turn
        if self.store.script.settings(p)["strict"]:
            raise ScriptProblem(e.CHAT_SCRIPT_FOLLOW_UP.format(rule=rule))
        return None, rule, None, turn

    def _build(self, p: Project, state: ChatState, req: ChatRequest, plans: list[ChoicePlan]) -> dict[str, Any]:
        completion_id = self.new_id(p, "chat_completion", state.completions)
        choices = []
        for index, plan in enumerate(plans):
            calls = []
            for kind, name, payload in plan.calls:
                call_id = p.ids.new("call")
                make = shapes.function_call if kind == "function" else shapes.custom_call
                calls.append(make(call_id, name, payload))
            message = shapes.message(None if calls else plan.content, plan.refusal, calls or None)
            logprobs = answer.logprobs_for(plan, req.top_logprobs) if req.logprobs else None
            choices.append(shapes.choice(index, message, logprobs, plan.finish_reason))
        usage = shapes.usage(answer.prompt_tokens(req.messages), sum(plan.completion_tokens() for plan in plans))
        tier = shapes.service_tier(req.service_tier)
        return shapes.completion(completion_id, p.clock.now(), req.model, choices, usage, tier)

    def _keep(self, p: Project, state: ChatState, data: dict[str, Any], req: ChatRequest) -> None:
        cid = data["id"]
        state.completions[cid] = shapes.stored(data, req.metadata)
        state.messages[cid] = [shapes.store_message(f"{cid}-{i}", m) for i, m in enumerate(req.messages)]
        state.index.add(cid, data["created"], p.next_sequence())

    # -- stored completions ---------------------------------------------------------------------------------------

    def _stored(self, state: ChatState, completion_id: str) -> dict[str, Any]:
        found = state.completions.get(completion_id)
        if found is None:
            raise e.NotFoundError(e.CHAT_COMPLETION_NOT_FOUND.format(id=completion_id))
        return found

    @locked
    def get(self, project: str, completion_id: str) -> dict[str, Any]:
        return self._stored(self._state(self._project(project)), completion_id)

    @locked
    def update(self, project: str, completion_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Only ``metadata`` can change (required; ``null`` clears it)."""
        state = self._state(self._project(project))
        found = self._stored(state, completion_id)
        v.reject_unknown(body, ("metadata",))
        metadata = v.check_metadata(v.require(body, "metadata"))
        updated = {**found, "metadata": metadata}
        state.completions[completion_id] = updated
        return updated

    @locked
    def delete(self, project: str, completion_id: str) -> dict[str, Any]:
        state = self._state(self._project(project))
        self._stored(state, completion_id)
        del state.completions[completion_id]
        state.messages.pop(completion_id, None)
        state.index.remove(completion_id)
        return shapes.deleted(completion_id)

    @locked
    def list_completions(self, project: str, query: Mapping[str, str]) -> dict[str, Any]:
        """Stored completions, oldest first by default; ``model`` and ``metadata[k]=v`` filter them."""
        state = self._state(self._project(project))
        limit, order, after = _list_query(query)
        model = query.get("model")
        wanted = {k[9:-1]: val for k, val in query.items() if k.startswith("metadata[") and k.endswith("]")}
        if model is None and not wanted:  # the common case: O(log n + limit) through the index
            page = state.index.page(limit=limit, order=order, after=after)
            return _listing([state.completions[i] for i in page.ids], page.has_more)
        ids = state.index.ids()
        if order == "desc":
            ids.reverse()
        ids = [i for i in ids if _matches(state.completions[i], model, wanted)]
        return _page([state.completions[i] for i in ids], limit, after)

    @locked
    def list_messages(self, project: str, completion_id: str, query: Mapping[str, str]) -> dict[str, Any]:
        state = self._state(self._project(project))
        self._stored(state, completion_id)
        limit, order, after = _list_query(query)
        items = list(state.messages.get(completion_id, []))
        if order == "desc":
            items.reverse()
        return _page(items, limit, after)

    # -- scenarios ------------------------------------------------------------------------------------------------

    @locked
    def export_completions(self, project: str) -> list[dict[str, Any]]:
        """Every stored completion with its input messages (``messages`` in the ``GET .../messages`` form)."""
        state = self._state(self._project(project))
        return [{**state.completions[i], "messages": state.messages.get(i, [])} for i in state.index.ids()]

    @locked
    def restore_completion(self, project: str, item: Mapping[str, Any], param: str) -> dict[str, Any]:
        """Store an exported (or hand-written) completion, e.g. from a scenario file (restore.py)."""
        p = self._project(project)
        state = self._state(p)
        given = item.get("id") if isinstance(item, Mapping) else None
        if given is not None:
            self.check_new_id(state.completions, v.expect_string(given, f"{param}.id") or "", "chat_completion")
        data, messages = check_stored(item, param, completion_id=given or "", now=p.clock.now())
        if given is None:
            cid = self.new_id(p, "chat_completion", state.completions)
            data = {**data, "id": cid}
            messages = [
                {**m, "id": m["id"].replace("-", cid + "-", 1) if m["id"].startswith("-") else m["id"]}
                for m in messages
            ]
        state.completions[data["id"]] = data
        state.messages[data["id"]] = messages
        state.index.add(data["id"], data["created"], p.next_sequence())
        return data


def _list_query(query: Mapping[str, str]) -> tuple[int, str, str | None]:
    parsed = v.parse_list_query({"order": "asc", **query})
    return parsed["limit"], parsed["order"], parsed["after"]


def _matches(data: Mapping[str, Any], model: str | None, wanted: Mapping[str, str]) -> bool:
    if model is not None and data["model"] != model:
        return False
    metadata = data.get("metadata") or {}
    return all(metadata.get(k) == val for k, val in wanted.items())


def _page(items: list[dict[str, Any]], limit: int, after: str | None) -> dict[str, Any]:
    """A cursor page over ``items`` (already filtered and ordered); an unknown cursor is an empty page."""
    start = 0
    if after is not None:
        positions = [i for i, item in enumerate(items) if item["id"] == after]
        if not positions:
            items, start = [], 0
        else:
            start = positions[0] + 1
    return _listing(items[start : start + limit], start + limit < len(items))


def _listing(window: list[dict[str, Any]], has_more: bool) -> dict[str, Any]:
    return {
        "object": "list",
        "data": window,
        "first_id": window[0]["id"] if window else None,
        "last_id": window[-1]["id"] if window else None,
        "has_more": has_more,
    }
