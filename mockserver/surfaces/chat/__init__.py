"""The Chat Completions surface (``/v1/chat/completions``): create (answered by the shared scripted model,
streamed or not) and stored completions (docs/chat.md)."""

from __future__ import annotations

from typing import Any

from mockserver.core.surface import Surface
from mockserver.surfaces.chat.ops import ChatOps
from mockserver.surfaces.chat.scenario import SECTION
from mockserver.surfaces.chat.state import ChatState


def _routes() -> list[Any]:
    from mockserver.surfaces.chat.routes import routes

    return routes()


SURFACE = Surface(name="chat", state=ChatState, ops=ChatOps, routes=_routes, scenario=SECTION)
