from __future__ import annotations

import re

import pytest

from briefing.engines import Draft
from briefing.engines.extractive import ExtractiveEngine
from briefing.engines.extractive.cues import (
    attribution,
    hedge,
    leans_on_another,
    sentence_hedge,
)
from briefing.engines.extractive.figures import mentions
from briefing.engines.extractive.headline import headline
from briefing.engines.extractive.quantities import group
from briefing.engines.extractive.quotes import find_quotes
from briefing.engines.extractive.similarity import tokens
from briefing.ingest import ingest
from briefing.ingest.article import Article
from briefing.models import Brief, Claim, Figure, KeyFigure, Passage, Quote, Source
from briefing.passages import build_sources
from briefing.pipeline import generate
from briefing.sections import section_named
from briefing.verify.support import support_score
from briefing.verify.words import normal
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def example_brief() -> Brief:
    return generate([str(EXAMPLES)], engine="extractive")


def test_every_claim_is_a_contiguous_part_of_its_cited_sentences(example_brief: Brief) -> None:
    index = example_brief.passage_index()
    for obj in example_brief.cited_objects():
        cited = " ".join(index[pid][1].text for pid in obj.citations)
        if isinstance(obj, Figure):
            # A figure brings its verb next to it ("Two people missing"): its words are
            # the sentence's own, not always side by side.
            assert set(re.findall(r"[\w'€$%.]+\b", obj.text)) <= set(
                re.findall(r"[\w'€$%.]+\b", cited)
            ), obj.text
        else:
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
        ("The troops may have been killed.", ("unconfirmed", "may have been")),
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
        # A verb of saying that is a participle: its subject is what was reported, and
        # the agent after "by" is who reported it.
        ("Mandatory closures announced on Tuesday have shut 300 schools.", None),
        ("Rainfall totals reported on Monday reached 80 mm.", None),
        ("Mandatory closures reported by the district now cover 300 schools.", "the district"),
        ("The army said in a statement released Monday that 12 were hurt.", "the army"),
        ("The agency reported on Monday 300 new cases.", "the agency"),
    ],
)
def test_attribution(sentence: str, expected: str | None) -> None:
    assert attribution(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("North Korea sent approximately 10,000 troops to Russia.", [(10000, None, "troops sent")]),
        ("The deal is worth $11.5 billion, the firms said.", [(11.5e9, "$", "deal")]),
        ("About 12% of the town's homes lost power.", [(12, "%", "town's homes")]),
        ("Police shut a 10.5 km stretch of road.", [(10.5, "km", "stretch")]),
        (
            "Three generals and five military bases were named.",
            [(3, None, "generals"), (5, None, "military bases")],
        ),
        ("In 2004 the firm had 3 p.m. meetings for 89-year-old staff on Nov. 17 2004.", []),
        ("It rained for three days.", []),
        # Numbers in words are read by text2num, as the verifier reads them.
        ("Some four thousand residents left overnight.", [(4000, None, "residents left")]),
        ("Seventeen villages were flooded.", [(17, None, "villages flooded")]),
        ("Thousands of people fled; hundreds of homes were lost.", []),  # sizes, not values
        ("Fans kept it at #1 for the second week.", []),
        # What a number counts is a noun: not an adjective or participle with its
        # infinitive ("due to"), nor a pronoun a clitic leans on ("who've").
        ("Of the trams ordered, 84 due to enter service in May are late.", []),
        ("Ten officials set to testify were sent home.", [(10, None, "officials")]),
        ("Some 3,000 personnel to be deployed will guard it.", [(3000, None, "personnel")]),
        ("Nearly 10 million who've lost their jobs wait for help.", []),
        # A number joined to another by a slash is a date, a fraction or a schedule.
        ("Checks were tightened after the 9/11 terrorist attacks.", []),
        ("The hotline is staffed 24/7 by 30 volunteers.", [(30, None, "volunteers")]),
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


# --- figures: what they count, and what happened to it ---------------------------------


def _mentions(sentence: str) -> list[tuple[str, str, str]]:
    return [(m.text, m.status, m.event) for m in mentions(sentence, "S1.1", "S1", 1.0)]


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        # The verb comes along, from after the thing or from before the number.
        (
            "As many as 30 rebel fighters may have been killed near the pass.",
            [("As many as 30 rebel fighters killed", "unconfirmed", "killed")],
        ),
        (
            "The ministry has sent about 2,000 engineers to the coast.",
            [("about 2,000 engineers sent", "reported", "")],
        ),
        (
            "The flood left the valley, killing three farmers overnight.",
            [("three farmers killed", "reported", "killed")],
        ),
        (
            "Around 600 volunteers, including 40 divers, have arrived in Tarnow.",
            [
                ("Around 600 volunteers arrived in Tarnow", "reported", ""),
                ("40 divers", "reported", ""),
            ],
        ),
        # A hedge in another clause of the sentence leaves the figure reported.
        (
            (
                "At least 900 guards are posted on the dam, but officials have not confirmed "
                "reports of sabotage."
            ),
            [("At least 900 guards posted", "reported", "")],
        ),
        # What the thing did to something else is not what happened to it.
        (
            "About 12% of the farms lost their harvest.",
            [("About 12% of the farms", "reported", "")],
        ),
        (
            "Some 40 projects designed to cut floods were named.",
            [("Some 40 projects", "reported", "")],
        ),
    ],
)
def test_a_figure_carries_what_it_counts_and_its_verb(
    sentence: str, found: list[tuple[str, str, str]]
) -> None:
    assert _mentions(sentence) == found


