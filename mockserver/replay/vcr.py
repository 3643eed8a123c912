"""Import vcrpy / pytest-recording cassettes (YAML or JSON, format version 1) of OpenAI traffic.

vcrpy stores each body as one string (or ``!!binary`` bytes, possibly still gzip-compressed) and headers as
lists. We keep what our format keeps: allowlisted headers, bodies as structure, SSE bodies cut into events
(arrival offsets are unknown, so all are 0), and scrub secrets exactly as the recorder does.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from mockserver.replay.cassette import CassetteError, check_structure, save
from mockserver.replay.matching import query_mapping, query_pairs
from mockserver.replay.scrub import REQUEST_HEADERS, RESPONSE_HEADERS, keep_headers, scrub_pairs, scrub_text
from mockserver.replay.wire import encode_body, parse_stream

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _headers(raw: Any) -> list[tuple[str, str]]:
    if not isinstance(raw, dict):
        return []
    pairs = []
    for name, value in raw.items():
        values = value if isinstance(value, list) else [value]
        pairs.append((str(name), ", ".join(str(v) for v in values)))
    return pairs


def _bytes(body: Any) -> bytes:
    """vcrpy bodies: None, str, bytes (``!!binary``), or ``{"string": ...}`` / ``{"base64_string": ...}``."""
    if isinstance(body, dict):
        if "base64_string" in body:
            return base64.b64decode(body["base64_string"])
        body = body.get("string")
    if body is None:
        return b""
    return body if isinstance(body, bytes) else str(body).encode()


def _decompress(raw: bytes, encoding: str, where: str) -> bytes:
    """Undo a ``content-encoding`` vcrpy kept; refusing beats writing bytes no client could read."""
    encoding = encoding.strip().lower()
    if not raw or encoding in ("", "identity"):
        return raw
    try:
        if encoding in ("gzip", "x-gzip"):
            return gzip.decompress(raw)
        if encoding == "deflate":  # servers send it with or without the zlib header
            return zlib.decompress(raw, wbits=zlib.MAX_WBITS if raw[:1] == b"\x78" else -zlib.MAX_WBITS)
    except (OSError, EOFError, zlib.error) as exc:
        raise CassetteError(f"{where}: the body is not valid {encoding} ({exc})") from exc
    raise CassetteError(f"{where}: cannot decode content-encoding {encoding!r} (gzip and deflate are supported)")


def convert_interaction(item: Any, index: int, secrets: tuple[str, ...] = ()) -> dict[str, Any]:
    where = f"interactions[{index}]"
    if not isinstance(item, dict) or not isinstance(item.get("request"), dict):
        raise CassetteError(f"{where}: not a vcrpy interaction")
    req, resp = item["request"], item.get("response") or {}
    for name in ("method", "uri"):
        if not isinstance(req.get(name), str) or not req[name]:
            raise CassetteError(f"{where}.request: needs a {name!r} string")
    url = urlsplit(req["uri"])
    request: dict[str, Any] = {"method": req["method"].upper(), "path": scrub_text(url.path or "/", secrets)}
    pairs = scrub_pairs(query_pairs(url.query), secrets)
    if pairs:
        request["query"] = query_mapping(pairs)
    headers = keep_headers(_headers(req.get("headers")), REQUEST_HEADERS)
    if headers:
        request["headers"] = headers
    body = encode_body(_bytes(req.get("body")), secrets)
    if body is not None:
        request["body"] = body
    status = resp.get("status")
    code = status.get("code") if isinstance(status, dict) else status
    if not isinstance(code, int):
        raise CassetteError(f"{where}.response: no status code")
    raw_headers = _headers(resp.get("headers"))
    lowered = {name.lower(): value for name, value in raw_headers}
    raw = _decompress(_bytes(resp.get("body")), lowered.get("content-encoding", ""), f"{where}.response")
    response: dict[str, Any] = {"status": code, "headers": keep_headers(raw_headers, RESPONSE_HEADERS)}
    if lowered.get("content-type", "").startswith("text/event-stream"):
        response["stream"] = parse_stream(raw, secrets)
    else:
        response["body"] = encode_body(raw, secrets)
    return {"request": request, "response": response}


def convert(document: Any, secrets: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    if not isinstance(document, dict) or not isinstance(document.get("interactions"), list):
        raise CassetteError("not a vcrpy cassette (no 'interactions' list)")
    return [convert_interaction(item, i, secrets) for i, item in enumerate(document["interactions"])]


def import_vcr(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> int:
    """Convert the vcrpy cassette ``source`` into our cassette ``target`` (replaced); returns the count."""
    source = Path(source)
    try:
        text = source.read_text(encoding="utf-8")
        document = json.loads(text) if source.suffix.lower() == ".json" else yaml.load(text, Loader=_Loader)
    except FileNotFoundError as exc:
        raise CassetteError(f"{source}: not found") from exc
    except (ValueError, yaml.YAMLError) as exc:
        raise CassetteError(f"{source}: cannot parse: {exc}") from exc
    except RecursionError:
        raise CassetteError(f"{source}: nested too deeply to read") from None
    check_structure(document, source)  # the same limits as cassettes and scenarios
    try:
        interactions = convert(document)
    except CassetteError as exc:
        raise CassetteError(f"{source}: {exc}") from exc
    save(target, interactions, replace=True)
    return len(interactions)
