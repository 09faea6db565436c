"""The checks of what a brief puts together (briefing/verify/synthesis.py): figures shown as
disagreeing measure one quantity, a quote's speaker is named where the quote stands,
"also reported by" reports the same thing. Each is shown
catching its case and passing the legitimate one, on sources written for this test."""

from __future__ import annotations

from briefing.engines import Draft
from briefing.engines.extractive import ExtractiveEngine
from briefing.models import Claim, EngineInfo, Figure, KeyFigure, Passage, Quote, Source
from briefing.pipeline import brief_from_draft
from briefing.verify import verify_brief
from briefing.verify.synthesis import (
    comparable_parts,
    corroboration_problem,
    credited_speaker,
    disagreement_findings,
    speaker_finding,
)


def source(sid: str, title: str, paragraphs: list[list[str]]) -> Source:
    sentences = [(text, n) for n, paragraph in enumerate(paragraphs, 1) for text in paragraph]
    passages = [
        Passage(id=f"{sid}.{i}", text=text, paragraph=n) for i, (text, n) in enumerate(sentences, 1)
    ]
    return Source(id=sid, title=title, outlet=title, origin=f"{sid}.txt", passages=passages)


COURIER = source(
    "S1",
    "Northgate Courier",
    [
        [
            "The Lindqvist Line said it earned $12 million, or $1.40 per share, in the third quarter.",
            "Lindqvist shares rose $2.10 in morning trading, while Brandt shares climbed $1.80.",
        ],
        ["About 300 passengers were stranded at Oster Pier on Friday, the harbour office said."],
        [
            "The harbour office later raised its count to 340 passengers, up from 300 in the morning."
        ],
        ["Around 500 passengers use the pier on a normal summer day."],
        [
            "Harbour master Elin Sand spoke to reporters at the pier on Friday evening.",
            "“We will run extra boats until everyone is home,” she said.",
        ],
        [
            "“The boats are old,” said Elin Sand.",
            "Brandt runs the other ferries in the bay.",
            "“They should have been replaced years ago,” she said.",
        ],
        ["Mara Voss, who leads the coastguard team, said the pier had been checked twice."],
        ["“Nobody was hurt,” she said."],
        ["“The pier is safe for now,” coastguard spokeswoman Mara Voss said."],
        ["The ferries of the Lindqvist Line cancelled four crossings on Friday."],
        ["The harbour keeps 6 boats for rescues."],
    ],
)
RADIO = source(
    "S2",
    "Valley Radio",
    [
        ["More than 450 passengers were stranded at Oster Pier, according to the coastguard."],
        ["Some 300 travellers were stuck at Oster Pier on Friday evening."],
        ["On Friday the operator Brandt said it had cancelled four crossings."],
        ["The council will vote on a new timetable for the island buses next month."],
        ["Repairs to Oster Pier will cost $15 million, the council said."],
        ["Two Kestrel 4 boats were moved to the pier on Saturday."],
    ],
)
SOURCES = [COURIER, RADIO]
INDEX = {p.id: (s, p) for s in SOURCES for p in s.passages}
TEXTS = {pid: p.text for pid, (_, p) in INDEX.items()}


def figure(
    text: str, value: float, *citations: str, unit: str | None = None, counts: str = ""
) -> Figure:
    counted = counts or (text.rsplit(maxsplit=1)[-1] if unit is None else unit)
    sources = sorted({pid.split(".", 1)[0] for pid in citations})
    return Figure(
        text=text, citations=list(citations), value=value, unit=unit, counts=counted,
        source_ids=sources,
    )  # fmt: skip


def disagreement(*figures: Figure) -> KeyFigure:
    return KeyFigure(subject="figures", figures=list(figures), disagreement=True)


def reasons(group: KeyFigure) -> list[list[str]]:
    return [[f.reason for f in found] for found in disagreement_findings(group, TEXTS)]


# --- 1. a disagreement compares one quantity ---------------------------------------------

STRANDED = figure("About 300 passengers", 300, "S1.3")
RADIO_STRANDED = figure("More than 450 passengers", 450, "S2.1")
REVISED = figure("340 passengers", 340, "S1.4")
EPS = figure("$1.40", 1.40, "S1.1", unit="$")
MOVE = figure("$2.10", 2.10, "S1.2", unit="$")


def test_two_sources_giving_one_quantity_differently_disagree() -> None:
    assert reasons(disagreement(STRANDED, RADIO_STRANDED)) == [[], []]


def test_a_source_revising_its_own_count_disagrees_with_itself() -> None:
    assert reasons(disagreement(STRANDED, REVISED)) == [[], []]
    # Both values from the one sentence that revises one by the other.
    both = [figure("340 passengers", 340, "S1.4"), figure("300", 300, "S1.4", counts="passengers")]
    assert reasons(disagreement(*both)) == [[], []]


def test_earnings_per_share_against_a_share_price_move_is_no_disagreement() -> None:
    eps, move = reasons(disagreement(EPS, MOVE))
    assert eps == ["shown against $2.10 (S1.2) as a disagreement, which is not per share"]
    assert move == [
        "shown against $1.40 (S1.1) as a disagreement, which is per share, unlike this one"
    ]


