"""Hand-written readable ids in scenario files, and `mockserver validate` reporting every kind of mistake at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver import MockServer
from mockserver.cli import main
from mockserver.core.ids import is_seedable_id, is_valid_id

from .clients import tracked

READABLE = {
    "version": 1,
    "assistants": [{"id": "asst_billing_bot", "model": "gpt-4o"}],
    "threads": [{"id": "thread_abc123", "messages": [{"id": "msg_greeting", "role": "user", "content": "Hi"}]}],
}


@pytest.mark.parametrize(
    ("object_id", "ok"),
    [("thread_abc123", True), ("thread_support_chat_1", True), ("thread_" + "a" * 64, True),
     ("thread_" + "a" * 65, False), ("thread_", False), ("thread_not-ok", False), ("msg_abc", False),
     ("thread_a b", False)],
)  # fmt: skip
def test_a_hand_written_id_is_the_prefix_then_letters_digits_or_underscores(object_id: str, ok: bool) -> None:
    assert is_seedable_id(object_id, "thread") is ok


def test_readable_ids_load_and_serve_while_generated_ids_keep_the_real_form() -> None:
    with MockServer(scenario=READABLE) as server:
        client = tracked(server.client(_strict_response_validation=True))
        assert client.beta.assistants.retrieve("asst_billing_bot").model == "gpt-4o"
        assert client.beta.threads.messages.list(thread_id="thread_abc123").data[0].id == "msg_greeting"
        created = client.beta.threads.messages.create(thread_id="thread_abc123", role="user", content="More")
        assert is_valid_id(created.id, "message") and len(created.id) == len("msg_") + 24
        assert server.export()["threads"][0]["id"] == "thread_abc123"


def test_validate_reports_structural_script_and_runs_mistakes_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "version: 1\n"
        "threads:\n"
        "  - id: thread_not-ok\n"
        "script:\n"
        "  - match: {contains: hi}\n"
        "    reply: {txt: hello}\n"
        "runs:\n"
        "  progress: sometimes\n",
        encoding="utf-8",
    )
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{bad}:3: threads[0].id: expected 'thread_' followed by 1 to 64 letters")
    assert err[1].startswith(f"{bad}:6: script[0].reply: ")
    assert err[2].startswith(f"{bad}:8: runs.progress: Invalid value: 'sometimes'")
    assert err[3] == "1 of 1 scenario file(s) invalid"


def test_validate_reports_every_section_mistake_of_a_structurally_valid_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "sections.json"
    bad.write_text('{"version": 1, "script": [{"reply": {"txt": "x"}}], "runs": {"reads": 0}}', encoding="utf-8")
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "script[0].reply" in err and "runs.reads" in err
