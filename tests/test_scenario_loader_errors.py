"""Every class of loader error, with the exact text a user sees: file, line, path in the document, expectation."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver.scenarios import ScenarioError, load_document, load_scenario, load_text
from mockserver.scenarios.validate import schema
from mockserver.store import Store

from .scenario_support import errors, write


def apply_errors(path: Path) -> list[str]:
    scenario = load_scenario(path, cache=False)
    with pytest.raises(ScenarioError) as info:
        Store().set_baseline([scenario.apply])
    return str(info.value).splitlines()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "version: 1\nthreads:\n  - messages:\n      - role: user\n        content: hi\n      - role: system\n"
            "        content: x\n",
            ':6: threads[0].messages[1].role: expected one of "user", "assistant", got a string ("system")',
        ),
        ("version: 1\nthreads:\n  - colour: red\n", ":3: threads[0].colour: unknown key 'colour' (allowed: "
         "id, created_at, metadata, tool_resources, messages, runs)"),
        # the allowed keys grow with every registered surface: listed from the schema, not spelled out here
        ("version: 1\nthreds: []\n",
         f":2: threds: unknown key 'threds' (allowed: {', '.join(schema()['properties'])}); did you mean 'threads'?"),
        ("version: 1\nthreads:\n  - messages:\n      - content: hi\n",
         ":4: threads[0].messages[0]: missing required key 'role'"),
        ("version: 1\nthreads: {}\n", ":2: threads: expected an array, got an object"),
        ("version: 1\nclock: soon\n", ':2: clock: expected an integer, got a string ("soon")'),
        ("version: 1\nclock: -5\n", ":2: clock: expected a value >= 0, got -5"),
        ("version: 1\nclock: 2025-01-01\n", ":2: clock: expected an integer, got a timestamp (write Unix seconds as "
         "an integer)"),
        ("version: 1\nthreads:\n  - id: thread_not-ok\n", ':3: threads[0].id: expected \'thread_\' followed by 1 to '
         '64 letters, digits or underscores, got a string ("thread_not-ok")'),
        ("version: 1\nthreads:\n  - messages:\n      - {role: user, content: ''}\n",
         ":4: threads[0].messages[0].content: expected a non-empty string"),
        ("version: 1\nthreads:\n  - messages:\n      - {role: user, content: []}\n",
         ":4: threads[0].messages[0].content: expected at least 1 item(s), got an empty array"),
        ("version: 1\nthreads:\n  - messages:\n      - {role: user, content: [{type: video}]}\n",
         ':4: threads[0].messages[0].content[0].type: expected one of "text", "image_url", "image_file", '
         'got a string ("video")'),
        ("version: 1\nthreads:\n  - metadata:\n      k: " + "x" * 513 + "\n",
         ":4: threads[0].metadata.k: expected at most 512 characters, got 513"),
        ("version: 1\nthreads:\n  - metadata: {" + ", ".join(f"k{i}: v" for i in range(17)) + "}\n",
         ":3: threads[0].metadata: expected at most 16 keys, got 17"),
        ("version: 1\nthreads:\n  - metadata: {1: one}\n",
         ":3: threads[0].metadata: keys must be strings, got an integer (1) (quote it)"),
        ("version: 2\n", ":1: version: unsupported version 2: this mockserver reads version 1"),
        ("version: yes\n", ":1: version: unsupported version true: this mockserver reads version 1"),
        ('version: "1"\n', ':1: version: unsupported version "1": this mockserver reads version 1'),
        ("version: 1\nthreads:\n  - messages:\n      - {role: user, content: hi, object: true}\n",
         ':4: threads[0].messages[0].object: expected "thread.message", got true'),
        ("threads: []\n", ":1: (top level): missing required key 'version'"),
        ("- version: 1\n", ":1: (top level): expected an object, got an array"),
        ("", ": (top level): the document is empty (expected an object with at least 'version: 1')"),
        ("version: 1\nthreads:\n  - id: thread_AAAAAAAAAAAAAAAAAAAAAAAA\n  - id: thread_AAAAAAAAAAAAAAAAAAAAAAAA\n",
         ":4: threads[1].id: duplicate id 'thread_AAAAAAAAAAAAAAAAAAAAAAAA' (already used at threads[0].id)"),
        ("version: 1\nversion: 1\n", ":2: version: duplicate key"),
        ("version: 1\nthreads: [\n", ":3: (top level): invalid YAML: expected the node content, but found "
         "'<stream end>' (line 3, column 1)"),
    ],
)  # fmt: skip
def test_yaml_errors_name_file_line_and_path(tmp_path: Path, body: str, expected: str) -> None:
    path = write(tmp_path, "case.yaml", body)
    assert errors(path) == [f"{path}{expected}"]


def test_every_problem_is_listed_not_just_the_first(tmp_path: Path) -> None:
    path = write(tmp_path, "many.yaml", "version: 1\nclock: x\nthreads:\n  - colour: red\n    messages: 3\n")
    assert errors(path) == [
        f'{path}:2: clock: expected an integer, got a string ("x")',
        f"{path}:4: threads[0].colour: unknown key 'colour' (allowed: id, created_at, metadata, tool_resources, "
        "messages, runs)",
        f"{path}:5: threads[0].messages: expected an array, got an integer (3)",
    ]


def test_json_errors_get_lines_too(tmp_path: Path) -> None:
    path = write(tmp_path, "case.json", '{\n  "version": 1,\n  "threads": [\n    {"colour": 1}\n  ]\n}\n')
    assert errors(path) == [
        f"{path}:4: threads[0].colour: unknown key 'colour' (allowed: id, created_at, metadata, tool_resources, "
        "messages, runs)"
    ]


def test_json_syntax_error(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.json", '{\n  "version": 1,\n}\n')
    assert errors(path) == [
        f"{path}:3: (top level): invalid JSON: Expecting property name enclosed in double quotes (line 3, column 1)"
    ]


def test_json_duplicate_key(tmp_path: Path) -> None:
    path = write(tmp_path, "dup.json", '{\n  "version": 1,\n  "version": 1\n}\n')
    assert errors(path) == [f"{path}:3: version: duplicate key"]


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Non-UTF-8 bytes: tests/test_scenario_hostile_input.py. Here the operating system refuses the read.
    path = write(tmp_path, "locked.yaml", "version: 1\n")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert errors(path) == [f"{path}: (top level): cannot read the file: [Errno 13] Permission denied: '{path}'"]


def test_missing_file_lists_the_places_tried(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario("nope", fixtures_dir=tmp_path)
    tried = ", ".join(
        [
            "nope",
            "nope.yaml",
            "nope.yml",
            "nope.json",
            *(str(tmp_path / f"nope{ext}") for ext in ("", ".yaml", ".yml", ".json")),
        ]
    )
    assert str(info.value) == f"nope: (top level): scenario not found (looked for: {tried})"


def test_include_not_found_points_at_the_include_entry(tmp_path: Path) -> None:
    path = write(tmp_path, "main.yaml", "version: 1\ninclude:\n  - base\n  - missing\n")
    write(tmp_path, "base.yaml", "version: 1\n")
    (line,) = errors(path, fixtures_dir=tmp_path / "none")
    assert line.startswith(f"{path}:4: include[1]: scenario not found (looked for: {tmp_path / 'missing'}, ")


def test_include_cycle(tmp_path: Path) -> None:
    a = write(tmp_path, "a.yaml", "version: 1\ninclude: [b]\n")
    b = write(tmp_path, "b.yaml", "version: 1\ninclude: [a.yaml]\n")
    assert errors(a) == [f"{b}:2: include[0]: include cycle: {a} -> {b} -> {a}"]


def test_errors_in_an_included_file_name_that_file(tmp_path: Path) -> None:
    main = write(tmp_path, "main.yaml", "version: 1\ninclude: [child]\n")
    child = write(tmp_path, "child.yaml", "version: 1\nthreads: 5\n")
    assert errors(main) == [f"{child}:2: threads: expected an array, got an integer (5)"]


def test_store_errors_without_a_param_point_at_the_object(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "apply.yaml",
        "version: 1\nthreads:\n  - messages:\n      - role: user\n        content:\n          - type: text\n"
        "            image_url: {url: x}\n",
    )
    assert apply_errors(path) == [
        f"{path}:4: threads[0].messages[0]: Unrecognized request argument supplied: image_url"
    ]


def test_store_error_param_is_joined_to_the_object_path(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "apply.yaml",
        "version: 1\nthreads:\n  - messages:\n      - role: user\n        content:\n          - type: image_url\n"
        "            image_url: {url: 5}\n",
    )
    assert apply_errors(path) == [
        f"{path}:7: threads[0].messages[0].content[0].image_url.url: Invalid type for 'content[0].image_url.url': "
        "expected a string, but got an integer instead."
    ]


def test_duplicate_id_across_included_files_is_caught_at_apply(tmp_path: Path) -> None:
    tid = "thread_" + "A" * 24
    write(tmp_path, "base.yaml", f"version: 1\nthreads:\n  - id: {tid}\n")
    path = write(tmp_path, "main.yaml", f"version: 1\ninclude: [base]\nthreads:\n  - id: {tid}\n")
    expected = f"{path}:4: threads[0].id: Duplicate id '{tid}': an object with this id already exists."
    assert apply_errors(path) == [expected]


def test_script_errors_use_the_rule_location(tmp_path: Path) -> None:
    path = write(tmp_path, "script.yaml", "version: 1\nscript:\n  - match: {contains: hi}\n    reply: {txt: hey}\n")
    (line,) = apply_errors(path)
    assert line.startswith(f"{path}:4: script[0].reply")


def test_dict_documents_have_no_lines_but_the_same_paths() -> None:
    with pytest.raises(ScenarioError) as info:
        load_document({"version": 1, "threads": [{"messages": [{"role": "bot", "content": "x"}]}]}, source="inline")
    assert str(info.value) == (
        'inline: threads[0].messages[0].role: expected one of "user", "assistant", got a string ("bot")'
    )


def test_text_documents() -> None:
    with pytest.raises(ScenarioError) as info:
        load_text("version: 1\nthreads:\n  - {messages: [{role: user}]}\n", source="snippet")
    assert str(info.value) == "snippet:3: threads[0].messages[0]: missing required key 'content'"


def test_scenario_errors_render_as_a_400_with_the_first_path() -> None:
    with pytest.raises(ScenarioError) as info:
        load_document({"version": 1, "clock": "x"}, source="doc")
    body = info.value.body()["error"]
    assert (info.value.status, body["param"], body["code"]) == (400, "clock", "invalid_scenario")


@pytest.mark.parametrize("loader", ["CSafeLoader", "SafeLoader"])
def test_yaml_results_do_not_depend_on_libyaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loader: str) -> None:
    import yaml

    from mockserver.scenarios import parse

    if not hasattr(yaml, loader):
        pytest.skip("PyYAML built without libyaml")
    monkeypatch.setattr(parse, "SafeLoader", getattr(yaml, loader))
    bad = write(tmp_path, "bad.yaml", "version: 1\nthreads: [\n")
    assert errors(bad) == [
        f"{bad}:3: (top level): invalid YAML: expected the node content, but found '<stream end>' (line 3, column 1)"
    ]
    good = write(tmp_path, "good.yaml", "version: 1\nthreads:\n  - metadata: {a: b}\n    colour: 1\n")
    assert errors(good) == [
        f"{good}:4: threads[0].colour: unknown key 'colour' (allowed: id, created_at, metadata, tool_resources, "
        "messages, runs)"
    ]


def test_text_in_an_unknown_format_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="unknown format 'toml'"):
        load_text("version = 1", format="toml")
