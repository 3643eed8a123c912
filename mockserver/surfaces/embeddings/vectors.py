"""Deterministic embedding vectors (docs/chat.md "Embeddings").

A vector depends only on the model and the input text: the sum of one pseudo-random direction per distinct
lowercase word (so texts that share words are close, in proportion to the words they share), plus a smaller
direction of the whole text (so different texts never coincide, even with the same words), in the model's
native size, cut to ``dimensions`` and scaled to unit length as the real models are. Returned as float32 values,
so the ``float`` and ``base64`` encodings carry exactly the same numbers.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
import sys
from array import array
from functools import lru_cache

NATIVE_DIMENSIONS = {"text-embedding-3-large": 3072}
DEFAULT_DIMENSIONS = 1536
#: Weight of the whole-text direction against the words' (each word has weight 1 / sqrt(words)).
TEXT_WEIGHT = 0.5
WORD_RE = re.compile(r"\w+")


def native_dimensions(model: str) -> int:
    return NATIVE_DIMENSIONS.get(model, DEFAULT_DIMENSIONS)


def _lanes(model: str, key: str, size: int) -> int:
    """``size`` pseudo-random bytes for (model, key), one per 32-bit lane of a big integer.

    Summing these integers adds every lane at once in C (a lane never overflows: 255 per word), which keeps an
    embedding of many words at one Python pass over the dimensions instead of one per word.
    """
    raw = hashlib.shake_256(f"{model}\x00{key}".encode()).digest(size)
    return int.from_bytes(array("I", list(raw)).tobytes(), "little")


@lru_cache(maxsize=8192)
def _word(model: str, word: str, size: int) -> int:
    return _lanes(model, word, size)


def _unpack(total: int, size: int) -> list[int]:
    lanes = array("I")
    lanes.frombytes(total.to_bytes(size * 4, "little"))
    if sys.byteorder != "little":  # pragma: no cover - every CI machine is little-endian
        lanes.byteswap()
    return lanes.tolist()


def embed(model: str, text: str, dimensions: int | None = None, words: list[str] | None = None) -> array[float]:
    """The unit-length float32 vector of ``text`` (``words`` overrides the word split, for token inputs).

    Each direction has entries ``byte / 127.5 - 1`` in [-1, 1]; the vector is ``TEXT_WEIGHT * text direction +
    sum of word directions / sqrt(words)``, computed from the byte sums in one pass.
    """
    size = native_dimensions(model)
    distinct = list(dict.fromkeys(words if words is not None else (w.lower() for w in WORD_RE.findall(text))))
    text_bytes = _unpack(_lanes(model, "\x00text\x00" + text, size), size)
    word_sum = _unpack(sum(_word(model, w, size) for w in distinct), size) if distinct else [0] * size
    scale = 1 / math.sqrt(len(distinct)) if distinct else 0.0
    a, b = TEXT_WEIGHT / 127.5, scale / 127.5
    c = -(TEXT_WEIGHT + scale * len(distinct))
    total = [a * t + b * w + c for t, w in zip(text_bytes, word_sum, strict=True)]
    if dimensions is not None:
        total = total[:dimensions]
    norm = math.hypot(*total) or 1.0
    return array("f", map((1.0 / norm).__mul__, total))


def as_base64(vector: array[float]) -> str:
    """Standard base64 of little-endian float32 values, as the real API sends ``encoding_format: base64``."""
    if sys.byteorder != "little":  # pragma: no cover - every CI machine is little-endian
        vector = array("f", vector)
        vector.byteswap()
    return base64.b64encode(vector.tobytes()).decode("ascii")
