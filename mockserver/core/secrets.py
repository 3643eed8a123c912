"""Keeping API keys out of logs, files and listings, while keeping the partition a key names stable.

Without ``OpenAI-Project`` the bearer key names the project. In memory that stays the key (so ``?project=sk-...``
and ``server.reset("sk-...")`` keep working), but wherever a name leaves the process a key is replaced:

- in the state file and whole-state exports, by its **sealed** form ``key:sk-abcde****wxyz:<sha256 prefix>``, which
  the key claims back on its first request after a restart (``ProjectStore._project``);
- in the access log and listings, by the same sealed form; in the journal, ``Authorization`` is masked.

A name is treated as a key when it starts with ``sk-`` (every OpenAI key format does: ``sk-``, ``sk-proj-``,
``sk-svcacct-``, ``sk-admin-``); ``OpenAI-Project`` values (``proj_...``) are not secrets and stay as they are.
"""

from __future__ import annotations

import hashlib
import re

SEALED_RE = re.compile(r"^key:[^:]*:[0-9a-f]{32}$")


def mask(key: str) -> str:
    """The real 401's masking: a short prefix, stars, the last four characters."""
    if len(key) <= 8:
        return "*" * len(key)
    return f"{key[:8]}{'*' * max(len(key) - 12, 4)}{key[-4:]}"


def is_secret(name: str) -> bool:
    return name.startswith("sk-")


def seal(name: str) -> str:
    """A stable, non-reversible name for a key-named project (other names are returned unchanged)."""
    if not is_secret(name):
        return name
    return f"key:{mask(name)}:{hashlib.sha256(name.encode('utf-8', 'surrogatepass')).hexdigest()[:32]}"


def is_sealed(name: str) -> bool:
    return bool(SEALED_RE.match(name))


def mask_authorization(value: str) -> str:
    """``Bearer sk-abc...`` -> ``Bearer sk-abc****wxyz``; other schemes keep only their name."""
    scheme, _, credential = value.partition(" ")
    if not credential:
        return mask(value)
    return f"{scheme} {mask(credential.strip())}"
