"""Export round trip: any state, exported and loaded into a fresh server, reads back identically over HTTP."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from mockserver import MockServer
from mockserver.app import create_app
from mockserver.scenarios import dump, export_project, load_document, load_text
from mockserver.store import Store
from tests.conftest import API_KEY, HEADERS

PROJECT = API_KEY

# YAML is picky about some characters (NEL and the Unicode line separators fold into spaces unless escaped).
specials = st.sampled_from("\n\r\t #:-'\"\x85\u2028\u2029\x00\x7f\ufeff")
text = st.text(st.characters(exclude_categories=["Cs"]) | specials, min_size=1, max_size=12)
metadata = st.dictionaries(
    st.text("abcxyz_", min_size=1, max_size=4),
    st.text(st.characters(exclude_categories=["Cs"]) | specials, max_size=6),
    max_size=3,
)
details = st.sampled_from([{}, {"detail": "low"}])
file_ids = st.text("abc-123", min_size=1, max_size=6)
part = st.one_of(
    st.builds(lambda t: {"type": "text", "text": t}, st.text(max_size=5)),
    st.builds(lambda u, d: {"type": "image_url", "image_url": {"url": u, **d}}, text, details),
    st.builds(lambda f: {"type": "image_file", "image_file": {"file_id": f}}, file_ids),
)
content = st.one_of(text, st.lists(part, min_size=1, max_size=3))
attachment_tools = st.sampled_from([[], [{"type": "file_search"}]])
attachments = st.lists(
    st.builds(lambda f, t: {"file_id": f, "tools": t}, st.sampled_from(["file-a", "file-b"]), attachment_tools),
    max_size=2,
)
message = st.fixed_dictionaries(
    {"role": st.sampled_from(["user", "assistant"]), "content": content},
    optional={"metadata": metadata, "attachments": attachments},
)
tool_resources = st.sampled_from(
    [
        None,
        {"code_interpreter": {"file_ids": ["file-1", "file-2"]}},
        {"file_search": {"vector_store_ids": ["vs_abc"]}},
        {"file_search": {"vector_stores": [{"file_ids": ["file-c"]}]}},
    ]
)
assistant = st.fixed_dictionaries(
    {"model": st.sampled_from(["gpt-4o", "gpt-4o-mini"])},
    optional={
        "name": st.none() | st.text(max_size=5),
        "instructions": st.text(max_size=8),
        "metadata": metadata,
        "temperature": st.sampled_from([0.0, 0.5, 2.0]),
        "tools": st.sampled_from([[], [{"type": "code_interpreter"}], [{"type": "file_search"}]]),
        "response_format": st.sampled_from(["auto", {"type": "json_object"}]),
    },
)
operation = st.one_of(
    st.tuples(st.just("thread"), metadata, tool_resources, st.lists(message, max_size=3)),
    st.tuples(st.just("message"), st.integers(0, 5), message),
    st.tuples(st.just("modify_thread"), st.integers(0, 5), metadata),
    st.tuples(st.just("modify_message"), st.integers(0, 5), st.integers(0, 9), metadata),
    st.tuples(st.just("delete_message"), st.integers(0, 5), st.integers(0, 9)),
    st.tuples(st.just("delete_thread"), st.integers(0, 5)),
    st.tuples(st.just("advance"), st.integers(0, 100)),
    st.tuples(st.just("assistant"), assistant),
    st.tuples(st.just("delete_assistant"), st.integers(0, 3)),
)


def run_operations(store: Store, operations: list[tuple[Any, ...]]) -> None:
    threads: list[str] = []
    assistants: list[str] = []
    # The generated ids name files that were never uploaded: the project accepts them (docs/files.md).
    store.files.set_reference_checks(PROJECT, False)
    for kind, *args in operations:
        if kind == "thread":
            body = {"metadata": args[0], "messages": args[2]}
            if args[1] is not None:
                body["tool_resources"] = args[1]
            threads.append(store.assistants.create_thread(PROJECT, body)["id"])
        elif kind == "advance":
            store.advance_clock(PROJECT, args[0])
        elif kind == "assistant":
            assistants.append(store.assistants.create_assistant(PROJECT, args[0])["id"])
        elif kind == "delete_assistant" and assistants:
            store.assistants.delete_assistant(PROJECT, assistants.pop(args[0] % len(assistants)))
        elif threads and kind in ("message", "modify_thread", "delete_thread", "modify_message", "delete_message"):
            thread_id = threads[args[0] % len(threads)]
            if kind == "message":
                store.assistants.create_message(PROJECT, thread_id, args[1])
            elif kind == "modify_thread":
                store.assistants.modify_thread(PROJECT, thread_id, {"metadata": args[1]})
            elif kind == "delete_thread":
                store.assistants.delete_thread(PROJECT, thread_id)
                threads.remove(thread_id)
            else:
                ids = [m["id"] for m in store.assistants.list_messages(PROJECT, thread_id, {"limit": "100"})["data"]]
                if ids:
                    message_id = ids[args[1] % len(ids)]
                    if kind == "modify_message":
                        store.assistants.modify_message(PROJECT, thread_id, message_id, {"metadata": args[2]})
                    else:
                        store.assistants.delete_message(PROJECT, thread_id, message_id)


def read_everything(store: Store, document: dict[str, Any]) -> list[Any]:
    """Every read the API offers on the exported objects, as (status, JSON) pairs."""
    responses: list[Any] = []
    with TestClient(create_app(store), headers=HEADERS) as api:

        def get(path: str, **params: str) -> None:
            response = api.get(path, params=params)
            responses.append((path, params, response.status_code, response.json()))

        for order in ("asc", "desc"):
            get("/v1/assistants", order=order, limit="100")
        for item in document.get("assistants", []):
            get(f"/v1/assistants/{item['id']}")
        for item in document.get("threads", []):
            base = f"/v1/threads/{item['id']}"
            get(base)
            for order in ("asc", "desc"):
                get(f"{base}/messages", order=order, limit="100")
                get(f"{base}/messages", order=order, limit="2")
            for m in item.get("messages", []):
                get(f"{base}/messages/{m['id']}")
                get(f"{base}/messages", after=m["id"], limit="3")
                get(f"{base}/messages", before=m["id"], limit="3", order="asc")
    return responses


def reload(document: dict[str, Any], format: str) -> Store:
    scenario = load_text(dump(document, format), format=format)
    store = Store(seed=scenario.seed or "")
    store.set_baseline([scenario.apply])
    return store


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(operation, max_size=14), st.sampled_from(["", "seed-1"]), st.sampled_from(["yaml", "json"]))
@example(  # the one text form that has no string spelling: an empty text part
    [("thread", {}, None, [{"role": "user", "content": [{"type": "text", "text": ""}]}])], "", "yaml"
)
@example([("thread", {"k": "a\x85b"}, None, [{"role": "user", "content": "\u2028"}])], "", "yaml")
def test_random_states_survive_export_and_load(operations: list[tuple[Any, ...]], seed: str, format: str) -> None:
    original = Store(seed=seed)
    run_operations(original, operations)
    document = export_project(original, PROJECT)
    copy = reload(document, format)
    assert export_project(copy, PROJECT) == document
    assert read_everything(copy, document) == read_everything(original, document)
    # What happens next is the same too: the clock and the ID counters came along.
    assert copy.assistants.create_thread(PROJECT, {}) == original.assistants.create_thread(PROJECT, {})
    assert copy.assistants.create_assistant(PROJECT, {"model": "m"}) == original.assistants.create_assistant(
        PROJECT, {"model": "m"}
    )


def test_export_of_an_empty_project_is_a_minimal_document() -> None:
    assert export_project(Store(), "nobody") == {"version": 1, "clock": 1735689600}


def test_export_is_a_copy_the_caller_may_edit() -> None:
    store = Store()
    thread = store.assistants.create_thread("p", {"metadata": {"k": "v"}})
    export_project(store, "p")["threads"][0]["metadata"]["k"] = "changed"
    assert store.assistants.get_thread("p", thread["id"])["metadata"] == {"k": "v"}


def test_export_includes_script_settings_and_each_fault_with_its_counters() -> None:
    store = Store()
    store.script.add_script_rules("p", [{"match": {"contains": "hi"}, "reply": {"text": "hello"}}])
    store.script.configure_runs("p", {"strict": True})
    store.faults.add_faults("p", [{"method": "POST", "path": "/v1/threads", "status": 500, "times": 2}])
    store.faults.match_fault("p", "POST", "/v1/threads")
    document = export_project(store, "p")
    assert document["runs"] == {"strict": True}
    assert document["faults"] == [
        {"method": "POST", "path": "/v1/threads", "status": 500, "times": 2, "seen": 1, "fired": 1}
    ]
    copy = reload(document, "yaml")
    assert copy.script.list_script_rules("p") == store.script.list_script_rules("p")
    assert copy.script.run_settings("p") == store.script.run_settings("p")
    assert [f["remaining"] for f in copy.faults.list_faults("p")] == [1]


def test_runs_are_exported() -> None:
    store = Store()
    assistant = store.assistants.create_assistant("p", {"model": "gpt-4o"})
    thread = store.assistants.create_thread("p", {"messages": [{"role": "user", "content": "hi"}]})
    run = store.assistants.create_run("p", thread["id"], {"assistant_id": assistant["id"]})
    document = export_project(store, "p")
    exported = document["threads"][0]["runs"]
    assert [r["id"] for r in exported] == [run["id"]]
    assert exported[0]["status"] == "queued" and exported[0]["engine"]["pending"] is True
    load_document(document)  # a valid scenario


def test_sdk_round_trip_between_two_servers() -> None:
    with MockServer() as first:
        sdk = first.client(_strict_response_validation=True)
        bot = sdk.beta.assistants.create(model="gpt-4o", name="Bot", metadata={"team": "a"})
        thread = sdk.beta.threads.create(metadata={"topic": "x"})
        first.store.advance_clock("sk-mockserver", 30)
        for i in range(25):
            sdk.beta.threads.messages.create(thread_id=thread.id, role="user", content=f"message {i}")
        document = first.export()
        with MockServer(scenario=document) as second:
            other = second.client(_strict_response_validation=True)
            assert other.beta.assistants.retrieve(bot.id) == sdk.beta.assistants.retrieve(bot.id)
            assert other.beta.threads.retrieve(thread.id) == sdk.beta.threads.retrieve(thread.id)
            mine = [m.model_dump() for m in sdk.beta.threads.messages.list(thread_id=thread.id, limit=7)]
            theirs = [m.model_dump() for m in other.beta.threads.messages.list(thread_id=thread.id, limit=7)]
            assert len(theirs) == 25
            assert theirs == mine
            assert other.beta.threads.create().model_dump() == sdk.beta.threads.create().model_dump()
