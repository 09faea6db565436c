"""The LLM engine is never worse than the offline brief: what the model writes is held to
the offline engine's rules and the verifier's, and what it leaves out or gets wrong is
filled from the offline draft (briefing/engines/llm/over_offline.py)."""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from fake_server import schema_minimum, serving
from llm_fixtures import FakeBackend, as_brief, harrowgate_sources, reply, saved

import briefing
from briefing.cli import cli
from briefing.engines import Draft
from briefing.engines.llm import LLMEngine
from briefing.engines.llm.over_offline import over_offline
from briefing.llm.settings import LLMSettings
from briefing.models import Claim, EngineInfo
from tests.conftest import EXAMPLES

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from fake_server import FakeServer

    from briefing.models import Brief, Item


pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


@pytest.fixture
def server() -> Iterator[FakeServer]:
    yield from serving()


def figures_and_reports(brief: Brief) -> tuple[list[object], list[object]]:
    story_figures = [g.model_dump() for s in brief.stories for g in s.key_figures]
    reports = [(c.text, c.citations, c.status) for s in brief.stories for c in s.unconfirmed]
    return story_figures, reports


def test_a_model_that_answers_the_schemas_minimum_gives_the_offline_brief_on_the_seed(
    server: FakeServer, shared: Path
):
    server.fault = schema_minimum
    seed = shared / "seed"
    result = CliRunner().invoke(
        cli, ["generate", str(seed), "--engine", "openai", "--base-url", server.url, "-q"]
    )
    assert result.exit_code == 0, result.output
    brief = result.stdout
    figures = next(line for line in brief.splitlines() if "sources differ" in line)
    assert "10,000" in figures
    assert "12,000" in figures
    assert "as many as 40 North Korean troops may have been killed" in brief
    assert "Nothing gpt-4.1-mini wrote for this story was kept" in brief
    assert server.sent("MapResult"), "the model was asked"


def test_whatever_the_model_answers_the_offline_figures_and_reports_stay(server: FakeServer):
    offline = briefing.generate([EXAMPLES], engine="extractive")
    for fault in (schema_minimum, None):  # the minimum, then a careful model's answers
        server.fault = fault
        brief = briefing.generate([EXAMPLES], engine="openai", base_url=server.url, use_cache=False)
        shown, reports = figures_and_reports(brief)
        offline_shown, offline_reports = figures_and_reports(offline)
        assert all(group in shown for group in offline_shown)
        assert all(report in reports for report in offline_reports)
        assert brief.review is not None
        assert brief.review.unsupported == 0


def written(**sections: object) -> str:
    """A merge reply of the saved one's, with `sections` replaced."""
    answer = json.loads(saved("reduce.json"))
    answer.update(sections)
    return json.dumps(answer)


def draft_of(merge: str) -> tuple[Brief, list[str]]:
    sources = harrowgate_sources()
    backend = FakeBackend(reduces=[reply(merge), reply(merge)])  # the re-ask gets the same
    settings = LLMSettings(model="m", api_key=None, use_cache=False)
    draft = asyncio.run(LLMEngine(settings, backend).awrite(sources))
    return as_brief(draft, sources), draft.usage["dropped_citations"]


def point(text: str, *citations: str) -> dict[str, object]:
    return {"citations": list(citations), "text": text, "attribution": None}


S1_1 = harrowgate_sources()[0].passages[0].text
S1_2 = harrowgate_sources()[0].passages[1].text


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Evacuation of Harrowgate", "is a heading or a fragment"),
        ("More than 5,500 people have been evacuated from Harrowgate after part", "fragment"),
        (f"{S1_1} {S1_2}", "is 2 sentences; give one statement per item"),
    ],
    ids=["subheading", "fragment", "paragraph"],
)
def test_a_model_claim_that_is_not_one_statement_is_left_out(text: str, why: str):
    brief, dropped = draft_of(written(bottom_line=[point(text, "S1.1", "S1.2")]))
    story = brief.stories[0]
    assert text not in {c.text for c in [*story.bottom_line, *story.key_developments]}
    assert any(why in d for d in dropped), dropped
    # The offline draft's bottom line stands instead.
    assert story.bottom_line
    assert "bottom line" not in (brief.engine.note or "").split("the rest")[0]


def test_a_hedged_report_stated_as_fact_is_left_out():
    fact = "The spillway was blocked by debris, some residents said."
    brief, dropped = draft_of(written(key_developments=[point(fact, "S1.4")]))
    assert fact not in {c.text for c in brief.stories[0].key_developments}
    # The verifier's own hedge check says so (or, failing that, the offline engine's rule).
    assert any("hedge" in d and "S1.4" in d for d in dropped), dropped


def test_unlike_values_are_not_shown_as_a_disagreement():
    group = {
        "subject": "Harrowgate",
        "figures": [
            {
                "citations": ["S1.1"],
                "text": "More than 5,500 people",
                "value": 5500,
                "unit": None,
                "counts": "people evacuated",
                "attribution": None,
            },
            {
                "citations": ["S1.2"],
                "text": "three days",
                "value": 3,
                "unit": "days",
                "counts": "days of rain",
                "attribution": None,
            },
        ],
    }
    brief, _ = draft_of(written(key_figures=[group]))
    for shown in brief.stories[0].key_figures:
        values = {f.value for f in shown.figures}
        assert not {5500, 3} <= values


def test_a_quote_is_credited_to_the_speaker_named_where_it_stands():
    quote = {
        "citations": ["S1.3"],
        "text": "The dam wall has not failed completely, but we cannot rule it out.",
        "speaker": "the town council",
    }
    brief, _ = draft_of(written(quotes=[quote]))
    (shown,) = [q for q in brief.stories[0].quotes if q.text == quote["text"]]
    assert shown.speaker == "Agency chief Tomas Reyn"  # as the sentence names him
    review = briefing.verify(brief)
    assert review.unsupported == 0
    assert review.partly_supported == 0


