"""The scenario format: schema (and agreement with jsonschema), YAML/JSON parity, includes, IDs, caching."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.core.ids import PREFIXES, is_valid_id
from mockserver.scenarios import (
    ScenarioError,
    dump,
    export_project,
    load_document,
    load_scenario,
    load_text,
    schema,
    validate_document,
)
from mockserver.scenarios.validate import SUPPORTED_KEYWORDS
from mockserver.store import Store
from mockserver.surfaces.assistants import shapes as models
from mockserver.surfaces.assistants.assistants import ASSISTANT_FIELDS
from mockserver.surfaces.assistants.messages import MESSAGE_CREATE_FIELDS
from mockserver.surfaces.assistants.runs.restore import ENGINE_KEYS, MESSAGE_RUN_FIELDS
from mockserver.surfaces.assistants.threads import THREAD_CREATE_FIELDS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def applied(*scenarios: Any, seed: str = "") -> Store:
    store = Store(seed=seed)
    store.set_baseline([s.apply for s in scenarios])
    return store


# -- the schema ----------------------------------------------------------------------------------------------


def _keywords(node: Any, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            found.add(key)
            if key in ("properties", "$defs"):
                for sub in value.values():
                    _keywords(sub, found)
            elif key not in ("const", "enum", "required", "description", "title", "x-expected"):
                _keywords(value, found)
    elif isinstance(node, list):
        for item in node:
            _keywords(item, found)
    return found


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())


def test_schema_uses_only_keywords_the_loader_interprets() -> None:
    assert _keywords(schema(), set()) <= SUPPORTED_KEYWORDS


RUN_FIELDS = dict.fromkeys(
    ("model", "instructions", "tools", "tool_resources", "metadata", "temperature", "top_p", "truncation_strategy",
     "response_format", "tool_choice", "parallel_tool_calls"),
)  # fmt: skip


def test_schema_tracks_the_store_fields() -> None:
    defs = schema()["$defs"]
    assert set(defs["assistant"]["properties"]) == {"id", "created_at", *ASSISTANT_FIELDS}
    assert set(defs["thread"]["properties"]) == {"id", "created_at", *THREAD_CREATE_FIELDS, "runs"}
    run_fields = {"object", "thread_id", *MESSAGE_RUN_FIELDS}
    assert set(defs["message"]["properties"]) == {"id", "created_at", *MESSAGE_CREATE_FIELDS, *run_fields}
    run = models.run("run_x", created_at=0, thread_id="t", assistant_id="a", fields=RUN_FIELDS)
    assert set(defs["run"]["properties"]) == {*run, "steps", "engine"}
    assert set(defs["step"]["properties"]) == set(
        models.run_step("s", run=run, created_at=0, step_details={"type": "x"})
    )
    assert tuple(defs["engine"]["properties"]) == ENGINE_KEYS
    assert set(schema()["properties"]["id_counters"]["properties"]) == {*PREFIXES, "request"}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 2**40) | st.text(max_size=6) | st.sampled_from(["user", "text", "x"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=12,
)
message_like = st.fixed_dictionaries(
    {"role": st.sampled_from(["user", "assistant", "system", 1])},
    optional={
        "content": st.one_of(
            st.text(max_size=3),
            st.lists(st.fixed_dictionaries({"type": st.sampled_from(["text", "image_url", "bad"])}), max_size=2),
        ),
        "id": st.sampled_from(["msg_" + "a" * 24, "msg_x", "thread_" + "b" * 24]),
        "created_at": st.integers(-1, 10),
        "metadata": st.dictionaries(st.text(max_size=3), st.text(max_size=3) | st.integers(), max_size=18),
        "extra": json_values,
    },
)
documents = st.fixed_dictionaries(
    {},
    optional={
        "version": st.sampled_from([1, 1, 1, 2, "1"]),
        "clock": st.integers(-3, 3) | st.text(max_size=2),
        "threads": st.lists(
            st.fixed_dictionaries({}, optional={"messages": st.lists(message_like, max_size=3), "x": json_values}),
            max_size=3,
        )
        | json_values,
        "seed": json_values,
        "unknown": json_values,
    },
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_the_loader_and_jsonschema_agree_on_validity(document: dict[str, Any]) -> None:
    ours = [p for p in validate_document(document) if "duplicate id" not in p[1]]
    theirs = list(jsonschema.Draft202012Validator(schema()).iter_errors(document))
    assert bool(ours) == bool(theirs), (ours, [t.message for t in theirs])


# -- YAML and JSON ---------------------------------------------------------------------------------------------


def _yaml_fixtures() -> list[Path]:
    return sorted(p for p in FIXTURES.glob("*.y*ml") if "include" not in p.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", _yaml_fixtures(), ids=lambda p: p.name)
def test_yaml_and_json_with_the_same_content_give_the_same_state(path: Path, tmp_path: Path) -> None:
    from_yaml = load_scenario(path)
    json_file = tmp_path / (path.stem + ".json")
    json_file.write_text(json.dumps(dict(from_yaml.document)), encoding="utf-8")
    from_json = load_scenario(json_file)
    assert from_json.document == from_yaml.document
    seed = from_yaml.seed or ""
    assert export_project(applied(from_json, seed=seed), "p") == export_project(applied(from_yaml, seed=seed), "p")


def test_json_fixture_matches_its_yaml_spelling() -> None:
    text = (
        "version: 1\ndescription: The same format in JSON.\nclock: 1735689600\nthreads:\n  - metadata: {format: json}\n"
        "    messages:\n      - {role: user, content: Written in JSON.}\n"
        "      - {role: assistant, content: [{type: text, text: Same schema as YAML.}]}\n"
    )
    assert load_text(text).document == load_scenario(FIXTURES / "json_format.json").document


@pytest.mark.parametrize("format", ["yaml", "json"])
def test_dumped_documents_load_back_identically(format: str) -> None:
    store = applied(load_scenario(FIXTURES / "content_forms.yaml"))
    document = export_project(store, "p")
    assert load_text(dump(document, format), format=format).document == document


# -- includes --------------------------------------------------------------------------------------------------


def test_includes_apply_first_and_each_file_once(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text("version: 1\nthreads:\n  - metadata: {from: base}\n")
    (tmp_path / "left.yaml").write_text("version: 1\ninclude: [base]\nthreads:\n  - metadata: {from: left}\n")
    (tmp_path / "right.yaml").write_text("version: 1\ninclude: [base.yaml]\nthreads:\n  - metadata: {from: right}\n")
    (tmp_path / "top.yaml").write_text("version: 1\ninclude: [left, right]\nthreads:\n  - metadata: {from: top}\n")
    document = export_project(applied(load_scenario(tmp_path / "top.yaml")), "p")
    assert [t["metadata"]["from"] for t in document["threads"]] == ["base", "left", "right", "top"]


def test_includes_resolve_next_to_the_file_then_in_the_fixtures_dir(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "common.yaml").write_text("version: 1\nthreads:\n  - metadata: {from: shared}\n")
    (tmp_path / "suite").mkdir()
    (tmp_path / "suite" / "main.yaml").write_text("version: 1\ninclude: [common]\n")
    scenario = load_scenario(tmp_path / "suite" / "main.yaml", fixtures_dir=shared)
    assert scenario.includes[0].source == str(shared / "common.yaml")


def test_names_resolve_against_the_fixtures_dir_and_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "named.yml").write_text("version: 1\n")
    assert load_scenario("named", fixtures_dir=tmp_path).source == str(tmp_path / "named.yml")
    monkeypatch.setenv("MOCKSERVER_FIXTURES_DIR", str(tmp_path))
    assert load_scenario("named").source == str(tmp_path / "named.yml")


def test_fixture_includes_example() -> None:
    document = export_project(applied(load_scenario(FIXTURES / "includes.yaml")), "p")
    assert [a["name"] for a in document["assistants"]] == ["Support bot", "Data analyst"]
    assert [t["messages"][0]["content"] for t in document["threads"]] == ["Hello!", "Hi from the including file."]


# -- IDs, clock and seed ---------------------------------------------------------------------------------------


def test_explicit_ids_are_kept_and_missing_ones_generated_deterministically() -> None:
    scenario = load_scenario(FIXTURES / "explicit_ids.yaml")
    first, second = (export_project(applied(scenario), "p") for _ in range(2))
    assert first == second
    thread, other = first["threads"]
    assert thread["id"] == "thread_Explicit0000000000000000"
    assert [m["id"] for m in thread["messages"][:2]] == ["msg_Explicit0000000000000001", "msg_Explicit0000000000000002"]
    assert [m["created_at"] for m in thread["messages"]] == [1735600001, 1735600060, 1735689600]
    generated = [thread["messages"][2]["id"], other["id"], other["messages"][0]["id"]]
    assert [is_valid_id(i, k) for i, k in zip(generated, ["message", "thread", "message"], strict=True)] == [True] * 3


def test_every_project_gets_its_own_copy_and_the_same_seeded_ids() -> None:
    store = applied(load_scenario(FIXTURES / "minimal.yaml"))
    (thread,) = export_project(store, "a")["threads"]
    store.assistants.modify_thread("a", thread["id"], {"metadata": {"touched": "yes"}})
    assert export_project(store, "b")["threads"][0] == thread
    store.reset("a")
    assert export_project(store, "a")["threads"][0] == thread


def test_the_seed_changes_generated_ids_and_the_clock_sets_timestamps() -> None:
    scenario = load_scenario(FIXTURES / "clock_and_seed.yaml")
    assert (scenario.seed, scenario.clock) == ("docs-example", 1700000000)
    seeded, unseeded = (
        export_project(applied(scenario, seed="docs-example"), "p"),
        export_project(applied(scenario), "p"),
    )
    assert seeded["threads"][0]["id"] != unseeded["threads"][0]["id"]
    assert seeded["threads"][0]["messages"][0]["created_at"] == 1700000000


def test_objects_created_after_the_baseline_continue_from_the_scenario_clock() -> None:
    store = applied(load_scenario(FIXTURES / "clock_and_seed.yaml"))
    assert store.assistants.create_thread("p", {})["created_at"] == 1700000000


# -- caching ---------------------------------------------------------------------------------------------------


def test_files_are_parsed_once_until_they_or_their_includes_change(tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    base.write_text("version: 1\n")
    main = tmp_path / "main.yaml"
    main.write_text("version: 1\ninclude: [base]\n")
    first = load_scenario(main)
    assert load_scenario(main) is first
    base.write_text("version: 1\nclock: 5\n")
    os.utime(base, ns=(1, 1))  # a different mtime even on coarse-grained file systems
    second = load_scenario(main)
    assert second is not first
    assert second.clock == 5


def test_cache_off_reparses() -> None:
    path = FIXTURES / "minimal.yaml"
    assert load_scenario(path, cache=False) is not load_scenario(path, cache=False)


def test_loaded_documents_are_not_shared_with_the_caller() -> None:
    original = {"version": 1, "threads": [{"metadata": {"k": "v"}}]}
    scenario = load_document(original)
    original["threads"][0]["metadata"]["k"] = "changed"
    assert scenario.document["threads"][0]["metadata"] == {"k": "v"}


def test_applying_does_not_alter_the_cached_document() -> None:
    scenario = load_scenario(FIXTURES / "content_forms.yaml")
    before = json.dumps(scenario.document)
    store = applied(scenario)
    thread = export_project(store, "p")["threads"][0]
    store.assistants.modify_message("p", thread["id"], thread["messages"][0]["id"], {"metadata": {"a": "b"}})
    assert json.dumps(scenario.document) == before


def test_unknown_keys_in_extension_sections_are_rejected_by_their_owner() -> None:
    with pytest.raises(ScenarioError, match=r"runs\.speed"):
        applied(load_document({"version": 1, "runs": {"speed": 3}}))
