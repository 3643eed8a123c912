"""Secrets in the places a first scrubber misses: query strings, keys glued to escapes, non-UTF-8 bodies."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from mockserver.replay.cassette import save
from mockserver.replay.layer import capture_request
from mockserver.replay.lint import lint_file
from mockserver.replay.matching import Matcher
from mockserver.replay.scrub import REDACTED_KEY, find_secrets, scrub_text
from mockserver.replay.wire import encode_body

KEY = "sk-proj-AbCdEf0123456789abcdefGHIJklmn"
LEGACY = "sk-" + "A1b2C3d4E5" * 4 + "Zz9Yy8Xx"


def scope(query: bytes, body_headers: list[tuple[bytes, bytes]] = ()) -> dict[str, object]:  # type: ignore[assignment]
    return {"method": "GET", "path": "/v1/threads", "query_string": query, "headers": list(body_headers)}


def test_a_key_in_the_query_string_is_scrubbed_and_the_request_still_matches() -> None:
    recorded = capture_request(scope(f"api_key={KEY}&include[]=a&limit=2".encode()), b"")
    assert KEY not in repr(recorded) and recorded["query"]["api_key"] == REDACTED_KEY
    assert recorded["query"]["include[]"] == "a"
    again = capture_request(scope(f"limit=2&include[]=a&api_key={KEY}".encode()), b"")
    assert Matcher([{"request": recorded, "response": {"status": 200}}]).take(again) is not None


@pytest.mark.parametrize(
    "text",
    [
        f"line one\\n{KEY}",  # a JSON escape kept as text (raw SSE events, unusual JSON styles)
        f"Authorization=Bearer%20{KEY}",  # URL-encoded
        f"OPENAI_API_KEY_{KEY}",
        f"glued{LEGACY}",
        f"\\t{LEGACY}",
    ],
)
def test_keys_glued_to_other_characters_are_scrubbed_and_linted(text: str) -> None:
    assert find_secrets(text), text
    scrubbed = scrub_text(text)
    assert KEY not in scrubbed and LEGACY not in scrubbed and REDACTED_KEY in scrubbed
    assert find_secrets(scrubbed) == []


@pytest.mark.parametrize(
    "text", ["risk-adjusted-return-on-capital-figures", "task-force-abcdefghijklmnopqrstu", "sk-REDACTED"]
)
def test_ordinary_hyphenated_words_are_left_alone(text: str) -> None:
    assert scrub_text(text) == text and find_secrets(text) == []


def test_a_key_in_a_non_utf8_body_is_scrubbed_and_lint_decodes_base64(tmp_path: Path) -> None:
    raw = ("caf\xe9 token=" + KEY).encode("latin-1")
    stored = encode_body(raw)
    assert stored is not None and "base64" in stored
    decoded = base64.b64decode(stored["base64"])
    assert KEY.encode() not in decoded and decoded.startswith(b"caf\xe9 token=" + REDACTED_KEY.encode())
    leaked = tmp_path / "leaked.yaml"
    body = {"base64": base64.b64encode(raw).decode()}
    save(leaked, [{"request": {"method": "POST", "path": "/v1/files", "body": body}, "response": {"status": 200}}])
    findings = lint_file(leaked)
    assert findings and "holds a secret" in str(findings[0]) and KEY not in str(findings[0])
