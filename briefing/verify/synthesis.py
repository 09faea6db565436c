"""What a brief puts together, checked: figures shown as disagreeing, a quote's speaker,
and passages said to report the same thing (that a story cites only its own sources is
checks.outside_story).

The sentence checks (checks.py) hold each claim to its own citations. These hold what the
brief combines, which can mislead while every sentence checks out: "$5.45 vs. $7.33" says
sources differ on one quantity, a quote's speaker says who said it, "also reported by"
says another source reports the same thing. Pure and deterministic like the rest of the
verifier; the extractive engine calls the same functions, so it does not write what the
verifier would flag.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefing.models import Claim, KeyFigure, Quote
from briefing.verify.attribution import (
    attributions,
    is_pronoun,
    key_words,
    masked,
    names_match,
    spelled_out,
)
from briefing.verify.entities import entities
from briefing.verify.findings import Finding
from briefing.verify.meaning import LONGEST_CITED, conflict
from briefing.verify.numbers import passage_quantities, quantities, word_numbers
from briefing.verify.support import support_score
from briefing.verify.words import STOP_WORDS, Vocabulary, counted_word, fold, normal, tokens

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from briefing.models import Figure, Item, Passage, Source
    from briefing.verify.numbers import Quantity

    PassageIndex = Mapping[str, tuple[Source, Passage]]  # passage id -> (source, passage)

# Where a clause ends: a number's context and a speaker's name stop here. \x00 stands for
# quoted words, masked out.
_BOUNDARY = re.compile(r"[,;:()\"“”«»\x00—–!?]|\s-{1,2}\s|\.(?:\s|$)")


# --- 1. a disagreement compares one quantity ---------------------------------------------

# A source that revises itself gives two values of one quantity in good faith.
_REVISION = re.compile(
    r"\b(?:revis(?:ed|es|ing|ion)|correct(?:ed|ion)|updated|"
    r"(?:up|down|raised|lowered|increased|decreased|reduced|cut|upped|rose|risen|fell|"
    r"fallen|climbed|dropped|jumped|grew|grown)\b[^.;]{0,60}?\bfrom (?:about |around )?"
    r"(?:US\$|[$€£¥])?\d|"
    r"later (?:said|put|gave|raised|lowered|revised|reported|corrected)|"
    r"(?:now|has since|have since) (?:says?|puts?|estimates?|stands?|believes?|reports?|"
    r"gives?)|now (?:at|stands)|initially|originally|"
    r"(?:earlier|previously) (?:said|reported|put|gave|estimated|figure|estimate|count|toll))\b",
    re.IGNORECASE,
)
_AMOUNT = re.compile(
    r"(?:US\$|[$€£¥])?\s?(?<![\w.])\d[\d,]*(?:\.\d+)?"
    r"(?:\s?(?:thousand|million|billion|trillion|bn|mln|m|k)\b)?",
    re.IGNORECASE,
)
_RATE = re.compile(
    r"^\s*(?:a|an|per|each|every|/)\s*(year|month|week|day|hour|quarter|share|person|head|"
    r"capita|unit|barrel|tonne|ton)s?\b",
    re.IGNORECASE,
)
_RATE_WORDS = {"annual": "year", "annually": "year", "yearly": "year", "monthly": "month",
               "weekly": "week", "daily": "day", "quarterly": "quarter"}  # fmt: skip
_PER_UNIT = frozenset({"share", "person", "head", "capita", "unit", "barrel", "tonne", "ton"})
_CURRENCIES = {"$": "$", "US$": "$", "USD": "$", "dollar": "$", "€": "€", "EUR": "€",
               "euro": "€", "£": "£", "GBP": "£", "pound": "£", "sterling": "£", "¥": "¥",
               "JPY": "¥", "yen": "¥"}  # fmt: skip
# Words beside a number that say how big it is, not what it counts.
_NOT_COUNTED = (
    frozenset(
        """thousand thousands million millions billion billions trillion bn mln percent cent pct
    about around approximately approx roughly nearly almost least estimated fewer less some
    dozen dozens hundred hundreds total totalling m km kg cm mm metre metres meter meters
    kilometre kilometres kilometer kilometers mile miles tonne tonnes ton tons degree degrees
    feet foot ft inch inches lb lbs sec secs second seconds min mins minute minutes hour
    hours""".split()
    )
    | frozenset(_RATE_WORDS)
    # Folded as the words they are compared with are: "EUR" and "USD" name no thing counted.
    | frozenset(fold(w) for w in _CURRENCIES)
    | frozenset(f"{fold(w)}s" for w in _CURRENCIES)
)
_CALENDAR = frozenset(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
    saturday sunday""".split()
)
_WINDOW = 200  # characters either side of a number read for its context
_BEFORE_WORDS = 3  # content words before a number that say what it counts
_NAME_WORDS = 4  # words before a number whose names say whom it is about


