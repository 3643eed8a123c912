"""The real OpenAI API's route families, so a request the fake cannot answer says *why*.

A 404 for ``/v1/responses`` is not a typo in the client: it is an endpoint mockserver does not serve (yet).
:func:`not_found_message` is asked only after no route matched; a family whose first path segment any
registered route serves is never reported as missing, so a surface registered in ``surfaces/__init__.py`` wins
automatically and a typo inside it (``/v1/threads/x/mesages``) keeps the real "Unknown request URL" wording.
"""

from __future__ import annotations

from collections.abc import Iterable

from mockserver.core import errors as e

#: First path segment under ``/v1`` -> the name of the real API family (https://platform.openai.com/docs/api-reference).
OPENAI_FAMILIES: dict[str, str] = {
    "responses": "the Responses API",
    "conversations": "the Conversations API",
    "chat": "Chat Completions",
    "completions": "the legacy Completions API",
    "embeddings": "the Embeddings API",
    "moderations": "the Moderations API",
    "files": "the Files API",
    "uploads": "the Uploads API",
    "vector_stores": "the Vector stores API",
    "models": "the Models API",
    "audio": "the Audio API",
    "images": "the Images API",
    "videos": "the Videos API",
    "batches": "the Batch API",
    "fine_tuning": "the Fine-tuning API",
    "evals": "the Evals API",
    "realtime": "the Realtime API",
    "containers": "the Containers API",
    "chatkit": "ChatKit",
    "organization": "the Administration API",
    "assistants": "the Assistants API",
    "threads": "the Assistants API",
}
#: Where a user reads what is served and what to do about the rest.
DOCS_HINT = "See docs/faq.md in the mockserver repository for what is served."


def first_segment(path: str) -> str | None:
    """``/v1/chat/completions`` -> ``chat``; None for a path outside ``/v1/``."""
    if not path.startswith("/v1/"):
        return None
    return path[4:].split("/", 1)[0] or None


def served_segments(paths: Iterable[str]) -> frozenset[str]:
    """The first segments the app's routes serve (route paths such as ``/v1/threads/{thread_id}``)."""
    return frozenset(s for s in (first_segment(p) for p in paths) if s)


def not_found_message(method: str, path: str, shown_path: str, served: frozenset[str]) -> str:
    """The 404 message for a request no route matched: "not implemented yet" for a real family we lack."""
    segment = first_segment(path)
    family = OPENAI_FAMILIES.get(segment or "")
    if family is None or segment in served:
        return e.UNKNOWN_URL.format(method=method, path=shown_path)
    return e.NOT_IMPLEMENTED.format(family=family, method=method, path=shown_path, hint=DOCS_HINT)
