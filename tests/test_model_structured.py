"""mockserver.model.structured: schema-valid default instances, the readable validator, strict-mode checks."""

from __future__ import annotations

import datetime
import enum
import json
import uuid
from typing import Any, Literal, Optional, Union

import jsonschema
import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openai.lib._pydantic import to_strict_json_schema
from pydantic import AnyUrl, BaseModel, Field, conint, constr

from mockserver.model.structured import SchemaError, instance_for, strict_problem, validate

# ---------------------------------------------------------------------------------------------- pydantic models


class Color(enum.Enum):
    red = "red"
    blue = "blue"


class Step(BaseModel):
    explanation: str
    output: str


class MathReasoning(BaseModel):
    steps: list[Step]
    final_answer: str


class Node(BaseModel):
    value: int
    children: list[Node]


class Cat(BaseModel):
    kind: Literal["cat"]
    lives: conint(ge=1, le=9)  # type: ignore[valid-type]


class Dog(BaseModel):
    kind: Literal["dog"]
    good: bool


class Everything(BaseModel):
    when: datetime.datetime
    day: datetime.date
    at: datetime.time
    lasted: datetime.timedelta
    id: uuid.UUID
    url: AnyUrl
    color: Color
    maybe: Optional[int]  # noqa: UP045 - the Optional spelling is what users write
    pet: Union[Cat, Dog] = Field(discriminator="kind")  # noqa: UP007
    pair: tuple[int, str]
    code: constr(pattern=r"^[A-Z]{3}-\d{4}$")  # type: ignore[valid-type]
    ratio: float = Field(gt=0, lt=1)
    price: float = Field(multiple_of=0.25, ge=10)
    tree: Node
    counts: dict[str, int]
    short: str = Field(min_length=12, max_length=14)
    nested: list[list[Step]] = Field(min_length=2)


MODELS: list[type[BaseModel]] = [Step, MathReasoning, Node, Cat, Everything]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("variant", [0, 1, 2, 5])
def test_instances_parse_as_the_sdk_parse_helper_does(model: type[BaseModel], variant: int) -> None:
    schema = to_strict_json_schema(model)
    instance = instance_for(schema, variant=variant)
    assert validate(schema, instance) == []
    jsonschema.Draft202012Validator(schema).validate(instance)
    model.model_validate_json(json.dumps(instance))  # what chat.completions.parse() does with the content


def test_instances_are_deterministic_and_variants_differ() -> None:
    schema = to_strict_json_schema(MathReasoning)
    assert instance_for(schema) == instance_for(schema)
    assert instance_for(schema) == {
        "steps": [{"explanation": "explanation", "output": "output"}],
        "final_answer": "final_answer",
    }
    assert len({json.dumps(instance_for(schema, variant=i)) for i in range(4)}) == 4


def test_recursive_schemas_end() -> None:
    tree = instance_for(to_strict_json_schema(Node))
    depth = 0
    while tree["children"]:
        tree, depth = tree["children"][0], depth + 1
    assert depth < 10


def test_unsatisfiable_schemas_raise() -> None:
    with pytest.raises(SchemaError):
        instance_for(False)
    with pytest.raises(SchemaError):
        instance_for({"type": "integer", "minimum": 3, "maximum": 2})
    with pytest.raises(SchemaError):
        instance_for(
            {
                "$defs": {"A": {"type": "object", "properties": {"a": {"$ref": "#/$defs/A"}}, "required": ["a"]}},
                "$ref": "#/$defs/A",
            }
        )
    with pytest.raises(SchemaError, match="does not resolve"):
        instance_for({"$ref": "#/$defs/Missing"})


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "string", "format": "date-time"}, "2024-01-01T00:00:00Z"),
        ({"type": "string", "format": "email"}, "user@example.com"),
        ({"type": "string", "format": "uuid"}, "00000000-0000-4000-8000-000000000000"),
        ({"type": "string", "enum": ["b", "a"]}, "b"),
        ({"const": {"x": 1}}, {"x": 1}),
        ({"type": ["null", "integer"], "minimum": 5}, 5),
        ({"type": "integer", "exclusiveMinimum": 5, "multipleOf": 4}, 8),
        ({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1}, 0.5),
        ({"type": "number", "maximum": -2.5, "multipleOf": 0.5}, -2.5),
        ({"type": "string", "minLength": 3, "maxLength": 3}, "str"),
        ({"type": "string", "pattern": "^[a-z]+@[a-z]+\\.com$"}, "a@a.com"),
        ({"type": "array", "items": {"type": "integer"}, "minItems": 3, "uniqueItems": True}, [0, 1, -1]),
        ({"anyOf": [{"type": "string", "maxLength": 0, "minLength": 1}, {"type": "boolean"}]}, True),
        ({"type": "string", "nullable": True, "enum": [None]}, None),
        ({"definitions": {"A": {"type": "integer", "minimum": 7}}, "items": [{"$ref": "#/definitions/A"}]}, [7]),
    ],
)
def test_keyword_examples(schema: dict[str, Any], expected: Any) -> None:
    assert instance_for(schema) == expected
    assert validate(schema, expected) == []