@dataclass(frozen=True)
class _Reading:
    """How a figure reads in its cited passages: what kind of number, what it counts and
    of whom, and where it comes from."""

    kind: str  # "an amount in $", "a percentage", "a measure in km", "a count"
    label: str | None  # the name the number belongs to: "Delta 2" in "Delta 2 rockets"
    rate: str | None  # "share" for "$5.45 per share", "year" for "$500m a year"
    counted: dict[str, str]  # what it counts: reduced word -> the word as written
    names: dict[str, str]  # names beside the number, its subject: reduced -> as written
    sources: frozenset[str]
    sentences: frozenset[str]
    value: float
    revised: dict[str, list[float]]  # cited sentences that revise a figure: their numbers
    parties: frozenset[str]  # who its sentences credit it to, as key words


def _kind(figure: Figure) -> str:
    unit = (figure.unit or "").strip()
    words = [fold(w).rstrip("s") for w in tokens(figure.counts)]
    currency = (
        _CURRENCIES.get(unit)
        or _CURRENCIES.get(unit.upper())
        or next((_CURRENCIES[w] for w in words if w in _CURRENCIES), None)
    )
    if currency:
        return f"an amount in {currency}"
    if unit == "%" or "%" in figure.text or re.search(r"per ?cent", figure.text, re.IGNORECASE):
        return "a percentage"
    return f"a measure in {unit}" if unit else "a count"


def _spans(figure: Figure, text: str) -> list[tuple[int, int]]:
    """Where the figure stands in a passage: its words, else a number of its value."""
    found = re.search(re.escape(figure.text.strip()), text, re.IGNORECASE)
    if found and figure.text.strip():
        return [(found.start(), found.end())]
    spans = [
        (m.start(), m.end())
        for m in _AMOUNT.finditer(text)
        if any(_same(q, figure.value) for q in quantities(m.group().strip()))
    ]
    spans += [(n.start, n.end) for n in word_numbers(text) if _close(n.value, figure.value)]
    return spans


def _same(q: Quantity, value: float) -> bool:
    return isinstance(q.value, float) and _close(q.value, value)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)


# Who reports a number is no part of what it counts: "Kmart said it earned $553 million"
# reads "it earned" (but "promised $500m a year in savings" keeps its verb).
_REPORTED = re.compile(r"\b(?:said|says|say|told|tells|added|adds|stated|according to)\b")
_BEFORE_CUTS = (_BOUNDARY, _REPORTED, re.compile(r"\b(?:that|and|or|but|while|whereas)\b"))


def _before(text: str, start: int) -> str:
    """The clause before a number, from the last "said", "that" or "and" on: "Kmart said it
    earned $553 million" reads "it earned"; nor is the thing an "and" joins it to part of
    what it counts ("a GDP of $973bn and exports of")."""
    before = text[max(0, start - _WINDOW) : start]
    for pattern in _BEFORE_CUTS:
        cut = list(pattern.finditer(before))
        if cut:
            before = before[cut[-1].end() :]
    return before


def _after(text: str, end: int) -> str:
    """The words right after a number, up to the first stop word: "shares" in "376,238
    shares of the company's stock"."""
    words: list[str] = []
    for word in tokens(text[end : end + _WINDOW]):
        if fold(word) in STOP_WORDS or len(words) == 4:
            break
        words.append(word)
    return " ".join(words)


def _counted_words(text: str, *, last: int | None = None, first: int | None = None) -> list[str]:
    words = [
        w
        for w in tokens(text)
        if not any(ch.isdigit() for ch in w)
        and fold(w) not in STOP_WORDS
        and fold(w) not in _NOT_COUNTED
        and fold(w) not in _CALENDAR
    ]
    return words[-last:] if last else words[:first] if first else words


