"""Files that are not scenarios at all, or are built to hurt: each gets a located error, never a traceback or a hang.

Recursive and exponential YAML aliases, absurd nesting, byte-order marks, binary bytes, odd include names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mockserver.scenarios import ScenarioError, load_document, load_scenario
from mockserver.scenarios.parse import ALIAS_EXPANSION_LIMIT, MAX_DEPTH
from mockserver.store import Store

from .scenario_support import errors, write


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("version: 1\nscript: &a [{match: *a}]\n",
         ":2: script[0].match: refers to itself (a recursive YAML alias); expected a finite value"),
        ("version: 1\nthreads: &a [*a]\n",
         ":2: threads[0]: refers to itself (a recursive YAML alias); expected a finite value"),
        ("version: 1\nthreads:\n  - metadata: &m {a: *m}\n",
         ":3: threads[0].metadata.a: refers to itself (a recursive YAML alias); expected a finite value"),
    ],
)  # fmt: skip
def test_recursive_aliases_are_refused_at_their_place(tmp_path: Path, body: str, expected: str) -> None:
    path = write(tmp_path, "case.yaml", body)
    assert errors(path) == [f"{path}{expected}"]


def _alias_bomb(levels: int) -> str:
    # Ten times more arrays at every level: 10**levels once expanded, a few hundred bytes on disk. Hidden inside a
    # function tool's free-form parameters, which the store would otherwise accept and serve back expanded.
    anchors = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    anchors += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, levels)]
    parameters = "{type: object, " + ", ".join(anchors) + "}"
    tool = f"{{type: function, function: {{name: f, parameters: {parameters}}}}}"
    return f"version: 1\nassistants:\n  - model: m\n    tools: [{tool}]\n"


def test_an_alias_bomb_is_refused_before_anything_walks_it(tmp_path: Path) -> None:
    path = write(tmp_path, "bomb.yaml", _alias_bomb(12))
    (line,) = errors(path)
    assert line.startswith(f"{path}:1: (top level): YAML aliases expand this document by ")
    assert line.endswith(f"objects and arrays (at most {ALIAS_EXPANSION_LIMIT} allowed)")


def test_moderate_alias_reuse_is_fine(tmp_path: Path) -> None:
    shared = "version: 1\nthreads:\n  - metadata: &m {team: a}\n" + "  - metadata: *m\n" * 50
    scenario = load_scenario(write(tmp_path, "reuse.yaml", shared), cache=False)
    assert len(scenario.document["threads"]) == 51
    Store().set_baseline([scenario.apply])


@pytest.mark.parametrize("suffix", ["json", "yaml"])
def test_absurd_nesting_is_a_located_error(tmp_path: Path, suffix: str) -> None:
    for depth in (MAX_DEPTH + 5, 100_000):
        nested = "[" * depth + "]" * depth
        body = f'{{"version": 1, "script": [{{"match": {nested}}}]}}'
        path = write(tmp_path, f"deep.{suffix}", body)
        (line,) = errors(path)
        # PyYAML refuses the deepest documents itself, in its own words; the rest are ours.
        assert f"nested more than {MAX_DEPTH} levels deep" in line or "exceeded maximum nesting depth" in line, line


def test_a_dict_document_that_contains_itself() -> None:
    rule: dict[str, Any] = {"reply": "x"}
    rule["match"] = rule
    with pytest.raises(ScenarioError) as info:
        load_document({"version": 1, "script": [rule]}, source="doc")
    assert str(info.value) == "doc: script[0].match: refers to itself (a recursive YAML alias); expected a finite value"


@pytest.mark.parametrize("suffix", ["json", "yaml"])
def test_a_byte_order_mark_is_accepted_in_both_formats(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"bom.{suffix}"
    path.write_bytes(b"\xef\xbb\xbf" + b'{"version": 1, "clock": 5}')
    assert load_scenario(path, cache=False).clock == 5


def test_binary_and_non_utf8_files_say_what_is_expected_and_where(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"version: 1\ndescription: caf\xe9\n")
    assert errors(path) == [
        f"{path}:2: (top level): not UTF-8 text (byte 0xe9 at offset 27): scenario files are UTF-8 YAML or JSON"
    ]
    png = tmp_path / "picture.yaml"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert errors(png) == [
        f"{png}:1: (top level): not UTF-8 text (byte 0x89 at offset 0): scenario files are UTF-8 YAML or JSON"
    ]


def test_control_characters_in_yaml_are_one_located_line(tmp_path: Path) -> None:
    path = write(tmp_path, "nul.yaml", "version: 1\ndescription: a\x00b\n")
    assert errors(path) == [
        f"{path}:2: (top level): invalid YAML: unacceptable character #x0000: special characters are not allowed "
        "(line 2, column 15)"
    ]


@pytest.mark.parametrize("name", [".", "..", "/"])
def test_include_and_load_of_a_directory_like_name_is_not_found(tmp_path: Path, name: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(name, fixtures_dir=tmp_path, cache=False)
    assert "scenario not found" in str(info.value)
    path = write(tmp_path, "inc.yaml", f"version: 1\ninclude: ['{name}']\n")
    (line,) = errors(path)
    assert line.startswith(f"{path}:2: include[0]: scenario not found (looked for: ")


@pytest.mark.parametrize("cache", [True, False])
def test_includes_that_reach_a_file_many_ways_load_it_once(tmp_path: Path, cache: bool) -> None:
    # Each file includes the next one twice: 2**40 include paths, 41 files. Every file is parsed once.
    depth = 40
    for i in range(depth):
        write(tmp_path, f"f{i}.yaml", f"version: 1\ninclude: [f{i + 1}, f{i + 1}.yaml]\n")
    write(tmp_path, f"f{depth}.yaml", "version: 1\nseed: deep\nclock: 7\nthreads: [{}]\n")
    scenario = load_scenario(tmp_path / "f0.yaml", cache=cache)
    assert (scenario.seed, scenario.clock) == ("deep", 7)
    store = Store()
    store.set_baseline([scenario.apply])
    assert len(store.assistants.export_state("p")["threads"]) == 1  # applied once


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("version: 1\nclock: 99999999999999999999\n", ":2: clock: expected a value <= 253402300799, got "
         "99999999999999999999"),
        ("version: 1\nthreads: [{created_at: 253402300800}]\n", ":2: threads[0].created_at: expected a value <= "
         "253402300799, got 253402300800"),
        ("version: 1\nid_counters: {thread: 9007199254740992}\n", ":2: id_counters.thread: expected a value <= "
         "9007199254740991, got 9007199254740992"),
        ("version: 1\nscript_uses: {a: 9007199254740992}\n", ":2: script_uses.a: expected a value <= "
         "9007199254740991, got 9007199254740992"),
    ],
)  # fmt: skip
def test_numbers_beyond_what_the_wire_can_carry_are_refused(tmp_path: Path, body: str, expected: str) -> None:
    # The same bounds as the control plane's clock (the year 9999); counts stay exact for JavaScript clients.
    path = write(tmp_path, "big.yaml", body)
    assert errors(path) == [f"{path}{expected}"]


def test_a_restored_run_with_an_enormous_integer_is_refused_where_it_is() -> None:
    run = {"id": "run_" + "A" * 24, "assistant_id": "asst_" + "A" * 24, "status": "completed", "model": "m"}
    for key, value in (("started_at", 10**20), ("max_completion_tokens", 2**64), ("usage", None)):
        if value is None:
            run[key] = {"prompt_tokens": 2**64, "completion_tokens": 1, "total_tokens": 2**64 + 1}
        else:
            run[key] = value
        document = {"version": 1, "threads": [{"runs": [run]}]}
        with pytest.raises(ScenarioError) as info:
            Store().set_baseline([load_document(document, source="doc").apply])
        assert "threads[0].runs[0]." + key in str(info.value), str(info.value)
        del run[key]
