"""The fake's whole state: :class:`Store`, a project store composed of the scripted model, the faults and one
operations object per registered surface (``store.assistants``, ...).

Every public operation takes the project name first and raises :mod:`mockserver.core.errors` types; none of
them knows about HTTP. Safe to share between the server thread and the test thread (one lock).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockserver.control.fault_ops import FaultOps
from mockserver.core.ids import DEFAULT_EPOCH
from mockserver.core.store import BASELINE_PROJECT, ProjectStore, Seeder
from mockserver.model.script import ScriptOps
from mockserver.surfaces import SURFACES

if TYPE_CHECKING:
    from mockserver.surfaces.assistants.ops import AssistantsOps
    from mockserver.surfaces.chat.ops import ChatOps
    from mockserver.surfaces.conversations.ops import ConversationOps
    from mockserver.surfaces.embeddings.ops import EmbeddingsOps
    from mockserver.surfaces.files.ops import FilesOps
    from mockserver.surfaces.models.ops import ModelsOps
    from mockserver.surfaces.moderations.ops import ModerationsOps
    from mockserver.surfaces.responses.ops import ResponsesOps
    from mockserver.surfaces.vector_stores.restore import VectorStoresOps


class Store(ProjectStore):
    """All state, partitioned by project. ``store.<surface>`` holds each surface's operations."""

    #: The scripted model's rules, settings and misses, shared by every surface.
    script: ScriptOps
    #: Injected misbehaviour (control plane).
    faults: FaultOps
    # One typed line per surface, for editors and mypy; the registry is what creates them.
    assistants: AssistantsOps
    files: FilesOps
    vector_stores: VectorStoresOps
    models: ModelsOps
    chat: ChatOps
    embeddings: EmbeddingsOps
    moderations: ModerationsOps
    conversations: ConversationOps
    responses: ResponsesOps

    def __init__(self, *, seed: str = "", clock_start: int = DEFAULT_EPOCH) -> None:
        super().__init__(seed=seed, clock_start=clock_start, states={s.name: s.state for s in SURFACES})
        self.script = ScriptOps(self)
        self.faults = FaultOps(self)
        for surface in SURFACES:
            setattr(self, surface.name, surface.ops(self))


__all__ = ["BASELINE_PROJECT", "Seeder", "Store"]