def _name_words(text: str) -> list[str]:
    return [
        w
        for w in tokens(text)
        if w[:1].isupper() and fold(w) not in STOP_WORDS and fold(w) not in _CALENDAR
    ]


def _read(figure: Figure, texts: Mapping[str, str]) -> _Reading:
    counted: dict[str, str] = {}
    names: dict[str, str] = {}
    rate: str | None = None
    cited = {pid: texts[pid] for pid in figure.citations if pid in texts}
    prefixes: list[str | None] = []
    for text in cited.values():
        for start, end in _spans(figure, text):
            prefixes.append(_name_before(text, start))
            per = _RATE.match(text[end:])
            rate = per.group(1).lower() if per else rate
            before, after = _before(text, start), _after(text, per.end() + end if per else end)
            near = [
                *_counted_words(before, last=_BEFORE_WORDS),
                *_counted_words(text[start:end]),
                *_counted_words(after),
            ]
            counted |= {counted_word(w): w for w in near}
            beside = [*tokens(before)[-_NAME_WORDS:], *tokens(text[start:end]), *tokens(after)]
            rate = rate or next(
                (_RATE_WORDS[fold(w)] for w in beside if fold(w) in _RATE_WORDS), None
            )
            names |= {normal(w): w for w in _name_words(" ".join(beside))}
    if not counted:
        # Nothing beside the number ("up from 300"): what the brief says it counts, if its
        # passages say it too (or if the number is not found in them at all).
        said = Vocabulary(list(cited.values()))
        words = _counted_words(figure.counts)
        counted = {counted_word(w): w for w in words if not prefixes or normal(w) in said}
    if rate in _PER_UNIT:  # "$5.45 per share" counts something per share
        counted.setdefault(counted_word(rate), rate)
    sources = frozenset(figure.source_ids) or frozenset(pid.rsplit(".", 1)[0] for pid in cited)
    # Who the cited sentences credit the figure to: one source may report two parties'
    # figures ("10,000, according to Seoul"; "12,000, Kyiv said").
    parties = {
        w for text in cited.values() for p in attributions(masked(text)) for w in key_words(p)
    }
    kind = _kind(figure)
    label = None
    if kind == "a count" and prefixes and all(prefixes):
        number = next((w for w in figure.text.split() if any(c.isdigit() for c in w)), "")
        label = f"\u201c{prefixes[0]} {number}\u201d".replace(" \u201d", "\u201d")
    return _Reading(
        kind=kind,
        label=label,
        rate=rate,
        counted=counted,
        names=names,
        sources=sources,
        sentences=frozenset(cited),
        value=figure.value,
        revised={pid: _values(text) for pid, text in cited.items() if _REVISION.search(text)},
        parties=frozenset(parties),
    )


def _name_before(text: str, start: int) -> str | None:
    """The capitalised word right before a number, when the number is part of a name:
    "Delta 2 rockets", "Ariane 4", "Flight 93" (not "About 4,000", "Kmart ahead 15%")."""
    prior = re.search(r"([^\W\d_][\w'’.-]*) $", text[max(0, start - 40) : start])
    if not prior or not prior.group(1)[:1].isupper():
        return None
    word = fold(prior.group(1).rstrip("."))
    if word in STOP_WORDS or word in _CALENDAR or word in _NOT_COUNTED or word in _CURRENCIES:
        return None
    return prior.group(1)


def _same_thing(a: dict[str, str], b: dict[str, str]) -> bool:
    """Whether two figures' counted words meet: a word in common (synonyms merged), or an
    acronym in one for words of the other ("GDP", "gross domestic product")."""
    return bool(a.keys() & b.keys()) or spelled_out(a.values(), b.values())


def _values(text: str) -> list[float]:
    """The numbers a sentence states, dates and their years left out."""
    found = quantities(text)
    years = {q.value[0] for q in found if q.kind == "date" and isinstance(q.value, tuple)}
    return [
        q.value
        for q in found
        if q.kind != "date" and isinstance(q.value, float) and q.value not in years
    ]


