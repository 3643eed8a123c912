"""What a surface hands the registry (``mockserver/surfaces/__init__.py``): the one description every layer
above iterates instead of naming surfaces.

No web framework here: ``routes`` returns Starlette routes, but only the app calls it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ScenarioSection:
    """A surface's part of the scenario format.

    ``schema`` is merged into the scenario JSON Schema: ``{"properties": {section: {...}}, "$defs": {...}}``.
    ``apply(store, project, document)`` creates this surface's objects of a (validated) document through the
    surface's public operations; a refused object raises a :class:`~mockserver.core.errors.MockError` whose
    ``param`` is its place in the document (``conversations[0].items[1].type``).
    ``export(store, project)`` returns this surface's sections of an export (empty ones left out), such that
    applying them re-creates the same state: ids, timestamps, order, and anything in flight.
    """

    schema: Mapping[str, Any]
    apply: Callable[[Any, str, Mapping[str, Any]], None]
    export: Callable[[Any, str], dict[str, Any]]


@dataclass(frozen=True)
class Surface:
    """One API surface. Adding a surface is one folder plus one entry in the registry.

    - ``name``: the key of its state in ``Project.states`` and the attribute its operations live under on the
      store (``store.<name>``).
    - ``state``: makes the surface's empty per-project state (an object with ``clone()``).
    - ``ops``: builds its operations object (a :class:`~mockserver.core.store.SurfaceOps`) over the store.
    - ``routes``: its Starlette routes, in the order they should be tried.
    - ``scenario``: its sections of scenario files and exports, if it has any.
    """

    name: str
    state: Callable[[], Any]
    ops: Callable[[Any], Any]
    routes: Callable[[], list[Any]]
    scenario: ScenarioSection | None = None
