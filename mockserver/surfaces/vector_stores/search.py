"""The fake's retrieval: text extraction, chunking, a lexical score, attribute filters (docs/files.md, "Search").

Deterministic and documented rather than semantic:

- text: a file's bytes read as UTF-8 (invalid bytes replaced); ``usage_bytes`` is that text's UTF-8 size;
- chunks: ``max_chunk_size_tokens * 4`` characters each (the fake's 4-characters-per-token rule), each starting
  ``(max - overlap) * 4`` characters after the previous one;
- words: lower-cased runs of letters and digits (Unicode-aware), a plural ``s`` dropped from words of more than
  three letters (``refunds`` finds ``refund``), common English function words (:data:`STOPWORDS`) left out;
- score of a chunk for one query: the share of the query's distinct words that occur in the chunk (0..1);
  several queries: the best of them. Chunks sharing no word with the query (score 0) are not results;
- order: score descending, then the file's attach order, then the chunk's position in the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from mockserver.surfaces.vector_stores.state import Chunk

CHARS_PER_TOKEN = 4
_WORD_RE = re.compile(r"\w+")


#: Words too common to say anything about a match ("what is the refund policy" searches "refund policy").
STOPWORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "how", "i", "in", "is",
        "it", "its", "me", "my", "of", "on", "or", "our", "the", "this", "to", "was", "we", "what", "when", "where",
        "which", "who", "why", "will", "with", "you", "your",
    }
)  # fmt: skip


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def words(text: str) -> frozenset[str]:
    found = (match.lower() for match in _WORD_RE.findall(text) if match != "_" * len(match))
    return frozenset(_stem(word) for word in found if word not in STOPWORDS)


def extract_text(content: bytes) -> str:
    return content.decode("utf-8", errors="replace")


def chunk_text(text: str, strategy: Mapping[str, Any]) -> tuple[Chunk, ...]:
    static = strategy.get("static") or {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}
    size = static["max_chunk_size_tokens"] * CHARS_PER_TOKEN
    step = max(1, (static["max_chunk_size_tokens"] - static["chunk_overlap_tokens"]) * CHARS_PER_TOKEN)
    if not text:
        return ()
    chunks: list[Chunk] = []
    start = 0
    while True:
        piece = text[start : start + size]
        chunks.append((piece, words(piece)))
        if start + size >= len(text):
            return tuple(chunks)
        start += step


def score(query_words: Iterable[frozenset[str]], chunk_words: frozenset[str]) -> float:
    best = 0.0
    for wanted in query_words:
        if wanted:
            best = max(best, len(wanted & chunk_words) / len(wanted))
    return best


def matches_filter(flt: Mapping[str, Any], attributes: Mapping[str, Any]) -> bool:
    """Compound filters combine; a comparison on a missing attribute is false except ``ne`` and ``nin``;
    comparing a number with a string is false (as is ``gt`` & co. between booleans)."""
    kind = flt["type"]
    if kind == "and":
        return all(matches_filter(f, attributes) for f in flt["filters"])
    if kind == "or":
        return any(matches_filter(f, attributes) for f in flt["filters"])
    wanted = flt["value"]
    if flt["key"] not in attributes:
        return kind in ("ne", "nin")
    actual = attributes[flt["key"]]
    if kind in ("in", "nin"):
        options = wanted if isinstance(wanted, list) else [wanted]
        found = any(_same(actual, option) for option in options)
        return found if kind == "in" else not found
    if kind == "eq":
        return _same(actual, wanted)
    if kind == "ne":
        return not _same(actual, wanted)
    if not _comparable(actual, wanted):
        return False
    if kind == "gt":
        return bool(actual > wanted)
    if kind == "gte":
        return bool(actual >= wanted)
    if kind == "lt":
        return bool(actual < wanted)
    return bool(actual <= wanted)


def _same(a: Any, b: Any) -> bool:
    """Equality that keeps booleans apart from numbers (``True`` is not ``1`` here)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and bool(a == b)


def _comparable(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return False
    numbers = (int, float)
    return (isinstance(a, numbers) and isinstance(b, numbers)) or (isinstance(a, str) and isinstance(b, str))
