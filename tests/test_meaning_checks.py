"""The meaning checks (briefing/verify/meaning.py) on sentences of our own: each kind of
meaning-changing edit is caught with a reason, and faithful copies and paraphrases are not
flagged. The ten hand-made edit kinds of issue 16 are among them."""

from __future__ import annotations

import pytest

from briefing.verify.checks import check_text, status_of
from briefing.verify.gate import percent
from briefing.verify.meaning import meaning_findings
from briefing.verify.synthesis import corroboration_problem

# (passage, edited claim, the rule that must catch it, whether it contradicts)
EDITS = [
    # negation dropped / added
    ("No final decision has been made on the Kessel reservoir, the ministry said.",
     "A final decision has been made on the Kessel reservoir, the ministry said.", "polarity", True),
    ("The council approved the budget for the new harbour wall.",
     "The council did not approve the budget for the new harbour wall.", "polarity", True),
    ("Engineers said the spillway was unable to cope with the inflow.",
     "Engineers said the spillway was able to cope with the inflow.", "polarity", True),
    # roles swapped
    ("The tribunal ruled 5-4, siding with the Harbour Authority, refusing the Fishers Guild's request.",
     "The tribunal ruled 5-4, siding with the Fishers Guild, refusing the Harbour Authority's request.",
     "roles", True),
    # a quote cut with an ellipsis that drops a contrast / a negation
    ("The mayor said the levy was \"likely to weaken, rather than strengthen, the town's finances\".",
     "The mayor said the levy was \"likely to ... strengthen, the town's finances\".", "ellipsis", True),
    ('"We will not reopen the bridge this week," the engineer said.',
     '"We will ... reopen the bridge this week," the engineer said.', "ellipsis", True),
    # a hedge stated as fact
    ("The ferry timetable is likely to be dropped next spring.",
     "The ferry timetable has been dropped next spring.", "hedge", False),
    ("The director reportedly resigned after the audit.",
     "The director resigned after the audit.", "hedge", False),
    # a qualifier dropped, on a verb and on a number
    ("Half of the crew almost got vaccinated before the voyage.",
     "Half of the crew got vaccinated before the voyage.", "qualifier", False),
    ("The storm cut power to nearly 3,500 homes in Oster.",
     "The storm cut power to 3,500 homes in Oster.", "qualifier", False),
    ("The plan promises up to 200 new berths by 2030.",
     "The plan promises 200 new berths by 2030.", "qualifier", False),
    # an opposite word
    ("The appeals court was reversing lower court decisions on the quarry.",
     "The appeals court was affirming lower court decisions on the quarry.", "direction", True),
    ("Bookmakers have shortened the odds on a second referendum.",
     "Bookmakers have lengthened the odds on a second referendum.", "direction", True),
    ("Fuel prices rose sharply in the first week of March.",
     "Fuel prices fell sharply in the first week of March.", "direction", True),
    # currency, scale, unit
    ("Each household will be paid EUR 1,500 in compensation.",
     "Each household will be paid $1,500 in compensation.", "unit", False),
    ("The repair bill came to $4 million, the port said.",
     "The repair bill came to $4 billion, the port said.", "unit", False),
    ("The road will stay closed for 3 days while crews clear it.",
     "The road will stay closed for 3 weeks while crews clear it.", "unit", False),
]  # fmt: skip


@pytest.mark.parametrize(("passage", "claim", "rule", "contradicts"), EDITS)
def test_a_meaning_changing_edit_is_caught_with_a_reason(passage, claim, rule, contradicts):
    found = meaning_findings(claim, [passage])
    assert rule in [f.rule for f in found], found
    finding = next(f for f in found if f.rule == rule)
    assert finding.severe
    assert finding.contradicts is contradicts
    assert len(finding.reason) > 30  # a sentence a reviewer can act on


def test_the_reason_says_what_the_passage_has_and_what_the_claim_has():
    (finding,) = meaning_findings(
        "A final decision has been made, officials said.",
        ["No final decision has been made, officials said."],
    )
    assert "“no”" in finding.reason
    assert "“no final decision”" in finding.reason
    assert "“a final decision”" in finding.reason


