"""Runs that call file_search and code_interpreter, and the run options that shape a turn (tool_choice,
parallel_tool_calls, response_format): SDK end to end (sync, async, streams) and in-process HTTP."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import openai
import pytest
from openai import AssistantEventHandler
from starlette.testclient import TestClient

from mockserver import MockServer
from mockserver.model import structured
from mockserver.store import Store

from .files_support import upload

KEY = "sk-test-key"
INCLUDE = ["step_details.tool_calls[*].file_search.results[*].content"]
CITE = {"text": "Refunds take 30 days [1].",
        "annotations": [{"type": "file_citation", "text": "[1]", "file_id": "{{result_file}}"}]}  # fmt: skip
CHART = {
    "type": "code_interpreter",
    "code": "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.savefig('/mnt/data/chart.png')",
    "outputs": ["saved", {"type": "image", "url": "sandbox:/mnt/data/chart.png"}],
}
CHART_REPLY = {"text": "Download it: sandbox:/mnt/data/chart.png", "annotations": [
    {"type": "file_path", "text": "sandbox:/mnt/data/chart.png", "file_id": "{{output_file}}"}]}  # fmt: skip


def knowledge_base(sdk: Any) -> tuple[str, str]:
    store = sdk.vector_stores.create(name="policies")
    sdk.vector_stores.files.upload_and_poll(
        vector_store_id=store.id, file=("refunds.md", b"Refunds are accepted within 30 days of purchase.")
    )
    assistant = sdk.beta.assistants.create(
        model="gpt-4o",
        tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_store_ids": [store.id]}},
    )
    return store.id, assistant.id


def test_file_search_answer_cites_a_file_the_client_resolves(sdk: Any, fresh_server: MockServer) -> None:
    fresh_server.add_rule(match={"contains": "refund"}, reply={"tool_calls": [{"type": "file_search"}]}, then=CITE)
    _, assistant_id = knowledge_base(sdk)
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "What is the refund policy?"}])
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant_id, include=INCLUDE)
    assert run.status == "completed"
    text = sdk.beta.threads.messages.list(thread_id=thread.id).data[0].content[0].text
    (note,) = text.annotations
    assert note.type == "file_citation" and text.value[note.start_index : note.end_index] == "[1]"
    assert sdk.files.retrieve(note.file_citation.file_id).filename == "refunds.md"
    steps = sdk.beta.threads.runs.steps.list(thread_id=thread.id, run_id=run.id, include=INCLUDE, order="asc").data
    assert [s.type for s in steps] == ["tool_calls", "message_creation"]
    (call,) = steps[0].step_details.tool_calls
    assert call.type == "file_search" and call.file_search.ranking_options.ranker == "default_2024_08_21"
    (result,) = call.file_search.results
    assert (result.file_name, result.content[0].text) == (
        "refunds.md",
        "Refunds are accepted within 30 days of purchase.",
    )
    plain = sdk.beta.threads.runs.steps.retrieve(steps[0].id, thread_id=thread.id, run_id=run.id)
    assert plain.step_details.tool_calls[0].file_search.results[0].content is None, "content only with include[]"


def test_scripted_file_search_results_and_queries(sdk: Any, fresh_server: MockServer) -> None:
    _, assistant_id = knowledge_base(sdk)
    file_id = sdk.files.list(purpose="assistants").data[0].id
    fresh_server.add_rule(
        reply={"tool_calls": [{"type": "file_search", "results": [{"file_id": file_id, "score": 0.42, "text": "x"}]}]},
        then="ok",
    )
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "anything"}])
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant_id, include=INCLUDE)
    step = sdk.beta.threads.runs.steps.list(thread_id=thread.id, run_id=run.id, include=INCLUDE).data[-1]
    (result,) = step.step_details.tool_calls[0].file_search.results
    assert (result.file_id, result.file_name, result.score, result.content[0].text) == (
        file_id,
        "refunds.md",
        0.42,
        "x",
    )


def test_code_interpreter_image_is_a_file_the_client_downloads(sdk: Any, fresh_server: MockServer) -> None:
    fresh_server.add_rule(match={"contains": "plot"}, reply={"tool_calls": [CHART]}, then=CHART_REPLY)
    assistant = sdk.beta.assistants.create(model="gpt-4o", tools=[{"type": "code_interpreter"}])
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "plot 1, 2, 3"}])
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert run.status == "completed"
    message = sdk.beta.threads.messages.list(thread_id=thread.id).data[0]
    assert [block.type for block in message.content] == ["image_file", "text"]
    image_id = message.content[0].image_file.file_id
    assert message.content[1].text.annotations[0].file_path.file_id == image_id
    made = sdk.files.retrieve(image_id)
    assert (made.purpose, made.filename) == ("assistants_output", "chart.png")
    assert sdk.files.content(image_id).read().startswith(b"\x89PNG")
    assert image_id in [f.id for f in sdk.files.list(purpose="assistants_output")]
    step = sdk.beta.threads.runs.steps.list(thread_id=thread.id, run_id=run.id, order="asc").data[0]
    (call,) = step.step_details.tool_calls
    assert call.code_interpreter.input == CHART["code"]
    assert [o.type for o in call.code_interpreter.outputs] == ["logs", "image"]
    assert call.code_interpreter.outputs[1].image.file_id == image_id


def test_a_data_url_image_keeps_its_bytes(api: TestClient, store: Store) -> None:
    store.script.add_script_rules(KEY, [{"reply": {"tool_calls": [
        {"type": "code_interpreter", "outputs": [{"type": "image", "url": "data:image/jpeg;base64,/9j/AA=="}]}]},
        "then": "done"}])  # fmt: skip
    assistant = api.post("/v1/assistants", json={"model": "m", "tools": [{"type": "code_interpreter"}]}).json()
    run = api.post("/v1/threads/runs", json={"assistant_id": assistant["id"], "thread": {
        "messages": [{"role": "user", "content": "x"}]}}).json()  # fmt: skip
    api.get(f"/v1/threads/{run['thread_id']}/runs/{run['id']}")
    made = api.get("/v1/files", params={"purpose": "assistants_output"}).json()["data"][0]
    download = api.get(f"/v1/files/{made['id']}/content")
    assert download.content == b"\xff\xd8\xff\x00" and download.headers["content-type"] == "image/jpeg"


class Recorder(AssistantEventHandler):
    """The official example handler's branches (examples/assistant_stream_helpers.py), recorded."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def on_event(self, event: Any) -> None:
        if event.event == "thread.run.step.created" and event.data.step_details.type == "tool_calls":
            self.seen.append("generating code")

    def on_run_step_delta(self, delta: Any, snapshot: Any) -> None:
        details = delta.step_details
        if details is not None and details.type == "tool_calls":
            for tool in details.tool_calls or []:
                if tool.type == "code_interpreter" and tool.code_interpreter and tool.code_interpreter.input:
                    self.seen.append("input")

    def on_run_step_done(self, run_step: Any) -> None:
        if run_step.step_details.type == "tool_calls":
            self.seen += ["executing" for t in run_step.step_details.tool_calls if t.type == "code_interpreter"]

    def on_image_file_done(self, image_file: Any) -> None:
        self.seen.append("image")


