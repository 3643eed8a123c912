"""The Embeddings surface (``POST /v1/embeddings``): stateless, deterministic vectors (docs/chat.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockserver.core.surface import Surface
from mockserver.surfaces.embeddings.ops import EmbeddingsOps


@dataclass
class EmbeddingsState:
    """Embeddings keep nothing per project; the registry still wants a state object."""

    def clone(self) -> EmbeddingsState:
        return self


def _routes() -> list[Any]:
    from mockserver.surfaces.embeddings.routes import routes

    return routes()


SURFACE = Surface(name="embeddings", state=EmbeddingsState, ops=EmbeddingsOps, routes=_routes)
