"""``POST /v1/moderations`` and the per-project moderation rules (scenario section ``moderation_rules``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.core.store import SurfaceOps, locked
from mockserver.surfaces.chat.inputs import oxford, unknown
from mockserver.surfaces.model_kinds import check_moderation_model
from mockserver.surfaces.moderations import scoring

DEFAULT_MODEL = "omni-moderation-latest"


@dataclass
class ModerationsState:
    rules: list[dict[str, Any]] = field(default_factory=list)

    def clone(self) -> ModerationsState:
        return ModerationsState(rules=list(self.rules))


def parse_input(raw: Any) -> list[tuple[list[str], list[str]]]:
    """Each result's (texts, image urls): one per string; one for a whole array of content parts."""
    if isinstance(raw, str):
        return [([raw], [])]
    items = v.expect_array(raw, "input") or []
    if not items:
        raise e.InvalidRequestError(e.EMPTY_ARRAY.format(param="input"), param="input", code="empty_array")
    if all(isinstance(item, str) for item in items):
        return [([item], []) for item in items]
    texts: list[str] = []
    images: list[str] = []
    for i, part in enumerate(items):
        param = f"input[{i}]"
        v.expect_object(part, param)
        kind = v.require(part, "type", param)
        if kind not in ("text", "image_url"):
            raise e.InvalidRequestError(
                e.CHAT_INVALID_VALUE.format(value=kind, supported=oxford(["text", "image_url"])),
                param=f"{param}.type",
                code="invalid_value",
            )
        unknown(part, ("type", kind), param)
        if kind == "text":
            texts.append(v.expect_string(v.require(part, "text", param), f"{param}.text") or "")
        else:
            image = v.expect_object(v.require(part, "image_url", param), f"{param}.image_url") or {}
            unknown(image, ("url",), f"{param}.image_url")
            images.append(
                v.expect_string(v.require(image, "url", f"{param}.image_url"), f"{param}.image_url.url") or ""
            )
    return [(texts, images)]


class ModerationsOps(SurfaceOps):
    name = "moderations"

    def _state(self, project: str) -> ModerationsState:
        state: ModerationsState = self._project(project).states[self.name]
        return state

    @locked
    def create(self, project: str, body: Mapping[str, Any]) -> dict[str, Any]:
        v.reject_unknown(body, ("input", "model"))
        inputs = parse_input(v.require(body, "input"))
        model = v.expect_string(body.get("model", DEFAULT_MODEL), "model", nullable=True) or DEFAULT_MODEL
        check_moderation_model(self.store, project, model)
        p = self._project(project)
        rules = self._state(project).rules
        results = [scoring.result(model, texts, images, rules) for texts, images in inputs]
        return {"id": p.ids.new("moderation"), "model": model, "results": results}

    @locked
    def set_rules(self, project: str, rules: Any, param: str = "moderation_rules") -> list[dict[str, Any]]:
        """Replace the project's moderation rules (validated first: a bad rule changes nothing)."""
        parsed = scoring.parse_rules(rules, param)
        self._state(project).rules = parsed
        return list(parsed)

    @locked
    def add_rules(self, project: str, rules: Any, param: str = "moderation_rules") -> list[dict[str, Any]]:
        parsed = scoring.parse_rules(rules, param)
        state = self._state(project)
        state.rules = [*state.rules, *parsed]
        return list(state.rules)

    @locked
    def rules(self, project: str) -> list[dict[str, Any]]:
        return list(self._state(project).rules)