def test_the_official_stream_helpers_code_interpreter_branch_is_reached(sdk: Any, fresh_server: MockServer) -> None:
    fresh_server.add_rule(reply={"tool_calls": [CHART]}, then=CHART_REPLY)
    assistant = sdk.beta.assistants.create(model="gpt-4o", tools=[{"type": "code_interpreter"}])
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "plot"}])
    handler = Recorder()
    with sdk.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id, event_handler=handler) as stream:
        stream.until_done()
        final = stream.get_final_messages()[0]
        run = stream.get_final_run()
    assert handler.seen[0] == "generating code" and "input" in handler.seen
    assert handler.seen.count("executing") == 1 and handler.seen[-1] == "image"
    assert [b.type for b in final.content] == ["image_file", "text"] and run.status == "completed"
    assert sdk.beta.threads.messages.list(thread_id=thread.id).data[0] == final


def test_streamed_file_search_matches_the_polled_state(async_sdk: Any, fresh_server: MockServer) -> None:
    fresh_server.add_rule(reply={"tool_calls": [{"type": "file_search"}]}, then=CITE)

    async def scenario() -> None:
        store = await async_sdk.vector_stores.create()
        await async_sdk.vector_stores.files.upload_and_poll(vector_store_id=store.id, file=("r.md", b"refund rules"))
        assistant = await async_sdk.beta.assistants.create(model="gpt-4o", tools=[{"type": "file_search"}])
        thread = await async_sdk.beta.threads.create(
            messages=[{"role": "user", "content": "refund?"}],
            tool_resources={"file_search": {"vector_store_ids": [store.id]}},
        )
        async with async_sdk.beta.threads.runs.stream(
            thread_id=thread.id, assistant_id=assistant.id, include=INCLUDE
        ) as stream:
            steps = [e.data async for e in stream if e.event == "thread.run.step.completed"]
        assert steps[0].step_details.tool_calls[0].file_search.results[0].content[0].text == "refund rules"
        listed = await async_sdk.beta.threads.runs.steps.list(
            thread_id=thread.id, run_id=steps[0].run_id, include=INCLUDE, order="asc"
        )
        assert listed.data == steps
        await async_sdk.close()

    asyncio.run(scenario())