@pytest.mark.parametrize(
    ("sentence", "text", "thing"),
    [
        (
            "The merger is worth about $4.2 billion, the two firms said.",
            "The merger is worth about $4.2 billion",
            "deal",
        ),
        ("Orla Foods will have $9bn in annual revenue.", "$9bn in annual revenue", "revenue"),
        (
            "Orla Foods has annual sales of about $3bn.",
            "Orla Foods has annual sales of about $3bn",
            "revenue",
        ),
        (
            "Pellham is buying Orla for $6 billion in a deal announced today.",
            "buying Orla for $6 billion",
            "deal",
        ),
        ("Orla shares jumped $2.10 in early trading.", "Orla shares jumped $2.10", "share price"),
    ],
)
def test_an_amount_is_named_by_what_it_pays_for(sentence: str, text: str, thing: str) -> None:
    (mention,) = [m for m in mentions(sentence, "S1.1", "S1", 1.0) if m.unit]
    assert (mention.text, mention.thing) == (text, thing)


def test_an_amount_in_brackets_pays_for_what_the_one_before_it_does() -> None:
    sentence = "The winner takes home a cheque for 2 million Velden crowns ($190,000) today."
    (amount,) = [m for m in mentions(sentence, "S1.1", "S1", 1.0) if m.unit]
    assert (amount.text, amount.thing) == (
        "cheque for 2 million Velden crowns ($190,000)",
        "prize money",
    )


def test_a_distance_says_from_what_and_its_conversion_is_no_second_figure() -> None:
    sentence = "The ferry sank about 30 kilometres (19 miles) off the Velden coast."
    found = mentions(sentence, "S1.1", "S1", 1.0)
    assert [(m.text, m.unit) for m in found] == [
        ("about 30 kilometres (19 miles) off the Velden coast", "km")
    ]


def test_an_amount_or_a_crowd_nothing_says_the_purpose_of_is_not_a_key_figure() -> None:
    assert mentions("The figure stood at $31 on a quiet Friday.", "S1.1", "S1", 1.0) == []
    (crowd,) = mentions("About 250 people stood at the market gate.", "S1.1", "S1", 1.0)
    assert not crowd.shown  # "people", of what the sentence does not say


