"""Record traffic with an OpenAI-compatible upstream once, replay it offline, strictly (see ``docs/replay.md``).

``session`` (record modes, the per-project registry) and ``layer`` (the ASGI layer) are the entry points;
``cassette`` is the file format, ``matching`` the request key and miss diff, ``scrub`` the secret filter,
``proxy`` the recording proxy, ``vcr`` the vcrpy importer and ``lint`` the secret linter.
"""

from __future__ import annotations

from mockserver.replay.cassette import CassetteError, load_interactions
from mockserver.replay.matching import Miss
from mockserver.replay.session import (
    RECORD_MODES,
    UPSTREAM_KEY_ENV,
    ReplayConfigError,
    ReplayController,
    ReplayReport,
    ReplaySession,
)

__all__ = [
    "RECORD_MODES",
    "UPSTREAM_KEY_ENV",
    "CassetteError",
    "Miss",
    "ReplayConfigError",
    "ReplayController",
    "ReplayReport",
    "ReplaySession",
    "load_interactions",
]
