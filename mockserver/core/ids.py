"""Deterministic IDs and the fake clock.

Nothing in the package calls ``time.time()``, ``uuid4()`` or ``random`` for anything a client can see: each
project owns an :class:`IdFactory` and a :class:`Clock`, so IDs and timestamps are a pure function of the
seed, the project and the operations since the last reset.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ID_BODY_LENGTH = 24


@dataclass(frozen=True)
class IdFormat:
    """How one kind of object's IDs look: ``prefix`` then ``length`` characters of ``alphabet``."""

    prefix: str
    length: int = ID_BODY_LENGTH
    #: ``base62`` (letters and digits, the Assistants form) or ``hex`` (lowercase, the Responses form).
    alphabet: str = "base62"


#: Object kind -> the form of its IDs. A surface that mints a new kind of id adds it here (one line): the kind
#: names its counter, so adding a kind never shifts another kind's IDs.
KINDS: dict[str, IdFormat] = {
    "assistant": IdFormat("asst_"),
    "thread": IdFormat("thread_"),
    "message": IdFormat("msg_"),
    "run": IdFormat("run_"),
    "step": IdFormat("step_"),
    "call": IdFormat("call_"),
    "vector_store": IdFormat("vs_", 32, "hex"),  # the first 8 hex are created_at (surfaces/vector_stores/ops.py)
    "vector_store_file_batch": IdFormat("vsfb_", 32, "hex"),
    "file": IdFormat("file-", 22),
    "upload": IdFormat("upload_"),
    "upload_part": IdFormat("part_"),
    "chat_completion": IdFormat("chatcmpl-", 29),
    "moderation": IdFormat("modr-", 32, "hex"),
    # Responses and Conversations (docs/responses.md, "Ids"): lowercase hex, 50 long (48 for conversations).
    "response": IdFormat("resp_", 50, "hex"),
    "conversation": IdFormat("conv_", 48, "hex"),
    "response_message": IdFormat("msg_", 50, "hex"),
    "function_call": IdFormat("fc_", 50, "hex"),
    "function_call_output": IdFormat("fco_", 50, "hex"),
    "reasoning": IdFormat("rs_", 50, "hex"),
    "web_search_call": IdFormat("ws_", 50, "hex"),
    "file_search_call": IdFormat("fs_", 50, "hex"),
    "code_interpreter_call": IdFormat("ci_", 50, "hex"),
    "container": IdFormat("cntr_", 48, "hex"),
}
#: Object kind -> the prefix its IDs carry (the separator is part of the prefix).
PREFIXES = {kind: form.prefix for kind, form in KINDS.items()}
_ID_RES = {
    kind: re.compile(rf"^[{'A-Za-z0-9' if form.alphabet == 'base62' else '0-9a-f'}]{{{form.length}}}$")
    for kind, form in KINDS.items()
}

#: 2025-01-01T00:00:00Z: the default start of every project's clock.
DEFAULT_EPOCH = 1735689600
#: 9999-12-31T23:59:59Z: the latest time the clock or a seeded object may carry (every client's date types hold it).
MAX_TIMESTAMP = 253_402_300_799
#: The largest count a seeded object or counter may carry: exact in every JSON reader (JavaScript's 2**53-1).
MAX_COUNT = 2**53 - 1


#: Maps each byte to an alphanumeric character (byte % 62): one ``bytes.translate`` per id, no big-int maths.
_BYTE_TO_CHAR = bytes(ord(ALPHABET[b % 62]) for b in range(256))


def _base62(digest: bytes, length: int) -> str:
    return digest[:length].translate(_BYTE_TO_CHAR).decode("ascii")


def is_valid_id(object_id: str, kind: str) -> bool:
    """True if ``object_id`` has the real format for ``kind``: prefix plus 24 alphanumerics."""
    prefix = PREFIXES[kind]
    return object_id.startswith(prefix) and bool(_ID_RES[kind].match(object_id[len(prefix) :]))


#: Hand-written ids in scenario files (``thread_support_chat``): the kind's prefix, then 1 to this many letters,
#: digits or underscores. Generated ids keep the real form (:func:`is_valid_id`).
SEEDED_ID_MAX = 64
_SEEDED_RE = re.compile(rf"^[A-Za-z0-9_]{{1,{SEEDED_ID_MAX}}}$")


def is_seedable_id(object_id: str, kind: str) -> bool:
    """True if ``object_id`` may be given explicitly for ``kind``: the real form, or a readable hand-written one.

    Kinds with hex ids (the Responses family) keep their exact form: their surfaces' schemas say so."""
    if KINDS[kind].alphabet == "hex":
        return is_valid_id(object_id, kind)
    prefix = PREFIXES[kind]
    return object_id.startswith(prefix) and bool(_SEEDED_RE.match(object_id[len(prefix) :]))


class IdFactory:
    """Mints IDs as a hash of (seed, project, kind, per-kind counter).

    Per-kind counters keep thread IDs stable when a test adds or removes a message. The project is part of the
    hash so two projects on one server never share an ID (a thread of one key is a 404 for another).
    """

    def __init__(self, seed: str = "", project: str = "") -> None:
        self._salt = f"{seed}\x00{project}\x00"
        self._counters: dict[str, int] = {}

    def new(self, kind: str) -> str:
        form = KINDS[kind]
        n = self._counters.get(kind, 0) + 1
        self._counters[kind] = n
        digest = hashlib.sha256(f"{self._salt}{kind}\x00{n}".encode()).digest()
        if form.alphabet == "hex":
            # One digest gives 64 hex digits; a second (a hash of the first) extends longer forms.
            if form.length > 64:
                digest += hashlib.sha256(digest).digest()
            return form.prefix + digest.hex()[: form.length]
        return form.prefix + _base62(digest, form.length)

    def request_id(self) -> str:
        """``req_`` plus 32 lowercase hex characters, as in real ``x-request-id`` headers."""
        n = self._counters.get("request", 0) + 1
        self._counters["request"] = n
        return "req_" + hashlib.sha256(f"{self._salt}request\x00{n}".encode()).hexdigest()[:32]

    def counters(self) -> dict[str, int]:
        return dict(self._counters)

    def restore(self, counters: dict[str, int]) -> None:
        self._counters = dict(counters)


class Clock:
    """Integer Unix seconds that move only when told to: frozen by default, so timestamps can be asserted."""

    def __init__(self, start: int = DEFAULT_EPOCH) -> None:
        self._now = int(start)

    def now(self) -> int:
        return self._now

    def set(self, when: int) -> None:
        self._now = int(when)

    def advance(self, seconds: int) -> int:
        self._now += int(seconds)
        return self._now
