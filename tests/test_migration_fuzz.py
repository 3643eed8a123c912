"""Hostile input to the converters: any JSON gives a result or a MigrationError naming the place, never another
exception (the CLI prints MigrationError without a traceback)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.migration import MigrationError
from mockserver.migration.cassettes import convert_cassette
from mockserver.migration.convert import assistant_settings, convert_document, thread_to_conversation

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
KEYS = ["id", "role", "content", "type", "text", "run_id", "runs", "messages", "steps", "step_details",
        "tool_calls", "function", "output", "status", "model", "tools", "tool_resources", "metadata",
        "attachments", "created_at", "assistants", "threads", "value", "image_file", "image_url"]  # fmt: skip
shaped: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.integers() | st.sampled_from(["user", "assistant", "function", "text", "tool_calls", "x"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(KEYS), children, max_size=5),
    max_leaves=25,
)


def converts_or_names(call: Any, *args: Any) -> None:
    try:
        call(*args)
    except MigrationError as exc:
        assert str(exc)


@settings(max_examples=300, deadline=None)
@given(st.one_of(json_values, shaped))
def test_threads_assistants_and_documents(value: Any) -> None:
    converts_or_names(thread_to_conversation, value)
    converts_or_names(assistant_settings, value)
    converts_or_names(convert_document, value)
    converts_or_names(convert_document, {"version": 1, "threads": value, "assistants": value})
    converts_or_names(convert_document, {"version": 1, "threads": [value], "assistants": [value]})


@settings(max_examples=150, deadline=None)
@given(st.lists(st.fixed_dictionaries({"path": st.sampled_from(["/v1/threads", "/v1/threads/thread_a/runs",
                                                                 "/v1/threads/runs", "/v1/assistants"]),
                                       "status": st.sampled_from([200, 404]), "req": shaped, "resp": shaped}),
                min_size=1, max_size=4))  # fmt: skip
def test_cassettes(tmp_path_factory: Any, interactions: list[dict[str, Any]]) -> None:
    path = Path(tmp_path_factory.mktemp("c")) / "c.yaml"
    document = {
        "format": "mockserver-cassette",
        "version": 1,
        "interactions": [
            {"request": {"method": "POST", "path": i["path"], "body": {"json": i["req"]}},
             "response": {"status": i["status"], "body": {"json": i["resp"]},
                          "stream": {"events": [{"data": i["resp"]}, {"data": i["req"]}]}}}
            for i in interactions
        ],
    }  # fmt: skip
    path.write_text(yaml.safe_dump(document))
    converts_or_names(convert_cassette, path)


def test_binary_files_are_named(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_bytes(b"\xff\xfe\x00binary")
    try:
        convert_cassette(path)
    except MigrationError as exc:
        assert str(path) in str(exc)