def test_a_short_sentence_of_prose_is_a_statement_and_a_heading_is_not():
    from briefing.statements import claim_problem  # noqa: PLC0415

    assert claim_problem("About 4,000 books were lost.") is None
    assert claim_problem("Talks collapsed on Tuesday.") is None
    assert claim_problem("Evacuation of Harrowgate") is not None
    assert claim_problem("Invented.") is not None


def test_a_side_detail_the_model_puts_first_does_not_become_the_bottom_line():
    # No report leads with the bridge (each opens with its evacuation), and the offline
    # bottom line does not use it: the model's bottom line is a side detail.
    side = "The main bridge is closed to all traffic."
    brief, dropped = draft_of(written(bottom_line=[point(side, "S2.2")]))
    story = brief.stories[0]
    assert side not in {c.text for c in story.bottom_line}
    assert {c for claim in story.bottom_line for c in claim.citations} & {"S1.1", "S2.1"}
    assert any("which no report leads with" in d and "S2.2" in d for d in dropped), dropped
    # The title the model wrote for that bottom line goes with it.
    assert story.headline != json.loads(saved("reduce.json"))["title"]
    assert "the headline" not in (brief.engine.note or "").split("the rest")[0]


def test_a_bottom_line_on_a_reports_lede_is_the_models():
    lede = "About 4,000 residents left their homes overnight, the town council said."
    brief, _ = draft_of(written(bottom_line=[point(lede, "S2.1")]))
    assert [c.text for c in brief.stories[0].bottom_line][:1] == [lede]


def test_a_model_claim_cites_only_the_sentences_it_rests_on():
    rain = "The breach followed three days of heavy rain."
    brief, _ = draft_of(written(key_developments=[point(rain, "S1.2", "S2.2", "S2.3")]))
    (shown,) = [c for c in brief.stories[0].key_developments if c.text == rain]
    assert shown.citations == ["S1.2"]


def offline_draft(**sections: list[Item]) -> Draft:
    return Draft(
        title="Dam breach", engine=EngineInfo(name="extractive", note=""), sections=sections
    )


def claim(text: str, *citations: str, also: tuple[str, ...] = ()) -> Claim:
    return Claim(id="C1", text=text, citations=list(citations), corroborated_by=list(also))


def test_a_sentence_the_model_copies_is_shown_once_with_its_corroboration():
    sources = harrowgate_sources()
    s2_1 = sources[1].passages[0].text
    lead = claim(S1_1, "S1.1", also=("S2.1",))  # the offline draft: S2.1 only corroborates
    offline = offline_draft(bottom_line=[lead], key_developments=[claim(S1_2, "S1.2")])
    part = "About 4,000 residents left their homes overnight."  # part of S2.1, not a copy
    for bottom_line, copy in itertools.product(([], [claim(S1_1, "S1.1")]), (s2_1, part)):
        written = {"bottom_line": bottom_line, "key_developments": [claim(copy, "S2.1")]}
        filled = over_offline("Dam breach", written, offline, sources)
        shown = [i for name in ("bottom_line", "key_developments") for i in filled.sections[name]]
        assert [i for i in shown if "S2.1" in {*i.citations, *i.corroborated_by}] == [lead]
        assert filled.sections["bottom_line"] == [lead]


def test_a_model_claim_on_a_repeat_of_a_sentence_shown_is_that_claim():
    # A page that repeats its lede under a dateline: the model's claim on the repeat is
    # the offline draft's claim on the lede, shown once. Another outlet's sentence with
    # another number is another report: it stays the model's.
    from briefing.ingest.article import Article  # noqa: PLC0415 - this test's own sources
    from briefing.passages import build_sources  # noqa: PLC0415

    lede = "The Millbrook ferry resumed 40 crossings a day on Friday after repairs to its pier."
    other = lede.replace("40", "48")
    rest = "Crews replaced four timber piles over three weeks."
    sources, _ = build_sources([
        Article.from_paragraphs(
            "Ferry back", [lede, f"MILLBROOK, Harland - {lede}", rest], origin="a.txt"
        ),
        Article.from_paragraphs("Ferry returns", [other], origin="b.txt"),
    ])  # fmt: skip
    repeat = sources[0].passages[1]
    assert repeat.text != lede
    offline = offline_draft(
        bottom_line=[claim(lede, "S1.1")], key_developments=[claim(rest, "S1.3")]
    )
    for section in ("bottom_line", "key_developments"):
        written = {section: [claim(lede, repeat.id), claim(other, "S2.1")]}
        filled = over_offline("Ferry back", written, offline, sources)
        shown = [c for name in ("bottom_line", "key_developments") for c in filled.sections[name]]
        assert [c.citations for c in shown].count(["S1.1"]) == 1
        assert not [c for c in shown if repeat.id in c.citations]
        assert [c.citations for c in shown].count(["S2.1"]) == 1


def test_what_someone_said_is_not_stated_as_fact():
    unsaid = "The dam wall has not failed completely."  # S1.3: Tomas Reyn said it
    said = "Agency chief Tomas Reyn said the dam wall has not failed completely."
    for text, kept in ((unsaid, False), (said, True)):
        brief, dropped = draft_of(written(key_developments=[point(text, "S1.3")]))
        shown = {c.text for c in brief.stories[0].key_developments}
        assert (text in shown) is kept, dropped
        assert any("keep who said it" in d for d in dropped) is not kept
