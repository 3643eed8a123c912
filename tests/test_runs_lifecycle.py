"""Run lifecycle over in-process HTTP: shapes, progress modes, steps, side effects, expiry, cancel, 400 conflicts."""

from __future__ import annotations

from starlette.testclient import TestClient

from mockserver.core.ids import DEFAULT_EPOCH, is_valid_id
from mockserver.store import Store

from .runs_helpers import WEATHER_RULE, call_ids, get_run, ok, setup_thread, start_run

RUN_KEYS = [
    "id", "object", "created_at", "assistant_id", "thread_id", "status", "started_at", "expires_at", "cancelled_at",
    "failed_at", "completed_at", "required_action", "last_error", "model", "instructions", "tools", "tool_resources",
    "metadata", "temperature", "top_p", "reasoning_effort", "max_completion_tokens", "max_prompt_tokens",
    "truncation_strategy", "incomplete_details", "usage", "response_format", "tool_choice", "parallel_tool_calls",
]  # fmt: skip
PROJECT = "sk-test-key"


def test_created_run_is_queued_with_real_fields_and_poll_header(api: TestClient) -> None:
    assistant_id, thread_id = setup_thread(api, instructions="Be brief.")
    response = api.post(
        f"/v1/threads/{thread_id}/runs", json={"assistant_id": assistant_id, "additional_instructions": "Use French."}
    )
    run = ok(response)
    assert response.headers["openai-poll-after-ms"] == "5"
    assert list(run) == RUN_KEYS and is_valid_id(run["id"], "run")
    assert run["status"] == "queued" and run["expires_at"] == DEFAULT_EPOCH + 600
    assert run["started_at"] is None and run["usage"] is None and run["required_action"] is None
    assert run["instructions"] == "Be brief.\nUse French." and run["model"] == "gpt-4o"
    assert run["truncation_strategy"] == {"type": "auto", "last_messages": None}
    assert run["tool_choice"] == "auto" and run["parallel_tool_calls"] is True and run["response_format"] == "auto"


