from __future__ import annotations

import pytest

from briefing.ingest.article import Article
from briefing.passages import build_sources, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The U.S. Army said 10.5 million people were affected. Mr. Smith disagreed.",
            ["The U.S. Army said 10.5 million people were affected.", "Mr. Smith disagreed."],
        ),
        (
            "“We will not leave,” he said. “Never.” Then he left.",
            ["“We will not leave,” he said.", "“Never.”", "Then he left."],
        ),
        (
            'He said, "The first troops have come under fire in the region," and left.',
            ['He said, "The first troops have come under fire in the region," and left.'],
        ),
        (
            "The river rose by approx. 3.2 metres, Dr. Anna Kell said. It kept rising.",
            ["The river rose by approx. 3.2 metres, Dr. Anna Kell said.", "It kept rising."],
        ),
    ],
)
def test_sentences_survive_abbreviations_decimals_and_quotes(
    text: str, expected: list[str]
) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a feed summary whose first sentence lost its full stop
            "Crews worked near the old mill weir The repairs will take a week, the council said.",
            [
                "Crews worked near the old mill weir",
                "The repairs will take a week, the council said.",
            ],
        ),
        (  # page furniture glued to the lede
            "Share this story The ferry resumed service on Friday.",
            ["Share this story", "The ferry resumed service on Friday."],
        ),
        (  # names and titles keep their capitals: no sentence starts there
            "She told The Harbour Gazette that the mill raised money in Series A funding.",
            ["She told The Harbour Gazette that the mill raised money in Series A funding."],
        ),
        ("It rained all day, The council said.", ["It rained all day, The council said."]),
        (  # a breadcrumb and a page heading glued to the first sentence
            (
                "march 3 2026 Home > Projects > Weir Repairs for the Old Mill The work began "
                "in spring."
            ),
            [
                "march 3 2026 Home > Projects > Weir Repairs for the Old Mill",
                "The work began in spring.",
            ],
        ),
        (  # a dateline ends in a dash: it stays with its sentence
            "MILLBROOK, Harland - The ferry resumed service on Friday.",
            ["MILLBROOK, Harland - The ferry resumed service on Friday."],
        ),
        (  # a sentence, not a heading, before the capital: a lower-case word that is not small
            "Crews Reopened Millbrook Ferry The crews said it was safe.",
            ["Crews Reopened Millbrook Ferry", "The crews said it was safe."],
        ),
        (
            "The Mill Trust thanked Harland Ferry Co It was a long winter.",
            ["The Mill Trust thanked Harland Ferry Co It was a long winter."],
        ),
    ],
    ids=["run-on", "furniture", "names", "after-comma", "heading", "dateline", "title", "sentence"],
)
def test_a_sentence_run_on_without_its_full_stop_is_split(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected
    assert split_sentences(text, language="de") == [text]  # English capitals only


def article(title: str, *paragraphs: str, origin: str = "a.txt") -> Article:
    return Article.from_paragraphs(title, list(paragraphs), origin=origin)


def test_ids_number_sources_and_sentences_in_order() -> None:
    sources, skipped = build_sources(
        [
            article("First", "One sentence here. Two sentences here.", "Third one."),
            article("Second", "Only one.", origin="b.txt"),
        ]
    )
    assert skipped == []
    assert [s.id for s in sources] == ["S1", "S2"]
    assert [(p.id, p.paragraph) for p in sources[0].passages] == [
        ("S1.1", 1),
        ("S1.2", 1),
        ("S1.3", 2),
    ]


def test_ids_are_stable_across_runs() -> None:
    articles = [article("A", "Alpha one. Alpha two."), article("B", "Beta.", origin="b.txt")]
    first, _ = build_sources(articles)
    second, _ = build_sources(list(articles))
    assert [s.model_dump() for s in first] == [s.model_dump() for s in second]


def test_headline_repeated_as_first_paragraph_is_dropped() -> None:
    (source,), _ = build_sources([article("Tram opens", "Tram opens", "The tram opened.")])
    assert [p.text for p in source.passages] == ["The tram opened."]


def test_duplicate_articles_are_skipped_with_the_original_named() -> None:
    sources, skipped = build_sources(
        [article("A", "Same text."), article("A again", "Same text.", origin="copy.txt")]
    )
    assert len(sources) == 1
    assert skipped[0].path == "copy.txt"
    assert "same text as S1 (a.txt)" in skipped[0].reason
