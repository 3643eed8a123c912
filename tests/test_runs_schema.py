"""Every assistants/runs/steps response validates against the official schema.

Documented exceptions (docs/runs.md): run steps also carry the real ``expires_at`` beside the schema's
``expired_at``; runs carry ``tool_resources`` (real, not in RunObject) — both are extra keys the schema allows.
"""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.store import Store

from .runs_helpers import WEATHER_RULE, call_ids, ok, setup_thread
from .schema import SCHEMA_PATH, schema_errors

pytestmark = pytest.mark.skipif(not SCHEMA_PATH.exists(), reason=f"official schema not found at {SCHEMA_PATH}")


def test_assistant_run_and_step_responses_conform(api: TestClient, store: Store) -> None:
    store.script.add_script_rules("sk-test-key", [WEATHER_RULE])
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
