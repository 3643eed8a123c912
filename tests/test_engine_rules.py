"""The scripted model's pure parts: rule validation (with locations), matching, closest rules, usage, chunks."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver import model as engine
from mockserver.core import errors as e
from mockserver.model.rules import RunContext, matches


def ctx(text: str, **metadata: dict[str, str]) -> RunContext:
    return RunContext(
        text=text,
        assistant={"id": "asst_1", "metadata": metadata.get("assistant", {})},
        thread={"metadata": metadata.get("thread", {})},
        run={"metadata": metadata.get("run", {})},
    )


@pytest.mark.parametrize(
    ("rules", "param"),
    [
        ("nope", "script"),
        ([{"match": {}}], "script[0].reply"),
        ([{"reply": "x", "match": {"contains": 1}}], "script[0].match.contains"),
        ([{"reply": "x", "match": {"regex": "("}}], "script[0].match.regex"),
        ([{"reply": "x", "match": {"sender": "me"}}], "script[0].match.sender"),
        ([{"reply": {"text": "a", "fail": True}}], "script[0].reply"),
        ([{"reply": "x"}, {"reply": {"tool_calls": []}}], "script[1].reply.tool_calls"),
        ([{"reply": {"tool_calls": [{"arguments": {}}]}}], "script[0].reply.tool_calls[0].name"),
        ([{"reply": {"fail": {"code": "teapot"}}}], "script[0].reply.fail.code"),
        (
            [{"reply": {"text": "hi", "annotations": [{"text": "zz", "file_id": "f"}]}}],
            "script[0].reply.annotations[0].text",
        ),
        ([{"reply": "x", "then": [{"expire": False}]}], "script[0].then[0].expire"),
        ([{"reply": "x", "times": 0}], "script[0].times"),
    ],
)
def test_invalid_rules_name_the_location(rules: Any, param: str) -> None:
    with pytest.raises(e.InvalidRequestError) as info:
        engine.parse_rules(rules)
    assert info.value.param == param


def test_rules_are_normalized() -> None:
    rule = engine.parse_rules([{"reply": {"tool_calls": [{"name": "f", "arguments": {"a": 1}}]}, "then": "ok"}])[0]
    assert rule == {
        "match": {},
        "reply": {"tool_calls": [{"name": "f", "arguments": '{"a":1}'}]},
        "then": [{"text": "ok", "annotations": []}],
    }
    note = engine.parse_rules(
        [{"reply": {"text": "see the doc", "annotations": [{"text": "the doc", "file_id": "f"}]}}]
    )
    assert note[0]["reply"]["annotations"][0] == {
        "type": "file_citation", "text": "the doc", "file_citation": {"file_id": "f"},
        "start_index": 4, "end_index": 11,
    }  # fmt: skip


def test_matching_conditions() -> None:
    def rule(**match: Any) -> dict[str, Any]:
        return engine.parse_rules([{"match": match, "reply": "x"}])[0]

    assert matches(rule(equals="hi"), ctx(" hi "))
    assert not matches(rule(equals="hi"), ctx("hi there"))
    assert matches(rule(contains="there"), ctx("hi there")) and not matches(rule(contains="There"), ctx("hi there"))
    assert matches(rule(regex=r"order #\d+"), ctx("my order #12"))
    assert matches(rule(assistant_id="asst_1"), ctx("")) and not matches(rule(assistant_id="asst_2"), ctx(""))
    assert matches(rule(thread_metadata={"a": "1"}), ctx("", thread={"a": "1", "b": "2"}))
    assert not matches(rule(run_metadata={"a": "1"}), ctx("", run={"a": "2"}))
    assert matches(rule(), ctx("anything"))


def test_first_match_wins_and_times_limits_uses() -> None:
    rules = engine.parse_rules([{"name": "once", "reply": "a", "times": 1}, {"name": "always", "reply": "b"}])
    assert engine.find_rule(rules, {}, ctx("x")) == (0, rules[0])
    assert engine.find_rule(rules, {"once": 1}, ctx("x")) == (1, rules[1])


def test_closest_rules_rank_by_similarity() -> None:
    rules = engine.parse_rules(
        [
            {"name": "refund", "match": {"contains": "refund"}, "reply": "r"},
            {"name": "hello", "match": {"contains": "hello"}, "reply": "h"},
        ]
    )
    assert [c.split(" ")[0] for c in engine.closest_rules(rules, ctx("helo"))] == ["'hello'", "'refund'"]


def test_usage_and_chunks_are_deterministic() -> None:
    assert [engine.count_tokens(t) for t in ("", "a", "abcd", "abcde")] == [0, 1, 1, 2]
    assert engine.chunk("abcdefg", 3) == ["abc", "def", "g"] and engine.chunk("", 3) == [""]
    assert engine.fill_template("{{message}} -> {{output}}", message="q", outputs=["1", "2"]) == "q -> 1\n2"


@given(st.text(min_size=1, max_size=40), st.integers(1, 8), st.data())
def test_text_deltas_rebuild_the_reply_and_carry_each_annotation_once(text: str, size: int, data: Any) -> None:
    # Spans inside the text: start < end <= len(text), as parse_rules computes them.
    spans = data.draw(st.lists(st.tuples(st.integers(0, len(text) - 1), st.integers(1, len(text))), max_size=3))
    notes = [
        {"type": "file_path", "start_index": a, "end_index": max(a + 1, b)}
        for a, b in spans
        if max(a + 1, b) <= len(text)
    ]
    blocks = engine.text_deltas(text, notes, size)
    assert "".join(b["value"] for b in blocks) == text and "annotations" in blocks[0]
    carried = [note for b in blocks for note in b.get("annotations", [])]
    assert sorted(n["index"] for n in carried) == list(range(len(notes)))
    start = 0
    for block in blocks:
        end = start + len(block["value"])
        assert all(start < n["end_index"] <= end for n in block.get("annotations", []))
        start = end


def test_a_catastrophic_regex_cannot_stall_the_server_and_re2_refusals_name_the_rule() -> None:
    """Issue 12: ^(a+)+$ on 26 a's and a '!' took 3.8 s with a backtracking engine (40 would take days); RE2 is
    linear in the text, so this returns at once."""
    catastrophic = engine.parse_rules([{"match": {"regex": r"^(a+)+$"}, "reply": "x"}])[0]
    assert not matches(catastrophic, ctx("a" * 40 + "!"))
    with pytest.raises(e.InvalidRequestError) as info:
        engine.parse_rules([{"reply": "x", "match": {"regex": "(?=lookahead)"}}], "script")
    assert info.value.param == "script[0].match.regex"
