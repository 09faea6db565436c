import pytest

from briefing.verify.entities import entities, missing_entities
from briefing.verify.numbers import quantities, unsupported_quantities, word_numbers
from briefing.verify.quotes import misquotes, quoted_spans
from briefing.verify.support import support_score, unsupported_words


@pytest.mark.parametrize(
    "spelling", ["10,000", "10000", "ten thousand", "10k", "10 thousand", "0.01 million"]
)
def test_spellings_of_ten_thousand_agree(spelling):
    assert [(q.kind, q.value) for q in quantities(f"{spelling} people fled")] == [
        ("number", 10000.0)
    ]
    assert unsupported_quantities(f"{spelling} people fled", "Ten thousand people fled.") == []


@pytest.mark.parametrize("spelling", ["12%", "12 per cent", "twelve percent", "12 pct"])
def test_percentages(spelling):
    assert [(q.kind, q.value) for q in quantities(spelling)] == [("percent", 12.0)]


def test_a_percentage_needs_a_percentage_in_the_passage():
    assert unsupported_quantities("12% of homes", "12 homes") != []
    assert unsupported_quantities("12 homes", "12% of homes") == []


@pytest.mark.parametrize(
    "spelling", ["23 November 2026", "Nov. 23, 2026", "2026-11-23", "the 23rd of November 2026"]
)
def test_dates(spelling):
    dates = [q.value for q in quantities(spelling) if q.kind == "date"]
    assert dates == [(2026, 11, 23)]


def test_date_without_year_matches_dated_passage_but_not_another_day():
    passage = "The statement came on 23 November 2026."
    assert unsupported_quantities("on November 23", passage) == []
    assert [q.text for q in unsupported_quantities("on November 24", passage)] == ["November 24"]


def test_month_names_are_not_verbs():
    assert [q.kind for q in quantities("3 may rise")] == ["number"]


def test_wrong_amount_is_reported():
    passage = "Council engineers put the early cost of the damage at €12 million."
    assert unsupported_quantities("The damage will cost €12m", passage) == []
    missing = unsupported_quantities("The damage will cost €15 million", passage)
    assert [q.value for q in missing] == [15e6]


def test_entities_skip_sentence_initial_function_words():
    text = "The streets of lower Harrowgate stood empty after the Bank of England spoke."
    assert entities(text) == ["Harrowgate", "Bank of England"]
    assert entities("Dr. Anna Kell told the N.M.I. office.") == ["Dr. Anna Kell", "N.M.I."]


def test_missing_entity_is_found_and_possessives_match():
    passage = "mayor Ilse Varga said the lower town of Harrowgate was cleared"
    assert (
        missing_entities("Mayor Ilse Varga said Harrowgate's lower town was cleared", passage) == []
    )
    assert missing_entities("Mayor Petra Halm said the town was cleared", passage) == [
        "Mayor Petra Halm"
    ]


def test_quotes_must_be_verbatim_up_to_typography():
    passage = "“We moved everyone out of the lower town before midnight,” said Mayor Ilse Varga."
    assert quoted_spans('She said "yes" and \u2018no\u2019; Harrowgate\u2019s dam') == ["yes", "no"]
    assert (
        misquotes('Varga said: "We moved everyone out of the lower town before midnight."', passage)
        == []
    )
    assert misquotes('Varga said: "We moved everyone ... before midnight"', passage) == []
    assert misquotes('Varga said: "We moved nobody"', passage) == ["We moved nobody"]


def test_support_score_drops_for_unrelated_text():
    passage = "The main bridge over the Velka has been closed."
    assert support_score("The main bridge over the Velka has been closed", passage) == 1.0
    assert support_score("Schools will reopen next week", passage) == 0.0


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("$11B", 11e9),
        ("£5bn", 5e9),
        ("€ 12m", 12e6),
        ("10k runners", 1e4),
        ("a 10m wall", 10.0),  # metres, not millions
        ("pad SLC-36B", 36.0),  # a code, not billions
    ],
)
def test_scale_letters_only_where_unmistakable(text, value):
    assert [q.value for q in quantities(text)] == [value]


def test_a_quote_the_claim_never_closes_is_still_checked():
    passage = 'Madonna said: "20 years ago, I sang at Live Aid and the world watched.'
    assert quoted_spans('She said: "20 years ago, I sang at Live Aid.') == [
        "20 years ago, I sang at Live Aid."
    ]
    assert (
        misquotes('She said: "20 years ago, I sang at Live Aid and the world watched.', passage)
        == []
    )
    assert misquotes('She said: "20 years ago, I danced at Live Aid.', passage) != []
    assert quoted_spans("and the world watched,\u201d she said.") == ["and the world watched,"]


def test_a_lone_capitalised_sentence_opener_is_not_a_name():
    assert entities("Engineers were inspecting the dam. NATO said so.") == ["NATO"]
    assert entities("But Kmart said no. In Tokyo, officials spoke.") == ["Kmart", "Tokyo"]


def test_missing_words_are_reported_as_the_claim_spells_them():
    assert unsupported_words("Engineers judged it dangerous", "The dam held.") == [
        "Engineers",
        "judged",
        "dangerous",
    ]


def test_word_numbers_are_found_where_they_stand():
    text = "Some four thousand residents and twenty-five staff left, one of them on foot."
    found = [(text[n.start : n.end], n.value) for n in word_numbers(text)]
    assert found == [("four thousand", 4000.0), ("twenty-five", 25.0)]
    assert word_numbers("2.5 million people") == []  # the scale word belongs to the digits


def test_a_vague_plural_is_not_a_number():
    assert quantities("Thousands of people left; tens of thousands stayed.") == []
    assert unsupported_quantities("Thousands of people left", "5,500 people left") == []


def test_numbers_beyond_a_float_compare_by_their_digits() -> None:
    huge = "9" * 400
    assert not unsupported_quantities(f"They counted {huge} grains.", f"We saw {huge} grains.")
    other = "9" * 399 + "8"
    assert unsupported_quantities(f"They counted {other} grains.", f"We saw {huge} grains.")


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("The stall sold pears at €2,45 a kilo.", [2.45]),  # a decimal comma
        ("Tickets rose to $31,5 on Friday.", [31.5]),
        ("The hall seats 1,000 people.", [1000.0]),  # a thousands separator stays one
        ("The hall seats 12,500 people, 1,250,000 a year.", [12500.0, 1250000.0]),
        ("Rows 1,2,3 and 4 were closed.", [1.0, 2.0, 3.0, 4.0]),  # a list, not 1.2 and 2.3
        ("Prices fell 3,5 per cent.", [3.5]),
    ],
)
def test_decimal_commas_read_as_decimals(text, values):
    assert [q.value for q in quantities(text) if q.kind != "date"] == values


def test_a_claim_in_decimal_points_matches_a_passage_in_decimal_commas():
    passage = "Shares of the ferry line closed at €52,90 in Oslo."
    assert unsupported_quantities("The shares closed at €52.90.", passage) == []
    assert [q.value for q in unsupported_quantities("The shares closed at €52.", passage)] == [52.0]
    assert [q.value for q in unsupported_quantities("The shares closed at €5,290.", passage)] == [
        5290.0
    ]