def test_a_decimal_comma_is_read_in_a_figure() -> None:
    (price,) = mentions("Orla shares closed at a price of €52,90 on Friday.", "S1.1", "S1", 1.0)
    assert price.value == pytest.approx(52.9)


def test_names_codes_and_ranges_of_years_are_not_counts() -> None:
    for sentence in (
        "The new Harvest 20 album came out in the spring.",
        "The J-6 fighters flew over the harbour.",
        "The 1961-89 government closed the border.",
    ):
        assert [m.value for m in mentions(sentence, "S1.1", "S1", 1.0) if m.value < 100] == []
    (trees,) = mentions("The group has planted 20-30 million trees since then.", "S1.1", "S1", 1.0)
    assert trees.text == "20-30 million trees planted"


def _group_values(*sentences: tuple[str, str]) -> list[list[float]]:
    """Sentences as (source id, text): the values of each group of figures."""
    found = [
        m
        for n, (source, text) in enumerate(sentences, start=1)
        for m in mentions(text, f"{source}.{n}", source, 1.0)
    ]
    texts = {f"{source}.{n}": text for n, (source, text) in enumerate(sentences, start=1)}
    return sorted(sorted({m.value for m in g}) for g in group(found, texts))


def test_two_values_of_one_thing_from_two_sources_stand_together() -> None:
    assert _group_values(
        ("S1", "About 4,000 residents were evacuated overnight."),
        ("S2", "Some 5,500 people were evacuated, the agency said."),
    ) == [[4000.0, 5500.0]]


def test_what_happened_to_them_makes_another_quantity() -> None:
    assert _group_values(
        ("S1", "The army has sent about 9,000 soldiers north."),
        ("S2", "At least 8,000 troops have arrived in the north."),
        ("S2", "As many as 9,500 troops were killed in the north, rebels claim."),
    ) == [[8000.0, 9000.0], [9500.0]]


def _shown_groups(*texts: str) -> list[list[float]]:
    """The values of each key figure the engine shows for these articles."""
    _, draft = _write(*(Article(title=f"Harbour day {n}", text=t) for n, t in enumerate(texts)))
    groups = [g for g in draft.sections["key_figures"] if isinstance(g, KeyFigure)]
    return sorted(sorted(f.value for f in g.figures) for g in groups)


@pytest.mark.parametrize(
    ("text", "groups"),
    [
        pytest.param(
            "Alder shares rose $3.10 while Birch shares fell $2.90 in Oslo trading on Monday.",
            [[2.9], [3.1]],
            id="two values one sentence gives: two figures",
        ),
        pytest.param(
            "The merged firm will have $9bn in annual revenue from next year.\n\n"
            "Orla, with annual revenue of about $7bn, is the larger of the two firms.",
            [[7e9], [9e9]],
            id="one source, two values credited to nobody: two figures",
        ),
        pytest.param(
            "Orla, with annual revenue of about $7bn, is the larger of the two firms.\n\n"
            "The merged firm will have $9bn in annual revenue from next year.",
            [[7e9], [9e9]],
            id="the same, whichever comes first",
        ),
        pytest.param(
            "About 10,000 soldiers have arrived in Varno, the defence ministry said.\n\n"
            "Around 12,000 soldiers have arrived in Varno, according to the rebels.",
            [[10000.0, 12000.0]],
            id="one source reporting two parties' estimates: a disagreement",
        ),
    ],
)
def test_the_engine_shows_a_disagreement_only_between_reports_of_one_quantity(
    text: str, groups: list[list[float]]
) -> None:
    assert _shown_groups(text) == groups


def test_a_source_giving_both_values_for_two_things_parts_them_whoever_else_gives_one() -> None:
    # The first article gives the merged firm's revenue and Orla's; the second repeats the
    # merged firm's. Two things, not sources differing on one.
    assert _shown_groups(
        "The merged firm will have $9bn in annual revenue from next year.\n\n"
        "Orla, with annual revenue of about $7bn, is the larger of the two firms.",
        "The merged firm is expected to have $9bn in annual revenue, analysts said.",
    ) == [[7e9], [9e9]]


