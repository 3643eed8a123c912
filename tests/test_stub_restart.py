"""State that survives a restart of `mockserver serve --state-file`: SIGTERM, kill -9 under heavy writes, and
a corrupt file refused at start-up."""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path

import openai
import pytest

from mockserver import MockServer
from mockserver.core.secrets import seal
from mockserver.remote import RemoteServer

from .clients import tracked
from .stub_process import StubProcess, start_failure

KEY = "sk-restart"


def _sdk(stub: StubProcess) -> openai.OpenAI:
    client = openai.OpenAI(api_key=KEY, base_url=stub.base_url, max_retries=0, _strict_response_validation=True)
    tracked(client)
    return client


def _story(client: openai.OpenAI, server: RemoteServer | MockServer) -> list[str]:
    """Some state: two threads with messages, a clock move, a project fault that has not fired."""
    first = client.beta.threads.create(messages=[{"role": "user", "content": "one"}], metadata={"k": "v"})
    if isinstance(server, MockServer):
        server.store.advance_clock(KEY, 120)
    else:
        server.advance_clock(120, project=KEY)
    second = client.beta.threads.create()
    client.beta.threads.messages.create(thread_id=second.id, role="user", content="two")
    return [first.id, second.id]


def test_state_survives_a_sigterm_restart_and_ids_continue_deterministically(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    args = ("--state-file", str(state_file), "--seed", "restart", "--save-interval", "0")
    with StubProcess(*args) as stub:
        remote = RemoteServer(stub.url)
        ids = _story(_sdk(stub), remote)
        remote.add_fault(project=KEY, method="DELETE", path="/v1/threads/*", status=503)
        code, out = stub.stop(signal.SIGTERM)
    assert code == 0 and "mockserver stopped" in out
    assert json.loads(state_file.read_text())["projects"][seal(KEY)]["threads"][1]["id"] == ids[1]

    with StubProcess(*args) as stub:
        client, remote = _sdk(stub), RemoteServer(stub.url)
        assert client.beta.threads.retrieve(ids[0]).metadata == {"k": "v"}
        texts = [m.content[0].text.value for m in client.beta.threads.messages.list(thread_id=ids[1])]  # type: ignore[union-attr]
        assert texts == ["two"]
        after_restart = client.beta.threads.create()
        assert [f["path"] for f in remote.faults(project=KEY)] == ["/v1/threads/*"]
        with pytest.raises(openai.InternalServerError):
            client.beta.threads.delete(ids[0])

    # The same story on a server that never restarted gives the same IDs and timestamps.
    with MockServer(seed="restart") as reference:
        client = reference.client(api_key=KEY)
        tracked(client)
        assert _story(client, reference) == ids
        never_restarted = client.beta.threads.create()
    assert (after_restart.id, after_restart.created_at) == (never_restarted.id, never_restarted.created_at)


class _Writers:
    """Threads creating threads as fast as they can, remembering every ID the server acknowledged.

    A writer stops at the first connection error (the kill); any other exception is kept in ``failures`` and
    reported by the test with the server's stderr, instead of dying in a thread with nothing to show for it.
    """

    def __init__(self, stub: StubProcess, count: int = 6) -> None:
        self.stub = stub
        self.acked: list[str] = []
        self.failures: list[BaseException] = []
        self.grew = threading.Condition()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._write) for _ in range(count)]
        for thread in self.threads:
            thread.start()

    def _write(self) -> None:
        writer = _sdk(self.stub)
        while not self.stop.is_set():
            try:
                thread = writer.beta.threads.create(messages=[{"role": "user", "content": "x" * 200}])
            except openai.APIConnectionError:
                break  # the server was killed
            except BaseException as exc:  # reported by the test, with the server's stderr
                self.failures.append(exc)
                break
            with self.grew:
                self.acked.append(thread.id)
                self.grew.notify_all()
        with self.grew:
            self.grew.notify_all()  # a waiter must not sleep on writers that stopped

    def wait_for(self, count: int) -> set[str]:
        """Wait until ``count`` IDs were acknowledged; fails (with the server's stderr) if writers stop or stall.

        The bound only turns a wedged server into a failure instead of a hang; it is not a timing assertion.
        """
        with self.grew:
            self.grew.wait_for(lambda: len(self.acked) >= count or self.failures or not self._alive(), timeout=300)
            assert not self.failures and len(self.acked) >= count, (self.failures, self.stub.stderr()[-4000:])
            return set(self.acked)

    def _alive(self) -> bool:
        return any(thread.is_alive() for thread in self.threads)

    def join(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)
        assert not self.failures, (self.failures, self.stub.stderr()[-4000:])


def test_kill_9_during_heavy_writes_loses_nothing_saved_and_never_loads_a_torn_file(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    args = ("--state-file", str(state_file), "--save-interval", "0.02", "--log-level", "warning", "--no-access-log")
    guaranteed: set[str] = set()
    for _round in range(3):
        with StubProcess(*args) as stub:
            client, remote = _sdk(stub), RemoteServer(stub.url)
            for thread_id in guaranteed:  # everything acknowledged before an earlier completed save is back
                assert client.beta.threads.retrieve(thread_id).id == thread_id
            writers = _Writers(stub)
            for _ in range(3):
                # Counted in this round's acknowledgements: each round writes the same amount, however much
                # earlier rounds left in the file (waiting on the running total made later rounds ever longer).
                snapshot = writers.wait_for(len(writers.acked) + 50)
                remote.save()  # once this returns, everything in the snapshot is on disk
                guaranteed |= snapshot
            # Keep writing (and periodically saving) a little longer, then pull the plug mid-flight.
            writers.wait_for(len(writers.acked) + 40)
            stub.kill()
            writers.join()
        document = json.loads(state_file.read_text())  # a complete document, whatever moment the kill hit
        saved = {t["id"] for t in document["projects"][seal(KEY)]["threads"]}
        assert guaranteed <= saved
    assert len(guaranteed) >= 450


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ('{"format": "mockserver-state", "version": 1, "projects": {"p": {"vers', "JSONDecodeError"),
        ('{"format": "something-else"}', "'format' must be 'mockserver-state'"),
        ('{"format": "mockserver-state", "version": 1, "projects": {"p": {"threads": 7}}}', "projects.p"),
    ],
)
def test_a_corrupt_state_file_stops_start_up_and_is_left_untouched(tmp_path: Path, content: str, fragment: str) -> None:
    state_file = tmp_path / "state.json"
    state_file.write_text(content)
    code, out, err = start_failure("--state-file", str(state_file))
    assert code == 2 and "listening" not in out
    assert f"cannot load state file {state_file}" in err and fragment in err and "Refusing to start" in err
    assert state_file.read_text() == content


def test_an_unreadable_state_file_stops_start_up(tmp_path: Path) -> None:
    code, _, err = start_failure("--state-file", str(tmp_path))  # a directory
    assert code == 2 and "cannot load state file" in err and "IsADirectoryError" in err


def test_a_missing_state_file_starts_empty_and_is_created_at_shutdown(tmp_path: Path) -> None:
    state_file = tmp_path / "new" / "state.json"
    with StubProcess("--state-file", str(state_file)) as stub:
        assert RemoteServer(stub.url).export_state()["projects"] == {}
        _sdk(stub).beta.threads.create()
        assert stub.stop(signal.SIGINT)[0] == 0
    assert list(json.loads(state_file.read_text())["projects"]) == [seal(KEY)]