def test_two_values_of_one_sentence_are_no_disagreement_unless_it_revises() -> None:
    rises = disagreement(MOVE, figure("$1.80", 1.80, "S1.2", unit="$"))
    first, second = reasons(rises)
    assert first == [
        (
            "shown against $1.80 (S1.2) as a disagreement, which the same sentence (S1.2) "
            "gives as another number, not a revision"
        )
    ]
    assert len(second) == 1


def test_one_source_giving_two_values_without_revising_is_no_disagreement() -> None:
    normal_day = figure("Around 500 passengers", 500, "S1.5")
    first, _ = reasons(disagreement(STRANDED, normal_day))
    assert first == [
        (
            "shown against Around 500 passengers (S1.5) as a disagreement, which the same "
            "source (S1) gives without revising one by the other"
        )
    ]
    # S1.4 revises 300 to 340; it says nothing of 500.
    assert reasons(disagreement(REVISED, normal_day)) != [[], []]


def test_amounts_paid_for_different_things_are_no_disagreement() -> None:
    earned = figure("$12 million", 12e6, "S1.1", unit="$")
    repairs = figure("$15 million", 15e6, "S2.5", unit="$")
    first, second = reasons(disagreement(earned, repairs))
    assert first == [
        "shown against $15 million (S2.5) as a disagreement, which counts “Oster Pier cost”, not “earned”"
    ]
    assert second == [
        "shown against $12 million (S1.1) as a disagreement, which counts “earned”, not “Oster Pier cost”"
    ]


def test_a_number_in_a_name_is_no_quantity() -> None:
    boats = [figure("4 boats", 4, "S2.6"), figure("6 boats", 6, "S1.11")]
    kestrel, _ = reasons(disagreement(*boats))
    assert kestrel == [
        (
            "shown against 6 boats (S1.11) as a disagreement, but this figure is part of a "
            "name (“Kestrel 4”), not a quantity"
        )
    ]


def test_a_group_not_shown_as_a_disagreement_is_not_checked_as_one() -> None:
    group = KeyFigure(subject="x", figures=[EPS], disagreement=False)
    assert reasons(group) == [[]]


def test_the_engine_splits_a_group_into_parts_that_may_stand_side_by_side() -> None:
    parts = comparable_parts([EPS, MOVE, STRANDED, RADIO_STRANDED], TEXTS)
    assert [[f.text for f in part] for part in parts] == [
        ["$1.40"],
        ["$2.10"],
        ["About 300 passengers", "More than 450 passengers"],
    ]


# --- 2. a quote's speaker is named where the quote stands --------------------------------


def quote(text: str, pid: str, speaker: str | None) -> Quote:
    return Quote(text=text, citations=[pid], speaker=speaker)


HOME = "We will run extra boats until everyone is home"
REPLACED = "They should have been replaced years ago"
SAFE = "The pier is safe for now"


def test_a_speaker_named_by_surname_in_the_paragraph_passes() -> None:
    for speaker in ("Elin Sand", "Ms Sand", "Sand", "Harbour master Elin Sand"):
        assert speaker_finding(quote(HOME, "S1.7", speaker), INDEX) is None
    assert speaker_finding(quote("The boats are old", "S1.8", "Ms. Sand"), INDEX) is None


def test_a_she_said_quote_may_have_its_speaker_in_the_paragraph_before() -> None:
    assert speaker_finding(quote("Nobody was hurt", "S1.12", "Mara Voss"), INDEX) is None


def test_a_speaker_named_only_elsewhere_in_the_sources_is_flagged() -> None:
    finding = speaker_finding(quote(HOME, "S1.7", "Mara Voss"), INDEX)
    assert finding is not None
    assert finding.reason == (
        "credited to “Mara Voss”, who is not named as the speaker where the quote stands"
    )
    assert finding.severe  # a speaker the passage does not give is unsupported


def test_a_name_in_the_paragraph_that_does_not_speak_is_no_speaker() -> None:
    # Brandt stands in the paragraph, but Elin Sand is the one it quotes.
    assert speaker_finding(quote(REPLACED, "S1.10", "Brandt"), INDEX) is not None
    assert speaker_finding(quote(REPLACED, "S1.10", "Elin Sand"), INDEX) is None


def test_a_speaker_its_own_sentence_contradicts_is_unsupported() -> None:
    finding = speaker_finding(quote(SAFE, "S1.13", "Elin Sand"), INDEX)
    assert finding is not None
    assert finding.severe
    assert finding.reason.endswith("gives it to coastguard spokeswoman Mara Voss")


def test_a_pronoun_names_no_one() -> None:
    finding = speaker_finding(quote(HOME, "S1.7", "She"), INDEX)
    assert finding is not None
    assert finding.reason == "credited to “She”, which names no one"


