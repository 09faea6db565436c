"""Meaning checks: does the claim say what the passage span it rests on says?

The word checks (checks.py) find a claim's words, numbers and names in its passages; a
claim can pass them all and still say the opposite. These compare the claim with the span
of its cited passages that it was written from, found by aligning the two word sequences
(alignment.py): where they differ by a few words, those words must not
add or drop a negation, state as fact what the passage hedges, drop or change a qualifier
("nearly", "up to", "only"), or put one word's opposite in its place. Apart from the
alignment: an amount's currency, unit and scale, who does what to whom where the names'
order shows it, and a quote's ellipsis that cuts out a negation or a contrast.

One job each, deterministic and fast (one alignment of short word lists per claim). Each
finding says what the passage has and what the claim has, so a reviewer can fix it.
`conflict` holds a corroborating passage to the same rules (synthesis.corroboration_problem).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefing import wordlists
from briefing.verify.alignment import SEPARATOR, Edit, align, cited_words, words
from briefing.verify.entities import entities
from briefing.verify.findings import Finding
from briefing.verify.lexicon import (
    APPROXIMATE,
    BEFORE_NUMBER_ONLY,
    CONTRASTS,
    CURRENCIES,
    FRACTIONS,
    HEDGES,
    IMPLICIT_NEGATIONS,
    MODALS,
    NUMBER_WORDS,
    QUALIFIERS,
    SCALES,
    UNITS,
    lemma,
    negates,
    negative_of,
    opposites,
)
from briefing.verify.quotes import ellipsis_cuts, quoted_spans

if TYPE_CHECKING:
    from collections.abc import Sequence

# Cited text longer than this (characters) is no sentence a claim was written from but a
# page run together; it gets the word checks only (aligning with it would cost seconds).
LONGEST_CITED = 20_000
# An edit of more words than this, either side, is a rewording, not a word changed.
_LOCAL = 5
# Below this share of the claim's words aligned with the passage, the claim is not a copy
# with words changed but a paraphrase, and word-for-word comparison would mislead.
_ALIGNED = 0.5
_COMMON = 3.0  # Zipf frequency of a common English word ("likely" 5.0, "ited" under 1)
_PLAIN = re.compile("[a-z]+")  # a word wordfreq reads as it is: one token, no digits
_NUMBER = re.compile(r"\d[\d,.]*")
_YEARS = (1800, 2100)


# --- what an edit changes ----------------------------------------------------------------


def _negations(ws: Sequence[str]) -> list[str]:
    return [w for w in ws if negates(w)]


def polarity(edit: Edit) -> Finding | None:
    """A negation added or dropped ("no decision" -> "a decision"; "unlikely" -> "likely")."""
    ours, theirs = _negations(edit.ours), _negations(edit.theirs)
    flipped = [(o, t) for o in edit.ours for t in edit.theirs if negative_of(o, t)]
    if len(ours) == len(theirs) and not flipped:
        return None
    fewer = edit.theirs if len(theirs) < len(ours) else edit.ours
    if not flipped and abs(len(ours) - len(theirs)) == 1 and _implicit(fewer):
        return None  # "declined to say" for "did not say"
    if flipped:
        o, t = flipped[0]
        said = f"has \u201c{o}\u201d where the passage has \u201c{t}\u201d"
    elif len(theirs) > len(ours):
        said = f"drops the passage's \u201c{theirs[0]}\u201d"
    else:
        said = f"adds \u201c{ours[0]}\u201d, which the passage does not say"
    reason = (
        f"{said}: the passage reads {edit.excerpt(edit.theirs)}, the claim "
        f"{edit.excerpt(edit.ours)}, which says the opposite"
    )
    subject = flipped[0][0] if flipped else (ours or theirs)[0]
    return Finding("polarity", subject, reason, severe=True, contradicts=True)


def _implicit(ws: Sequence[str]) -> bool:
    return any(lemma(w) in _IMPLICIT for w in ws)


_IMPLICIT = frozenset(lemma(w) for w in IMPLICIT_NEGATIONS)


def _hedges(ws: Sequence[str], following: Sequence[str]) -> list[str]:
    """The hedges of a word list; a modal followed by a negation ("could not be reached")
    says what did not happen, and is no hedge."""
    seq = [*ws, *following[:1]]
    return [
        w
        for i, w in enumerate(ws)
        if w in HEDGES and not (w in MODALS and i + 1 < len(seq) and negates(seq[i + 1]))
    ]


def hedge(edit: Edit) -> Finding | None:
    """The passage hedges (likely, may, reportedly, expected to), the claim asserts."""
    theirs = _hedges(edit.theirs, edit.after)
    if not theirs or _hedges(edit.ours, edit.after):
        return None
    reason = (
        f"states as fact what the passage hedges with \u201c{theirs[0]}\u201d: the passage "
        f"reads {edit.excerpt(edit.theirs)}, the claim {edit.excerpt(edit.ours)}; keep the hedge"
    )
    return Finding("hedge", theirs[0], reason, severe=True)


def qualifiers(ws: Sequence[str], following: Sequence[str]) -> dict[str, str]:
    """The qualifiers in `ws` (then `following`, the words after them), by what they say:
    {"almost": "nearly"}. One that qualifies only a number counts before a number."""
    seq = [*ws, *following[:1]]
    found: dict[str, str] = {}
    for i in range(len(ws)):
        for size in (3, 2, 1):
            phrase = " ".join(seq[i : i + size])
            if len(seq[i : i + size]) < size or phrase not in QUALIFIERS:
                continue
            next_word = seq[i + size] if i + size < len(seq) else ""
            if phrase in BEFORE_NUMBER_ONLY and not _is_number(next_word):
                continue
            found.setdefault(QUALIFIERS[phrase], phrase)
            break
    return found


def _is_number(word: str) -> bool:
    """Digits, a number word text2num leaves as it is ("one", "dozen", "hundreds"), or the
    currency before an amount ("around $21.5 million")."""
    return word[:1].isdigit() or word in NUMBER_WORDS or word in CURRENCIES


def qualifier(edit: Edit) -> Finding | None:
    """A qualifier on a number or a verb dropped, added or changed: "nearly 3,500" ->
    "3,500", "almost got vaccinated" -> "got vaccinated", "up to $500m" -> "$500m". Only
    an "about" dropped is minor (partly supported): the claim is more exact than its
    passage, not wrong about which way the number leans."""
    ours, theirs = qualifiers(edit.ours, edit.after), qualifiers(edit.theirs, edit.after)
    if ours.keys() == theirs.keys():
        return None
    if any(_is_number(w) and w not in edit.ours for w in edit.theirs):
        return None  # the number went with its qualifier: "thousands" for "more than 5,500"
    minor = not ours and set(theirs) == {APPROXIMATE}
    if theirs and not ours:
        said = f"drops the passage's \u201c{next(iter(theirs.values()))}\u201d"
    elif ours and not theirs:
        said = f"adds \u201c{next(iter(ours.values()))}\u201d, which the passage does not have"
    else:
        said = (
            f"has \u201c{next(iter(ours.values()))}\u201d where the passage has "
            f"\u201c{next(iter(theirs.values()))}\u201d"
        )
    reason = (
        f"{said}: the passage reads {edit.excerpt(edit.theirs)}, the claim "
        f"{edit.excerpt(edit.ours)}"
    )
    subject = next(iter({**ours, **theirs}.values()))
    return Finding("qualifier", subject, reason, severe=not minor)


def direction(edit: Edit) -> Finding | None:
    """One word's opposite in its place: rise/fall, reverse/affirm, shorten/lengthen."""
    for o in edit.ours:
        for t in edit.theirs:
            if lemma(t) in opposites(o, weak=True):
                reason = (
                    f"has \u201c{o}\u201d where the passage has its opposite, \u201c{t}\u201d: "
                    f"the passage reads {edit.excerpt(edit.theirs)}, the claim "
                    f"{edit.excerpt(edit.ours)}"
                )
                return Finding("direction", o, reason, severe=True, contradicts=True)
    return None