def test_a_built_in_call_without_its_tool_fails_the_run(api: TestClient, store: Store) -> None:
    store.script.add_script_rules(KEY, [{"name": "ci", "reply": {"tool_calls": [{"type": "code_interpreter"}]}}])
    assistant = api.post("/v1/assistants", json={"model": "m"}).json()
    run = api.post("/v1/threads/runs", json={"assistant_id": assistant["id"]}).json()
    failed = api.get(f"/v1/threads/{run['thread_id']}/runs/{run['id']}").json()
    assert failed["status"] == "failed" and "'code_interpreter'" in failed["last_error"]["message"]


# -- run options ------------------------------------------------------------------------------------------------

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
                       "required": ["city", "days"], "additionalProperties": False},
    },
}  # fmt: skip
CLOCK = {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object", "properties": {}}}}


def start(api: TestClient, **body: Any) -> dict[str, Any]:
    assistant = api.post("/v1/assistants", json={"model": "m", "tools": [WEATHER, CLOCK]}).json()
    thread = {"messages": [{"role": "user", "content": "hi"}]}
    response = api.post("/v1/threads/runs", json={"assistant_id": assistant["id"], **body, "thread": thread})
    assert response.status_code == 200, response.text
    run = response.json()
    return dict(api.get(f"/v1/threads/{run['thread_id']}/runs/{run['id']}").json())


def test_tool_choice_none_suppresses_scripted_calls(api: TestClient, store: Store) -> None:
    store.script.add_script_rules(KEY, [{"reply": {"tool_calls": [{"name": "get_time"}]}, "then": "It is noon."}])
    run = start(api, tool_choice="none")
    assert run["status"] == "completed"
    messages = api.get(f"/v1/threads/{run['thread_id']}/messages").json()["data"]
    assert messages[0]["content"][0]["text"]["value"] == "It is noon."


def test_tool_choice_required_forces_a_schema_valid_call(api: TestClient) -> None:
    run = start(api, tool_choice="required")
    assert run["status"] == "requires_action"
    (call,) = run["required_action"]["submit_tool_outputs"]["tool_calls"]
    assert call["function"]["name"] == "get_weather"
    schema = WEATHER["function"]["parameters"]  # type: ignore[index]
    assert structured.validate(schema, json.loads(call["function"]["arguments"])) == []
    done = api.post(f"/v1/threads/{run['thread_id']}/runs/{run['id']}/submit_tool_outputs",
                    json={"tool_outputs": [{"tool_call_id": call["id"], "output": "sunny"}]}).json()  # fmt: skip
    finished = api.get(f"/v1/threads/{run['thread_id']}/runs/{done['id']}").json()
    assert finished["status"] == "completed", "the scripted (default) reply plays after the forced call"


def test_tool_choice_naming_a_function(api: TestClient, store: Store) -> None:
    store.script.add_script_rules(
        KEY, [{"reply": {"tool_calls": [{"name": "get_weather", "arguments": {"city": "x"}}]}}]
    )
    run = start(api, tool_choice={"type": "function", "function": {"name": "get_time"}})
    names = [c["function"]["name"] for c in run["required_action"]["submit_tool_outputs"]["tool_calls"]]
    assert names == ["get_time"]


def test_parallel_tool_calls_false_makes_one_call_per_step(api: TestClient, store: Store) -> None:
    calls = [{"name": "get_time"}, {"name": "get_weather", "arguments": {"city": "Paris", "days": 1}}]
    store.script.add_script_rules(KEY, [{"reply": {"tool_calls": calls}, "then": "done"}])
    run = start(api, parallel_tool_calls=False)
    base = f"/v1/threads/{run['thread_id']}/runs/{run['id']}"
    seen = []
    while run["status"] == "requires_action":
        (call,) = run["required_action"]["submit_tool_outputs"]["tool_calls"]
        seen.append(call["function"]["name"])
        api.post(f"{base}/submit_tool_outputs", json={"tool_outputs": [{"tool_call_id": call["id"], "output": "1"}]})
        run = api.get(base).json()
    assert seen == ["get_time", "get_weather"] and run["status"] == "completed"
    steps = api.get(f"{base}/steps").json()["data"]
    assert [len(s["step_details"].get("tool_calls", [])) for s in steps] == [0, 1, 1]


@pytest.mark.parametrize(
    ("response_format", "check"),
    [
        ({"type": "json_object"}, lambda value: isinstance(value, dict)),
        (
            {"type": "json_schema", "json_schema": {"name": "answer", "schema": {
                "type": "object", "properties": {"score": {"type": "integer", "minimum": 3}}, "required": ["score"]}}},
            lambda value: isinstance(value["score"], int) and value["score"] >= 3,
        ),
    ],
)  # fmt: skip
def test_json_response_formats_make_the_default_reply_json(api: TestClient, response_format: Any, check: Any) -> None:
    run = start(api, response_format=response_format)
    text = api.get(f"/v1/threads/{run['thread_id']}/messages").json()["data"][0]["content"][0]["text"]["value"]
    assert check(json.loads(text))


def test_sdk_sees_the_forced_call(sdk: Any) -> None:
    assistant = sdk.beta.assistants.create(model="gpt-4o", tools=[WEATHER])
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "weather?"}])
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id, tool_choice="required")
    assert run.required_action.submit_tool_outputs.tool_calls[0].function.name == "get_weather"
    with pytest.raises(openai.BadRequestError):
        sdk.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id, tool_choice="sometimes")


