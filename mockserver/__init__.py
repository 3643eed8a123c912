"""mockserver: an offline, deterministic, stateful fake of OpenAI's Assistants API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockserver.config import ServerConfig

if TYPE_CHECKING:
    from mockserver.server import MockServer, ServerStartError

__version__ = "0.1.0"

__all__ = ["MockServer", "ServerConfig", "ServerStartError", "__version__"]


def __getattr__(name: str) -> Any:
    # Importing any submodule runs this file, and the pytest plugin is imported by every pytest process:
    # the server (starlette, uvicorn, the app) is loaded only when someone asks for it.
    if name in ("MockServer", "ServerStartError"):
        from mockserver import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
