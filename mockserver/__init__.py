"""mockserver: an offline, deterministic, stateful fake of OpenAI's Assistants API."""

from __future__ import annotations

from .config import ServerConfig
from .server import MockServer, ServerStartError

__version__ = "0.1.0"

__all__ = ["MockServer", "ServerConfig", "ServerStartError", "__version__"]
