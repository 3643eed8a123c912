"""Compact JSON encoding for response bodies and stream events.

orjson encodes a page of messages about ten times faster than the standard library, which is most of what
a list call costs the server. It cannot encode integers beyond 64 bits (a client may put one in a tool's
JSON schema), so those bodies fall back to the standard library, which gives the same bytes for everything
else the API returns.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def dumps(content: Any) -> bytes:
    try:
        return orjson.dumps(content)
    except TypeError:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()
