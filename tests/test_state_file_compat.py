"""A state file written before the layout by surface still loads, exports unchanged and continues where it was.

``tests/data/state_before_layout.json`` was written by the release before the restructure (commit 6901f45): one
project with an assistant, a run waiting for tool outputs, a completed run, a scripted rule and a moved clock.
"""

from __future__ import annotations

import json
from pathlib import Path

from mockserver.control.persistence import export_all, import_all
from mockserver.core.secrets import seal
from mockserver.store import Store

OLD = json.loads((Path(__file__).parent / "data" / "state_before_layout.json").read_text(encoding="utf-8"))
PROJECT = "sk-mockserver"


def test_the_old_state_file_loads_and_exports_unchanged() -> None:
    store = Store(seed=OLD["seed"])
    assert import_all(store, OLD) == [PROJECT]
    # Unchanged but for the key-named project's name, now sealed (a state file never holds a key: docs/stub.md).
    assert export_all(store) == {**OLD, "projects": {seal(PROJECT): OLD["projects"][PROJECT]}}


def test_the_waiting_run_continues_with_the_old_rule_and_ids_keep_counting() -> None:
    store = Store(seed=OLD["seed"])
    import_all(store, OLD)
    thread = OLD["projects"][PROJECT]["threads"][0]
    run = thread["runs"][0]
    assert run["status"] == "requires_action"
    call = run["required_action"]["submit_tool_outputs"]["tool_calls"][0]
    outputs = {"tool_outputs": [{"tool_call_id": call["id"], "output": "22°C"}]}
    store.assistants.submit_tool_outputs(PROJECT, thread["id"], run["id"], outputs)
    assert store.assistants.get_run(PROJECT, thread["id"], run["id"])["status"] == "completed"
    reply = store.assistants.list_messages(PROJECT, thread["id"], {"run_id": run["id"]})["data"][0]
    assert reply["content"][0]["text"]["value"] == "It is 22°C."
    existing = {t["id"] for t in OLD["projects"][PROJECT]["threads"]}
    assert store.assistants.create_thread(PROJECT, {})["id"] not in existing
    assert store.now(PROJECT) == OLD["projects"][PROJECT]["clock"] == 1735689630
