"""The Conversations API (``/v1/conversations/**``): conversations and their items (docs/responses.md)."""

from __future__ import annotations

from mockserver.core.surface import Surface
from mockserver.surfaces.conversations.ops import ConversationOps
from mockserver.surfaces.conversations.scenario import SECTION
from mockserver.surfaces.conversations.state import ConversationsState


def _routes() -> list[object]:
    from mockserver.surfaces.conversations.routes import routes

    return list(routes)


SURFACE = Surface(name="conversations", state=ConversationsState, ops=ConversationOps, routes=_routes, scenario=SECTION)