def test_errors_are_readable_and_located() -> None:
    schema = to_strict_json_schema(MathReasoning)
    errors = validate(schema, {"steps": [{"explanation": 1}], "final_answer": "x", "extra": True})
    assert errors == [
        "$.steps[0]: 'output' is a required property",
        "$.steps[0].explanation: 1 is not of type 'string'",
        "$: additional property 'extra' is not allowed",
    ]
    assert validate({"type": "integer", "maximum": 3}, 4) == ["$: 4 is greater than the maximum of 3"]
    assert validate({"enum": ["a"]}, "b") == ["$: 'b' is not one of ['a']"]
    assert validate({"type": "integer"}, True) == ["$: True is not of type 'integer'"]
    assert validate({"type": "string", "format": "date"}, "2024-13-01") == ["$: '2024-13-01' is not a valid 'date'"]
    assert validate({"properties": {"a b": {"type": "null"}}}, {"a b": 1}) == ["$['a b']: 1 is not of type 'null'"]


def test_strict_problem_wording() -> None:
    assert strict_problem(to_strict_json_schema(MathReasoning)) is None
    # dict fields are open maps: the real API refuses them in strict mode, and so does the check
    assert strict_problem(to_strict_json_schema(Everything)) == (
        "In context=('properties', 'counts'), 'additionalProperties' is required to be supplied and to be false."
    )
    assert strict_problem({"type": "object", "properties": {"a": {"type": "string"}}}) == (
        "In context=(), 'additionalProperties' is required to be supplied and to be false."
    )
    nested = {
        "type": "object",
        "additionalProperties": False,
        "required": ["a"],
        "properties": {"a": {"type": "object", "additionalProperties": False, "properties": {"x": {"type": "string"}}}},
    }
    assert strict_problem(nested) == (
        "In context=('properties', 'a'), 'required' is required to be supplied and to be an array including every "
        "key in properties. Missing 'x'."
    )
    assert (
        strict_problem({"type": "array"})
        == "schema must be a JSON Schema of 'type: \"object\"', got 'type: \"array\"'."
    )


# ---------------------------------------------------------------------------------------------- hypothesis

PATTERNS = ["^[a-z]{2,5}$", "^\\d{3}-\\d{2}$", "^(foo|bar)+$", "x[0-9]?y", "^[A-Z][a-z]*$", "^\\w+@\\w+\\.org$"]
FORMATS = ["date", "date-time", "email", "uuid", "uri"]
NAMES = st.text(alphabet="abcdefgh_", min_size=1, max_size=6)


@st.composite
def _bounded_ints(draw: st.DrawFn) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer"}
    step = draw(st.sampled_from([None, 1, 2, 3, 5]))
    low = draw(st.none() | st.integers(-50, 50))
    if low is not None:
        schema[draw(st.sampled_from(["minimum", "exclusiveMinimum"]))] = low
        schema[draw(st.sampled_from(["maximum", "exclusiveMaximum"]))] = low + draw(st.integers(12, 40))
    if step:
        schema["multipleOf"] = step
    return schema


@st.composite
def _bounded_numbers(draw: st.DrawFn) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "number"}
    low = draw(st.none() | st.floats(-1e6, 1e6))
    width = draw(st.floats(0.001, 100))
    if low is not None:
        schema[draw(st.sampled_from(["minimum", "exclusiveMinimum"]))] = low
        schema[draw(st.sampled_from(["maximum", "exclusiveMaximum"]))] = low + width
        if width > 3:
            schema["multipleOf"] = draw(st.sampled_from([0.5, 0.25, 1, 2]))
    return schema


