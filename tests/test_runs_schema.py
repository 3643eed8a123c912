"""Every assistants/runs/steps response validates against the official schema.

Documented exceptions (docs/runs.md): run steps also carry the real ``expires_at`` beside the schema's
``expired_at``; runs carry ``tool_resources`` (real, not in RunObject) — both are extra keys the schema allows.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from starlette.testclient import TestClient

from mockserver.store import Store

from .runs_helpers import WEATHER_RULE, call_ids, ok, setup_thread
from .schema import SCHEMA_PATH

ROOT_URI = "urn:openapi-assistants-nullable"


def _nullable(node: Any) -> Any:
    """OpenAPI 3.0 ``nullable: true`` as JSON Schema 2020-12 understands it (null added to type and enum)."""
    if isinstance(node, list):
        return [_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _nullable(value) for key, value in node.items()}
    if out.pop("nullable", False):
        if "type" in out:
            out["type"] = [out["type"], "null"] if isinstance(out["type"], str) else [*out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


@cache
def _validator(name: str) -> Draft202012Validator:
    document = _nullable(json.loads(SCHEMA_PATH.read_text()))
    registry: Registry = Registry().with_resource(  # type: ignore[type-arg]
        ROOT_URI, Resource.from_contents(document, default_specification=DRAFT202012)
    )
    return Draft202012Validator({"$ref": f"{ROOT_URI}#/components/schemas/{name}"}, registry=registry)


def schema_errors(instance: Any, name: str) -> list[str]:
    return [f"{'/'.join(map(str, err.absolute_path))}: {err.message}" for err in _validator(name).iter_errors(instance)]


pytestmark = pytest.mark.skipif(not SCHEMA_PATH.exists(), reason=f"official schema not found at {SCHEMA_PATH}")


def test_assistant_run_and_step_responses_conform(api: TestClient, store: Store) -> None:
    store.add_script_rules("sk-test-key", [WEATHER_RULE])
    checks: list[tuple[Any, str]] = []
    assistant_id, thread_id = setup_thread(api, text="weather?")
    checks.append((ok(api.get(f"/v1/assistants/{assistant_id}")), "AssistantObject"))
    checks.append((ok(api.get("/v1/assistants")), "ListAssistantsResponse"))
    checks.append((ok(api.post(f"/v1/assistants/{assistant_id}", json={"name": "n"})), "AssistantObject"))
    base = f"/v1/threads/{thread_id}/runs"
    run = ok(api.post(base, json={"assistant_id": assistant_id}))
    checks.append((run, "RunObject"))
    waiting = ok(api.get(f"{base}/{run['id']}"))
    checks.append((waiting, "RunObject"))
    checks.append((ok(api.get(f"{base}/{run['id']}/steps")), "ListRunStepsResponse"))
    outputs = [{"tool_call_id": c, "output": "1"} for c in call_ids(waiting)]
    checks.append(
        (ok(api.post(f"{base}/{run['id']}/submit_tool_outputs", json={"tool_outputs": outputs})), "RunObject")
    )
    checks.append((ok(api.get(base)), "ListRunsResponse"))
    steps = ok(api.get(f"{base}/{run['id']}/steps"))
    checks.append((steps, "ListRunStepsResponse"))
    checks.append((ok(api.get(f"{base}/{run['id']}/steps/{steps['first_id']}")), "RunStepObject"))
    checks.append((ok(api.post(f"{base}/{run['id']}", json={"metadata": {"a": "b"}})), "RunObject"))
    created = ok(api.post("/v1/threads/runs", json={"assistant_id": assistant_id}))
    checks.append((created, "RunObject"))
    checks.append((ok(api.post(f"/v1/threads/{created['thread_id']}/runs/{created['id']}/cancel")), "RunObject"))
    checks.append((ok(api.delete(f"/v1/assistants/{assistant_id}")), "DeleteAssistantResponse"))
    for instance, schema in checks:
        assert schema_errors(instance, schema) == [], (schema, instance)
    assert schema_errors({**run, "status": "sleeping"}, "RunObject"), "the checker must catch a wrong status"
