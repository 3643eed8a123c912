"""The container one project's state lives in: its ids, its clock, and one state object per surface.

Stored objects are wire-shaped dicts that are never mutated in place: an update stores a new dict. That lets
:meth:`Project.clone` share them, so a reset to a large baseline costs a few container copies, and lets routes
serialize stored objects without copying them first.

A project does not know which surfaces exist: the store hands it one fresh state per registered surface
(``states``), and each surface reads only its own entry. A surface's state must offer ``clone()``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from mockserver.core.ids import Clock, IdFactory


class SurfaceState(Protocol):
    """What a surface's per-project state must offer: an independent copy that may share immutable objects."""

    def clone(self) -> Any: ...


@dataclass
class Project:
    name: str
    ids: IdFactory
    clock: Clock
    #: surface name -> that surface's state for this project (see mockserver/surfaces/__init__.py).
    states: dict[str, Any] = field(default_factory=dict)
    #: Creation order across the project; breaks created_at ties in listings.
    sequence: int = 0
    #: Per-project settings of the layers above the surfaces (script rules, run settings, faults...).
    extras: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def new(
        cls, name: str, seed: str, clock_start: int, factories: Mapping[str, Callable[[], Any]], epoch: int = 0
    ) -> Project:
        return cls(
            name=name,
            ids=IdFactory(seed, name, epoch),
            clock=Clock(clock_start),
            states={surface: make() for surface, make in factories.items()},
        )

    def next_sequence(self) -> int:
        self.sequence += 1
        return self.sequence

    def clone(self, name: str, seed: str, epoch: int | None = None) -> Project:
        """An independent copy for project ``name``: same objects, same clock, IDs continuing deterministically
        (in ``epoch``, default this project's)."""
        ids = IdFactory(seed, name, self.ids.epoch if epoch is None else epoch)
        ids.restore(self.ids.counters())
        return Project(
            name=name,
            ids=ids,
            clock=Clock(self.clock.now()),
            states={surface: state.clone() for surface, state in self.states.items()},
            sequence=self.sequence,
            extras={k: (v.copy() if hasattr(v, "copy") else v) for k, v in self.extras.items()},
        )
