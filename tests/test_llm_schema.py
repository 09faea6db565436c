"""The structured-output models: inside OpenAI's strict-mode limits, and their citation
checks through validation context."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel, Field, ValidationError

from briefing.llm.schemas import (
    CitationContext,
    JudgeResult,
    MapResult,
    QuoteOut,
    ReduceResult,
    without_dropped,
)
from briefing.llm.strict import response_format, strict_schema

# https://platform.openai.com/docs/guides/structured-outputs#supported-schemas
MAX_PROPERTIES = 5000
MAX_NESTING = 10
MAX_ENUM_VALUES = 1000
MAX_NAME_CHARS = 120_000
# Keywords strict mode does not support (or supports only on some models).
UNSUPPORTED = {
    "default",
    "minLength",
    "maxLength",
    "format",
    "patternProperties",
    "unevaluatedProperties",
    "propertyNames",
    "minProperties",
    "maxProperties",
    "allOf",
    "not",
    "if",
    "then",
    "else",
}

PASSAGES = {
    "S1.1": "More than 5,500 people were evacuated, the agency said.",
    "S1.2": 'Tomas Reyn said: "We cannot rule it out."',
}


def walk(node: Any, depth: int, defs: dict[str, Any], seen: set[str]) -> tuple[int, int]:
    """(object properties, deepest object nesting) below `node`, following $refs."""
    if isinstance(node, list):
        results = [walk(n, depth, defs, seen) for n in node]
        return sum(r[0] for r in results), max((r[1] for r in results), default=depth)
    if not isinstance(node, dict):
        return 0, depth
    assert not UNSUPPORTED & node.keys(), f"unsupported keywords {UNSUPPORTED & node.keys()}"
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        assert name not in seen, f"recursive schema through {name}"
        return walk(defs[name], depth, defs, seen | {name})
    props, deepest = 0, depth
    if node.get("type") == "object":
        assert node.get("additionalProperties") is False
        assert sorted(node["required"]) == sorted(node["properties"]), "all fields required"
        props += len(node["properties"])
        depth += 1
        deepest = depth
    if "enum" in node:
        assert len(node["enum"]) <= MAX_ENUM_VALUES
    for key, value in node.items():
        if key in {"$defs", "enum", "required", "description", "title"}:
            continue
        p, d = walk(value, depth, defs, seen)
        props += p
        deepest = max(deepest, d)
    return props, deepest


def fits_strict_mode(schema: dict[str, Any]) -> None:
    """Fails (AssertionError) unless `schema` is inside strict mode's limits."""
    assert schema["type"] == "object"  # the root may not be anyOf
    props, depth = walk(schema, 0, schema.get("$defs", {}), set())
    assert props <= MAX_PROPERTIES
    assert depth <= MAX_NESTING
    assert len(json.dumps(schema)) < MAX_NAME_CHARS


@pytest.mark.parametrize("model", [MapResult, ReduceResult, JudgeResult])
def test_schemas_fit_strict_mode(model):
    schema = strict_schema(model)
    fits_strict_mode(schema)
    # Our models are strict as written: what is sent is exactly pydantic's schema.
    assert schema == model.model_json_schema()
    assert response_format(model) == {
        "type": "json_schema",
        "json_schema": {"schema": schema, "name": model.__name__, "strict": True},
    }


class Place(BaseModel):
    name: str


class Loose(BaseModel):
    """Not written for strict mode: an optional field, a described reference, an open list."""

    note: str | None = None
    where: Place = Field(description="Where it happened.")
    places: list[Place]


def test_a_loose_model_is_made_strict():
    fits_strict_mode(strict_schema(Loose))
    properties = strict_schema(Loose)["properties"]
    assert "default" not in properties["note"]  # still nullable, no longer optional
    assert {"type": "null"} in properties["note"]["anyOf"]
    assert properties["where"] == {
        "additionalProperties": False,
        "description": "Where it happened.",
        "properties": {"name": {"title": "Name", "type": "string"}},
        "required": ["name"],
        "title": "Place",
        "type": "object",
    }
    assert properties["places"]["items"] == {"$ref": "#/$defs/Place"}


def test_the_walker_rejects_the_loose_model_as_pydantic_writes_it():
    with pytest.raises(AssertionError):
        fits_strict_mode(Loose.model_json_schema())


def test_the_walker_rejects_a_non_strict_schema():
    loose = {"type": "object", "properties": {"a": {"type": "string", "default": "x"}}}
    with pytest.raises(AssertionError):
        walk(loose, 0, {}, set())


def summary(**item: Any) -> str:
    base = {
        "source_id": "S1",
        "key_points": [],
        "figures": [],
        "quotes": [],
        "hedged": [],
    }
    base.update(item)
    return json.dumps({"summaries": [base]})


def point(
    citations: list[str], text: str = "More than 5,500 people were evacuated, the agency said."
) -> dict[str, Any]:
    return {"citations": citations, "text": text, "attribution": None}


def figure(citations: list[str], text: str, value: float) -> dict[str, Any]:
    return {
        "text": text,
        "value": value,
        "unit": None,
        "counts": "residents",
        "attribution": None,
        "citations": citations,
    }


def test_without_context_nothing_is_checked():
    MapResult.model_validate_json(summary(key_points=[point(["S9.9"])]))


def test_unknown_ids_are_errors_with_context():
    ctx = CitationContext(PASSAGES, {"S1"})
    with pytest.raises(ValidationError, match=r"cites S9\.9, which is not a passage id given"):
        MapResult.model_validate_json(summary(key_points=[point(["S1.1", "S9.9"])]), context=ctx)


def test_malformed_ids_fail_the_schema_itself():
    with pytest.raises(ValidationError, match="should match pattern"):
        MapResult.model_validate_json(summary(key_points=[point(["passage one"])]))


