"""The Moderations surface (``POST /v1/moderations``): deterministic scores, flags from moderation rules."""

from __future__ import annotations

from typing import Any

from mockserver.core.surface import Surface
from mockserver.surfaces.moderations.ops import ModerationsOps, ModerationsState
from mockserver.surfaces.moderations.scenario import SECTION


def _routes() -> list[Any]:
    from mockserver.surfaces.moderations.routes import routes

    return routes()


SURFACE = Surface(name="moderations", state=ModerationsState, ops=ModerationsOps, routes=_routes, scenario=SECTION)
