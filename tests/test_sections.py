"""Sections are declared once (briefing/sections.py): a brief with an extra section, made
through that one declaration, is rendered, verified, reviewed and asked of the model."""

from __future__ import annotations

import json

import pytest

from briefing import pipeline
from briefing.engines.extractive import ExtractiveEngine
from briefing.engines.llm.draft import to_draft
from briefing.llm.client import response_format
from briefing.llm.schemas import KeyPoint, reduce_model
from briefing.models import Brief, Claim, brief_model
from briefing.review import Decision, Decisions
from briefing.sections import SECTIONS, Section
from briefing.verify import claim_key
from tests.conftest import EXAMPLES

BACKGROUND = Section(
    "background",
    "Background",
    "Background",
    "claims",
    "What happened before the news, for context.",
    "Earlier events the sources recall, for context.",
    3,
)
EXTENDED = (*SECTIONS, BACKGROUND)


@pytest.fixture
def extended() -> Brief:
    brief = pipeline.generate([EXAMPLES], engine="extractive")
    cited = {pid for obj in brief.cited_objects() for pid in obj.citations}
    passage = next(p for s in brief.sources for p in s.passages if p.id not in cited)
    claim = Claim(id="K1", text=passage.text, citations=[passage.id])
    data = brief.model_dump(exclude={"review"})
    data["stories"][0]["background"] = [claim.model_dump()]
    return pipeline.reviewed(brief_model(EXTENDED).model_validate(data))


def test_the_extra_section_is_in_the_schema_after_the_others() -> None:
    model = brief_model(EXTENDED)
    assert [s.name for s in model.sections][-1] == "background"
    properties = model.story_type.model_json_schema()["properties"]
    assert properties["background"]["description"] == BACKGROUND.description
    assert "background" not in Brief.story_type.model_fields  # the built-in one is unchanged


def test_the_extra_section_is_rendered_and_cited(extended: Brief) -> None:
    markdown = pipeline.render(extended, "md")
    # A heading of the story's sections: "###" when the brief holds several stories.
    body = markdown.split("# Background\n\n", 1)[1].split("\n#", 1)[0]
    (line,) = [x for x in body.splitlines() if x]
    assert line.startswith("- ")
    marker = line.rsplit("[[", 1)[1].split("]]", 1)[0]
    assert f'<a id="ref-{marker}"></a>' in markdown  # its citation is in Sources
    html = pipeline.render(extended, "html")
    assert "<h2>Background</h2>" in html or "<h3>Background</h3>" in html
    reloaded = brief_model(EXTENDED).model_validate_json(pipeline.render(extended, "json"))
    assert pipeline.render(reloaded, "md") == markdown


def test_the_extra_section_is_verified_and_reviewed(extended: Brief) -> None:
    assert extended.review is not None
    (check,) = [c for c in extended.review.claims if c.section == "Background"]
    assert check.ref == "K1"
    assert check.status == "supported"
    (claim,) = extended.stories[0].items(BACKGROUND)
    rejected = Decisions(decisions=[Decision(key=claim_key(claim), decision="rejected")])
    out = pipeline.reviewed(extended, rejected)
    assert out.stories[0].items(BACKGROUND) == []
    assert out.review is not None
    assert out.review.rejected == [claim.text]


def test_the_model_is_asked_for_the_extra_section() -> None:
    model = reduce_model(EXTENDED)
    schema = json.dumps(response_format(model))
    assert BACKGROUND.ask in schema
    sources = pipeline.generate([EXAMPLES], engine="extractive").sources
    passage = sources[0].passages[0]
    point = KeyPoint(citations=[passage.id], text=passage.text, attribution=None)
    empty = {s.name: [] for s in SECTIONS}
    result = model.model_validate({"title": "T", **empty, "background": [point.model_dump()]})
    offline = ExtractiveEngine().write(sources)
    draft = to_draft(result, sources, offline, model="test-model", usage={}, notes=[])
    assert [c.text for c in draft.sections["background"]] == [passage.text]