_EDIT_CHECKS = (polarity, direction, hedge, qualifier)


def opposite_pair(claim: Sequence[str], cited: Sequence[str]) -> tuple[str, str] | None:
    """(the claim's word, the passages' word) for a word of direction or outcome that the
    passages never use while they use its opposite: "lengthened" where every cited passage
    says "shortened"."""
    theirs = {lemma(w): w for w in cited}
    for o in claim:
        if lemma(o) in theirs:
            continue
        opposite = next((theirs[x] for x in opposites(o) if x in theirs), None)
        if opposite:
            return o, opposite
    return None


# --- amounts: currency, scale and unit ---------------------------------------------------


@dataclass(frozen=True)
class Amount:
    number: str  # as written in digits, separators dropped: "1500", "55"
    currency: str | None
    scale: float | None
    unit: str | None
    written: str  # the words it was read from: "$ 1,500", "11 billion", "3 days"


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def amounts(ws: Sequence[str]) -> list[Amount]:
    """Each number of a word list with its currency (sign or word), scale and unit."""
    found: list[Amount] = []
    for i, w in enumerate(ws):
        if not w[:1].isdigit() or not _NUMBER.fullmatch(w):
            continue
        currency = CURRENCIES.get(ws[i - 1]) if i else None
        start = i - 1 if currency else i
        k = i + 1
        scale = SCALES.get(ws[k]) if k < len(ws) else None
        k += scale is not None
        unit = None
        if k < len(ws):
            after = _singular(ws[k])
            named = CURRENCIES.get(ws[k]) or CURRENCIES.get(after)
            unit = UNITS.get(ws[k]) or UNITS.get(after)
            currency = currency or named
            k += bool(named or unit)
        written = " ".join(ws[start:k]).replace("$ ", "$").replace("€ ", "€")
        found.append(Amount(w.replace(",", "").rstrip("."), currency, scale, unit, written))
    return found


