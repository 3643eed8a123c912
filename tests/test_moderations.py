"""Moderations: the real categories in all three maps, deterministic scores, flags from moderation rules."""
# ruff: noqa: E501 (tables of real error texts read best one case per line)

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver import MockServer
from mockserver.core.errors import MockError
from mockserver.store import Store
from mockserver.surfaces.moderations.scoring import CATEGORIES

from .schema import platform_errors

KEY = "sk-test-key"


def test_harmless_text_strict(sdk: Any) -> None:
    result = sdk.moderations.create(input="I like turtles")
    assert result.id.startswith("modr-") and len(result.id) == 37
    assert result.model == "omni-moderation-latest"
    (item,) = result.results
    assert item.flagged is False
    raw = item.model_dump(by_alias=True)
    for key in ("categories", "category_scores", "category_applied_input_types"):
        assert set(raw[key]) == set(CATEGORIES)
    assert all(0 < s < 0.01 for s in raw["category_scores"].values())
    assert all(kinds == ["text"] for kinds in raw["category_applied_input_types"].values())


def test_rules_flag_matching_inputs(sdk: Any, fresh_server: MockServer) -> None:
    fresh_server.store.moderations.add_rules(
        KEY,
        [
            {"match": {"contains": "KILL"}, "categories": ["violence"]},
            {"match": {"regex": "h[a4]te"}, "categories": {"hate": 0.7, "harassment": 0.2}},
        ],
    )
    result = sdk.moderations.create(input=["I will kill the process", "h4te speech", "fine"])
    first, second, third = result.results
    assert first.flagged and first.categories.violence and first.category_scores.violence == 0.9
    assert second.flagged and second.categories.hate and not second.categories.harassment
    assert second.category_scores.harassment == 0.2
    assert not third.flagged


def test_multimodal_input_is_one_result(sdk: Any) -> None:
    parts = [{"type": "text", "text": "look"}, {"type": "image_url", "image_url": {"url": "https://example.com/x.png"}}]
    result = sdk.moderations.create(input=parts, model="omni-moderation-2024-09-26")
    (item,) = result.results
    applied = item.category_applied_input_types.model_dump(by_alias=True)
    assert applied["violence"] == ["text", "image"] and applied["hate"] == ["text"]
    assert result.model == "omni-moderation-2024-09-26"


def test_scores_are_deterministic(sdk: Any) -> None:
    one = sdk.moderations.create(input="same").results[0].category_scores
    two = sdk.moderations.create(input="same").results[0].category_scores
    assert one == two != sdk.moderations.create(input="other").results[0].category_scores


@pytest.mark.parametrize(
    ("body", "status", "message", "param", "code"),
    [
        ({}, 400, "Missing required parameter: 'input'.", "input", "missing_required_parameter"),
        ({"input": "x", "model": "gpt-4o"}, 404, "The model `gpt-4o` does not exist or you do not have access to it.", None, "model_not_found"),
        ({"input": []}, 400, "Invalid 'input': empty array. Expected an array with minimum length 1, but got an empty array instead.", "input", "empty_array"),
        ({"input": [{"type": "video"}]}, 400, "Invalid value: 'video'. Supported values are: 'text' and 'image_url'.", "input[0].type", "invalid_value"),
        ({"input": "x", "extra": 1}, 400, "Unrecognized request argument supplied: extra", None, None),
    ],
)  # fmt: skip
def test_errors(
    api: TestClient, body: dict[str, Any], status: int, message: str, param: str | None, code: str | None
) -> None:
    response = api.post("/v1/moderations", json=body)
    assert response.status_code == status
    assert response.json()["error"] == {
        "message": message,
        "type": "invalid_request_error",
        "param": param,
        "code": code,
    }


def test_schema(api: TestClient) -> None:
    response = api.post("/v1/moderations", json={"input": ["a", "b"], "model": "text-moderation-latest"})
    assert platform_errors(response.json(), "CreateModerationResponse") == []
    assert list(response.json()["results"][0]["categories"]) == list(CATEGORIES)  # the real order


def test_bad_rules_are_refused_whole(store: Store) -> None:
    with pytest.raises(MockError) as info:
        store.moderations.add_rules(
            KEY, [{"match": {"contains": "a"}, "categories": ["violence"]}, {"match": {}, "categories": ["nope"]}]
        )
    assert "'nope'" in str(info.value)
    assert store.moderations.rules(KEY) == []
