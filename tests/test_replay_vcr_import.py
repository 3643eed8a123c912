"""Importing a vcrpy / pytest-recording cassette of OpenAI traffic, then replaying it with the SDK."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mockserver import MockServer
from mockserver.replay import CassetteError, load_interactions
from mockserver.replay.lint import lint_file
from mockserver.replay.vcr import import_vcr

VCR = Path(__file__).parent / "data" / "vcr_openai_cassette.yaml"


def vcr_bodies() -> list[Any]:
    return [item["response"]["body"]["string"] for item in yaml.safe_load(VCR.read_text())["interactions"]]


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    target = tmp_path / "imported.yaml"
    assert import_vcr(VCR, target) == 5
    return target


def test_import_keeps_meaning_and_drops_secrets(imported: Path) -> None:
    text = imported.read_text()
    for secret in ("vcrRecordedRealKey", "leakedInAMessage", "__cf_bm", "user-abc123def456", "req_000"):
        assert secret not in text
    assert lint_file(imported) == []
    interactions = load_interactions(imported)
    assert [x["request"]["path"] for x in interactions] == [
        "/v1/assistants",
        "/v1/threads",
        *[f"/v1/threads/{interactions[1]['response']['body']['json']['id']}/{p}" for p in ("messages", "runs")],
        f"/v1/threads/{interactions[1]['response']['body']['json']['id']}/messages",
    ]
    assert interactions[0]["request"]["body"]["json"]["model"] == "gpt-4o"
    assert interactions[0]["response"]["body"]["style"] == "indent2"  # pretty JSON kept as structure
    assert interactions[1]["response"]["body"]["json"]["object"] == "thread"  # gzip body decompressed
    assert interactions[4]["request"]["query"] == {"limit": "20", "order": "asc"}
    stream = interactions[3]["response"]["stream"]
    assert stream["end"] == "clean"
    assert stream["events"][0]["event"] == "thread.run.created"
    assert stream["events"][-1] == {"at_ms": 0, "event": "done", "data_text": "[DONE]"}


def test_imported_cassette_replays_with_the_sdk(imported: Path) -> None:
    with MockServer(cassette=imported) as server:
        client = server.client(api_key="sk-anything", _strict_response_validation=True)
        raw = client.beta.assistants.with_raw_response.create(
            model="gpt-4o", name="Math tutor", instructions="You are a personal math tutor."
        )
        assert raw.http_response.text == vcr_bodies()[0]  # byte-identical to the vcrpy recording
        assistant = raw.parse()
        thread = client.beta.threads.create()
        client.beta.threads.messages.create(
            thread_id=thread.id,
            role="user",
            content="What is 3x + 11 = 14? My key is sk-proj-leakedInAMessage0123456789abcdef",
        )
        with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
            names = [event.event for event in stream]
            reply = stream.get_final_messages()[0].content[0].text.value
        messages = client.beta.threads.messages.list(thread_id=thread.id, order="asc", limit=20).data
        report = server.replay.finish()
        client.close()  # a pooled socket left to the garbage collector warns, an error under this suite
    assert names[0] == "thread.run.created" and names[-1] == "thread.run.completed"
    assert [m.role for m in messages] == ["user", "assistant"]
    assert messages[1].content[0].text.value == reply
    assert report is not None and not report.misses and not report.unused


def test_import_of_something_else_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.yaml"
    bogus.write_text("just: a mapping\n")
    with pytest.raises(CassetteError, match="not a vcrpy cassette"):
        import_vcr(bogus, tmp_path / "out.yaml")
    with pytest.raises(CassetteError, match="not found"):
        import_vcr(tmp_path / "missing.yaml", tmp_path / "out.yaml")


def vcr_interaction(response_headers: dict[str, list[str]], body: object, **request: object) -> dict[str, object]:
    req = {"method": "GET", "uri": "https://api.openai.com/v1/threads/thread_1", "body": None, "headers": {}}
    req.update(request)
    return {
        "request": req,
        "response": {"status": {"code": 200, "message": "OK"}, "headers": response_headers, "body": {"string": body}},
    }


def write_vcr(path: Path, *interactions: dict[str, object]) -> Path:
    path.write_text(yaml.safe_dump({"interactions": list(interactions), "version": 1}))
    return path


def test_raw_deflate_bodies_are_decompressed(tmp_path: Path) -> None:
    import zlib

    packer = zlib.compressobj(wbits=-15)  # what servers usually send as "deflate": no zlib header
    packed = packer.compress(b'{"id":"thread_1","object":"thread"}') + packer.flush()
    source = write_vcr(tmp_path / "in.yaml", vcr_interaction({"Content-Encoding": ["deflate"]}, packed))
    import_vcr(source, tmp_path / "out.yaml")
    assert load_interactions(tmp_path / "out.yaml")[0]["response"]["body"]["json"]["object"] == "thread"


@pytest.mark.parametrize(
    ("interaction", "message"),
    [
        (vcr_interaction({"Content-Encoding": ["br"]}, b"\x8b\x02\x80{}\x03"), r"interactions\[1\].*'br'"),
        (vcr_interaction({"Content-Encoding": ["gzip"]}, b"not gzip at all"), r"interactions\[1\].*gzip"),
        (vcr_interaction({}, "{}", uri=None), r"interactions\[1\].request.*uri"),
        (vcr_interaction({}, "{}", method=None), r"interactions\[1\].request.*method"),
    ],
)
def test_what_cannot_be_converted_is_a_clear_error(
    tmp_path: Path, interaction: dict[str, object], message: str
) -> None:
    source = write_vcr(tmp_path / "in.yaml", vcr_interaction({}, "{}"), interaction)
    with pytest.raises(CassetteError, match=message):
        import_vcr(source, tmp_path / "out.yaml")
    assert not (tmp_path / "out.yaml").exists()