def _revises(this: _Reading, other: _Reading) -> bool:
    """Whether a revising sentence of either relates the two: it states both ("340, up
    from 300"), or one of them and no other number ("later put the toll at 340")."""
    for values in [*this.revised.values(), *other.revised.values()]:
        ours = [v for v in values if _close(v, this.value) or _close(v, other.value)]
        both = any(_close(v, this.value) for v in ours) and any(
            _close(v, other.value) for v in ours
        )
        if both or (ours and len(ours) == len(values)):
            return True
    return False


def _one_sentence(this: _Reading, other: _Reading) -> str | None:
    shared = sorted(this.sentences & other.sentences)
    if [pid for pid in shared if pid not in this.revised or not _revises(this, other)]:
        return f"which the same sentence ({shared[0]}) gives as another number, not a revision"
    return None


def _part_of_a_name(this: _Reading, other: _Reading) -> str | None:
    if other.label:
        return f"which is part of a name ({other.label}), not a quantity"
    if this.label:
        return f"but this figure is part of a name ({this.label}), not a quantity"
    return None


def _other_kind(this: _Reading, other: _Reading) -> str | None:
    return f"which is {other.kind}, not {this.kind}" if this.kind != other.kind else None


def _other_rate(this: _Reading, other: _Reading) -> str | None:
    """Per share against a total, per month against per year; a total against a yearly
    amount may be the same amount, a source leaving "a year" unsaid."""
    rates = {this.rate, other.rate}
    if this.rate == other.rate or not (None not in rates or rates & _PER_UNIT):
        return None
    if other.rate is None:
        return f"which is not per {this.rate}"
    if this.rate is None:
        return f"which is per {other.rate}, unlike this one"
    return f"which is per {other.rate}, not per {this.rate}"


def _other_thing(this: _Reading, other: _Reading) -> str | None:
    if not this.counted or not other.counted:
        which = "this figure" if not this.counted else "that one"
        return f"but the cited passages do not say what {which} counts"
    if _same_thing(this.counted, other.counted):
        return None
    theirs, ours = " ".join(other.counted.values()), " ".join(this.counted.values())
    return f"which counts \u201c{theirs}\u201d, not \u201c{ours}\u201d"


def _other_subject(this: _Reading, other: _Reading) -> str | None:
    if not this.names or not other.names or this.names.keys() & other.names.keys():
        return None
    return f"which is about {' '.join(other.names.values())}, not {' '.join(this.names.values())}"


def _one_source(this: _Reading, other: _Reading) -> str | None:
    """One source giving two values disagrees with itself only when it revises one, or
    reports two parties' figures ("10,000, according to Seoul"; "12,000, Kyiv said")."""
    if this.sources != other.sources or len(this.sources) != 1:
        return None
    if _revises(this, other):
        return None
    if this.parties and other.parties and not this.parties & other.parties:
        return None
    (source,) = this.sources
    return f"which the same source ({source}) gives without revising one by the other"


# Why two figures are not one quantity that sources give differently, in this order.
# Two reports of one quantity differ by less than this factor: crowd estimates by police
# and organisers can differ tenfold; a parish of 240 and a town of 17,000 are two counts.
MAX_SPREAD = 20.0


def _other_size(this: _Reading, other: _Reading) -> str | None:
    small, large = sorted((abs(this.value), abs(other.value)))
    if small > 0 and large / small > MAX_SPREAD:
        return f"over {MAX_SPREAD:g} times the other value: another quantity, not a dispute"
    return None


_MISMATCHES = (
    _one_sentence,
    _part_of_a_name,
    _other_kind,
    _other_rate,
    _other_size,
    _other_thing,
    _other_subject,
    _one_source,
)


# What makes two figures one quantity whoever gives them, in whichever brief: the rules of
# _MISMATCHES that compare what the numbers are, not where they stand or how far apart.
_OTHER_QUANTITY = (_part_of_a_name, _other_kind, _other_rate, _other_thing, _other_subject)


def other_quantity(
    this: Figure, this_texts: Mapping[str, str], other: Figure, other_texts: Mapping[str, str]
) -> str | None:
    """Why `other` does not measure the quantity `this` does (said of `other`), or None
    when it does: the same kind of number, per the same unit, counting the same thing of
    the same subject, each read in its own cited passages (`*_texts`: passage id ->
    sentence). `briefing diff` shows a figure as changed only against one of these; a
    disagreement asks more (disagreement_findings)."""
    ours, theirs = _read(this, this_texts), _read(other, other_texts)
    return next((why for rule in _OTHER_QUANTITY if (why := rule(ours, theirs))), None)