def test_next_read_completes_with_message_step_and_usage(api: TestClient) -> None:
    assistant_id, thread_id = setup_thread(api, text="hello there")
    run = start_run(api, thread_id, assistant_id)
    done = get_run(api, thread_id, run["id"])
    assert done["status"] == "completed" and done["expires_at"] is None
    assert done["started_at"] == done["completed_at"] == DEFAULT_EPOCH
    reply = ok(api.get(f"/v1/threads/{thread_id}/messages", params={"run_id": run["id"]}))["data"]
    assert len(reply) == 1 and reply[0]["assistant_id"] == assistant_id and reply[0]["role"] == "assistant"
    text = reply[0]["content"][0]["text"]["value"]
    steps = ok(api.get(f"/v1/threads/{thread_id}/runs/{run['id']}/steps"))["data"]
    assert [s["type"] for s in steps] == ["message_creation"]
    assert steps[0]["step_details"]["message_creation"]["message_id"] == reply[0]["id"]
    assert steps[0]["status"] == "completed" and steps[0]["expires_at"] is None
    # Usage: ceil(len/4) of instructions + thread messages before the turn, and of the reply (docs/runs.md).
    expected = {"prompt_tokens": 3, "completion_tokens": -(-len(text) // 4)}
    expected["total_tokens"] = expected["prompt_tokens"] + expected["completion_tokens"]
    assert steps[0]["usage"] == expected == done["usage"]


def test_after_n_reads_shows_in_progress_first(api: TestClient, store: Store) -> None:
    store.script.configure_runs(PROJECT, {"reads": 3})
    assistant_id, thread_id = setup_thread(api)
    run = start_run(api, thread_id, assistant_id)
    assert [get_run(api, thread_id, run["id"])["status"] for _ in range(4)] == [
        "in_progress", "in_progress", "completed", "completed",
    ]  # fmt: skip


def test_immediate_mode_answers_in_the_create_response(api: TestClient, store: Store) -> None:
    store.script.configure_runs(PROJECT, {"progress": "immediate"})
    assistant_id, thread_id = setup_thread(api)
    assert start_run(api, thread_id, assistant_id)["status"] == "completed"


def test_on_clock_mode_waits_for_the_clock(api: TestClient, store: Store) -> None:
    store.script.configure_runs(PROJECT, {"progress": "on_clock"})
    assistant_id, thread_id = setup_thread(api)
    run = start_run(api, thread_id, assistant_id)
    assert get_run(api, thread_id, run["id"])["status"] == "queued"
    store.advance_clock(PROJECT, 1)
    done = get_run(api, thread_id, run["id"])
    assert done["status"] == "completed" and done["completed_at"] == DEFAULT_EPOCH + 1


def test_function_call_loop(api: TestClient, store: Store) -> None:
    store.script.add_script_rules(PROJECT, [WEATHER_RULE])
    assistant_id, thread_id = setup_thread(api, text="weather?")
    run = get_run(api, thread_id, start_run(api, thread_id, assistant_id)["id"])
    assert run["status"] == "requires_action" and run["usage"] is None
    calls = run["required_action"]["submit_tool_outputs"]["tool_calls"]
    assert calls[0]["function"] == {"name": "get_weather", "arguments": '{"city":"Paris"}'}
    url = f"/v1/threads/{thread_id}/runs/{run['id']}/submit_tool_outputs"
    queued = ok(api.post(url, json={"tool_outputs": [{"tool_call_id": calls[0]["id"], "output": "22C"}]}))
    assert queued["status"] == "queued" and queued["required_action"] is None
    assert queued["expires_at"] == run["expires_at"]
    done = get_run(api, thread_id, run["id"])
    assert done["status"] == "completed"
    steps = ok(api.get(f"/v1/threads/{thread_id}/runs/{run['id']}/steps", params={"order": "asc"}))["data"]
    assert [s["type"] for s in steps] == ["tool_calls", "message_creation"]
    assert steps[0]["step_details"]["tool_calls"][0]["function"]["output"] == "22C"
    assert done["usage"]["total_tokens"] == sum(s["usage"]["total_tokens"] for s in steps)
    last = ok(api.get(f"/v1/threads/{thread_id}/messages", params={"limit": 1}))["data"][0]
    assert last["content"][0]["text"]["value"] == "It is 22C in Paris."


def test_conflicts_while_a_run_is_active(api: TestClient, store: Store) -> None:
    store.script.add_script_rules(PROJECT, [WEATHER_RULE])
    assistant_id, thread_id = setup_thread(api, text="weather?")
    run = start_run(api, thread_id, assistant_id)
    message = api.post(f"/v1/threads/{thread_id}/messages", json={"role": "user", "content": "x"})
    assert message.status_code == 400
    assert message.json()["error"]["message"] == f"Can't add messages to {thread_id} while a run {run['id']} is active."
    second = api.post(f"/v1/threads/{thread_id}/runs", json={"assistant_id": assistant_id})
    assert second.status_code == 400
    assert second.json()["error"]["message"] == f"Thread {thread_id} already has an active run {run['id']}."
    url = f"/v1/threads/{thread_id}/runs/{run['id']}/submit_tool_outputs"
    early = api.post(url, json={"tool_outputs": []})
    assert (
        early.status_code == 400
        and early.json()["error"]["message"] == 'Runs in status "queued" do not accept tool outputs.'
    )
    ids = call_ids(get_run(api, thread_id, run["id"]))
    wrong = api.post(url, json={"tool_outputs": [{"tool_call_id": "call_nope", "output": "1"}]})
    assert wrong.status_code == 400
    assert wrong.json()["error"]["message"] == f"Expected tool outputs for call_ids {ids}, got ['call_nope']."
    missing = api.post(url, json={"tool_outputs": []})
    assert missing.status_code == 400 and "Expected tool outputs" in missing.json()["error"]["message"]
    assert get_run(api, thread_id, run["id"])["status"] == "requires_action", "a rejected submit changes nothing"
    ok(api.post(url, json={"tool_outputs": [{"tool_call_id": ids[0], "output": "1"}]}))
    assert get_run(api, thread_id, run["id"])["status"] == "completed"
    again = api.post(url, json={"tool_outputs": [{"tool_call_id": ids[0], "output": "1"}]})
    assert again.json()["error"]["message"] == 'Runs in status "completed" do not accept tool outputs.'
    cancel = api.post(f"/v1/threads/{thread_id}/runs/{run['id']}/cancel")
    assert cancel.status_code == 400
    assert cancel.json()["error"]["message"] == "Cannot cancel run with status 'completed'."
    ok(api.post(f"/v1/threads/{thread_id}/messages", json={"role": "user", "content": "free again"}))


def test_cancel_goes_through_cancelling(api: TestClient, store: Store) -> None:
    store.script.add_script_rules(PROJECT, [WEATHER_RULE])
    assistant_id, thread_id = setup_thread(api, text="weather?")
    run = get_run(api, thread_id, start_run(api, thread_id, assistant_id)["id"])
    cancelling = ok(api.post(f"/v1/threads/{thread_id}/runs/{run['id']}/cancel"))
    assert cancelling["status"] == "cancelling"
    cancelled = get_run(api, thread_id, run["id"])
    assert cancelled["status"] == "cancelled" and cancelled["cancelled_at"] == DEFAULT_EPOCH
    step = ok(api.get(f"/v1/threads/{thread_id}/runs/{run['id']}/steps"))["data"][0]
    assert step["status"] == "cancelled" and step["cancelled_at"] == DEFAULT_EPOCH
    again = api.post(f"/v1/threads/{thread_id}/runs/{run['id']}/cancel")
    assert again.json()["error"]["message"] == "Cannot cancel run with status 'cancelled'."


def test_expiry_when_the_clock_passes_expires_at(api: TestClient, store: Store) -> None:
    store.script.add_script_rules(PROJECT, [WEATHER_RULE])
    assistant_id, thread_id = setup_thread(api, text="weather?")
    run = get_run(api, thread_id, start_run(api, thread_id, assistant_id)["id"])
    store.advance_clock(PROJECT, 599)
    assert get_run(api, thread_id, run["id"])["status"] == "requires_action"
    store.advance_clock(PROJECT, 1)
    expired = get_run(api, thread_id, run["id"])
    assert expired["status"] == "expired" and expired["expires_at"] == DEFAULT_EPOCH + 600
    assert ok(api.get(f"/v1/threads/{thread_id}/runs/{run['id']}/steps"))["data"][0]["status"] == "expired"
    url = f"/v1/threads/{thread_id}/runs/{run['id']}/submit_tool_outputs"
    late = api.post(url, json={"tool_outputs": [{"tool_call_id": call_ids(run)[0], "output": "x"}]})
    assert late.json()["error"]["message"] == 'Runs in status "expired" do not accept tool outputs.'


def test_failure_incomplete_and_scripted_expiry(api: TestClient, store: Store) -> None:
    store.script.add_script_rules(
        PROJECT,
        [
            {"match": {"equals": "boom"}, "reply": {"fail": {"code": "rate_limit_exceeded", "message": "Slow down."}}},
            {"match": {"equals": "long"}, "reply": {"incomplete": "max_completion_tokens", "text": "Once"}},
            {"match": {"equals": "stall"}, "reply": {"expire": True}},
        ],
    )
    assistant_id, _ = setup_thread(api)
    outcomes = {}
    for text in ("boom", "long", "stall"):
        thread = ok(api.post("/v1/threads", json={"messages": [{"role": "user", "content": text}]}))
        outcomes[text] = get_run(api, thread["id"], start_run(api, thread["id"], assistant_id)["id"])
    assert outcomes["boom"]["status"] == "failed" and outcomes["boom"]["failed_at"] == DEFAULT_EPOCH
    assert outcomes["boom"]["last_error"] == {"code": "rate_limit_exceeded", "message": "Slow down."}
    assert outcomes["long"]["status"] == "incomplete"
    assert outcomes["long"]["incomplete_details"] == {"reason": "max_completion_tokens"}
    assert outcomes["stall"]["status"] == "expired"


def test_create_and_run_with_additional_overrides(api: TestClient) -> None:
    assistant_id, _ = setup_thread(api)
    run = ok(
        api.post(
            "/v1/threads/runs",
            json={"assistant_id": assistant_id, "thread": {"messages": [{"role": "user", "content": "hi"}]},
                  "model": "gpt-4o-mini", "metadata": {"k": "v"}, "temperature": 0.3},
        )
    )  # fmt: skip
    assert run["status"] == "queued" and run["model"] == "gpt-4o-mini" and run["metadata"] == {"k": "v"}
    assert ok(api.get(f"/v1/threads/{run['thread_id']}"))["id"] == run["thread_id"]
    listed = ok(api.get(f"/v1/threads/{run['thread_id']}/runs"))
    assert [r["id"] for r in listed["data"]] == [run["id"]] and listed["data"][0]["status"] == "completed"


def test_run_create_validation_leaves_nothing_behind(api: TestClient) -> None:
    assistant_id, thread_id = setup_thread(api)
    base = f"/v1/threads/{thread_id}"
    missing = api.post(f"{base}/runs", json={})
    assert missing.json()["error"]["message"] == "Missing required parameter: 'assistant_id'."
    assert api.post(f"{base}/runs", json={"assistant_id": "asst_" + "x" * 24}).status_code == 404
    bad = api.post(
        f"{base}/runs", json={"assistant_id": assistant_id, "additional_messages": [{"role": "system", "content": "x"}]}
    )
    assert bad.json()["error"]["param"] == "additional_messages[0].role"
    assert api.post(f"{base}/runs", json={"assistant_id": assistant_id, "max_completion_tokens": 10}).status_code == 400
    include = api.post(f"{base}/runs?include[]=nope", json={"assistant_id": assistant_id})
    assert include.status_code == 400 and include.json()["error"]["param"] == "include"
    assert ok(api.get(f"{base}/runs"))["data"] == []
    assert len(ok(api.get(f"{base}/messages"))["data"]) == 1
    assert (
        api.post("/v1/threads/runs", json={"assistant_id": assistant_id, "thread": {"messages": [{}]}}).status_code
        == 400
    )


def test_additional_messages_are_added_before_the_run(api: TestClient) -> None:
    assistant_id, thread_id = setup_thread(api)
    run = start_run(api, thread_id, assistant_id, additional_messages=[{"role": "user", "content": "extra"}])
    messages = ok(api.get(f"/v1/threads/{thread_id}/messages", params={"order": "asc"}))["data"]
    assert [m["content"][0]["text"]["value"] for m in messages] == ["hello", "extra"]
    assert messages[1]["run_id"] is None and run["status"] == "queued"


def test_unknown_run_and_step(api: TestClient) -> None:
    _, thread_id = setup_thread(api)
    missing = api.get(f"/v1/threads/{thread_id}/runs/run_{'x' * 24}")
    assert (
        missing.status_code == 404 and missing.json()["error"]["message"] == f"No run found with id 'run_{'x' * 24}'."
    )
    assert api.get(f"/v1/threads/{thread_id}/runs/abc").status_code == 400


def test_modify_run_metadata_after_completion(api: TestClient) -> None:
    assistant_id, thread_id = setup_thread(api)
    run = start_run(api, thread_id, assistant_id)
    get_run(api, thread_id, run["id"])
    modified = ok(api.post(f"/v1/threads/{thread_id}/runs/{run['id']}", json={"metadata": {"seen": "yes"}}))
    assert modified["metadata"] == {"seen": "yes"} and modified["status"] == "completed"
