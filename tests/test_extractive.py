from __future__ import annotations

import pytest

from briefing.engines.extractive import ExtractiveEngine
from briefing.engines.extractive.cues import attribution, hedge
from briefing.engines.extractive.figures import mentions
from briefing.engines.extractive.headline import headline
from briefing.engines.extractive.similarity import tokens
from briefing.ingest import ingest
from briefing.ingest.article import Article
from briefing.models import Brief, Source
from briefing.passages import build_sources
from briefing.pipeline import generate
from briefing.sections import section_named
from briefing.verify.support import support_score
from briefing.verify.words import normal
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def example_brief() -> Brief:
    return generate([str(EXAMPLES)], engine="extractive")


def test_every_claim_is_a_contiguous_part_of_its_cited_sentence(example_brief: Brief) -> None:
    index = example_brief.passage_index()
    for obj in example_brief.cited_objects():
        cited = " ".join(index[pid][1].text for pid in obj.citations)
        assert obj.text in cited, obj.text


def test_brief_says_it_was_made_without_a_model(example_brief: Brief) -> None:
    assert example_brief.engine.name == "extractive"
    assert example_brief.engine.model is None
    assert "without a language model" in example_brief.engine.note


def test_examples_fill_every_section(example_brief: Brief) -> None:
    assert example_brief.stories[0].bottom_line
    assert example_brief.stories[0].key_developments
    assert example_brief.stories[0].key_figures
    assert example_brief.stories[0].unconfirmed
    assert example_brief.stories[0].quotes


def test_disagreeing_evacuation_figures_stand_side_by_side(example_brief: Brief) -> None:
    groups = [g for g in example_brief.stories[0].key_figures if g.disagreement]
    (evacuated,) = [g for g in groups if sorted(f.value for f in g.figures) == [4000.0, 5500.0]]
    low, high = evacuated.figures
    assert "town council" in (low.attribution or "")
    assert high.attribution == "the Eastmark Civil Protection Agency"


def test_agreement_across_sources_is_shown_as_corroboration(example_brief: Brief) -> None:
    top = example_brief.stories[0].bottom_line[0]
    cited_sources = {pid.split(".")[0] for pid in [*top.citations, *top.corroborated_by]}
    assert len(cited_sources) >= 3


def test_unconfirmed_and_disputed_reports_are_flagged(example_brief: Brief) -> None:
    statuses = {c.status: c for c in example_brief.stories[0].unconfirmed}
    assert "reportedly missing" in statuses["unconfirmed"].text
    assert statuses["disputed"].status_reason == "denied"
    hedged = {c.text for c in example_brief.stories[0].unconfirmed}
    assert not hedged & {c.text for c in example_brief.stories[0].key_developments}


def test_quotes_have_their_speakers(example_brief: Brief) -> None:
    speakers = {q.text[:20]: q.speaker for q in example_brief.stories[0].quotes}
    assert speakers["We moved everyone ou"] == "Mayor Ilse Varga"
    assert speakers["The dam wall has not"] == "Civil protection chief Tomas Reyn"
    assert speakers["The water came up so"] == "Petra Halm"


def test_off_topic_item_is_not_a_key_development(example_brief: Brief) -> None:
    assert not any("library" in c.text for c in example_brief.stories[0].key_developments)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Two people were reportedly missing.", ("unconfirmed", "reportedly")),
        (
            "Reports of 40 deaths have not been confirmed.",
            ("unconfirmed", "have not been confirmed"),
        ),
        ("The troops may have been killed.", ("unconfirmed", "may have")),
        ("The operator denied the claim.", ("disputed", "denied")),
        ("The bridge reopened on Friday.", None),
    ],
)
def test_hedges(sentence: str, expected: tuple[str, str] | None) -> None:
    assert hedge(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The port closed, according to the harbour office.", "the harbour office"),
        (
            "Dr. Anna Kell, a hydrologist who advises the agency, said it would rise.",
            "Dr. Anna Kell",
        ),
        ("About 40 boats left, the coast guard said.", "the coast guard"),
        ("The Pentagon has also acknowledged the presence of troops.", "the Pentagon"),
        ("The bridge reopened on Friday.", None),
    ],
)
def test_attribution(sentence: str, expected: str | None) -> None:
    assert attribution(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("North Korea sent approximately 10,000 troops to Russia.", [(10000, None, "troops")]),
        ("The deal is worth $11.5 billion, the firms said.", [(11.5e9, "$", "worth")]),
        ("About 12% of the town's homes lost power.", [(12, "%", "town's homes")]),
        ("Police shut a 10.5 km stretch of road.", [(10.5, "km", "stretch")]),
        (
            "Three generals and five military bases were named.",
            [(3, None, "generals"), (5, None, "military bases")],
        ),
        ("In 2004 the firm had 3 p.m. meetings for 89-year-old staff on Nov. 17 2004.", []),
        ("It rained for three days.", []),
        # Numbers in words are read by text2num, as the verifier reads them.
        ("Some four thousand residents left overnight.", [(4000, None, "residents")]),
        ("Seventeen villages were flooded.", [(17, None, "villages")]),
        ("Thousands of people fled; hundreds of homes were lost.", []),  # sizes, not values
        ("Fans kept it at #1 for the second week.", []),
    ],
)
def test_figures(sentence: str, found: list[tuple[float, str | None, str]]) -> None:
    assert [(m.value, m.unit, m.counts) for m in mentions(sentence, "S1.1", "S1", 1.0)] == found