def _mismatch(this: _Reading, other: _Reading) -> str | None:
    """Why `other` is not the quantity `this` is (said of `other`), or None when they are
    one quantity that two sources, or a source revising itself, give differently."""
    return next((why for rule in _MISMATCHES if (why := rule(this, other))), None)


def disagreement_findings(group: KeyFigure, texts: Mapping[str, str]) -> list[list[Finding]]:
    """For each figure of a group shown as a disagreement, what it is set against that is
    not the same quantity; one list per figure, empty when the group is not a disagreement.
    `texts`: passage id -> sentence."""
    found: list[list[Finding]] = [[] for _ in group.figures]
    if not group.disagreement or len(group.figures) < 2:
        return found
    readings = [_read(f, texts) for f in group.figures]
    for i, (figure, reading) in enumerate(zip(group.figures, readings, strict=True)):
        for other, other_reading in zip(group.figures, readings, strict=True):
            why = None if other is figure else _mismatch(reading, other_reading)
            if why:
                cited = ", ".join(other.citations)
                reason = f"shown against {other.text} ({cited}) as a disagreement, {why}"
                found[i].append(Finding("disagreement", other.text, reason, severe=False))
    return found


def comparable_parts(figures: Sequence[Figure], texts: Mapping[str, str]) -> list[list[Figure]]:
    """`figures` (one group's values) split into parts that may stand side by side as a
    disagreement: the best-supported value first, each other value joining the first part
    whose every value measures the same quantity, else starting its own."""
    readings = {id(f): _read(f, texts) for f in figures}
    best_first = sorted(figures, key=lambda f: (-len(f.source_ids), -len(f.citations)))
    parts: list[list[Figure]] = []
    for figure in best_first:
        reading = readings[id(figure)]
        home = next(
            (
                part
                for part in parts
                if all(_mismatch(reading, readings[id(f)]) is None for f in part)
            ),
            None,
        )
        if home is None:
            parts.append([figure])
        else:
            home.append(figure)
    order = {id(f): n for n, f in enumerate(figures)}
    return [sorted(part, key=lambda f: order[id(f)]) for part in parts]


# --- 2. a quote's speaker is named where the quote stands --------------------------------


@dataclass(frozen=True)
class _Where:
    own: str  # the quote's sentences, quoted words masked
    paragraphs: list[str]  # the paragraphs they stand in, quoted words masked
    earlier: list[str]  # the paragraph before each of those, quoted words masked


def _where(quote: Quote, index: PassageIndex) -> _Where | None:
    cited = [index[pid] for pid in quote.citations if pid in index]
    if not cited:
        return None
    own: list[str] = []
    paragraphs: list[str] = []
    earlier: list[str] = []
    for source, number in {(s.id, p.paragraph): (s, p.paragraph) for s, p in cited}.values():
        members = [p for p in source.passages if p.paragraph == number]
        text = masked(" ".join(p.text for p in members))
        paragraphs.append(text)
        position = 0
        for passage in members:
            if passage.id in quote.citations:
                own.append(text[position : position + len(passage.text)])
            position += len(passage.text) + 1
        previous = max((p.paragraph for p in source.passages if p.paragraph < number), default=0)
        earlier.append(masked(" ".join(p.text for p in source.passages if p.paragraph == previous)))
    return _Where(" ".join(own), paragraphs, earlier)


