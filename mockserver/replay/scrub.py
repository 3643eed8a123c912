"""Keeping secrets out of cassettes: header allowlists and scrubbing of key-like strings.

Headers are *allowlisted* (anything not listed is dropped), so a credential header we never heard of cannot
leak. Bodies and stream events are scanned for strings shaped like API keys and bearer tokens.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

#: Request headers kept in a cassette (for the reader; none of them is part of the matching key).
REQUEST_HEADERS = frozenset({"content-type", "accept", "openai-beta"})
#: Response headers kept in a cassette and replayed. ``x-request-id``/``openai-version`` are added by the
#: server itself; ``openai-organization``/``openai-project`` would identify the recording account.
#: Rate-limit headers are kept too: a replayed 429 must carry what made the SDK retry (or not) while recording.
RESPONSE_HEADERS = frozenset(
    {
        "content-type", "openai-poll-after-ms", "retry-after", "retry-after-ms", "x-should-retry", "openai-model",
        "openai-processing-ms", "x-ratelimit-limit-requests", "x-ratelimit-limit-tokens",
        "x-ratelimit-remaining-requests", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-requests",
        "x-ratelimit-reset-tokens",
    }
)  # fmt: skip
#: Never written, whatever an allowlist says; ``lint-cassettes`` reports any of them it finds.
CREDENTIAL_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "api-key",
        "x-api-key",
        "cookie",
        "set-cookie",
        "openai-organization",
        "openai-project",
    }
)

REDACTED_KEY = "sk-REDACTED"
REDACTED_TOKEN = "REDACTED"

#: OpenAI secret keys (``sk-…``, ``sk-proj-…``, ``sk-svcacct-…``, ``sk-admin-…``) and session keys; the
#: length floor keeps placeholders such as ``sk-mockserver`` or the masked keys in 401 messages readable.
#: The distinctive prefixes and long unbroken ``sk-`` runs match even when glued to what precedes them: a
#: key after an escape kept as text (``\nsk-…`` in a raw event), URL-encoding (``Bearer%20sk-…``) or ``_``
#: has no word boundary. Only the short generic prefixes need one, so ``task-force-…`` stays readable.
_KEY = re.compile(
    r"sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{20,}"
    r"|sk-[A-Za-z0-9]{32,}"
    r"|\b(?:sk|sess|rk)-(?!REDACTED\b)[A-Za-z0-9_\-]{20,}"
)
_BEARER = re.compile(r"(?i)\bbearer\s+(?!REDACTED\b)[A-Za-z0-9._~+/\-]{12,}=*")


def keep_headers(headers: Iterable[tuple[str, str]], allowed: frozenset[str]) -> dict[str, str]:
    """Allowlisted headers, lower-cased names; credential headers are dropped even if allowlisted."""
    kept: dict[str, str] = {}
    for name, value in headers:
        lower = name.lower()
        if lower in allowed and lower not in CREDENTIAL_HEADERS:
            kept[lower] = scrub_text(value)
    return kept


def scrub_text(text: str, extra: Iterable[str] = ()) -> str:
    """``text`` with key-like strings and the given exact secrets replaced."""
    for secret in extra:
        if secret:
            text = text.replace(secret, REDACTED_KEY)
    text = _KEY.sub(REDACTED_KEY, text)
    return _BEARER.sub(f"Bearer {REDACTED_TOKEN}", text)


def scrub_pairs(pairs: Iterable[tuple[str, str]], extra: Iterable[str] = ()) -> list[tuple[str, str]]:
    """Query pairs scrubbed like any text (``?api_key=sk-…`` must not reach the file either)."""
    extra = tuple(extra)
    return [(scrub_text(name, extra), scrub_text(value, extra)) for name, value in pairs]


def scrub_value(value: Any, extra: tuple[str, ...] = ()) -> Any:
    """A copy of a JSON value with every string (keys included) scrubbed."""
    if isinstance(value, str):
        return scrub_text(value, extra)
    if isinstance(value, list):
        return [scrub_value(v, extra) for v in value]
    if isinstance(value, dict):
        return {scrub_text(k, extra): scrub_value(v, extra) for k, v in value.items()}
    return value


def find_secrets(text: str, extra: Iterable[str] = ()) -> list[str]:
    """Key-like strings (and the given exact secrets) present in ``text``, in order of appearance."""
    found = [m.group(0) for m in _KEY.finditer(text)] + [m.group(0) for m in _BEARER.finditer(text)]
    found += [s for s in extra if s and s in text]
    return found


def credential_headers(headers: Mapping[str, Any]) -> list[str]:
    return [name for name in headers if str(name).lower() in CREDENTIAL_HEADERS]
