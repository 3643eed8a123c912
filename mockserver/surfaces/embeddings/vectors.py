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


@lru_cache(maxsize=8192)
def _direction(model: str, key: str, size: int) -> tuple[float, ...]:
    """A fixed pseudo-random vector with entries in [-1, 1] for (model, key)."""
    raw = hashlib.shake_256(f"{model}\x00{key}".encode()).digest(size)
    return tuple(b / 127.5 - 1.0 for b in raw)


def embed(model: str, text: str, dimensions: int | None = None, words: list[str] | None = None) -> array[float]:
    """The unit-length float32 vector of ``text`` (``words`` overrides the word split, for token inputs)."""
    size = native_dimensions(model)
    distinct = list(dict.fromkeys(words if words is not None else (w.lower() for w in WORD_RE.findall(text))))
    total = [TEXT_WEIGHT * x for x in _direction(model, "\x00text\x00" + text, size)]
    if distinct:
        scale = 1 / math.sqrt(len(distinct))
        for word in distinct:
            total = [t + scale * x for t, x in zip(total, _direction(model, word, size), strict=True)]
    if dimensions is not None:
        total = total[:dimensions]
    norm = math.sqrt(sum(x * x for x in total)) or 1.0
    return array("f", [x / norm for x in total])


def as_base64(vector: array[float]) -> str:
    """Standard base64 of little-endian float32 values, as the real API sends ``encoding_format: base64``."""
    if sys.byteorder != "little":  # pragma: no cover - every CI machine is little-endian
        vector = array("f", vector)
        vector.byteswap()
    return base64.b64encode(vector.tobytes()).decode("ascii")
