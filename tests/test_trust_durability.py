"""Issue 12, durability: failed saves are a server state, one owner per state file, no ID reuse after a crash,
and the documented bound under kill -9 with concurrent writers."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import threading
from pathlib import Path
from typing import Any

import pytest

from mockserver import MockServer
from mockserver.config import ServerConfig
from mockserver.control.journal import Journal
from mockserver.control.persistence import StateFile, StateFileError, export_all
from mockserver.core import errors as e
from mockserver.remote import RemoteError, RemoteServer
from mockserver.store import Store

from .stub_process import StubProcess, start_failure

HEADERS = {"Authorization": "Bearer sk-dur", "OpenAI-Beta": "assistants=v2", "Content-Type": "application/json"}


def _call(port: int, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, None if body is None else json.dumps(body), HEADERS)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()


def test_a_failing_save_refuses_writes_reports_in_health_and_recovers(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with MockServer(config=ServerConfig(state_file=str(state), save_interval=0)) as server:
        assert _call(server.port, "POST", "/v1/threads", {})[0] == 200
        state.mkdir()  # the state path replaced: every save now fails
        remote = RemoteServer(server.url)
        with pytest.raises(RemoteError) as info:
            remote.save()
        assert info.value.status == 503 and info.value.error["code"] == "state_file_unwritable"
        assert remote.health()["status"] == "degraded"
        health = remote.health()["state_file"]
        assert health["ok"] is False and "IsADirectoryError" in health["error"] and health["unsaved_changes"] >= 1
        assert health["last_save"]["ok"] is False
        status, body = _call(server.port, "POST", "/v1/threads", {})
        assert status == 503 and "cannot be saved" in body["error"]["message"]
        assert _call(server.port, "GET", "/v1/threads/thread_x")[0] == 404  # reads still work
        assert server.store.project_names() == ["sk-dur"] and len(server.errors.items) == 0
        assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # no temporary file left behind
        state.rmdir()
        assert remote.save()["ok"] is True
        assert remote.health()["state_file"]["ok"] is True
        assert _call(server.port, "POST", "/v1/threads", {})[0] == 200


def test_a_failed_final_save_exits_3_with_a_message_not_a_traceback(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with StubProcess("--state-file", str(state), "--save-interval", "0") as stub:
        assert _call(stub.port, "POST", "/v1/threads", {})[0] == 200
        state.mkdir()
        code, _ = stub.stop(signal.SIGTERM)
        assert code == 3 and "stopped WITHOUT saving" in stub.stderr() and "Traceback" not in stub.stderr()


def test_an_unwritable_state_directory_stops_start_up(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = start_failure("--state-file", str(blocker / "state.json"))
    assert code == 2 and "cannot" in err and "Traceback" not in err


def test_a_second_server_on_the_same_state_file_is_refused_naming_the_owner(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with StubProcess("--state-file", str(state)) as stub:
        code, _, err = start_failure("--state-file", str(state))
        assert code == 2 and f"pid={stub.proc.pid}" in err and "in use by another mockserver" in err
        with pytest.raises(StateFileError, match="in use"):
            MockServer(config=ServerConfig(state_file=str(state))).start()
    with MockServer(config=ServerConfig(state_file=str(state))):  # the lock went with its process
        pass


def test_ids_are_never_reused_after_an_unclean_stop_and_continue_after_a_clean_one(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = StateFile(path, Store(seed="s"), Journal(), interval=0)
    state.load()
    kept = state.store.assistants.create_thread("p", {})["id"]
    state.save()
    lost = state.store.assistants.create_thread("p", {})["id"]  # created after the last save
    state._lock.release(clean=False)  # the process died here (kill -9 drops the lock, not the "running" mark)
    again = StateFile(path, Store(seed="s"), Journal(), interval=0)
    again.load()
    assert again.store.id_epoch == 1
    assert again.store.assistants.get_thread("p", kept)["id"] == kept
    fresh = again.store.assistants.create_thread("p", {})["id"]
    assert fresh not in (kept, lost)
    again.stop()  # clean: the next start continues the same sequence in the same epoch
    third = StateFile(path, Store(seed="s"), Journal(), interval=0)
    third.load()
    assert third.store.id_epoch == 1
    third.stop()
    # In memory nothing changes: no epoch, the same deterministic ids as ever.
    assert Store(seed="s").assistants.create_thread("p", {})["id"] == kept


def _writer(port: int, stop: threading.Event, acked: list[str]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        while not stop.is_set():
            conn.request("POST", "/v1/threads", "{}", HEADERS)
            response = conn.getresponse()
            body = response.read()
            if response.status == 200:
                acked.append(json.loads(body)["id"])
    except (OSError, http.client.HTTPException):
        pass  # the server was killed under us
    finally:
        conn.close()


def test_kill_9_under_concurrent_writers_keeps_the_documented_bound(tmp_path: Path) -> None:
    """Everything acknowledged before a completed save survives kill -9; the file always loads; no id reuse."""
    path = tmp_path / "state.json"
    every_id: set[str] = set()
    survivors: set[str] = set()
    for _round in range(3):
        with StubProcess("--state-file", str(path), "--save-interval", "0.02", "--no-access-log") as stub:
            listed = RemoteServer(stub.url).export_state()["projects"]
            loaded = {t["id"] for doc in listed.values() for t in doc.get("threads", [])}
            assert survivors <= loaded  # the bound: what a completed save covered is there
            stop, acked = threading.Event(), []  # type: list[str]
            writers = [threading.Thread(target=_writer, args=(stub.port, stop, acked)) for _ in range(4)]
            for w in writers:
                w.start()
            while len(acked) < 40:
                threading.Event().wait(0.005)
            before_save = list(acked)
            assert RemoteServer(stub.url).save()["ok"] is True  # answers once on disk
            while len(acked) < len(before_save) + 40:
                threading.Event().wait(0.005)
            stub.stop(signal.SIGKILL)
            stop.set()
            for w in writers:
                w.join(timeout=30)
            new_ids = set(acked) - loaded
            assert not (new_ids & every_id), "an id was handed out twice"
            every_id |= set(acked) | loaded
            survivors = loaded | set(before_save)
        json.loads(path.read_text())  # always a complete file
    with StubProcess("--state-file", str(path)) as stub:
        listed = RemoteServer(stub.url).export_state()["projects"]
        assert survivors <= {t["id"] for doc in listed.values() for t in doc.get("threads", [])}
        assert RemoteServer(stub.url).health()["state_file"]["epoch"] == 3  # one per unclean stop
        assert stub.stop()[0] == 0
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_state_save_error_is_a_503() -> None:
    assert e.StateSaveError("x").status == 503


def test_sync_mode_every_acknowledged_write_survives_kill_9(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    with StubProcess("--state-file", str(path), "--save-interval", "sync", "--no-access-log") as stub:
        acked = [_call(stub.port, "POST", "/v1/threads", {})[1]["id"] for _ in range(5)]
        assert RemoteServer(stub.url).health()["state_file"]["mode"] == "sync"
        stub.stop(signal.SIGKILL)
    saved = json.loads(path.read_text())["projects"]
    assert set(acked) <= {t["id"] for doc in saved.values() for t in doc.get("threads", [])}


@pytest.mark.parametrize("name", sorted(p.stem for p in (Path(__file__).parents[1] / "fixtures").glob("*.y*ml")))
def test_an_export_from_the_snapshot_equals_the_live_export(name: str) -> None:
    """Saves export a clone taken under the lock: it must be exactly what exporting the live store gives."""
    from mockserver.core.secrets import seal
    from mockserver.scenarios import export_project, load_scenario

    fixtures = Path(__file__).parents[1] / "fixtures"
    store = Store(seed="snap")
    load_scenario(name, fixtures).apply(store, "sk-snapshot-key-0001")
    store.advance_clock("sk-snapshot-key-0001", 5)
    document = export_all(store)
    assert document["projects"] == {seal("sk-snapshot-key-0001"): export_project(store, "sk-snapshot-key-0001")}


def test_a_leftover_temp_file_in_a_read_only_directory_is_a_clear_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Running as root cannot make a directory read-only, so the OS refusals are simulated."""
    import mockserver.control.persistence as persistence

    (tmp_path / ".state.json.1.2.tmp").write_text("{")
    real_open = os.open

    def read_only(path: Any, flags: int, mode: int = 0o777) -> int:
        if str(path).endswith((".tmp", ".probe.tmp")) and flags & os.O_CREAT:
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, mode)

    def no_unlink(self: Path, missing_ok: bool = False) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(persistence.os, "open", read_only)
    monkeypatch.setattr(Path, "unlink", no_unlink)
    with pytest.raises(StateFileError, match="not writable"):
        StateFile(tmp_path / "state.json", Store(), Journal()).load()