FIGURES_DAY = [
    Article(
        title="Fighting at the pass",
        text="Rebel commanders said fighting broke out at the Varno pass on Monday.\n\n"
        "About 10,000 government soldiers have arrived in Varno, the defence ministry said.\n\n"
        "Reports suggest as many as 30 rebel fighters may have been killed, but this has "
        "not been confirmed.",
        outlet="Varno Courier",
    ),
    Article(
        title="Troops reach the pass",
        text="Fighting broke out at the Varno pass on Monday, rebel commanders said.\n\n"
        "Around 12,000 government soldiers have arrived in Varno, according to the rebels.",
        outlet="Hill Radio",
    ),
]


def test_the_brief_shows_the_dispute_attributed_and_the_death_toll_unconfirmed() -> None:
    sources, _ = build_sources(FIGURES_DAY)
    groups = ExtractiveEngine().write(sources).sections["key_figures"]
    assert isinstance(groups[0], KeyFigure)
    by_subject = {g.subject: g for g in groups if isinstance(g, KeyFigure)}
    soldiers = by_subject["Government soldiers"]
    assert soldiers.disagreement
    assert [(f.value, f.attribution) for f in soldiers.figures] == [
        (10000.0, "the defence ministry"),
        (12000.0, "the rebels"),
    ]
    (killed,) = by_subject["Rebel fighters killed"].figures
    assert (killed.text, killed.status) == ("as many as 30 rebel fighters killed", "unconfirmed")
    assert not any(g.subject.startswith(("People", "Amount")) for g in by_subject.values())


# --- quotes: the speaker is the one the text names next to the quote -------------------


def _speakers(*paragraphs: str) -> list[tuple[str, str | None]]:
    passages = [
        Passage(id=f"S1.{n}", text=sentence, paragraph=p)
        for n, (p, sentence) in enumerate(
            ((p, s) for p, para in enumerate(paragraphs, start=1) for s in para.split("\n")),
            start=1,
        )
    ]
    return [(q.text[:24], q.speaker) for q in find_quotes(passages)]


@pytest.mark.parametrize(
    ("paragraphs", "speakers"),
    [
        # After the quote, the verb first or the name first.
        (
            ['"The harbour will reopen once the wall is safe," said harbour master Ines Vogt.'],
            [("The harbour will reopen ", "harbour master Ines Vogt")],
        ),
        (
            ['"The wall held through the night," Vogt told reporters on Monday.'],
            [("The wall held through th", "Vogt")],
        ),
        # Before it, past an aside; or the subject of a sentence that goes on "saying".
        (
            ['Ines Vogt, who runs the harbour, said: "We expect boats back by Friday."'],
            [("We expect boats back by ", "Ines Vogt")],
        ),
        (
            ["Mayor Ilse Varga thanked the crews, saying, “Nobody slept in this town tonight.”"],
            [("Nobody slept in this tow", "Mayor Ilse Varga")],
        ),
        # "he said": the person the sentence before names, in this paragraph or the last.
        (
            [
                "Harbour master Ines Vogt inspected the wall at dawn.",
                '"It has cracked in two places and we are watching it," she said.',
            ],
            [("It has cracked in two pl", "Harbour master Ines Vogt")],
        ),
        # A quote that is a sentence of its own goes on from the quote before it...
        (
            [
                (
                    '"The wall held," said engineer Tom Brandt.\n'
                    '"We will still drain the reservoir by a third this week."'
                )
            ],
            [("We will still drain the ", "engineer Tom Brandt")],
        ),
        # ... or takes the short sentence after it that says who said it.
        (
            [
                '"We do not want two harbours but one busy one."\nOrla chairman Piet Lind said Monday.'
            ],
            [("We do not want two harbo", "Orla chairman Piet Lind")],
        ),
    ],
)
def test_a_quote_is_credited_to_whom_its_attribution_names(
    paragraphs: list[str], speakers: list[tuple[str, str | None]]
) -> None:
    assert _speakers(*paragraphs) == speakers