@st.composite
def _strings(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["plain", "length", "enum", "format", "pattern", "const"]))
    if kind == "length":
        low = draw(st.integers(0, 20))
        return {"type": "string", "minLength": low, "maxLength": low + draw(st.integers(0, 5))}
    if kind == "enum":
        return {"type": "string", "enum": draw(st.lists(st.text(max_size=5), min_size=1, max_size=4, unique=True))}
    if kind == "format":
        return {"type": "string", "format": draw(st.sampled_from(FORMATS))}
    if kind == "pattern":
        return {"type": "string", "pattern": draw(st.sampled_from(PATTERNS))}
    if kind == "const":
        return {"const": draw(st.text(max_size=5) | st.integers() | st.booleans())}
    return {"type": "string"}


LEAVES = (
    _strings()
    | _bounded_ints()
    | _bounded_numbers()
    | st.just({"type": "boolean"})
    | st.just({"type": "null"})
    | st.just({"type": ["string", "null"]})
)


def _extend(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    @st.composite
    def objects(draw: st.DrawFn) -> dict[str, Any]:
        props = draw(st.dictionaries(NAMES, children, max_size=4))
        required = [k for k in props if draw(st.booleans())]
        schema: dict[str, Any] = {"type": "object", "properties": props, "required": required}
        if draw(st.booleans()):
            schema["additionalProperties"] = False
        return schema

    @st.composite
    def arrays(draw: st.DrawFn) -> dict[str, Any]:
        low = draw(st.integers(0, 3))
        return {"type": "array", "items": draw(children), "minItems": low, "maxItems": low + draw(st.integers(0, 2))}

    @st.composite
    def unions(draw: st.DrawFn) -> dict[str, Any]:
        key = draw(st.sampled_from(["anyOf", "oneOf"]))
        if key == "oneOf":  # branches of different types, so exactly one can match
            types = draw(
                st.lists(st.sampled_from(["string", "boolean", "null", "array"]), min_size=1, max_size=3, unique=True)
            )
            return {"oneOf": [{"type": t} for t in types]}
        return {"anyOf": draw(st.lists(children, min_size=1, max_size=3))}

    @st.composite
    def all_of(draw: st.DrawFn) -> dict[str, Any]:
        return {"allOf": [draw(children), {"description": draw(st.text(max_size=5))}]}

    return objects() | arrays() | unions() | all_of()


INNER = st.recursive(LEAVES, _extend, max_leaves=8)


@st.composite
def _with_refs(draw: st.DrawFn) -> dict[str, Any]:
    """$defs live at the root (a $ref resolves against the whole document), used from a nested place."""
    target, other = draw(INNER), draw(INNER)
    return {
        "$defs": {"Target": target},
        "type": "object",
        "properties": {
            "r": {"$ref": "#/$defs/Target"},
            "list": {"type": "array", "items": {"$ref": "#/$defs/Target"}},
            "o": other,
        },
        "required": ["r", "list"],
    }


SCHEMAS = INNER | _with_refs()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=SCHEMAS, variant=st.integers(0, 3))
def test_generated_instances_validate_with_jsonschema(schema: dict[str, Any], variant: int) -> None:
    instance = instance_for(schema, variant=variant)
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    jsonschema.Draft202012Validator(schema, format_checker=checker).validate(instance)
    assert validate(schema, instance) == []
    assert instance_for(schema, variant=variant) == instance


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-100, 100) | st.floats(-100, 100, allow_nan=False) | st.text(max_size=6),
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(NAMES, kids, max_size=3),
    max_leaves=10,
)


def _without_formats(schema: Any) -> bool:
    return "format" not in json.dumps(schema) and 'multipleOf": 0.' not in json.dumps(schema)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=SCHEMAS.filter(_without_formats), value=JSON_VALUES)
def test_validator_agrees_with_jsonschema(schema: dict[str, Any], value: Any) -> None:
    expected = jsonschema.Draft202012Validator(schema).is_valid(value)
    assert (validate(schema, value) == []) is expected, validate(schema, value)


def test_pydantic_rejects_what_the_validator_rejects() -> None:
    schema = to_strict_json_schema(Cat)
    bad = {"kind": "cat", "lives": 10}
    assert validate(schema, bad) == ["$.lives: 10 is greater than the maximum of 9"]
    with pytest.raises(pydantic.ValidationError):
        Cat.model_validate(bad)