def _differs(ours: Amount, theirs: Amount) -> bool:
    return any(
        a is not None and b is not None and a != b
        for a, b in (
            (ours.currency, theirs.currency),
            (ours.scale, theirs.scale),
            (ours.unit, theirs.unit),
        )
    )


def amount_findings(claim: Sequence[str], cited: Sequence[str]) -> list[Finding]:
    """A number the passages give in another currency, scale or unit: "€1,500" for
    "$1,500", "$11 million" for "$11 billion", "3 weeks" for "3 days"."""
    theirs = amounts(cited)
    found: list[Finding] = []
    for ours in amounts(claim):
        same = [t for t in theirs if t.number == ours.number]
        if same and all(_differs(ours, t) for t in same):
            reason = (
                f"gives \u201c{ours.written}\u201d where the cited passages have "
                f"\u201c{same[0].written}\u201d: another currency, scale or unit"
            )
            found.append(Finding("unit", ours.written, reason, severe=True))
    return found


# --- who did what to whom ----------------------------------------------------------------

# Between two names, these make them one group (the order says nothing of their roles).
_TOGETHER = re.compile(r"^\W*(?:and|or|&|nor|vs?|versus)?\W*(?:the|a|an)?\W*$", re.IGNORECASE)
_PASSIVE = re.compile(r"\bby\b")


def _place(name: str, text: str) -> int | None:
    """Where a name stands in a text, when it stands there once, as a whole word."""
    if name not in text:
        return None
    at = _whole_word_starts(name, text)
    return at[0] if len(at) == 1 else None


def _whole_word_starts(name: str, text: str) -> list[int]:
    r"""Where `name` stands in `text` with no word character either side: what
    `re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text)` finds, without compiling a
    pattern for each of a day's few thousand names (0.4 s of 289 articles' profile)."""
    starts: list[int] = []
    at = text.find(name)
    while at >= 0:
        end = at + len(name)
        if not (_word_character(text, at - 1) or _word_character(text, end)):
            starts.append(at)
            at = text.find(name, max(end, at + 1))  # matches do not overlap
        else:
            at = text.find(name, at + 1)
    return starts


def _word_character(text: str, at: int) -> bool:
    r"""`re`'s \w, for the character at `at` (none outside the text)."""
    return 0 <= at < len(text) and (text[at].isalnum() or text[at] == "_")


def _apart(text: str, a: int, b: int, a_name: str) -> str:
    first, second = sorted((a, b))
    return text[first + (len(a_name) if first == a else 0) : second]