FAITHFUL = [
    # a copy, a cut, a copy across two passages
    ("Some 4,000 residents left the lower town of Harrowgate overnight.",
     "Some 4,000 residents left the lower town of Harrowgate overnight."),
    ("Officials said no one was hurt when the crane fell.", "No one was hurt when the crane fell."),
    # paraphrases that keep the meaning
    ("The council did not approve the budget.", "The council didn't approve the budget."),
    ("About 4,000 people left their homes overnight.", "Around 4,000 people left their homes overnight."),
    ("Some four thousand residents left Harrowgate overnight.", "Some 4,000 residents left Harrowgate overnight."),
    ("The Harbour Authority and the Fishers Guild signed the deal.",
     "The Fishers Guild and the Harbour Authority signed the deal."),
    ("The Harbour Authority fined the Fishers Guild.", "The Fishers Guild was fined by the Harbour Authority."),
    ("The company will have $55 billion in annual revenue.", "The company will have $55bn in annual revenue."),
    ("The mayor said the levy was \"likely to weaken the town's finances\" this year.",
     "The mayor said the levy was \"likely to ... weaken the town's finances\"."),
    ("Prices rose in May but fell in June.", "Prices fell in June."),
    ("The ferry timetable is likely to be dropped next spring.",
     "The ferry timetable is expected to be dropped next spring."),
    ("Harbour shares dropped on Monday as bond prices rose.", "Harbour shares fell on Monday."),
    ("More than 5,500 people have left the lower town.", "Thousands of people have left the lower town."),
    ("The port declined to say how much the repairs cost.",
     "The port did not say how much the repairs cost."),
    ("The harbour master could not be reached for comment on Friday.",
     "The harbour master was not reached for comment on Friday."),
    ("The Harbour Authority is buying the Fishers Guild's old depot.",
     "The Fishers Guild's old depot is being bought by the Harbour Authority."),
]  # fmt: skip


@pytest.mark.parametrize(("passage", "claim"), FAITHFUL)
def test_a_faithful_claim_is_not_flagged(passage, claim):
    assert meaning_findings(claim, [passage]) == []


def test_an_about_dropped_is_minor_and_a_key_figure_label_may_drop_it():
    passage = "Some four thousand residents left Harrowgate overnight."
    (finding,) = meaning_findings("4,000 residents left Harrowgate overnight.", [passage])
    assert (finding.rule, finding.severe) == ("qualifier", False)  # partly supported
    assert "“some”" in finding.reason
    assert check_text("4,000 residents", [passage], value=4000).supported


def test_a_key_figure_label_keeps_no_hedge_but_keeps_its_bounds():
    passage = "Up to 40 fishermen were reportedly missing after the storm."
    assert check_text("40 fishermen missing", [passage], value=40).findings[0].rule == "qualifier"
    assert check_text("up to 40 fishermen missing", [passage], value=40).supported


def test_a_wrong_number_is_unsupported_and_an_opposite_contradicted():
    passage = "Fuel prices rose 4% in March."
    assert status_of(check_text("Fuel prices rose 9% in March.", [passage]).findings) == (
        "unsupported"
    )
    assert status_of(check_text("Fuel prices fell 4% in March.", [passage]).findings) == (
        "contradicted"
    )
    assert status_of(check_text("Fuel prices rose 4% in March.", [passage]).findings) == (
        "supported"
    )


CORROBORATIONS = [
    ("Bookmakers have lengthened the odds on a snap election.",
     "Bookmakers have shortened the odds on a snap election after the vote."),
    ("Only half the 12 mayors turned up for the summit.",
     "Eight of the 12 mayors turned up for the summit in Oster."),
    ("Some Harbour stores will be converted to the Quay brand.",
     "The owner said it is unlikely any Quay stores would be converted to Harbour stores."),
    ("The repair bill came to $4 million, the port said.",
     "The port put the repair bill at $4 billion."),
]  # fmt: skip


@pytest.mark.parametrize(("claim", "passage"), CORROBORATIONS)
def test_a_passage_that_says_otherwise_is_no_corroboration(claim, passage):
    assert corroboration_problem(claim, passage) is not None


def test_a_passage_that_says_the_same_is_a_corroboration():
    claim = "Both names will stay on the stores, but some Harbour stores will become Quay stores."
    passage = "Both names will stay on stores, but some Harbour shops will become Quay stores."
    assert corroboration_problem(claim, passage) is None


@pytest.mark.parametrize(
    ("fraction", "shown"),
    [
        (1.0, "100%"),
        (0.9995, "99.9%"),
        (0.938, "93.8%"),
        (12 / 13, "92.3%"),
        (0.0, "0%"),
        (0.5, "50%"),
    ],
)
def test_the_supported_share_never_rounds_up(fraction, shown):
    assert percent(fraction) == shown
