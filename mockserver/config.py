"""Server-wide settings, shared by the app, the server facade, the CLI and the pytest plugin."""

from __future__ import annotations

from dataclasses import dataclass

from .journal import DEFAULT_JOURNAL_LIMIT


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
