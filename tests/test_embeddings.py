"""Embeddings: encodings, dimensions, limits and errors, and deterministic vectors (hypothesis)."""
# ruff: noqa: E501 (the table of real error texts reads best one case per line)

from __future__ import annotations

import base64
import math
import struct
from typing import Any

import openai
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from mockserver import MockServer
from mockserver.app import create_app
from mockserver.store import Store
from mockserver.surfaces.embeddings import vectors

from .clients import tracked
from .schema import platform_errors

MODEL = "text-embedding-3-small"
BAD = "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference."


def _norm(values: list[float]) -> float:
    return math.sqrt(sum(x * x for x in values))


def _cos(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_float_encoding_strict(sdk: Any) -> None:
    result = sdk.embeddings.create(model=MODEL, input=["hello world", "hello there"], encoding_format="float")
    assert result.object == "list" and result.model == MODEL
    assert [d.index for d in result.data] == [0, 1] and all(d.object == "embedding" for d in result.data)
    assert len(result.data[0].embedding) == 1536
    assert abs(_norm(result.data[0].embedding) - 1) < 1e-6
    assert result.usage.prompt_tokens == result.usage.total_tokens == 6


def test_base64_default_decodes_to_the_float_values(fresh_server: MockServer) -> None:
    """The SDK asks for base64 and decodes it itself: bit for bit the floats of encoding_format=float."""
    client = tracked(fresh_server.client(api_key="sk-test-key"))
    decoded = client.embeddings.create(model=MODEL, input="Hello, world!").data[0].embedding
    floats = client.embeddings.create(model=MODEL, input="Hello, world!", encoding_format="float").data[0].embedding
    assert decoded == floats
    raw = client.embeddings.create(model=MODEL, input="Hello, world!", encoding_format="base64").data[0].embedding
    assert isinstance(raw, str) and len(raw) == 8192
    assert list(struct.unpack("<1536f", base64.b64decode(raw))) == floats


def test_strict_validation_with_the_default_base64_is_an_sdk_limit(sdk: Any) -> None:
    """The SDK validates strictly before decoding base64: this fails against the real API too (docs/chat.md)."""
    with pytest.raises(openai.APIResponseValidationError):
        sdk.embeddings.create(model=MODEL, input="hi")


def test_dimensions_shorten_and_renormalize(sdk: Any) -> None:
    full = sdk.embeddings.create(model=MODEL, input="hi", encoding_format="float").data[0].embedding
    short = sdk.embeddings.create(model=MODEL, input="hi", dimensions=128, encoding_format="float").data[0].embedding
    assert len(short) == 128 and abs(_norm(short) - 1) < 1e-6
    assert _cos(full[:128], short) / _norm(full[:128]) > 0.9999
    large = sdk.embeddings.create(model="text-embedding-3-large", input="hi", encoding_format="float")
    assert len(large.data[0].embedding) == 3072


def test_token_inputs(sdk: Any) -> None:
    one = sdk.embeddings.create(model=MODEL, input=[1, 2, 3], encoding_format="float")
    many = sdk.embeddings.create(model=MODEL, input=[[1, 2, 3], [4]], encoding_format="float")
    assert len(one.data) == 1 and len(many.data) == 2 and many.usage.prompt_tokens == 4
    assert one.data[0].embedding == many.data[0].embedding


ERRORS: list[tuple[dict[str, Any], int, str, str | None, str | None]] = [
    ({"model": MODEL, "input": ""}, 400, BAD, None, None),
    ({"model": MODEL, "input": []}, 400, BAD, None, None),
    ({"model": MODEL, "input": ["a", ""]}, 400, BAD, None, None),
    ({"model": MODEL, "input": ["a"] * 2049}, 400, BAD, None, None),
    ({"model": MODEL, "input": [[1], [-1]]}, 400, BAD, None, None),
    ({"model": MODEL, "input": 7}, 400, BAD, None, None),
    ({"model": MODEL, "input": [list(range(8193))]}, 400, "Invalid 'input[0]': maximum input length is 8192 tokens.", "input[0]", None),
    ({"model": MODEL, "input": ["x" * 32000] * 40}, 400, "Requested 320000 tokens, max 300000 tokens per request: maximum request size is 300000 tokens per request.", None, None),
    ({"model": "text-embedding-ada-002", "input": "a", "dimensions": 8}, 400, "This model does not support specifying dimensions.", None, None),
    ({"model": MODEL, "input": "a", "dimensions": 0}, 400, "Invalid 'dimensions': integer below minimum value. Expected a value >= 1, but got 0 instead.", "dimensions", "integer_below_min_value"),
    ({"model": MODEL, "input": "a", "encoding_format": "int8"}, 400, "Invalid value: 'int8'. Supported values are: 'float' and 'base64'.", "encoding_format", "invalid_value"),
    ({"input": "a"}, 400, "you must provide a model parameter", None, None),
    ({"model": MODEL}, 400, "Missing required parameter: 'input'.", "input", "missing_required_parameter"),
    ({"model": "gpt-4o", "input": "a"}, 404, "The model `gpt-4o` does not exist or you do not have access to it.", None, "model_not_found"),
    ({"model": MODEL, "input": "a", "bogus": 1}, 400, "Unrecognized request argument supplied: bogus", None, None),
]  # fmt: skip


@pytest.mark.parametrize(("body", "status", "message", "param", "code"), ERRORS)
def test_errors(
    api: TestClient, body: dict[str, Any], status: int, message: str, param: str | None, code: str | None
) -> None:
    response = api.post("/v1/embeddings", json=body)
    assert response.status_code == status
    assert response.json()["error"] == {
        "message": message,
        "type": "invalid_request_error",
        "param": param,
        "code": code,
    }


def test_schema_and_headers(api: TestClient) -> None:
    response = api.post("/v1/embeddings", json={"model": MODEL, "input": ["a", "b"], "encoding_format": "float"})
    assert platform_errors(response.json(), "CreateEmbeddingResponse") == []
    assert response.headers["openai-model"] == MODEL
    based = api.post("/v1/embeddings", json={"model": MODEL, "input": "a", "encoding_format": "base64"}).json()
    # Deliberate difference: the spec types `embedding` as numbers only, yet base64 answers carry a string.
    assert platform_errors(based, "CreateEmbeddingResponse") == [
        "data/0/embedding: '" + based["data"][0]["embedding"] + "' is not of type 'array'"
    ]


@settings(max_examples=50, deadline=None)
@given(
    # dims >= 2: a one-dimensional unit vector is +1 or -1, so two texts collide half the time (found by hypothesis)
    text=st.text(min_size=1, max_size=40),
    other=st.text(min_size=1, max_size=40),
    dims=st.none() | st.integers(2, 64),
)
def test_vectors_depend_only_on_model_and_text(text: str, other: str, dims: int | None) -> None:
    first = list(vectors.embed(MODEL, text, dims))
    assert first == list(vectors.embed(MODEL, text, dims))
    assert abs(_norm(first) - 1) < 1e-5
    if dims is None or dims >= 8:  # a 1-dimensional unit vector is +1 or -1: with so few, any two may coincide
        if other != text:
            assert first != list(vectors.embed(MODEL, other, dims))
        assert list(vectors.embed("text-embedding-3-large", text, dims)) != first


def test_vectors_are_the_same_across_servers_and_projects() -> None:
    body = {"model": MODEL, "input": "same text", "encoding_format": "float"}
    results = []
    for key in ("sk-a", "sk-b"):
        with TestClient(
            create_app(Store()),
            headers={"Authorization": f"Bearer {key}"},
        ) as client:
            results.append(client.post("/v1/embeddings", json=body).json()["data"][0]["embedding"])
    assert results[0] == results[1]


def test_shared_words_make_texts_close() -> None:
    base = list(vectors.embed(MODEL, "the cat sat on the mat"))
    near = list(vectors.embed(MODEL, "the cat sat on a mat"))
    far = list(vectors.embed(MODEL, "quarterly revenue grew strongly"))
    assert _cos(base, near) > 0.6 > 0.2 > _cos(base, far)
    assert _cos(base, list(vectors.embed(MODEL, "The cat sat on the mat!"))) > 0.75
