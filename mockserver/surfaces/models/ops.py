"""Model operations: list, retrieve, delete (fine-tuned ids only) and replacing the catalogue."""

from __future__ import annotations

import re
from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.core.ids import MAX_TIMESTAMP
from mockserver.core.store import SurfaceOps, locked
from mockserver.surfaces.models import shapes
from mockserver.surfaces.models.state import ModelsState

MODEL_FIELDS = ("id", "object", "created", "owned_by", "shutdown_date")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ModelsOps(SurfaceOps):
    name = "models"

    def _state(self, project: str) -> ModelsState:
        state: ModelsState = self._project(project).states[self.name]
        return state

    @locked
    def list_models(self, project: str) -> dict[str, Any]:
        return shapes.model_list(list(self._state(project).models.values()))

    @locked
    def get_model(self, project: str, model_id: str) -> dict[str, Any]:
        """The model, or 404 ``The model 'x' does not exist`` / ``model`` / ``model_not_found`` (INF wording)."""
        found = self._state(project).models.get(model_id)
        if found is None:
            raise e.NotFoundError(e.MODEL_ID_NOT_FOUND.format(id=model_id), param="model", code="model_not_found")
        return found

    @locked
    def has_model(self, project: str, model_id: str) -> bool:
        """For other surfaces that want to check a ``model`` against the catalogue."""
        return model_id in self._state(project).models

    @locked
    def delete_model(self, project: str, model_id: str) -> dict[str, Any]:
        """Only fine-tuned models (``ft:...``) can be deleted; a base model is a 403 (INF, reference 5)."""
        self.get_model(project, model_id)
        if not model_id.startswith(shapes.FINE_TUNED_PREFIX):
            raise e.PermissionDeniedError(e.INSUFFICIENT_PERMISSIONS)
        state = self._state(project)
        state.models = {k: m for k, m in state.models.items() if k != model_id}
        state.customized = True
        return shapes.model_deleted(model_id)

    @locked
    def set_models(self, project: str, items: Any, param: str = "models") -> dict[str, Any]:
        """Replace the catalogue. Each item is an id (``"gpt-4o"``) or a model object; returns the new list."""
        raw = v.expect_array(items, param) or []
        now = self._project(project).clock.now()
        models: dict[str, dict[str, Any]] = {}
        for i, item in enumerate(raw):
            made = check_model(item, f"{param}[{i}]", now)
            if made["id"] in models:
                raise e.InvalidRequestError(e.RESTORE_DUPLICATE_ID.format(id=made["id"]), param=f"{param}[{i}].id")
            models[made["id"]] = made
        state = self._state(project)
        state.models = models
        state.customized = True
        return shapes.model_list(list(models.values()))

    @locked
    def export_models(self, project: str) -> list[dict[str, Any]] | None:
        """The catalogue when it is not the default one (None otherwise, so exports stay short)."""
        state = self._state(project)
        return list(state.models.values()) if state.customized else None


def check_model(item: Any, param: str, now: int) -> dict[str, Any]:
    if isinstance(item, str):
        item = {"id": item}
    body = v.expect_object(item, param) or {}
    for key in body:
        if key not in MODEL_FIELDS:
            where = v.join_param(param, key)
            raise e.InvalidRequestError(e.UNKNOWN_ARGUMENT.format(names=where), param=where)
    model_id = v.expect_string(v.require(body, "id", param), v.join_param(param, "id")) or ""
    if not model_id or model_id != model_id.strip() or "/" in model_id:
        raise e.InvalidRequestError(
            e.CONTROL_BAD_FIELD.format(
                param=v.join_param(param, "id"),
                reason="a model id is non-empty text without '/' or surrounding spaces.",
            ),
            param=v.join_param(param, "id"),
        )
    if body.get("object", "model") != "model":
        raise e.InvalidRequestError(
            e.RESTORE_MISMATCH.format(
                param=v.join_param(param, "object"), expected="'model'", value=repr(body["object"])
            ),
            param=v.join_param(param, "object"),
        )
    created = v.expect_int(body.get("created", now), v.join_param(param, "created"), minimum=0, maximum=MAX_TIMESTAMP)
    default_owner = "system" if not model_id.startswith(shapes.FINE_TUNED_PREFIX) else "organization-owner"
    owned_by = v.expect_string(body.get("owned_by", default_owner), v.join_param(param, "owned_by")) or default_owner
    shutdown = v.expect_string(body.get("shutdown_date"), v.join_param(param, "shutdown_date"), nullable=True)
    if shutdown is not None and not _DATE_RE.match(shutdown):
        where = v.join_param(param, "shutdown_date")
        raise e.InvalidRequestError(
            e.CONTROL_BAD_FIELD.format(param=where, reason="expected a date such as '2026-10-23'."), param=where
        )
    return shapes.model(model_id, created or 0, owned_by, shutdown)
