"""Every example in fixtures/ loads and reads back through the SDK; scenarios as a server's and a test's baseline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mockserver import MockServer
from mockserver.scenarios import ScenarioError, export_project, load_scenario
from tests.conftest import API_KEY

pytest_plugins = ["pytester"]

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EXAMPLES = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".yaml", ".yml", ".json"))
LONG_THREAD = "thread_LongConversation00000000"


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(fixtures_dir=FIXTURES) as running:
        yield running


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_loads_and_reads_back_through_the_sdk(server: MockServer, path: Path) -> None:
    scenario = load_scenario(path)
    server.set_scenario(scenario)
    sdk = server.client(api_key=API_KEY, _strict_response_validation=True)
    document = export_project(server.store, API_KEY)
    for assistant in document.get("assistants", []):
        assert sdk.beta.assistants.retrieve(assistant["id"]).created_at == assistant["created_at"]
    for thread in document.get("threads", []):
        assert sdk.beta.threads.retrieve(thread["id"]).id == thread["id"]
        listed = [m.id for m in sdk.beta.threads.messages.list(thread_id=thread["id"], order="asc")]
        assert listed == [m["id"] for m in thread.get("messages", [])]  # every page


def test_the_long_conversation_needs_pagination(server: MockServer) -> None:
    server.set_scenario("long_conversation")
    sdk = server.client(api_key=API_KEY, _strict_response_validation=True)
    page = sdk.beta.threads.messages.list(thread_id=LONG_THREAD)
    assert (len(page.data), page.has_more, page.data[0].content[0].text.value) == (20, True, "Message 50")
    every = [m.content[0].text.value for m in sdk.beta.threads.messages.list(thread_id=LONG_THREAD, order="asc")]
    assert every == [f"Message {i}" for i in range(1, 51)]


def test_content_forms_come_back_in_the_api_shape(server: MockServer) -> None:
    server.set_scenario("content_forms")
    sdk = server.client(api_key=API_KEY, _strict_response_validation=True)
    thread = export_project(server.store, API_KEY)["threads"][0]
    messages = sdk.beta.threads.messages.list(thread_id=thread["id"], order="asc").data
    assert [len(m.content) for m in messages] == [1, 2, 3, 1]
    assert messages[2].content[1].image_url.detail == "high"
    assert messages[2].content[2].image_file.detail == "auto"
    assert [a.file_id for a in messages[3].attachments] == ["file-report2024", "file-data"]


def test_projects_sharing_a_server_each_get_their_own_copy(server: MockServer) -> None:
    server.set_scenario("minimal")
    alice, bob = server.client(api_key="sk-alice"), server.client(api_key="sk-bob")
    thread_id = export_project(server.store, "sk-alice")["threads"][0]["id"]
    alice.beta.threads.messages.create(thread_id=thread_id, role="user", content="only alice sees this")
    assert len(alice.beta.threads.messages.list(thread_id=thread_id).data) == 2
    assert len(bob.beta.threads.messages.list(thread_id=thread_id).data) == 1
    server.reset("sk-alice")
    assert len(alice.beta.threads.messages.list(thread_id=thread_id).data) == 1


def test_mockserver_accepts_names_paths_scenarios_and_documents() -> None:
    spec = [
        "minimal",
        FIXTURES / "assistants.yaml",
        load_scenario(FIXTURES / "faults.yaml"),
        {"version": 1, "clock": 5},
    ]
    server = MockServer(scenario=spec, fixtures_dir=FIXTURES)
    document = export_project(server.store, "p")
    assert (len(document["threads"]), len(document["assistants"]), document["clock"]) == (1, 2, 5)
    assert [f["status"] for f in server.store.faults.list_faults("p")] == [429]


def test_mockserver_takes_the_scenario_seed_unless_given_one() -> None:
    assert MockServer(scenario=FIXTURES / "clock_and_seed.yaml").store.seed == "docs-example"
    assert MockServer(scenario=FIXTURES / "clock_and_seed.yaml", seed="mine").store.seed == "mine"


def test_mockserver_reports_a_bad_scenario_before_starting(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="scenario not found"):
        MockServer(scenario="no_such_scenario", fixtures_dir=tmp_path)


def test_the_pytest_marker_and_suite_default(pytester: pytest.Pytester) -> None:
    pytester.makeini(f"[pytest]\nmockserver_fixtures_dir = {FIXTURES}\nmockserver_scenario = minimal\n")
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.mockserver(scenario="long_conversation")
        def test_marked(openai_client):
            page = openai_client.beta.threads.messages.list(thread_id="{LONG_THREAD}")
            assert (len(page.data), page.has_more) == (20, True)

        def test_suite_default(openai_client, mockserver):
            thread_id = mockserver.export(mockserver.project)["threads"][0]["id"]
            messages = openai_client.beta.threads.messages.list(thread_id=thread_id).data
            assert messages[0].content[0].text.value == "Hello!"
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-W", "ignore::DeprecationWarning")
    result.assert_outcomes(passed=2)


def test_metadata_and_tools_example_keeps_metadata_and_mints_its_vector_store(server: MockServer) -> None:
    server.set_scenario("metadata_and_tools")
    sdk = server.client(api_key=API_KEY, _strict_response_validation=True)
    first, second = (t["id"] for t in export_project(server.store, API_KEY)["threads"])
    thread = sdk.beta.threads.retrieve(first)
    assert thread.metadata == {"customer": "acme", "tier": "gold"}
    assert thread.tool_resources.code_interpreter.file_ids == ["file-sales-q1", "file-sales-q2"]
    assert thread.tool_resources.file_search.vector_store_ids == ["vs_handbook"]
    assert sdk.beta.threads.messages.list(thread_id=first).data[0].metadata == {"channel": "web"}
    minted = sdk.beta.threads.retrieve(second).tool_resources.file_search.vector_store_ids
    assert len(minted) == 1 and minted[0].startswith("vs_") and minted[0] != "vs_handbook"
    server.reset(API_KEY)  # the helper's id is part of the baseline: the same after every reset
    assert sdk.beta.threads.retrieve(second).tool_resources.file_search.vector_store_ids == minted


def test_script_example_answers_hello_and_is_strict(server: MockServer) -> None:
    server.set_scenario("script")
    sdk = server.client(api_key=API_KEY, _strict_response_validation=True)
    (assistant,) = export_project(server.store, API_KEY)["assistants"]
    assert assistant["name"] == "Echo"
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "hello there"}])
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant["id"])
    assert run.status == "completed"
    assert sdk.beta.threads.messages.list(thread_id=thread.id).data[0].content[0].text.value == "Hello to you too!"
    other = sdk.beta.threads.create(messages=[{"role": "user", "content": "something else"}])
    missed = sdk.beta.threads.runs.create_and_poll(thread_id=other.id, assistant_id=assistant["id"])
    assert missed.status == "failed"  # runs.strict: a message no rule matches fails the run
    assert "no script rule matched" in missed.last_error.message
