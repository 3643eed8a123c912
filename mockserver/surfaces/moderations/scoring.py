"""Moderation results: the real categories, deterministic low scores, and flags from moderation rules.

A rule ``{"match": {"contains": "kill"}, "categories": {"violence": 0.97}}`` (or a list of category names, each
scored 0.9) sets those scores for every input it matches; a category is flagged when its score is at least
0.5, and a result is flagged when any category is. Everything else scores a tiny deterministic value
(a function of the model, the input and the category), as harmless text does with the real models.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from mockserver.core import errors as e
from mockserver.core import validation as v
from mockserver.surfaces.chat.inputs import unknown

#: The omni categories in the order real responses list them (V-spec example).
CATEGORIES = (
    "harassment", "harassment/threatening", "sexual", "hate", "hate/threatening", "illicit", "illicit/violent",
    "self-harm/intent", "self-harm/instructions", "self-harm", "sexual/minors", "violence", "violence/graphic",
)  # fmt: skip
#: Categories the omni models also score on images.
IMAGE_CATEGORIES = frozenset(
    {"sexual", "self-harm", "self-harm/intent", "self-harm/instructions", "violence", "violence/graphic"}
)
DEFAULT_RULE_SCORE = 0.9
FLAG_AT = 0.5
MATCH_KINDS = ("equals", "contains", "regex")


def parse_rules(raw: Any, param: str) -> list[dict[str, Any]]:
    rules = v.expect_array(raw, param) or []
    return [_rule(rule, f"{param}[{i}]") for i, rule in enumerate(rules)]


def _rule(raw: Any, param: str) -> dict[str, Any]:
    body = v.expect_object(raw, param) or {}
    unknown(body, ("name", "match", "categories"), param)
    match = v.expect_object(v.require(body, "match", param), f"{param}.match") or {}
    unknown(match, MATCH_KINDS, f"{param}.match")
    for kind in MATCH_KINDS:
        if kind in match:
            text = v.expect_string(match[kind], f"{param}.match.{kind}") or ""
            if kind == "regex":
                try:
                    re.compile(text)
                except re.error as exc:
                    where = f"{param}.match.regex"
                    raise e.InvalidRequestError(
                        e.SCRIPT_BAD_REGEX.format(param=where, error=exc), param=where
                    ) from None
    raw_categories = v.require(body, "categories", param)
    if isinstance(raw_categories, list):
        raw_categories = {name: DEFAULT_RULE_SCORE for name in raw_categories}
    categories = v.expect_object(raw_categories, f"{param}.categories") or {}
    for name, score in categories.items():
        if name not in CATEGORIES:
            raise e.invalid_value(name, list(CATEGORIES), f"{param}.categories")
        v.expect_number(score, f"{param}.categories.{name}", minimum=0, maximum=1)
    rule: dict[str, Any] = {"match": dict(match), "categories": dict(categories)}
    if body.get("name") is not None:
        rule["name"] = v.expect_string(body["name"], f"{param}.name")
    return rule


def _matches(match: Mapping[str, str], text: str) -> bool:
    folded = text.casefold()
    if "equals" in match and folded.strip() != match["equals"].casefold().strip():
        return False
    if "contains" in match and match["contains"].casefold() not in folded:
        return False
    return not ("regex" in match and re.search(match["regex"], text) is None)


def _base_score(model: str, text: str, category: str) -> float:
    digest = hashlib.sha256(f"{model}\x00{category}\x00{text}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 * 1e-3 + 1e-6


def result(model: str, texts: list[str], images: list[str], rules: list[dict[str, Any]]) -> dict[str, Any]:
    """One result for one input (the texts and image URLs it holds)."""
    whole = "\n".join([*texts, *images])
    scores = {name: _base_score(model, whole, name) for name in CATEGORIES}
    for rule in rules:
        if any(_matches(rule["match"], piece) for piece in [whole, *texts, *images]):
            for name, score in rule["categories"].items():
                scores[name] = max(scores[name], float(score))
    categories = {name: scores[name] >= FLAG_AT for name in CATEGORIES}
    applied = {}
    for name in CATEGORIES:
        kinds = ["text"] if texts else []
        if images and name in IMAGE_CATEGORIES:
            kinds.append("image")
        applied[name] = kinds
    return {
        "flagged": any(categories.values()),
        "categories": categories,
        "category_scores": scores,
        "category_applied_input_types": applied,
    }