def speaker_finding(quote: Quote, index: PassageIndex) -> Finding | None:
    """Whether the quote's sentence, or its paragraph, names its speaker as the one who
    speaks; None when it does (or the quote claims no speaker). A quote its sentence gives
    to "he" or "she" may also have its speaker named in the paragraph before, as news
    writing does ("... said Ilse Varga." / "\u201c...,\u201d she said."). `index`: passage
    id -> (source, passage), as `Brief.passage_index` gives it."""
    speaker = (quote.speaker or "").strip()
    where = _where(quote, index) if speaker else None
    if where is None:
        return None
    shown = f"\u201c{speaker}\u201d"
    if not key_words(speaker):
        return Finding("speaker", speaker, f"credited to {shown}, which names no one", severe=True)
    own = attributions(where.own)
    named = [p for p in own if not is_pronoun(p)]
    if named and len(named) == len(own) and not any(names_match(speaker, p) for p in named):
        reason = f"credited to {shown}, but the sentence it stands in gives it to {named[0]}"
        return Finding("speaker", speaker, reason, severe=True)
    around = [p for text in where.paragraphs for p in attributions(text)]
    if own and not named:  # "she said": the paragraph before may name her
        around += [p for text in where.earlier for p in attributions(text)]
    if any(names_match(speaker, p) for p in [*named, *around]):
        return None
    mentioned = any(names_match(speaker, text) for text in where.paragraphs)
    if mentioned and all(is_pronoun(p) for p in around):
        return None  # the paragraph names them and credits no one else
    reason = f"credited to {shown}, who is not named as the speaker where the quote stands"
    return Finding("speaker", speaker, reason, severe=True)


def credited_speaker(quote: Quote, index: PassageIndex) -> str | None:
    """The speaker a brief may give the quote: its own when the check passes; else the one
    person its sentence credits it to; else, when its sentence says only "he said", the
    one person its paragraph (or the paragraph before) credits words to; else None."""
    if speaker_finding(quote, index) is None:
        return quote.speaker
    where = _where(quote, index)
    if where is None:
        return None
    own = attributions(where.own)
    candidates = [p for p in own if not is_pronoun(p)]
    if own and not candidates:
        for texts in (where.paragraphs, where.earlier):
            candidates = [p for t in texts for p in attributions(t) if not is_pronoun(p)]
            if candidates:
                break
    people = {key_words(p)[-1]: p for p in candidates if key_words(p)}
    return next(iter(people.values())) if len(people) == 1 else None


# --- 3. "also reported by" reports the same thing ----------------------------------------

CORROBORATES = 1 / 3  # share of words, either way, two reports of one thing have in common
_TELLING = 10  # smaller numbers ("two people", "three days") are too common to tell
_YEARS = (1800, 2100)


def corroboration_problem(claim: str, passage: str) -> str | None:
    """Why `passage` (another source's) does not report what `claim` says, said of the
    passage; None when it does: its numbers agree (at any scale), it says nothing the
    meaning checks find otherwise (meaning.conflict: a negation, an opposite, a qualifier),
    it names the claim's actors (or none), and enough words are shared. The engines keep
    only corroborations this passes; the verifier flags the rest."""
    found = _corroboration(claim, passage)
    return found[0] if found else None


def _corroboration(claim: str, passage: str) -> tuple[str, bool] | None:
    """The problem with a corroborating passage, and whether it says otherwise than the
    claim (another value, the opposite) rather than something else."""
    contradicted = _contradicted(claim, passage)
    if contradicted:
        given, had = contradicted
        return f"gives {given} where the claim has {had}", True
    otherwise = conflict(claim, passage) if len(passage) <= LONGEST_CITED else None
    if otherwise:
        return otherwise, True
    # A telling number both give is strong evidence of one fact told in other words.
    same_number = _shares_a_number(claim, passage)
    if not same_number and _other_actors(claim, passage):
        ours, theirs = _actors(entities(claim)), _actors(_names_in(passage))
        return f"names {', '.join(theirs[:2])} and none of {', '.join(ours[:2])}", False
    shared = max(support_score(claim, passage), support_score(passage, claim))
    needed = CORROBORATES / 2 if same_number else CORROBORATES
    if shared < needed:
        return f"shares only {shared:.0%} of its words with the claim", False
    return None


def _other_actors(claim: str, passage: str) -> bool:
    """Each names people, places or bodies, and not one the other names."""
    mine, yours = _entity_words(entities(claim)), _entity_words(_names_in(passage))
    if not mine or not yours:
        return False
    in_passage, in_claim = Vocabulary(passage), Vocabulary(claim)
    return not any(w in in_passage for w in mine) and not any(w in in_claim for w in yours)


@functools.lru_cache(maxsize=1024)
def _names_in(passage: str) -> tuple[str, ...]:
    """A passage's names, found once however many claims it corroborates."""
    return tuple(entities(passage))


