"""The model object and the default catalogue (platform-surfaces.md section 5).

``created`` values are the real ones where public model lists show them (gpt-4o, text-embedding-3-small and
their siblings); the others are fixed values near each model's release (INF, docs/files.md "Models"). Every
entry is ``owned_by: "system"``, as base models are in real lists; fine-tuned models belong to an organization.
"""

from __future__ import annotations

from typing import Any

#: (id, created). Order is the order ``GET /v1/models`` lists them in.
DEFAULT_CATALOGUE: tuple[tuple[str, int], ...] = (
    ("gpt-4o", 1715367049),
    ("gpt-4o-mini", 1721172741),
    ("gpt-4.1", 1744316542),
    ("gpt-4.1-mini", 1744318173),
    ("gpt-4.1-nano", 1744321707),
    ("gpt-5", 1754425777),
    ("gpt-5-mini", 1754425928),
    ("gpt-5-nano", 1754426384),
    ("o3", 1744225308),
    ("o4-mini", 1744225351),
    ("text-embedding-3-small", 1705948997),
    ("text-embedding-3-large", 1705953180),
    ("text-embedding-ada-002", 1671217299),
    ("omni-moderation-latest", 1731689265),
    ("whisper-1", 1677532384),
    ("tts-1", 1681940951),
    ("dall-e-3", 1698785189),
    ("gpt-image-1", 1745517030),
)
#: Fine-tuned model ids start with this (``ft:gpt-4o-mini:acme::abc123``); only they can be deleted (V-spec).
FINE_TUNED_PREFIX = "ft:"


def model(model_id: str, created: int, owned_by: str = "system", shutdown_date: str | None = None) -> dict[str, Any]:
    return {"id": model_id, "object": "model", "created": created, "owned_by": owned_by, "shutdown_date": shutdown_date}


def default_models() -> dict[str, dict[str, Any]]:
    return {model_id: model(model_id, created) for model_id, created in DEFAULT_CATALOGUE}


def model_list(data: list[dict[str, Any]]) -> dict[str, Any]:
    """Not a cursor list: ``{"object": "list", "data": [...]}`` only (V-spec, SDK ``SyncPage``)."""
    return {"object": "list", "data": data}


def model_deleted(model_id: str) -> dict[str, Any]:
    return {"id": model_id, "object": "model", "deleted": True}
