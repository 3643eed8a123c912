"""The registry of API surfaces: every surface is listed here once, and the app (routes), scenario files
(schema sections, apply, export), persistence and the control plane iterate :data:`SURFACES` instead of naming
surfaces.

Order matters twice: routes are tried surface by surface in this order, and a scenario's sections are applied
in this order (a surface's objects may refer to objects of a surface listed before it). docs/architecture.md
says how to add a surface.
"""

from __future__ import annotations

from mockserver.core.surface import Surface
from mockserver.surfaces import (
    assistants,
    chat,
    conversations,
    embeddings,
    files,
    models,
    moderations,
    responses,
    vector_stores,
)

SURFACES: tuple[Surface, ...] = (
    files.SURFACE,
    vector_stores.SURFACE,
    models.SURFACE,
    assistants.SURFACE,
    conversations.SURFACE,
    responses.SURFACE,
    chat.SURFACE,
    embeddings.SURFACE,
    moderations.SURFACE,
)

__all__ = ["SURFACES", "Surface"]
