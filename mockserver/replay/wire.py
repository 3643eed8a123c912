"""Bodies and server-sent events as readable cassette structure that renders back to the exact bytes.

A JSON body is stored as structure plus the ``style`` it was printed in (compact, indented, ...), so a
reviewer reads a tree, yet replay sends byte-identical output. Anything that does not round-trip exactly
is stored as ``text`` (or ``base64`` when not UTF-8). SSE is stored event by event the same way.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from typing import Any

from mockserver.replay.scrub import scrub_text, scrub_value

#: json.dumps options for each printing style we can reproduce exactly.
_STYLES: dict[str, dict[str, Any]] = {
    "compact": {"separators": (",", ":"), "ensure_ascii": False},
    "indent2": {"indent": 2, "ensure_ascii": False},
    "spaced": {"ensure_ascii": False},
    "compact-ascii": {"separators": (",", ":")},
    "indent2-ascii": {"indent": 2},
    "indent4": {"indent": 4, "ensure_ascii": False},
    "spaced-ascii": {},
}
_EVENT_SPLIT = re.compile(rb"\r?\n\r?\n")


def dump_json(value: Any, style: str) -> str:
    base, _, newline = style.partition("+")
    return json.dumps(value, **_STYLES[base]) + ("\n" if newline == "nl" else "")


def encode_body(raw: bytes, secrets: tuple[str, ...] = ()) -> dict[str, Any] | None:
    """The cassette form of a body: ``{"json", "style"}``, ``{"text"}``, ``{"base64"}``, or None when empty."""
    if not raw:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        # Keys are ASCII, and latin-1 maps every byte to one character and back: scrub without corrupting.
        scrubbed = scrub_text(raw.decode("latin-1"), secrets).encode("latin-1")
        return {"base64": base64.b64encode(scrubbed).decode("ascii")}
    try:
        parsed = json.loads(text)
    except ValueError:
        return {"text": scrub_text(text, secrets)}
    for style in _STYLES:
        for suffix in ("", "+nl"):
            if dump_json(parsed, style + suffix) == text:
                return {"json": scrub_value(parsed, secrets), "style": style + suffix}
    return {"text": scrub_text(text, secrets)}


def decode_body(spec: dict[str, Any] | None) -> bytes:
    if not spec:
        return b""
    if "json" in spec:
        return dump_json(spec["json"], str(spec.get("style", "compact"))).encode()
    if "base64" in spec:
        return base64.b64decode(spec["base64"])
    return str(spec.get("text", "")).encode()


def body_value(spec: dict[str, Any] | None) -> Any:
    """What a body means, for matching: parsed JSON, else its text (None when empty)."""
    if not spec:
        return None
    if "json" in spec:
        return spec["json"]
    if "text" in spec:
        try:  # JSON printed in a style we cannot reproduce still matches by meaning
            return json.loads(spec["text"])
        except ValueError:
            return _fixed_boundary(str(spec["text"])) or spec["text"]
    try:  # an upload of binary content is multipart too
        return _fixed_boundary(base64.b64decode(spec.get("base64", "")).decode("latin-1")) or spec.get("base64")
    except ValueError:
        return spec.get("base64")


#: The opening delimiter of a multipart body (RFC 2046 boundary characters).
_MULTIPART = re.compile(r"--([0-9A-Za-z'()+_,\-./:=? ]{1,70})\r\n")


def _fixed_boundary(text: str) -> str | None:
    """A multipart body with its boundary replaced by a fixed one (None if not multipart): clients pick a random
    boundary per request (file uploads), so the same upload would otherwise never match its recording."""
    match = _MULTIPART.match(text)
    if match is None or not text.rstrip("\r\n").endswith(f"--{match.group(1)}--"):
        return None
    return text.replace(match.group(1), "BOUNDARY")


# -- server-sent events -------------------------------------------------------------------------------------


def encode_event(block: bytes, terminator: bytes, at_ms: int, secrets: tuple[str, ...] = ()) -> dict[str, Any]:
    """One event: ``{"at_ms", "event", "data" | "data_text"}``, or ``{"at_ms", "raw"}`` for anything unusual."""
    text = block.decode("utf-8", "replace")
    entry: dict[str, Any] = {"at_ms": at_ms}
    lines = text.split("\n")
    name: str | None = None
    if len(lines) == 2 and lines[0].startswith("event: "):
        name, lines = lines[0][len("event: ") :], lines[1:]
    if terminator == b"\n\n" and len(lines) == 1 and lines[0].startswith("data: ") and "\r" not in text:
        data = lines[0][len("data: ") :]
        if name is not None:
            entry["event"] = name
        try:
            parsed = json.loads(data)
            exact = dump_json(parsed, "compact") == data
        except ValueError:
            exact = False
        if exact:
            entry["data"] = scrub_value(parsed, secrets)
        else:
            entry["data_text"] = scrub_text(data, secrets)
    else:
        entry["raw"] = scrub_text((block + terminator).decode("utf-8", "replace"), secrets)
    return entry


def render_event(entry: dict[str, Any]) -> bytes:
    if "raw" in entry:
        return str(entry["raw"]).encode()
    data = dump_json(entry["data"], "compact") if "data" in entry else str(entry.get("data_text", ""))
    head = f"event: {entry['event']}\n" if "event" in entry else ""
    return f"{head}data: {data}\n\n".encode()


@dataclass
class EventRecorder:
    """Cuts a byte stream into events as chunks arrive, stamping each with its arrival offset."""

    secrets: tuple[str, ...] = ()
    events: list[dict[str, Any]] = field(default_factory=list)
    _buffer: bytes = b""

    def feed(self, chunk: bytes, at_ms: int) -> None:
        self._buffer += chunk
        while True:
            match = _EVENT_SPLIT.search(self._buffer)
            if match is None:
                return
            block, terminator = self._buffer[: match.start()], match.group(0)
            self._buffer = self._buffer[match.end() :]
            self.events.append(encode_event(block, terminator, at_ms, self.secrets))

    def finish(self, disconnected: bool) -> dict[str, Any]:
        """The cassette ``stream`` section; ``end`` says how the stream ended."""
        if disconnected:
            end = "disconnect"
        elif any(ev.get("event") == "error" for ev in self.events[-2:]):
            end = "error"
        else:
            end = "clean"
        stream: dict[str, Any] = {"end": end, "events": self.events}
        if self._buffer:
            stream["tail"] = scrub_text(self._buffer.decode("utf-8", "replace"), self.secrets)
        return stream


def parse_stream(raw: bytes, secrets: tuple[str, ...] = ()) -> dict[str, Any]:
    """A whole buffered SSE body (from an imported cassette) as a ``stream`` section with zero offsets."""
    recorder = EventRecorder(secrets)
    recorder.feed(raw, 0)
    return recorder.finish(disconnected=False)