def test_an_unknown_source_id_is_an_error():
    ctx = CitationContext(PASSAGES, {"S1"})
    with pytest.raises(ValidationError, match="source_id 'S4' is not one of S1"):
        MapResult.model_validate_json(summary(source_id="S4"), context=ctx)


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("We cannot rule it out.", True),
        ("\u201cwe cannot  rule it out\u201d", True),  # quotes, case and spacing do not matter
        ("We will rebuild.", False),
    ],
)
def test_quotes_must_stand_in_the_cited_passage(text, ok):
    quote = {"citations": ["S1.2"], "text": text, "speaker": "Tomas Reyn"}
    ctx = CitationContext(PASSAGES, {"S1"})
    if ok:
        QuoteOut.model_validate(quote, context=ctx)
    else:
        with pytest.raises(ValidationError, match="not found word for word"):
            QuoteOut.model_validate(quote, context=ctx)


def test_figures_must_give_numbers_the_passage_states():
    fig = {
        "text": "more than 5,500",
        "value": 5500,
        "unit": None,
        "counts": "people",
        "attribution": None,
        "citations": ["S1.1"],
    }
    ctx = CitationContext(PASSAGES, {"S1"})
    MapResult.model_validate_json(summary(figures=[fig]), context=ctx)
    wrong = {**fig, "text": "about 6,000"}
    with pytest.raises(ValidationError, match="gives 6,000, which the cited passages do not"):
        MapResult.model_validate_json(summary(figures=[wrong]), context=ctx)


def test_repair_mode_keeps_good_ids_drops_the_rest_and_records_it():
    ctx = CitationContext(PASSAGES, {"S1"}, repair=True)
    quote = {"citations": ["S1.2"], "text": "We will rebuild.", "speaker": None}
    result = MapResult.model_validate_json(
        summary(
            source_id="S4",  # a wrong label is not fatal in repair mode
            key_points=[point(["S1.1", "S3.2"]), point(["S7.7"], "Invented.")],
            quotes=[quote],
        ),
        context=ctx,
    )
    kept = without_dropped(result).summaries[0]
    assert [k.citations for k in kept.key_points] == [["S1.1"]]
    assert kept.quotes == []
    # Every finding the verifier would raise is named (the re-ask says the same).
    assert len(ctx.dropped) == 5
    assert any("'Invented.' is not a statement (under 3 words" in d for d in ctx.dropped)
    assert any("'We will rebuild.' only 0% of its words appear" in d for d in ctx.dropped)
    assert any("cites S3.2" in d for d in ctx.dropped)
    assert any("'Invented.' cites S7.7" in d for d in ctx.dropped)
    assert any("'We will rebuild.' is not found" in d for d in ctx.dropped)


def test_words_a_key_point_puts_in_quotation_marks_must_stand_in_the_passage():
    ctx = CitationContext(PASSAGES, {"S1"})
    good = point(["S1.2"], 'Reyn warned: "We cannot rule it out."')
    MapResult.model_validate_json(summary(key_points=[good]), context=ctx)
    # What the 270M model wrote, copying HTML markup into the claim.
    junk = point(["S1.2"], '<p class="text-left">Reyn said it could not be ruled out.')
    with pytest.raises(ValidationError, match="quotes “text-left”, which the cited passages"):
        MapResult.model_validate_json(summary(key_points=[junk]), context=ctx)


@pytest.mark.parametrize(
    "text",
    [
        'Tomas Reyn said that "we cannot ... out".',  # an ellipsis splits a quote
        "Reyn said «we cannot rule it out».",
        "Reyn said ‘we cannot rule it out’.",
    ],
)
def test_key_points_quoting_verbatim_pass_as_the_verifier_would(text):
    ctx = CitationContext(PASSAGES, {"S1"})
    MapResult.model_validate_json(summary(key_points=[point(["S1.2"], text)]), context=ctx)


@pytest.mark.parametrize("text", ["Reyn said «we will rebuild».", "Reyn said ‘we will rebuild’."])
def test_key_points_misquoting_in_any_quotation_marks_are_errors(text):
    ctx = CitationContext(PASSAGES, {"S1"})
    with pytest.raises(ValidationError, match="quotes “we will rebuild”, which the cited"):
        MapResult.model_validate_json(summary(key_points=[point(["S1.2"], text)]), context=ctx)


def test_a_claim_is_checked_against_its_first_sources_passages_only():
    """The drafted claim cites its first source's passages; the others corroborate it, and
    the verifier checks it against its citations alone."""
    passages = {**PASSAGES, "S2.1": "About 4,000 residents left, the council said."}
    ctx = CitationContext(passages, {"S1", "S2"})
    resting_on_s2 = point(["S1.1", "S2.1"], "About 4,000 residents left.")
    with pytest.raises(ValidationError, match=r"gives 4,000, .*\(cited: S1\.1; S2\.1 from other"):
        MapResult.model_validate_json(summary(key_points=[resting_on_s2]), context=ctx)
    # A figure rests on all the passages it cites.
    both = figure(["S1.1", "S2.1"], "About 4,000 residents", 4000)
    MapResult.model_validate_json(summary(figures=[both]), context=ctx)


def test_figures_in_words_and_digits_are_the_same_number():
    passages = {"S1.1": "Some four thousand residents left overnight."}
    ctx = CitationContext(passages, {"S1"})
    in_digits = figure(["S1.1"], "4,000 residents", 4000)
    MapResult.model_validate_json(summary(figures=[in_digits]), context=ctx)
    wrong = figure(["S1.1"], "five thousand residents", 5000)
    with pytest.raises(ValidationError, match="gives 5000, which the cited passages do not"):
        MapResult.model_validate_json(summary(figures=[wrong]), context=ctx)