def test_the_speaker_the_check_finds_can_replace_a_wrong_one() -> None:
    assert credited_speaker(quote(SAFE, "S1.13", "Elin Sand"), INDEX) == (
        "coastguard spokeswoman Mara Voss"
    )
    assert credited_speaker(quote(REPLACED, "S1.10", "Brandt"), INDEX) == "Elin Sand"
    assert credited_speaker(quote(HOME, "S1.7", "Ms Sand"), INDEX) == "Ms Sand"


# --- 3. "also reported by" reports the same thing ----------------------------------------

STRANDED_CLAIM = COURIER.passages[2].text
CANCELLED = COURIER.passages[13].text


def test_a_true_corroboration_passes() -> None:
    assert corroboration_problem(STRANDED_CLAIM, TEXTS["S2.2"]) is None


def test_a_corroboration_giving_another_number_is_flagged() -> None:
    assert corroboration_problem(STRANDED_CLAIM, TEXTS["S2.1"]) == (
        "gives 450 where the claim has 300"
    )


def test_a_corroboration_about_another_actor_is_flagged() -> None:
    assert corroboration_problem(CANCELLED, TEXTS["S2.3"]) == (
        "names Brandt and none of Lindqvist Line"
    )


def test_a_corroboration_sharing_few_words_is_flagged() -> None:
    problem = corroboration_problem(CANCELLED, TEXTS["S2.4"])
    assert problem is not None
    assert problem.startswith("shares only")


# --- the verifier and the engine ----------------------------------------------------------


def brief(**sections: list[object]) -> object:
    draft = Draft(
        title="Oster Pier",
        engine=EngineInfo(name="openai", model="test", note="written for the test"),
        sections=sections,  # type: ignore[arg-type]
    )
    return brief_from_draft(draft, SOURCES)


def test_the_verifier_lowers_what_the_brief_puts_together_wrongly() -> None:
    wrong = brief(
        bottom_line=[
            Claim(id="B1", text=STRANDED_CLAIM, citations=["S1.3"], corroborated_by=["S2.1"])
        ],
        key_figures=[disagreement(EPS, MOVE)],
        quotes=[quote(REPLACED, "S1.10", "Brandt"), quote(SAFE, "S1.13", "Elin Sand")],
    )
    review = verify_brief(wrong)  # type: ignore[arg-type]
    statuses = {c.ref: c.status for c in review.claims}
    assert statuses == {
        "B1": "unsupported",  # its corroboration gives another value
        "stories[0].key_figures[0][0]": "partly supported",
        "stories[0].key_figures[0][1]": "partly supported",
        "stories[0].quotes[0]": "unsupported",  # a speaker the passage does not give
        "stories[0].quotes[1]": "unsupported",
    }
    (b1,) = [c for c in review.claims if c.ref == "B1"]
    assert b1.reasons == [
        "lists S2.1 as also reporting it, but that passage gives 450 where the claim has 300"
    ]


def test_the_verifier_passes_what_the_brief_puts_together_rightly() -> None:
    right = brief(
        bottom_line=[
            Claim(id="B1", text=STRANDED_CLAIM, citations=["S1.3"], corroborated_by=["S2.2"])
        ],
        key_figures=[disagreement(STRANDED, REVISED, RADIO_STRANDED)],
        quotes=[quote(REPLACED, "S1.10", "Elin Sand"), quote(SAFE, "S1.13", "Mara Voss")],
    )
    review = verify_brief(right)  # type: ignore[arg-type]
    assert [(c.ref, c.reasons) for c in review.claims if c.status != "supported"] == []


def test_the_offline_engine_writes_nothing_the_checks_would_flag() -> None:
    draft = ExtractiveEngine().write(SOURCES)
    written = brief_from_draft(draft, SOURCES)
    review = verify_brief(written)
    assert [(c.ref, c.reasons) for c in review.claims if c.status != "supported"] == []
    (story,) = written.stories
    shown = [{f.value for f in g.figures} for g in story.key_figures if g.disagreement]
    assert all(not {1.4, 2.1} <= values for values in shown)
    assert {300, 340, 450} in shown
    assert all(q.speaker != "Brandt" for q in story.quotes)


def test_a_corroboration_counting_the_same_thing_differently_is_flagged_whatever_the_sizes() -> (
    None
):
    claim = "Ferry operator Elsin Lines sold 12,400 tickets on Monday, its chief said."
    other = "Ferry operator Harbour Link sold 51,000 tickets on Monday, a spokesman said."
    assert corroboration_problem(claim, other) == "gives 51,000 where the claim has 12,400"
    # Another count of another thing is no contradiction.
    town = "About 12,400 tickets were sold on Monday in a town of 51,000 people."
    assert corroboration_problem(claim, town) is None


def test_values_far_apart_are_not_one_quantity_in_dispute() -> None:
    from briefing.verify.synthesis import _other_size  # noqa: PLC0415 - the one rule

    class Reading:
        def __init__(self, value: float) -> None:
            self.value = value

    assert _other_size(Reading(240), Reading(17_000)) is not None  # type: ignore[arg-type]
    assert _other_size(Reading(10_000), Reading(100_000)) is None  # type: ignore[arg-type]
    assert _other_size(Reading(10_000), Reading(12_000)) is None  # type: ignore[arg-type]