def roles(claim: str, passages: Sequence[str]) -> Finding | None:
    """Two names in the opposite order to the passage's, where neither text groups them
    ("A and B") or turns the sentence round ("by"): "siding with A, refusing B's request"
    written as "siding with B, refusing A's request"."""
    names = [n.removesuffix("'s").removesuffix("\u2019s") for n in entities(claim)]
    placed: dict[tuple[str, str], int | None] = {}  # each name in each text, found once

    def place(name: str, text: str) -> int | None:
        if (name, text) not in placed:
            placed[name, text] = _place(name, text)
        return placed[name, text]

    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            ca, cb = place(a, claim), place(b, claim)
            if ca is None or cb is None or a in b or b in a:
                continue
            orders = set()
            # Each passage that names both; else all of them as one text (a claim of two
            # sentences, one name in each).
            texts = [t for t in passages if a in t and b in t] or [" ".join(passages)]
            for text in texts:
                pa, pb = place(a, text), place(b, text)
                if pa is None or pb is None:
                    continue
                between = (_apart(claim, ca, cb, a), _apart(text, pa, pb, a))
                if any(_TOGETHER.search(t) or _PASSIVE.search(t) for t in between):
                    orders.add("either")
                    continue
                orders.add("same" if (ca < cb) == (pa < pb) else "swapped")
            if orders == {"swapped"}:
                first, second = (a, b) if ca < cb else (b, a)
                reason = (
                    f"puts {first} and {second} in each other's place: the cited passage has "
                    f"{second} where the claim has {first}, and the other way round"
                )
                return Finding("roles", f"{first}, {second}", reason, severe=True, contradicts=True)
    return None


# --- a quote cut with an ellipsis --------------------------------------------------------


def ellipsis_findings(text: str, passages: Sequence[str], *, quote: bool) -> list[Finding]:
    """A quote whose "..." cuts out a negation or a contrast ("likely to undermine, rather
    than enhance" quoted as "likely to ... enhance")."""
    spans = [text] if quote else quoted_spans(text)
    found: list[Finding] = []
    for span in spans:
        for cut in ellipsis_cuts(span, passages):
            cut_words = words(cut)
            turns = [w for w in cut_words if negates(w) or w in CONTRASTS]
            if turns:
                reason = (
                    f"its \u201c...\u201d cuts \u201c{cut.strip()}\u201d out of the quote, "
                    f"and with it \u201c{turns[0]}\u201d: the quote no longer says what the "
                    "passage says"
                )
                finding = Finding("ellipsis", cut.strip(), reason, severe=True, contradicts=True)
                found.append(finding)
    return found


# --- the checks of a claim, and of a corroborating passage --------------------------------


def meaning_findings(
    text: str, passages: Sequence[str], *, quote: bool = False, label: bool = False
) -> list[Finding]:
    """What the claim says otherwise than the cited passages: each finding severe, the ones
    that say the opposite marked `contradicts`. A key figure's `label` ("2 people missing")
    names a number and what it counts; the hedge of the sentence it comes from, or its
    "about", is not its to keep."""
    if not passages or sum(map(len, passages)) > LONGEST_CITED:
        return []
    claim, cited = words(text), cited_words(passages)
    found = ellipsis_findings(text, passages, quote=quote)
    found += amount_findings(claim, cited)
    aligned = align(claim, cited)
    if aligned.coverage >= _ALIGNED:
        for edit in aligned.edits:
            found += [f for f in _edit_findings(edit) if not (label and _sentence_wide(f))]
        swapped = roles(text, passages)
        if swapped:
            found.append(swapped)
    # An opposite is read only where the alignment pairs it with its word: "shares fell"
    # may rest on "shares dropped as bonds rose" (a corroboration is read more strictly,
    # `conflict`).
    return _one_each(found)


def _sentence_wide(finding: Finding) -> bool:
    """A hedge, or an "about" dropped: what a key figure's label need not repeat of the
    sentence it comes from ("4,000 residents" from "some 4,000 residents may have left")."""
    return finding.rule == "hedge" or (finding.rule == "qualifier" and not finding.severe)