def test_file_search_in_a_run_uses_the_thread_store_made_by_attachments(api: TestClient, store: Store) -> None:
    store.script.add_script_rules(KEY, [{"reply": {"tool_calls": [{"type": "file_search"}]}, "then": "ok"}])
    doc = upload(api, "manual.txt", b"The reset button is on the back.")
    assistant = api.post("/v1/assistants", json={"model": "m", "tools": [{"type": "file_search"}]}).json()
    message = {"role": "user", "content": "Where is the reset button?",
               "attachments": [{"file_id": doc["id"], "tools": [{"type": "file_search"}]}]}  # fmt: skip
    run = api.post("/v1/threads/runs", json={"assistant_id": assistant["id"], "thread": {"messages": [message]}}).json()
    base = f"/v1/threads/{run['thread_id']}/runs/{run['id']}"
    assert api.get(base).json()["status"] == "completed"
    steps = api.get(f"{base}/steps", params={"order": "asc"}).json()["data"]
    assert steps[0]["step_details"]["tool_calls"][0]["file_search"]["results"][0]["file_id"] == doc["id"]
    resources = api.get(f"/v1/threads/{run['thread_id']}").json()["tool_resources"]
    assert len(resources["file_search"]["vector_store_ids"]) == 1, "the attachment made the thread's store"