def test_a_body_named_elsewhere_is_never_the_speaker() -> None:
    # The last name before "she said" is a firm, and it is further off than the sentence
    # before: the quote has no speaker (and the engine leaves it out).
    assert _speakers(
        "Shoppers crowded the Harbour Mall Group stores on Saturday.",
        "The rain kept most of them indoors.",
        '"The stores that stay open will be the ones nobody wanted," she said.',
    ) == [("The stores that stay ope", None)]
    assert _speakers(
        "The Green Harbour Trust planted trees along the quay.",
        '"Peace depends on how we care for this water," she said.',
    ) == [("Peace depends on how we ", None)]


def test_a_quote_already_shown_as_a_claim_is_not_shown_again() -> None:
    article = Article(
        title="Harbour reopens",
        text="The harbour at Velden reopened on Monday after the storm wall was repaired.\n\n"
        'Harbour master Ines Vogt said: "The harbour at Velden reopened on Monday after '
        'the storm wall was repaired."\n\n'
        '"Boats will be back by Friday if the weather holds," said harbour master Ines Vogt.',
    )
    _, draft = _write(article)
    claims = _claims(draft)
    quotes = [q for q in draft.sections["quotes"] if isinstance(q, Quote)]
    assert any("reopened on Monday" in c.text for c in claims)
    assert not any("reopened on Monday" in q.text for q in quotes)
    cited = [pid for item in [*claims, *quotes] for pid in item.citations]
    assert len(cited) == len(set(cited))


def _write(*articles: Article) -> tuple[list[Source], Draft]:
    sources, _ = build_sources(list(articles))
    return sources, ExtractiveEngine().write(sources)


def _claims(draft: Draft) -> list[Claim]:
    """The bottom line and the developments."""
    sections = ("bottom_line", "key_developments")
    return [c for name in sections for c in draft.sections[name] if isinstance(c, Claim)]


# --- sentences that lean on the one before ---------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "leans"),
    [
        ("He told the council the wall would hold.", True),
        ("In her weekly address, she thanked the crews.", True),
        ("These repairs will take a month.", True),
        ("In fact they have cleared the quay.", True),
        ("Boats will return by Friday, he said.", True),
        ("This week's storm was the worst in years.", False),
        ("It is likely that the quay reopens on Friday.", False),
        ("Heathrow reopened on Monday.", False),
        ("Ines Vogt, the harbour master, said the wall held.", False),
    ],
)
def test_sentences_that_need_the_one_before(sentence: str, leans: bool) -> None:
    assert leans_on_another(sentence) is leans


def test_a_sentence_that_leans_on_the_one_before_brings_it_or_is_left_out() -> None:
    article = Article(
        title="Storm wall",
        # The lede (the bottom line) first; the warning and the sentence leaning on it after.
        text="The Velden council voted to close the quay to traffic until the wall is "
        "repaired.\n\n"
        "Harbour master Ines Vogt has warned that the storm wall at Velden is weakening. "
        "She told the council the wall could fail within a week of heavy rain.\n\n"
        "It will reopen when engineers sign off the repairs.",
    )
    sources, draft = _write(article)
    claims = _claims(draft)
    for claim in claims:
        first = next(p for s in sources for p in s.passages if p.id == claim.citations[0])
        assert not leans_on_another(first.text), claim.text
        assert claim.text == " ".join(
            p.text for s in sources for p in s.passages if p.id in claim.citations
        )
    (warned,) = [c for c in claims if "within a week" in c.text]
    assert warned.text.startswith("Harbour master Ines Vogt has warned")
    assert [c for c in draft.sections["bottom_line"] if "She told" in c.text] == []  # type: ignore[union-attr]