def _edit_findings(edit: Edit) -> list[Finding]:
    if len(edit.ours) > _LOCAL or len(edit.theirs) > _LOCAL:
        return []
    if edit.edge:
        right_before = Edit((), edit.theirs[-1:], edit.before, edit.after)
        return [f for f in (polarity(right_before), qualifier(edit)) if f]
    return [f for check in _EDIT_CHECKS if (f := check(edit))]


def _one_each(found: list[Finding]) -> list[Finding]:
    """The first finding of each rule and subject (an edit can be seen twice)."""
    seen: set[tuple[str, str]] = set()
    kept: list[Finding] = []
    for f in found:
        if (f.rule, f.subject) not in seen:
            seen.add((f.rule, f.subject))
            kept.append(f)
    return kept


def _polar(ws: Sequence[str]) -> list[str]:
    """The negations of a word list, "unlikely"-like words included (un- and a common
    English word: "un" + "likely", not "un" + "der")."""
    return [
        w
        for w in ws
        if negates(w) or (w.startswith("un") and len(w) > 5 and _common_english(w[2:]))
    ]


def _common_english(word: str) -> bool:
    """wordfreq's Zipf frequency of the word in English is at least `_COMMON`."""
    if _PLAIN.fullmatch(word):
        return _common_english_words().get(word) is not None
    from wordfreq import zipf_frequency  # noqa: PLC0415 - rare: most words are plain

    return zipf_frequency(word, "en") >= _COMMON


@functools.cache
def _common_english_words() -> wordlists.WordTable:
    # Kept in the cache folder (briefing/wordlists.py): the English list wordfreq looks
    # words up in holds 38 MB once loaded, for the 30,000 words this check can accept.
    return wordlists.table(f"english-zipf-at-least-{_COMMON}", _built_common_english)


def _built_common_english() -> dict[str, float]:
    """Each word of wordfreq's English list whose Zipf frequency, as zipf_frequency gives
    it, is at least `_COMMON`: a plain word outside the list has none."""
    import wordfreq  # noqa: PLC0415 - loaded only to build the table

    # zipf_frequency rounds; a tenth below the bar leaves a margin, and every word above
    # that is then asked as the check asks.
    floor = wordfreq.zipf_to_freq(_COMMON - 0.1)
    candidates = [w for w, f in wordfreq.get_frequency_dict("en", "best").items() if f >= floor]
    zipf = {w: wordfreq.zipf_frequency(w, "en") for w in candidates}
    return {w: z for w, z in zipf.items() if z >= _COMMON}


def _fraction_words(ws: Sequence[str]) -> list[str]:
    return [w for w in ws if w in FRACTIONS]


def _numbers(ws: Sequence[str]) -> set[str]:
    found = set()
    for a in amounts(ws):
        try:
            value = float(a.number)
        except ValueError:
            continue
        if not (value.is_integer() and _YEARS[0] <= value <= _YEARS[1]):
            found.add(a.number)
    return found


def conflict(claim: str, passage: str) -> str | None:
    """Why another source's passage does not report the same fact as the claim, said of the
    passage: it says the opposite (a negation, an opposite word), changes the claim's words
    in a way a meaning check flags, or gives another number where the claim's fraction
    stands. None when none of these holds."""
    ours, theirs = words(claim), words(passage)
    negations = (_polar(ours), _polar(theirs))
    if len(negations[0]) % 2 != len(negations[1]) % 2:
        if negations[1]:
            return f"says \u201c{negations[1][0]}\u201d where the claim has no such negation"
        return f"has no \u201c{negations[0][0]}\u201d: it says the opposite of the claim"
    opposite = opposite_pair(ours, theirs)
    if opposite:
        return f"says \u201c{opposite[1]}\u201d where the claim says \u201c{opposite[0]}\u201d"
    aligned = align(ours, (*theirs, SEPARATOR))
    edits = aligned.edits if aligned.coverage >= _ALIGNED else []
    for found in (f for edit in edits for f in _edit_findings(edit)):
        if found.rule != "hedge":
            return f"differs in meaning: the claim {found.reason}"
    fractions = [w for w in _fraction_words(ours) if w not in theirs]
    spare = _numbers(theirs) - _numbers(ours)
    if fractions and spare:
        return f"gives {min(spare)} where the claim has \u201c{fractions[0]}\u201d"
    return None
