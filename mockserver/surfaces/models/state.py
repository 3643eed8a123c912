"""One project's model catalogue (ordered: the listing order)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mockserver.surfaces.models.shapes import default_models


@dataclass
class ModelsState:
    models: dict[str, dict[str, Any]] = field(default_factory=default_models)
    #: True once a scenario or a control call replaced the default catalogue (exports then carry it).
    customized: bool = False

    def clone(self) -> ModelsState:
        return ModelsState(models=dict(self.models), customized=self.customized)
