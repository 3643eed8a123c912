"""``POST /v1/embeddings``: validation with the real limits and wording, then deterministic vectors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.core.store import SurfaceOps, locked
from mockserver.model.replies import count_tokens
from mockserver.surfaces.embeddings import vectors
from mockserver.surfaces.model_kinds import check_embedding_model

FIELDS = ("model", "input", "encoding_format", "dimensions", "user")
MAX_INPUTS = 2048
MAX_INPUT_TOKENS = 8192
MAX_REQUEST_TOKENS = 300_000
#: Models that cannot shorten their vectors (the real 400 for ``dimensions``).
FIXED_SIZE = ("text-embedding-ada-002",)


def _bad_input() -> e.InvalidRequestError:
    return e.InvalidRequestError(e.EMBEDDING_BAD_INPUT)


def parse_inputs(raw: Any) -> list[tuple[str, list[str] | None, int]]:
    """Each input as (text, words for token arrays or None, token count)."""
    if isinstance(raw, str):
        items: list[Any] = [raw]
    elif isinstance(raw, list) and raw and all(isinstance(x, int) and not isinstance(x, bool) for x in raw):
        items = [raw]
    elif isinstance(raw, list):
        items = raw
    else:
        raise _bad_input()
    if not items or len(items) > MAX_INPUTS:
        raise _bad_input()
    out: list[tuple[str, list[str] | None, int]] = []
    for item in items:
        if isinstance(item, str):
            if not item:
                raise _bad_input()
            out.append((item, None, count_tokens(item)))
        elif (
            isinstance(item, list)
            and item
            and all(isinstance(t, int) and not isinstance(t, bool) and t >= 0 for t in item)
        ):
            out.append((" ".join(map(str, item)), [f"#{t}" for t in item], len(item)))
        else:
            raise _bad_input()
    for index, (_, _, tokens) in enumerate(out):
        if tokens > MAX_INPUT_TOKENS:
            param = f"input[{index}]"
            raise e.InvalidRequestError(e.EMBEDDING_TOO_LONG.format(param=param, limit=MAX_INPUT_TOKENS), param=param)
    total = sum(tokens for _, _, tokens in out)
    if total > MAX_REQUEST_TOKENS:
        raise e.InvalidRequestError(e.EMBEDDING_REQUEST_TOO_LARGE.format(tokens=total, limit=MAX_REQUEST_TOKENS))
    return out


class EmbeddingsOps(SurfaceOps):
    name = "embeddings"

    @locked
    def create(self, project: str, body: Mapping[str, Any]) -> dict[str, Any]:
        v.reject_unknown(body, FIELDS)
        if body.get("model") in (None, ""):
            raise e.InvalidRequestError(e.CHAT_MISSING_MODEL)
        model = v.expect_string(body["model"], "model") or ""
        inputs = parse_inputs(v.require(body, "input"))
        encoding = v.expect_enum(body.get("encoding_format"), ["float", "base64"], "encoding_format", nullable=True)
        dimensions = v.expect_int(body.get("dimensions"), "dimensions", nullable=True, minimum=1)
        v.expect_string(body.get("user"), "user", nullable=True)
        check_embedding_model(self.store, project, model)
        if dimensions is not None:
            if model in FIXED_SIZE:
                raise e.InvalidRequestError(e.EMBEDDING_NO_DIMENSIONS)
            v.check_range(dimensions, "dimensions", 1, vectors.native_dimensions(model), integer=True)
        self._project(project)  # the request belongs to a project like any other (isolation, journal)
        data = []
        for index, (text, words, _) in enumerate(inputs):
            vector = vectors.embed(model, text, dimensions, words)
            embedding: Any = vectors.as_base64(vector) if encoding == "base64" else vector.tolist()
            data.append({"object": "embedding", "index": index, "embedding": embedding})
        tokens = sum(n for _, _, n in inputs)
        return {
            "object": "list",
            "data": data,
            "model": model,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }
