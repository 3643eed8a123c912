"""``MockServer``: the fake running in a background thread, for tests and embedding.

uvicorn runs in a daemon thread on a socket bound here first, so a port that cannot be bound raises at once
in the caller (uvicorn itself would ``sys.exit`` inside its thread).
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import secrets
import socket
import threading
import time
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

import h11
import uvicorn
from uvicorn.protocols.http.auto import AutoHTTPProtocol

from mockserver.app import ServerErrors, create_app
from mockserver.config import DEFAULT_API_KEY, ServerConfig
from mockserver.control.journal import Journal, JournalEntry
from mockserver.control.persistence import StateFile
from mockserver.control.security import is_loopback
from mockserver.core.ids import DEFAULT_EPOCH
from mockserver.remote import connect
from mockserver.replay import ReplayController
from mockserver.replay.layer import ReplayLayer
from mockserver.scenarios import ScenarioLike, export_project, resolve_scenarios
from mockserver.store import Seeder, Store
from mockserver.types import Fault, Rule, RunSettings, ScriptMiss

if TYPE_CHECKING:
    import openai
    from typing_extensions import Unpack

START_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0


class ServerStartError(RuntimeError):
    """The server could not bind its address or did not come up in time."""


class _CoalescingTransport:
    """A connection's transport that sends what one step of the event loop wrote as one write.

    uvicorn writes a response's head, its body and each event of a stream separately; sent at once, every write
    wakes the client, whose thread (this server usually runs in the tests' own process) then competes for the
    interpreter lock with the server still producing the rest. Held until the end of the loop step (or 64 KiB),
    the bytes leave together: a stream produced without pauses reaches the client in one piece, as from a fast
    real server, and one produced with pauses (``chunk_delay_ms``, background polling) still event by event.
    Order is kept; closing, aborting and the buffer size account for what is held.
    """

    FLUSH_AT = 64 * 1024

    def __init__(self, transport: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._transport, self._loop = transport, loop
        self._held: list[bytes] = []
        self._size = 0

    def __getattr__(self, name: str) -> Any:  # everything else is the transport's own
        return getattr(self._transport, name)

    def write(self, data: bytes) -> None:
        if not self._held:
            self._loop.call_soon(self._flush)
        self._held.append(data)
        self._size += len(data)
        if self._size >= self.FLUSH_AT:
            self._flush()

    def writelines(self, lines: Any) -> None:
        for data in lines:
            self.write(data)

    def _flush(self) -> None:
        if self._held:
            data = b"".join(self._held)
            self._held.clear()
            self._size = 0
            if not self._transport.is_closing():
                self._transport.write(data)

    def get_write_buffer_size(self) -> int:
        return int(self._transport.get_write_buffer_size()) + self._size

    def write_eof(self) -> None:
        self._flush()
        self._transport.write_eof()

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def abort(self) -> None:  # what was written is tried first, as without holding (abort drops only the unsent)
        self._flush()
        self._transport.abort()


class _Deadline:
    """Mixed into uvicorn's HTTP protocol: the connection's transport in the scope, and a read deadline.

    ASGI has no way to close a connection without answering; injected ``drop`` and stream-cut faults need one.
    The deadline: while the server waits for a client's bytes (request headers, or a body being sent) and none
    arrive for ``read_timeout`` seconds, the connection is closed. Without it partial headers, stalled bodies and
    silent connections are held forever (thousands of them exhaust file descriptors). Time the server spends
    answering (a long stream, a latency fault) never counts.

    It works over either protocol uvicorn picks: h11 (plain ``uvicorn``) or httptools (``uvicorn[standard]``,
    faster); :meth:`_waiting_for` reads each one's own idea of where the connection is.
    """

    read_timeout: float = 30.0

    transport: Any
    loop: asyncio.AbstractEventLoop

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._close_when_answered = False
        inner: Any = getattr(self, "app")  # noqa: B009 (mypy cannot type the base class attribute)

        async def app(scope: Any, receive: Any, send: Any) -> None:
            scope["mockserver.transport"] = self.transport
            try:
                await inner(scope, receive, send)
            finally:
                if self._close_when_answered:
                    self.transport.close()

        self.app = app

    def connection_made(self, transport: Any) -> None:
        super().connection_made(_CoalescingTransport(transport, self.loop))  # type: ignore[misc]
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)  # type: ignore[misc]
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        super().connection_lost(exc)  # type: ignore[misc]

    def _arm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = self.loop.call_later(self.read_timeout, self._expire)

    def _waiting_for(self) -> str | None:
        """``"request"`` (idle, or a request's head partly sent), ``"body"`` (a request body still arriving) or
        None (the server is answering)."""
        flow = getattr(self, "flow", None)
        if flow is not None and flow.read_paused:  # the server stopped reading (a large body the app has not
            return None  # consumed yet): it is the server that is busy, whatever the parser's state says
        conn = getattr(self, "conn", None)
        if conn is not None:  # h11
            state = conn.their_state
            return "request" if state is h11.IDLE else "body" if state is h11.SEND_BODY else None
        cycle = getattr(self, "cycle", None)  # httptools: a cycle exists once a request's head has arrived
        if cycle is None or cycle.response_complete:
            return "request"
        return "body" if cycle.more_body else None

    def _expire(self) -> None:
        if self.transport.is_closing():
            return
        waiting = self._waiting_for()
        cycle = getattr(self, "cycle", None)
        if waiting == "body" and cycle is not None and not self._close_when_answered:
            # A stalled body: the app hears a disconnect first and closes the connection when it has finished
            # (the journal then holds the 499 before the client sees the connection end), not the other way round.
            self._close_when_answered = True
            cycle.disconnected = True
            cycle.message_event.set()
            self._arm()  # an app that ignores the disconnect still loses the connection at the next deadline
        elif waiting is not None:  # waiting for the client, which sent nothing
            self.transport.close()
        else:
            self._arm()


#: The protocol the deadline is mixed into: uvicorn's choice (httptools when installed, else h11). Tests set it to
#: each one in turn.
HTTP_PROTOCOL: Any = AutoHTTPProtocol


class MockServer:
    """A fake OpenAI Assistants API on ``127.0.0.1`` (port 0 = any free port).

    Use it as a context manager, or call :meth:`start` / :meth:`stop`. ``base_url`` is what the SDK wants.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: str = "",
        clock_start: int = DEFAULT_EPOCH,
        config: ServerConfig | None = None,
        baseline: list[Seeder] | None = None,
        scenario: ScenarioLike | Sequence[ScenarioLike] | None = None,
        fixtures_dir: str | os.PathLike[str] | None = None,
        log_level: str = "warning",
        access_log: bool = False,
        cassette: str | os.PathLike[str] | None = None,
        record_mode: str = "none",
        upstream: str | None = None,
        hybrid: bool = False,
        replay_timing: str = "immediate",
    ) -> None:
        self.host = host
        # A copy that knows the bind address (the Host check, control/security.py); off loopback the control plane
        # always needs a token: the given one, else a fresh one (``server.control_token``, printed by the CLI).
        self.config = dataclasses.replace(config or ServerConfig(), bind_host=host)
        if self.config.control_token is None and not is_loopback(host):
            self.config.control_token = self.config.api_key or secrets.token_urlsafe(24)
        elif self.config.control_token is None and self.config.api_key is not None:
            self.config.control_token = self.config.api_key  # --api-key protects the journal's contents too
        #: What control-plane requests must send as ``X-Mockserver-Token`` (None: no token needed).
        self.control_token = self.config.control_token
        self.fixtures_dir = fixtures_dir
        self._baseline = list(baseline or [])
        #: The scenarios every project starts from (after ``baseline``); names resolve against ``fixtures_dir``.
        self.scenarios = resolve_scenarios(scenario, fixtures_dir)
        if not seed:
            seed = next((s.seed for s in self.scenarios if s.seed), "")
        self.store = Store(seed=seed, clock_start=clock_start)
        if self._baseline or self.scenarios:
            self.store.set_baseline([*self._baseline, *(s.apply for s in self.scenarios)])
        self.journal = Journal(self.config.journal_limit, body_bytes=self.config.journal_body_bytes)
        self.errors = ServerErrors()
        #: Cassettes attached to this server (``cassette=`` attaches one for every project); see ``docs/replay.md``.
        self.replay = ReplayController()
        if cassette is not None:
            self.replay.use(cassette, mode=record_mode, upstream=upstream, hybrid=hybrid, timing=replay_timing)
        self.app = create_app(
            self.store, self.config, journal=self.journal, errors=self.errors, inner=self._replay_layer
        )
        #: ``config.state_file``: loaded by :meth:`start`, saved after changes and by :meth:`stop` (docs/stub.md).
        self.state_file = (
            StateFile(self.config.state_file, self.store, self.journal, interval=self.config.save_interval)
            if self.config.state_file
            else None
        )
        if self.state_file is not None:
            self.state_file.sync = self.config.save_mode == "sync"
        self.app.state.state_file = self.state_file
        #: Where the control plane (and the inspector's scenario list) resolves scenario names.
        self.app.state.fixtures_dir = None if fixtures_dir is None else os.fspath(fixtures_dir)
        self._requested_port = port
        self._log_level = log_level
        self._access_log = access_log
        self._socket: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port: int | None = None

    # -- lifecycle ----------------------------------------------------------------------------------------

    def start(self) -> MockServer:
        if self._thread is not None:
            return self
        self.journal.reopen()  # live journal feeds (the inspector) work again after a stop
        if self.state_file is not None:
            self.state_file.load()  # before binding: a bad state file must stop start-up
        # proto=IPPROTO_TCP matters: asyncio enables TCP_NODELAY only on sockets that say so, and without it
        # every response waits ~40 ms for a delayed ACK.
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.bind((self.host, self._requested_port))
            sock.listen(2048)
        except OSError as exc:
            sock.close()
            raise ServerStartError(
                f"cannot listen on {self.host}:{self._requested_port}: {exc.strerror or exc}"
            ) from exc
        self._socket = sock
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_config=None,
            log_level=self._log_level,
            access_log=self._access_log,
            loop="asyncio",
            lifespan="off",
            ws="none",
            http=type("_Protocol", (_Deadline, HTTP_PROTOCOL), {"read_timeout": self.config.read_timeout}),
            timeout_graceful_shutdown=2,
            limit_concurrency=self.config.max_connections,  # beyond: 503 and close, never fd exhaustion
            server_header=False,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name=f"mockserver:{self.port}", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive():
                self._cleanup()
                raise ServerStartError(f"server thread exited during start-up on {self.url}")
            if time.monotonic() > deadline:
                self.stop()
                raise ServerStartError(f"server did not start within {START_TIMEOUT:.0f}s on {self.url}")
            time.sleep(0.001)
        if self.state_file is not None:
            self.state_file.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        # End the inspector's live journal streams: uvicorn waits for open responses before it exits.
        self.journal.close_subscribers()
        if self._thread is not None:
            self._thread.join(STOP_TIMEOUT)
        self._cleanup()
        try:
            if self.state_file is not None:
                self.state_file.stop()  # final save, after the last request was answered; raises if it failed
        finally:
            self.replay.close()  # write out any recording still pending

    def _replay_layer(self, app: Any) -> Any:
        """The ASGI layer serving this server's cassettes, inside the API middleware."""
        return ReplayLayer(app, self.replay)

    def _cleanup(self) -> None:
        if self._socket is not None:
            self._socket.close()
        self._socket = None
        self._server = None
        self._thread = None

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- addresses and clients ----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What ``OpenAI(base_url=...)`` wants: the server URL plus ``/v1``."""
        return self.url + "/v1"

    def client(self, api_key: str = DEFAULT_API_KEY, **kwargs: Any) -> openai.OpenAI:
        """An ``openai.OpenAI`` bound to this server, retries off (``openai`` is imported only here).

        Its HTTP client skips loading the CA bundle (~20-60 ms per client, most of a test's cost) since the server
        speaks plain HTTP on loopback; pass ``http_client=`` to choose your own.
        """
        import openai

        kwargs.setdefault("max_retries", 0)
        if "http_client" not in kwargs:
            kwargs["http_client"] = _loopback_http_client(openai.DefaultHttpxClient)
        return openai.OpenAI(api_key=api_key, base_url=self.base_url, **kwargs)

    def async_client(self, api_key: str = DEFAULT_API_KEY, **kwargs: Any) -> openai.AsyncOpenAI:
        """An ``openai.AsyncOpenAI`` bound to this server, retries off, no CA bundle loaded (see :meth:`client`)."""
        import openai

        kwargs.setdefault("max_retries", 0)
        if "http_client" not in kwargs:
            kwargs["http_client"] = _loopback_http_client(openai.DefaultAsyncHttpxClient)
        return openai.AsyncOpenAI(api_key=api_key, base_url=self.base_url, **kwargs)

    # -- state --------------------------------------------------------------------------------------------

    def reset(self, project: str | None = None) -> None:
        """Return one project (or all) to the baseline and forget their journal entries. The server keeps running."""
        self.store.reset(project)
        self.journal.clear(project)

    def requests(self, **filters: Any) -> list[JournalEntry]:
        """Journal entries, optionally filtered by ``method``, ``path``, ``path_contains``, ``status``, ``project``."""
        return self.journal.entries(**filters)

    #: ``MockServer.connect(url)``: the control operations of a stub running in another process.
    connect = staticmethod(connect)

    # -- faults (docs/stub.md) ------------------------------------------------------------------------------

    def add_faults(self, faults: Sequence[Fault], project: str | None = None) -> list[dict[str, Any]]:
        """Schedule faults; without ``project`` they hit every project. Cleared by :meth:`reset` (all projects)."""
        return self.store.faults.add_faults(project, list(faults))

    def add_fault(self, project: str | None = None, **fault: Unpack[Fault]) -> dict[str, Any]:
        """One fault from keywords: ``add_fault(method="POST", path="/v1/threads", status=429, times=2)``."""
        return self.store.faults.add_faults(project, [fault])[0]

    def faults(self, project: str | None = None) -> list[dict[str, Any]]:
        """Scheduled faults with their counters (``seen``, ``fired``, ``remaining``)."""
        return self.store.faults.list_faults(project)

    def clear_faults(self, project: str | None = None) -> int:
        return self.store.faults.clear_faults(project)

    # -- the scripted model and runs (docs/runs.md) -----------------------------------------------------------

    def add_rule(self, project: str | None = None, **rule: Unpack[Rule]) -> dict[str, Any]:
        """One script rule from keywords: ``add_rule(match={"contains": "hi"}, reply="Hello!")``.

        Without ``project`` the rule applies to every project (tried after a project's own rules) until the
        next full :meth:`reset`. Returns the rule as normalized.
        """
        return self.store.script.add_script_rules(project, [rule])[0]

    def add_rules(self, rules: Sequence[Rule], project: str | None = None) -> list[dict[str, Any]]:
        return self.store.script.add_script_rules(project, list(rules))

    def rules(self, project: str | None = None) -> list[dict[str, Any]]:
        return self.store.script.list_script_rules(project)

    def clear_rules(self, project: str | None = None) -> None:
        self.store.script.clear_script_rules(project)

    def configure_runs(self, project: str | None = None, **settings: Unpack[RunSettings]) -> dict[str, Any]:
        """How runs progress and stream: ``configure_runs(progress="on_clock", strict=True, chunk_size=4)``."""
        return self.store.script.configure_runs(project, dict(settings))

    def script_misses(self, project: str | None = None) -> list[ScriptMiss]:
        """Runs that failed because no script rule covered them while the run setting ``strict`` was on (the
        pytest plugin fails tests on them). Each has ``run_id``, ``thread_id``, ``input`` (the last user message
        the run answered), ``message`` (the run's ``last_error``) and ``project``."""
        return self.store.script.script_misses(project)  # type: ignore[return-value]

    def clear_script_misses(self, project: str | None = None) -> None:
        """Forget the recorded misses (of ``project``, else of every project)."""
        self.store.script.clear_script_misses(project)

    def expect_script_miss(self, contains: str | None = None, project: str | None = None) -> list[ScriptMiss]:
        """Assert that at least one run missed the script (whose input or message contains ``contains``, if
        given), and remove those misses, so that the pytest plugin does not fail the test for them. Returns them.
        """
        taken = self.store.script.take_script_misses(project, contains)
        if not taken:
            seen = self.store.script.script_misses(project)
            listed = "".join(f"\n  {m.get('run_id')}: input {m.get('input')!r}" for m in seen) or " none"
            wanted = f" with {contains!r}" if contains is not None else ""
            raise AssertionError(f"expected a script miss{wanted}; recorded misses:{listed}")
        return taken  # type: ignore[return-value]

    def advance_clock(self, seconds: int, project: str | None = None) -> None:
        """Move the fake clock of ``project`` (default: every project that exists) forward; runs may progress
        (``on_clock`` mode) or expire on their next read."""
        for name in [project] if project is not None else self.store.project_names():
            self.store.advance_clock(name, seconds)

    def set_scenario(self, scenario: ScenarioLike | Sequence[ScenarioLike] | None) -> None:
        """Make ``scenario`` (one or many, or ``None``) every project's starting state, and reset all projects."""
        scenarios = resolve_scenarios(scenario, self.fixtures_dir)
        self.store.set_baseline([*self._baseline, *(s.apply for s in scenarios)])
        self.scenarios = scenarios
        self.journal.clear(None)

    def file_content(self, file_id: str, project: str = DEFAULT_API_KEY) -> bytes:
        """The bytes of an uploaded (or generated) file, whatever its purpose (docs/files.md)."""
        return self.store.files.read_content(project, file_id)

    def export(self, project: str = DEFAULT_API_KEY) -> dict[str, Any]:
        """The current state of ``project`` (default: the default client's) as a scenario document, runs included."""
        return export_project(self.store, project)


def _loopback_http_client(base: type[Any]) -> Any:
    """The SDK's default HTTP client without a CA bundle (plain HTTP on loopback needs none), closed when it is
    garbage collected as the SDK's own default client is, so an unclosed ``client()`` does not leak its socket."""

    class LoopbackHttpClient(base):  # type: ignore[misc]
        def __del__(self) -> None:
            if self.is_closed:
                return
            try:
                if hasattr(self, "aclose"):  # the async client: close on the loop that is running, if any
                    import asyncio

                    asyncio.get_running_loop().create_task(self.aclose())
                else:
                    self.close()
            except Exception:  # interpreter shutdown or no running loop: nothing left to clean up for
                pass

    return LoopbackHttpClient(verify=False)
