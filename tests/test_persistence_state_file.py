"""The state file in process: atomic writes, loading with clear errors, and export/import round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.control.journal import Journal
from mockserver.control.persistence import StateFile, StateFileError, atomic_write, export_all, import_all
from mockserver.core import errors as e
from mockserver.store import Store


def test_atomic_write_replaces_the_content_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    atomic_write(target, b"old")
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_stale_temporary_files_from_a_crash_are_removed_and_ignored(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    store = Store()
    store.assistants.create_thread("p", {})
    atomic_write(target, json.dumps(export_all(store)).encode())
    stale = tmp_path / ".state.json.123.456.tmp"
    stale.write_bytes(b'{"torn')
    fresh = Store()
    assert StateFile(target, fresh, Journal()).load() == ["p"]
    assert not stale.exists()


def test_a_state_file_that_failed_to_load_is_never_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    target.write_text("not json")
    state = StateFile(target, Store(), Journal())
    with pytest.raises(StateFileError) as info:
        state.load()
    assert str(target) in str(info.value) and "Refusing to start" in str(info.value)
    with pytest.raises(e.MockError):
        state.save()
    state.stop()  # no final save either
    assert target.read_text() == "not json"


def test_save_and_load_round_trip_with_clock_counters_and_faults(tmp_path: Path) -> None:
    store = Store(seed="s")
    thread = store.assistants.create_thread(
        "p", {"messages": [{"role": "user", "content": "hi"}], "metadata": {"a": "b"}}
    )
    store.advance_clock("p", 30)
    store.faults.add_faults("p", [{"path": "/v1/threads", "status": 429, "times": 3}])
    state = StateFile(tmp_path / "s.json", store, Journal(), interval=0)
    state.load()
    assert state.save()["projects"] == 1
    state.stop()  # a clean stop: the restart continues the same ID sequence (no boot epoch)
    restored = Store(seed="s")
    StateFile(tmp_path / "s.json", restored, Journal()).load()
    assert restored.assistants.get_thread("p", thread["id"]) == thread
    assert restored.now("p") == store.now("p")
    assert [f["times"] for f in restored.faults.list_faults("p")] == [3]
    assert restored.assistants.create_thread("p", {})["id"] == store.assistants.create_thread("p", {})["id"]


def test_import_replaces_every_project_and_is_validated_first() -> None:
    store = Store()
    kept = store.assistants.create_thread("a", {})
    document = export_all(store)
    store.assistants.create_thread("b", {})
    assert import_all(store, document) == ["a"]
    assert store.project_names() == ["a"] and store.assistants.get_thread("a", kept["id"]) == kept
    broken = {**document, "projects": {"a": document["projects"]["a"], "c": {"version": 1, "threads": "x"}}}
    with pytest.raises(e.InvalidRequestError):
        import_all(store, broken)
    assert store.project_names() == ["a"]


def test_import_builds_projects_from_empty_even_with_a_baseline() -> None:
    store = Store()
    store.set_baseline([lambda s, p: s.assistants.create_thread(p, {}, thread_id="thread_" + "b" * 24)])  # type: ignore[attr-defined]
    store.assistants.create_thread("p", {})
    document = export_all(store)
    import_all(store, document)  # the export already holds the baseline thread: no duplicate-id error
    assert len(export_all(store)["projects"]["p"]["threads"]) == 2


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["p", "q"]), st.integers(0, 3), st.integers(0, 100)), max_size=12))
def test_export_import_export_is_stable(ops: list[tuple[str, int, int]]) -> None:
    store = Store(seed="h")
    for project, messages, advance in ops:
        store.advance_clock(project, advance)
        store.assistants.create_thread(
            project, {"messages": [{"role": "user", "content": f"m{i}"} for i in range(messages)]}
        )
    document = export_all(store)
    restored = Store(seed="h")
    import_all(restored, json.loads(json.dumps(document)))
    assert export_all(restored) == document


def test_baseline_faults_still_fire_after_a_state_import() -> None:
    store = Store()
    store.set_baseline([lambda s, p: s.faults.add_faults(p, [{"status": 503}])])  # type: ignore[attr-defined]
    store.assistants.create_thread("p", {})
    store.faults.clear_faults("p")
    import_all(store, export_all(store))
    assert store.faults.match_fault("p", "GET", "/v1/x") is None  # p was saved without faults
    assert store.faults.match_fault("new", "GET", "/v1/x") is not None  # a new project still starts from the baseline
