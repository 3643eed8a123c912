"""Hypothesis drives random sequences of run operations; lifecycle invariants must hold after every step."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.core import errors as e
from mockserver.store import Store
from mockserver.surfaces.assistants.runs.state import ACTIVE_STATUSES

P = "p"
ALLOWED = {
    "queued": {"queued", "in_progress", "cancelling", "cancelled", "expired", "completed", "failed", "incomplete",
               "requires_action"},
    "in_progress": {"in_progress", "requires_action", "completed", "failed", "incomplete", "cancelling", "cancelled",
                    "expired"},
    "requires_action": {"requires_action", "queued", "in_progress", "cancelling", "cancelled", "expired", "completed",
                        "failed", "incomplete"},
    "cancelling": {"cancelling", "cancelled"},
}  # fmt: skip
# Terminal statuses never change. "queued"/"requires_action" may pass through in_progress to an outcome within one
# operation (the store settles eagerly), so the table allows the composite moves a single request can make.
RULES = [
    {"match": {"contains": "tool"}, "reply": {"tool_calls": [{"name": "f", "arguments": {}}]}, "then": ["done"]},
    {"match": {"contains": "twice"}, "reply": {"tool_calls": [{"name": "f", "arguments": {}}]},
     "then": [{"tool_calls": [{"name": "f", "arguments": {"n": 2}}]}, "ok"]},
    {"match": {"contains": "fail"}, "reply": {"fail": True}},
    {"match": {"contains": "cut"}, "reply": {"incomplete": "max_completion_tokens", "text": "partial"}},
]  # fmt: skip

operations = st.lists(
    st.one_of(
        st.tuples(st.just("run"), st.sampled_from(["hi", "tool", "twice", "fail", "cut"])),
        st.tuples(st.just("read"), st.integers(0, 3)),
        st.tuples(st.just("submit"), st.booleans()),
        st.tuples(st.just("cancel"), st.integers(0, 3)),
        st.tuples(st.just("message"), st.just("")),
        st.tuples(st.just("clock"), st.sampled_from([1, 100, 600])),
        st.tuples(st.just("list"), st.just("")),
    ),
    max_size=25,
)


def check(store: Store, thread_id: str, before: dict[str, str]) -> dict[str, str]:
    runs = store.assistants.list_runs(P, thread_id, {"limit": "100"})["data"]
    active = [r for r in runs if r["status"] in ACTIVE_STATUSES]
    assert len(active) <= 1, "at most one active run per thread"
    for run in runs:
        old = before.get(run["id"])
        if old is not None and old not in ALLOWED:
            assert run["status"] == old, f"terminal {old} changed to {run['status']}"
        elif old is not None:
            assert run["status"] in ALLOWED[old], f"{old} -> {run['status']}"
        assert run["created_at"] <= (run["started_at"] or run["created_at"])
        status = run["status"]
        assert (run["completed_at"] is not None) == (status == "completed")
        assert (run["failed_at"] is not None) == (status == "failed") == (run["last_error"] is not None)
        assert (run["cancelled_at"] is not None) == (status == "cancelled")
        assert (run["required_action"] is not None) == (status == "requires_action")
        assert (run["usage"] is None) == (status in ACTIVE_STATUSES)
        if status in ACTIVE_STATUSES:
            assert run["expires_at"] == run["created_at"] + 600
        if status == "expired":
            assert run["expires_at"] is not None and run["expires_at"] <= store.now(P)
        for step in store.assistants.list_run_steps(P, thread_id, run["id"], {"limit": "100"})["data"]:
            assert step["status"] != "in_progress" or status in ACTIVE_STATUSES
            assert (step["usage"] is not None) == (step["status"] == "completed")
    return {r["id"]: r["status"] for r in runs}


@settings(max_examples=60, deadline=None)
@given(operations, st.sampled_from(["on_read", "immediate", "on_clock"]), st.integers(1, 3))
def test_random_run_operations_keep_the_lifecycle_invariants(ops: list[tuple[str, Any]], mode: str, reads: int) -> None:
    store = Store()
    store.script.configure_runs(P, {"progress": mode, "reads": reads})
    store.script.add_script_rules(P, RULES)
    tools = [{"type": "function", "function": {"name": "f"}}]
    assistant = store.assistants.create_assistant(P, {"model": "m", "tools": tools})["id"]
    thread_id = store.assistants.create_thread(P, {})["id"]
    seen: dict[str, str] = {}
    run_ids: list[str] = []
    for op, arg in ops:
        try:
            if op == "run":
                body = {"assistant_id": assistant, "additional_messages": [{"role": "user", "content": arg}]}
                run_ids.append(store.assistants.create_run(P, thread_id, body)["id"])
            elif op == "read" and run_ids:
                store.assistants.get_run(P, thread_id, run_ids[arg % len(run_ids)])
            elif op == "submit" and run_ids:
                run = store.assistants.get_run(P, thread_id, run_ids[-1])
                calls = (run["required_action"] or {}).get("submit_tool_outputs", {}).get("tool_calls", [])
                outputs = [{"tool_call_id": c["id"], "output": "x"} for c in calls] if arg else []
                store.assistants.submit_tool_outputs(P, thread_id, run_ids[-1], {"tool_outputs": outputs})
            elif op == "cancel" and run_ids:
                store.assistants.cancel_run(P, thread_id, run_ids[arg % len(run_ids)])
            elif op == "message":
                store.assistants.create_message(P, thread_id, {"role": "user", "content": "more"})
            elif op == "clock":
                store.advance_clock(P, arg)
            elif op == "list":
                store.assistants.list_runs(P, thread_id, {})
        except e.ConflictStateError:
            pass  # a legal refusal; the invariants below still have to hold
        seen = check(store, thread_id, seen)