def _actors(names: Sequence[str]) -> list[str]:
    """Names that are not days or months."""
    return [name for name in names if _entity_words([name])]


def _entity_words(names: Sequence[str]) -> set[str]:
    """The words of names, as `normal` gives them, days and months left out."""
    return {
        normal(w)
        for name in names
        for w in tokens(name)
        if fold(w) not in STOP_WORDS and fold(w).rstrip(".") not in _CALENDAR
    }


def _contradicted(claim: str, passage: str) -> tuple[str, str] | None:
    """(the passage's quantity, the claim's) when the passage gives a different value of
    the same kind and size where the claim's is missing: 17 percent for 22 percent."""
    ours, theirs = quantities(claim), passage_quantities(passage)
    spare = [t for t in theirs if not any(t.matches(o) or o.matches(t) for o in ours)]
    for q in ours:
        if any(q.matches(t) for t in theirs):
            continue
        for t in spare:
            if t.kind == q.kind and (_rivals(q, t) or _same_count(q, claim, t, passage)):
                return t.text, q.text
    return None


def _same_count(ours: Quantity, claim: str, theirs: Quantity, passage: str) -> bool:
    """Both numbers count the same thing, named by the word after each ("99,342 shares"
    and "376,238 shares"), whatever their sizes: two counts of one thing that differ."""
    mine, yours = _word_after(claim, ours.text), _word_after(passage, theirs.text)
    return mine is not None and mine == yours


def _word_after(text: str, number: str) -> str | None:
    at = text.find(number)
    if at < 0 or not number[:1].isdigit():
        return None
    following = tokens(text[at + len(number) : at + len(number) + 40])
    if not following or following[0].casefold() in STOP_WORDS:
        return None
    return counted_word(following[0])


def _rivals(a: Quantity, b: Quantity) -> bool:
    """Two values of one quantity: two dates; two numbers close in size, or the same
    number at another scale ("$11 million" for "$11 billion")."""
    if isinstance(a.value, tuple) and isinstance(b.value, tuple):
        return True  # two different dates for one event
    if isinstance(a.value, float) and isinstance(b.value, float) and a.value and b.value:
        ratio = a.value / b.value
        rescaled = any(math.isclose(ratio, 1000.0**k) for k in (-4, -3, -2, -1, 1, 2, 3, 4))
        return 0.5 < ratio < 2 or rescaled
    return False


def _shares_a_number(claim: str, passage: str) -> bool:
    """Whether both give a number that tells: not a date or a year, not a small count."""
    theirs = passage_quantities(passage)
    return any(
        isinstance(q.value, float)
        and q.kind != "date"
        and q.value >= _TELLING
        and not (q.value.is_integer() and _YEARS[0] <= q.value <= _YEARS[1])
        and any(q.matches(t) for t in theirs)
        for q in quantities(claim)
    )


def corroboration_findings(claim: Claim, texts: Mapping[str, str]) -> list[Finding]:
    found: list[Finding] = []
    for pid in claim.corroborated_by:
        problem = _corroboration(claim.text, texts[pid]) if pid in texts else None
        if problem:
            said, otherwise = problem
            reason = f"lists {pid} as also reporting it, but that passage {said}"
            # One that says otherwise hides a disagreement behind agreement: severe.
            found.append(Finding("corroboration", pid, reason, severe=otherwise))
    return found


# --- what verify_brief adds to each object's own checks ----------------------------------


def findings(items: Iterable[Item], index: PassageIndex) -> dict[int, list[Finding]]:
    """The findings on what `items` (a brief's section items) put together, by the id() of
    the claim, figure or quote they are about (pydantic models are not hashable, and two
    equal figures may stand in different groups)."""
    texts = {pid: passage.text for pid, (_, passage) in index.items()}
    found: dict[int, list[Finding]] = {}
    for item in items:
        if isinstance(item, KeyFigure):
            for figure, more in zip(item.figures, disagreement_findings(item, texts), strict=True):
                found.setdefault(id(figure), []).extend(more)
        elif isinstance(item, Quote):
            finding = speaker_finding(item, index)
            found[id(item)] = [finding] if finding else []
        else:
            found[id(item)] = corroboration_findings(item, texts)
    return found