# --- hedges ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The chapel is believed to have originated as a fishermen's shrine.", None),
        ("It is thought that the ancient harbour silted up in the 1300s.", None),
        ("The old wall may have been built by monks in the 12th century.", None),
        ("Skippers may have the impression that the quay is closed.", None),
        ("The two towns are locked in a fishing dispute.", None),
        ("The harbour master is believed to have been injured.", ("unconfirmed", "is believed to")),
        ("According to unconfirmed reports, two boats sank.", ("unconfirmed", "unconfirmed")),
        (
            "The footage could not be independently verified.",
            ("unconfirmed", "could not be independently verified"),
        ),
        ("Two boats reportedly sank near the quay.", ("unconfirmed", "reportedly")),
        ("The council disputed the figure.", ("disputed", "disputed the figure")),
    ],
)
def test_hedges_fire_on_reports_not_on_background(
    sentence: str, expected: tuple[str, str] | None
) -> None:
    assert hedge(sentence) == expected


# --- outlets ----------------------------------------------------------------------------


def test_each_outlet_is_listed_once_and_not_for_its_own_claim() -> None:
    report = (
        "The storm wall at Velden harbour failed on Monday night, flooding the quay.\n\n"
        "Engineers said the repairs would take at least a month."
    )
    articles = [
        Article(title="Wall fails", text=report, outlet="Velden Post"),
        Article(
            title="Quay flooded",
            text=report.replace("Monday night", "Monday"),
            outlet="Velden Post",
        ),
        Article(
            title="Harbour wall gives way",
            text=report.replace("flooding", "and flooded"),
            outlet="Coast FM",
        ),
        Article(
            title="Velden quay under water",
            text=report.replace("storm wall", "sea wall"),
            outlet="Harbour News",
        ),
    ]
    sources, draft = _write(*articles)
    labels = {s.id: s.label() for s in sources}
    for claim in _claims(draft):
        own = labels[claim.citations[0].split(".")[0]]
        outlets = [labels[pid.split(".")[0]] for pid in claim.corroborated_by]
        assert len(outlets) == len(set(outlets)), outlets
        assert own not in outlets
    top = draft.sections["bottom_line"][0]
    assert isinstance(top, Claim)
    assert len(top.corroborated_by) == 2  # two other outlets, though three other sources


def test_a_sites_menu_repeated_across_its_pages_is_never_a_claim() -> None:
    menu = "The Valley Times brings readers news of the dam and the valley towns every day."
    sources, _ = build_sources(
        [
            Article(
                f"Dam report {n}",
                f"The Kessel dam gave way on Monday, engineers said in report {n}.\n\n{menu}",
                url=f"https://valleytimes.example/dam-{n}",
            )
            for n in (1, 2, 3)
        ]
    )
    draft = ExtractiveEngine().write(sources)
    texts = [c.text for items in draft.sections.values() for c in items if hasattr(c, "text")]
    assert texts
    assert menu not in texts


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A later clause that leaves its own object unconfirmed: the main fact stands.
        (
            (
                "The navy has acknowledged at least 300 sailors aboard the ship but has not "
                "confirmed reports of a fire below deck."
            ),
            None,
        ),
        (
            (
                "The council said 12 homes were destroyed, while the fire service has not "
                "confirmed any deaths."
            ),
            None,
        ),
        # One that points back at the main fact hedges it.
        (
            "The rebels said they had taken the bridge, but this could not be verified.",
            ("unconfirmed", "could not be verified"),
        ),
        (
            "The ministry said 300 people were held, but officials have not confirmed the figure.",
            ("unconfirmed", "have not confirmed"),
        ),
        (
            "Reports that 40 sailors drowned have not been confirmed.",
            ("unconfirmed", "have not been confirmed"),
        ),
        (
            "The union disputed the figures, but has not confirmed its own count.",
            ("disputed", "disputed the figures"),
        ),
    ],
)
def test_the_hedge_on_a_sentences_main_fact(
    sentence: str, expected: tuple[str, str] | None
) -> None:
    assert sentence_hedge(sentence) == expected
