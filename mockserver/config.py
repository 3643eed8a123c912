"""Server-wide settings, shared by the app, the server facade, the CLI and the pytest plugin."""

from __future__ import annotations

from dataclasses import dataclass

from mockserver.control.journal import DEFAULT_JOURNAL_BODY_BYTES, DEFAULT_JOURNAL_LIMIT

#: The bearer key clients use when none is given (the fixtures' default key, hence their state partition).
DEFAULT_API_KEY = "sk-mockserver"


@dataclass
class ServerConfig:
    #: When set, only this bearer key is accepted; any other gets the real 401 ``invalid_api_key``.
    api_key: str | None = None
    #: Sent as ``openai-poll-after-ms`` on run reads so the SDK's ``*_and_poll`` helpers barely sleep.
    poll_after_ms: int = 5
    #: Request bodies above this many bytes get an OpenAI-shaped 413.
    max_body_bytes: int = 16 * 1024 * 1024
    #: How many requests the journal keeps (oldest dropped first).
    journal_limit: int = DEFAULT_JOURNAL_LIMIT
    #: A journaled request body is cut to this many bytes, with a marker (all bodies together: 64 MiB at most).
    journal_body_bytes: int = DEFAULT_JOURNAL_BODY_BYTES
    #: Where state is kept across restarts (None: in memory only). See docs/stub.md.
    state_file: str | None = None
    #: Seconds between checks for unsaved changes to the state file (0: save only on demand and at stop).
    save_interval: float = 1.0
    #: ``"interval"`` (periodic saves) or ``"sync"``: every write is on disk before it is acknowledged.
    save_mode: str = "interval"
    #: The address the server is bound to (set by ``MockServer``). On a loopback bind, requests must address a
    #: loopback Host (DNS rebinding); None (an app served in process) skips the check. See control/security.py.
    bind_host: str | None = None
    #: Seconds a connection may stay silent while the server waits for its request (headers or body).
    read_timeout: float = 30.0
    #: Open connections (and requests in flight) beyond which new ones get a 503 and are closed.
    max_connections: int = 1000
    #: When set, every control-plane request must carry it in ``X-Mockserver-Token``.
    control_token: str | None = None