def test_single_source_still_gives_a_brief() -> None:
    sources, _ = build_sources(ingest([str(EXAMPLES / "harrowgate-herald.txt")]).articles)
    draft = ExtractiveEngine().write(sources)
    assert draft.sections["bottom_line"]
    assert all(
        pid.startswith("S1.") for c in draft.sections["key_developments"] for pid in c.citations
    )


def test_tiny_source_without_statements_does_not_crash() -> None:
    source = Source.model_validate(
        {"id": "S1", "title": "T", "origin": "t.txt",
         "passages": [{"id": "S1.1", "text": "Short.", "paragraph": 1}]}
    )  # fmt: skip
    draft = ExtractiveEngine().write([source])
    assert draft.sections["bottom_line"] == []
    assert draft.title == "T"


def test_decades_and_centuries_are_not_figures() -> None:
    assert (
        mentions("The plague of the 1300s killed millions in the 1990s films.", "S1.1", "S1", 1.0)
        == []
    )


def test_figures_of_one_thing_share_a_key_whatever_the_word_form() -> None:
    """Mentions are grouped by the stem of what they count, synonyms folded together."""

    def key(sentence: str) -> str:
        (mention,) = mentions(sentence, "S1.1", "S1", 1.0)
        return mention.key

    assert key("Russia sent 12,000 soldiers north.") == key("Russia sent 10,000 troops north.")
    assert key("About 4,000 residents fled.") == key("About 5,500 people fled.")
    assert key("Officials counted 40 boats.") != key("Officials counted 40 buses.")


def test_the_engine_and_the_verifier_reduce_words_alike() -> None:
    # One stop-word list and one stemmer: what the engine's similarity counts as the same
    # word, the verifier's support check matches too.
    assert tokens("The evacuation of troops, and the troop evacuated") == [
        normal("evacuation"),
        normal("troops"),
        normal("troop"),
        normal("evacuated"),
    ]
    assert normal("evacuation") == normal("evacuated")
    assert support_score("The evacuation of Harrowgate", "Harrowgate was evacuated.") == 1.0


def test_a_number_beyond_a_float_is_no_figure_and_the_brief_round_trips(tmp_path):
    from briefing import pipeline  # noqa: PLC0415 - the API, as a user calls it

    article = pipeline.Article(
        title="A count too large",
        text="The committee counted " + "9" * 400 + " grains of sand, officials said.\n\n"
        "The count took three weeks and 40 volunteers.",
    )
    brief = pipeline.generate([article], engine="extractive")
    figures = [
        f for group in brief.stories[0].items(section_named("key_figures")) for f in group.figures
    ]
    assert figures  # the 40 volunteers are still a figure
    assert all(f.value < float("inf") for f in figures)
    saved = tmp_path / "brief.json"
    saved.write_text(pipeline.render(brief, "json"), encoding="utf-8")
    assert pipeline.render(pipeline.load(saved), "md") == pipeline.render(brief, "md")


def _titled(title: str, text: str) -> Article:
    return Article(title, text)


def test_the_headline_is_a_title_that_says_what_the_story_is() -> None:
    sources, _ = build_sources(
        [
            _titled("Valley Online", "The Kessel dam gave way on Monday."),
            _titled("Valley Online", "Floodwater reached the lower town of Harrowgate."),
            _titled("Harrowgate", "Residents left the lower town overnight."),
            _titled("Kessel dam breach floods Harrowgate's lower town", "The dam broke."),
        ]
    )
    central = ["The Kessel dam gave way on Monday, flooding the lower town of Harrowgate."]
    assert headline(sources, central) == "Kessel dam breach floods Harrowgate's lower town"
    # No title says it, and the first is the site's name: the central sentence stands in.
    assert headline(sources[:3], central) == central[0]
