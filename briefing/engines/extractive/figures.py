"""Key figures: the numbers a sentence states, with what they count and what happened to
it ("as many as 40 North Korean troops killed"), who says so and whether it is hedged.
quantities.py groups them; verbs.py and amounts.py say what happened and what money is for.

A figure's words are all the sentence's own: the number as written, what it counts, and the
verb that says what happened to it, moved next to it when the sentence has it elsewhere.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass

from briefing.engines.extractive.amounts import money_class, purpose
from briefing.engines.extractive.cues import attribution, clause_hedges
from briefing.engines.extractive.verbs import EVENTS, verb_after, verb_before
from briefing.verify.numbers import NUMBER, SCALES, parse_digits, word_numbers
from briefing.verify.words import STOP_WORDS, counted_word

_UNITS = {
    "%": "%", "per cent": "%", "percent": "%", "km": "km", "kilometres": "km",
    "kilometers": "km", "miles": "miles", "metres": "m", "meters": "m", "kg": "kg",
    "tonnes": "tonnes", "tons": "tons", "degrees": "degrees", "dollars": "$", "euros": "€",
}  # fmt: skip
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|"
    "july|august|september|october|november|december"
)
# A number written in words ("four thousand") is masked letter for letter with this mark (a
# private-use character, absent from real text) before the pattern runs, so the pattern
# finds it in its place with what stands around it.
_SPELLED = "\ue000"
_FIGURE = re.compile(
    r"(?P<qualifier>\b(?:about|around|approximately|approx\.|roughly|nearly|almost|more than|"
    r"over|at least|up to|as many as|some|an estimated|fewer than|less than|under)\s+)?"
    r"(?P<currency>US\$|[$€£¥])?"
    rf"(?P<number>\b(?:{NUMBER})|\ue000+)"
    r"(?P<scale>\s?(?:thousand|million|billion|trillion)\b|(?<=\d)(?:bn|m)\b)?"
    r"(?P<unit>\s?(?:%|per cent|percent\b|km\b|kilometres\b|kilometers\b|miles\b|metres\b|"
    r"meters\b|kg\b|tonnes\b|tons\b|degrees\b|dollars\b|euros\b))?",
    re.IGNORECASE,
)
_ROUGH = frozenset({"hundred", "thousand", "dozen", "a hundred", "a thousand", "a dozen"})
_WINDOW = 200  # characters either side of a number that say what it is
_COUNTED_WORD = re.compile(r"\s+([A-Za-z][\w'’-]*)")  # "1300s" counts nothing
_DURATIONS = frozenset(
    "seconds minutes hours days nights weeks months years decades hour day week month year".split()
)
CURRENCIES = frozenset({"$", "€", "£", "¥", "US$"})
_PLURALS = frozenset("people children men women staff personnel police cattle".split())
_PEOPLE = counted_word("people")

# What a distance is from or of: up to three words, to the end of the phrase.
_MEASURED = re.compile(
    r"(?:\s*\([^()]{1,30}\))?\s+(?:of|from|off|away from|short of|outside|above|below)\s+"
    r"(?:the\s+)?[\w'’-]+(?:\s+[\w'’-]+){0,2}?"
    r"(?=[,.;:)]|\s+(?:between|and|or|in|on|at|by|to|for|with|after|before|since|when|while|"
    r"as|near|into|from|of)\b|$)"
)
_PLACE = re.compile(
    r"\s+(?:in|into|to|inside|at|near)\s+(?:(?:the\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2}"
    r"(?:\s+(?:region|province|city|area|state|county|district|border|capital|coast|island))?)"
)
# Before the number, what a count of people is: a population, not a count of anything
# that happened ("a town of about 17,000 people", "home to 350 million people").
_POPULATION = re.compile(
    r"\b(?:home to|population of|(?:town|city|country|nation|market|region|community|area|"
    r"state|province|territory) of|its|their)\s*$",
    re.IGNORECASE,
)


@dataclass(slots=True)  # one per number: a sentence may hold tens of thousands
class Mention:
    text: str  # the figure as a brief shows it: "as many as 40 North Korean troops killed"
    value: float
    unit: str | None
    counts: str  # what it counts and what happened to it: "North Korean troops killed"
    passage_id: str
    source_id: str
    score: float
    thing: str = ""  # what it counts alone: "North Korean troops"; "deal" for an amount
    event: str = ""  # what happened, where it makes another figure: "killed", "population"
    status: str = "reported"  # 'unconfirmed' or 'disputed' when its clause hedges it
    attribution: str | None = None  # who the sentence credits with it
    # False for a count that says too little to show ("about 250 people", of what the
    # sentence does not say there); it still tells two sentences that give it apart.
    shown: bool = True

    @property
    def key(self) -> str:
        """The quantity it counts: the thing and what happened to it."""
        return f"{self.thing_key}|{self.event}"

    @property
    def thing_key(self) -> str:
        """The thing it counts, whatever happened to it: 4,000 people evacuated and 4,000
        residents in shelters are the same people."""
        if self.unit in CURRENCIES:
            return f"{self.unit}|{self.thing}"
        if self.unit and self.unit != "%":
            return self.unit  # km and metres already say what kind of thing it is
        # "troops" and "troop's" meet at "troop", "soldiers" too (words.counted_word)
        return f"{self.unit or ''}|{counted_word((self.thing or self.counts).split()[-1])}"


class TooManyNumbersError(Exception):
    """A sentence holds more numbers than the figures limit: a table or a list."""

    def __init__(self, count: int) -> None:
        super().__init__(f"{count} numbers")
        self.count = count


def mentions(
    sentence: str, passage_id: str, source_id: str, score: float, *, limit: int | None = None
) -> list[Mention]:
    """The figures `sentence` states. With `limit`, a sentence with more numbers than that
    raises TooManyNumbersError (its count) instead: none of them is read as a figure."""
    found: list[Mention] = []
    masked, spelled = _mask_spelled(sentence)
    numbers = list(_FIGURE.finditer(masked))
    if limit is not None and len(numbers) > limit:
        raise TooManyNumbersError(len(numbers))
    clauses: list[tuple[int, tuple[str, str] | None]] = []
    ends: list[int] = []
    credited: list[str | None] = []
    for match in numbers:
        parsed = _parse(match, sentence, spelled)
        if parsed is None:
            continue
        if not clauses:  # once per sentence, and only for one that has a figure
            clauses = clause_hedges(sentence)
            ends = [end for end, _ in clauses]
            credited.append(attribution(sentence))
        hedged = clauses[min(bisect.bisect_right(ends, match.start()), len(clauses) - 1)][1]
        found.append(
            Mention(
                text=parsed.text,
                value=parsed.value,
                unit=parsed.unit,
                counts=parsed.counts,
                passage_id=passage_id,
                source_id=source_id,
                score=score,
                thing=parsed.thing,
                event=parsed.event,
                status=hedged[0] if hedged else "reported",
                attribution=credited[0],
                shown=parsed.shown,
            )
        )
    return found


@dataclass(slots=True)
class _Parsed:
    text: str
    value: float
    unit: str | None
    counts: str
    thing: str
    event: str
    shown: bool = True


def _mask_spelled(sentence: str) -> tuple[str, dict[int, float]]:
    """The sentence with each number written in words masked, and those numbers' values by
    where they start. Ordinals ("the second day") are not figures."""
    numbers = [n for n in word_numbers(sentence) if not n.ordinal]
    pieces: list[str] = []
    done = 0
    for n in numbers:
        pieces += [sentence[done : n.start], _SPELLED * (n.end - n.start)]
        done = n.end
    pieces.append(sentence[done:])
    return "".join(pieces), {n.start: n.value for n in numbers}


@dataclass(slots=True)
class _Number:
    """A number read in its sentence, before what it counts is worked out."""

    sentence: str
    match: re.Match[str]  # in the masked sentence, at the same offsets
    start: int  # where its figure's text starts: the qualifier, or a range's first number
    end: int  # where the words after it that say what it counts end
    value: float
    unit: str | None
    counts: str  # those words: "North Korean troops"


def _parse(match: re.Match[str], sentence: str, spelled: dict[int, float]) -> _Parsed | None:
    """`match` is in the masked sentence; `spelled` holds the values of the numbers written in
    words, by where they start."""
    number = _read(match, sentence, spelled)
    if number is None:
        return None
    if number.unit in CURRENCIES:
        return _amount(number)
    if number.unit and number.unit != "%":
        # "about 20 kilometers (12 miles) from the frontline": a distance from what.
        measured = _MEASURED.match(sentence, number.end)
        end = measured.end() if measured else number.end
        text = sentence[number.start : end].strip(" ,.;:")
        return _Parsed(text, number.value, number.unit, number.counts or number.unit, "", "")
    return _count(number)


def _read(match: re.Match[str], sentence: str, spelled: dict[int, float]) -> _Number | None:
    """The number's value, unit and the words after it, or None for a number that is no
    figure: a year, a date, a time, a name, a label, a rough size, a bare number."""
    raw = match.group("number").lower()
    # What the checks below look at lies within a few words of the number: windows, not
    # the whole rest of the sentence, keep a sentence of many numbers linear.
    before = _tail(sentence, match.start("number")).lower()
    after = sentence[match.end() : match.end() + _WINDOW]
    is_word = match.start("number") in spelled
    written = sentence[match.start("number") : match.end("number")].lower()
    scale = (match.group("scale") or "").strip().lower()
    if (
        _not_a_quantity(raw, before, after, match)
        or _names_a_thing(sentence, match)
        or (is_word and written in _ROUGH)  # "a thousand square miles": a rough size
        # "400m final" is a distance, "£400m" an amount; without a currency, skip.
        or (scale in {"m", "bn"} and not match.group("currency"))
    ):
        return None
    value = spelled[match.start("number")] if is_word else parse_digits(raw)
    value *= SCALES.get(scale, 1.0)
    unit = _UNITS.get((match.group("unit") or "").strip().lower()) or match.group("currency")
    counts, end = _counted(after, match.end(), percent=unit == "%")
    # Beyond float range (a 400-digit number), the brief could not hold it.
    if not math.isfinite(value) or not _meaningful(counts, unit, value, is_word=is_word):
        return None
    return _Number(sentence, match, _range_start(sentence, match), end, value, unit, counts)


def _count(number: _Number) -> _Parsed | None:
    """A count of things (or a share of them): with the verb that says what happened to
    them, after the thing ("40 troops may have been killed") or before the number
    ("North Korea has sent 10,000 troops", "killing two people")."""
    sentence, start, end, counts = number.sentence, number.start, number.end, number.counts
    if counts and not _is_plural_noun(counts.rsplit(maxsplit=1)[-1]) and _TO.match(sentence, end):
        # "84 due to retire", "ten set to leave": an adjective or participle with its
        # infinitive says what is true of them, not what they are; the count names no thing.
        return None
    verb, verb_end = verb_after(sentence, end)
    if not verb:
        verb = verb_before(sentence, start)
    place = _PLACE.match(sentence, verb_end if verb else _skip_adverbs(sentence, end))
    event = EVENTS.get(verb, "")
    head = counted_word(counts.rsplit(maxsplit=1)[-1]) if counts else ""
    people = head == _PEOPLE and number.unit is None
    if people and not verb:
        population = _POPULATION.search(sentence[max(0, start - _NEAR) : start])
        if population or counts.endswith("inhabitants"):
            event = "population"
        if population and population.group(0).strip().endswith(" of"):
            start -= len(population.group(0).lstrip())  # "a town of about 17,000 people"
    words = [sentence[start:end].strip(" ,.;:"), verb, place.group(0).strip() if place else ""]
    text = " ".join(w for w in words if w)
    counted = " ".join(w for w in (counts, verb) if w)
    # "about 250 people": of what, the sentence does not say here.
    shown = bool(verb or event or not people)
    return _Parsed(text, number.value, number.unit, counted, counts, event, shown=shown)


def _amount(number: _Number) -> _Parsed | None:
    """An amount of money, named by what it pays for: 'a $11 billion deal', 'annual revenue
    of $55bn'. An amount the sentence does not say the purpose of tells a reader nothing."""
    sentence, start, counts = number.sentence, number.start, number.counts
    number_end = number.match.end()
    first = counts.split(maxsplit=1)[0] if counts else ""
    if money_class(first) or (counts and not _is_plural_noun(counts.rsplit(maxsplit=1)[-1])):
        # "$11 billion gamble", "$700m agreement": the noun right after says it.
        thing = money_class(first) or first.lower()
        text = sentence[start : number_end + 1 + len(first)].strip(" ,.;:")
        return _Parsed(text, number.value, number.unit, thing, thing, "")
    found = purpose(sentence, start, number_end)
    if found is None:
        return None
    thing, span_start, span_end = found
    text = sentence[min(start, span_start) : max(number_end, span_end)].strip(" ,.;:")
    return _Parsed(text, number.value, number.unit, thing, thing, "")


_TO = re.compile(r"\s+to\s+[a-z]")
_ADVERB_BEFORE_PLACE = re.compile(r"\s+[a-z]+ly\b(?=\s+(?:in|into|to|inside|at|near)\s)")


def _skip_adverbs(sentence: str, end: int) -> int:
    """Past adverbs between a counted thing and where it is: 'troops reportedly in Russia'."""
    adverb = _ADVERB_BEFORE_PLACE.match(sentence, end)
    return adverb.end() if adverb else end


# What stands right before a number, read on its last few characters (a search anchored
# at the end of a long text would try every position in it).
_NEAR = 40
_RANGE_BEFORE = re.compile(r"\b\d[\d,.]*\s?[-–]\s?$")
_CODE_BEFORE = re.compile(r"[A-Za-z]-$")
_EARLIER_NUMBER = re.compile(r"(\d[\d,.]*)\s?[-–]\s?$")
_NAME_BEFORE = re.compile(r"(?:^|\s)([A-Z][\w'’.-]*)\s$")
_TIME_OR_AGE = re.compile(
    r"\s?(?:a\.m\.|p\.m\.|am\b|pm\b|gmt|utc|-year|year-old|:\d)", re.IGNORECASE
)
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?\s*$")
_MONTH_AFTER = re.compile(rf"\s(?:{_MONTHS})\b", re.IGNORECASE)
_SLASHED_BEFORE = re.compile(r"\d/$")
_SLASHED_AFTER = re.compile(r"/\d")
_LABEL_BEFORE = re.compile(r"\b(?:no\.|number|article|section|page|chapter|flight|route)\s*$")
# "(12 miles)" after "20 kilometers" says the same distance again.
_CONVERSION_BEFORE = re.compile(r"\d\s*(?:km|kilometres|kilometers|miles|metres|meters|kg)\s*\($")


def _range_start(sentence: str, match: re.Match[str]) -> int:
    """Where the figure's text starts: at its qualifier, or at the first number of a range
    ("20-30 million trees"), so that the text says what the sentence says."""
    range_before = _RANGE_BEFORE.search(sentence[max(0, match.start() - 20) : match.start()])
    if range_before and not match.group("qualifier"):
        return match.start() - len(range_before.group(0))
    return match.start()


def _names_a_thing(sentence: str, match: re.Match[str]) -> bool:
    """A number that is part of a name or a code, not a count: 'Band Aid 20', 'Delta 4
    Heavy', 'J-6 fighters', 'the 1973-90 rule'."""
    before = sentence[max(0, match.start() - 30) : match.start()]
    if _CODE_BEFORE.search(before):
        return True  # "J-6", "S-3"
    earlier = _EARLIER_NUMBER.search(before)
    if earlier and not match.group("qualifier"):
        try:
            first = parse_digits(earlier.group(1))
        except ValueError:
            return True
        this = match.group("number")
        return this.isdigit() and first >= int(this)  # "1973-90", "09-1": not a range
    name = _NAME_BEFORE.search(before)
    # "Band Aid 20": a capitalised word right before the number, not the sentence's first.
    return bool(name and name.start(1) > 0 and not match.group("qualifier"))


def _meaningful(counts: str, unit: str | None, value: float, *, is_word: bool) -> bool:
    last = counts.rsplit(maxsplit=1)[-1] if counts else ""
    if last and not last[0].islower():
        return False  # "Delta 4 Heavy", "Band Aid 20 video": a name, not a count
    if last.lower() in _DURATIONS and value < 100:
        return False  # "three days of rain": a duration is context, not a key figure
    if is_word and not counts:
        return False  # "two" alone is a pronoun more often than a figure
    # A bare number or percentage says nothing a reader can use.
    return bool(counts) or unit not in (None, "%")


def _not_a_quantity(raw: str, before: str, after: str, match: re.Match[str]) -> bool:
    plain = raw.isdigit() and len(raw) == 4 and 1800 <= int(raw) <= 2100
    year = plain and not match.group("currency") and not match.group("unit")
    near = before[-_NEAR:]
    return bool(
        year
        or _TIME_OR_AGE.match(after)
        or _MONTH_BEFORE.search(near)
        or _MONTH_AFTER.match(after)
        or _LABEL_BEFORE.search(near)
        or _CONVERSION_BEFORE.search(near)
        or after.startswith(("-", "th", "st", "nd"))
        # Joined to another number by a slash, it is a date ("9/11"), a fraction or a
        # schedule ("24/7"), never a count of something.
        or _SLASHED_BEFORE.search(near) is not None
        or _SLASHED_AFTER.match(after) is not None
    )


def _tail(sentence: str, end: int) -> str:
    """The last few words of `sentence[:end]`, cut at a word boundary."""
    start = max(0, end - _WINDOW)
    tail = sentence[start:end]
    if start > 0:
        tail = tail.split(" ", 1)[-1] if " " in tail else ""
    return tail


_OF = re.compile(r"\s+of(?:\s+(?:the|a|an)\b)?(?=\s)")
_AND_MORE = re.compile(r"\s+(?:and|or)\s+[a-z][\w-]*(?:\s+[a-z][\w-]*)?s\b")
_ADVERBS = frozenset("onwards afterwards towards backwards upwards downwards forwards".split())
_NOT_COUNTED = STOP_WORDS | _ADVERBS


def _counted(after: str, offset: int, *, percent: bool) -> tuple[str, int]:
    """Up to four words after the number, up to a stop word, name what it counts ('North
    Korean troops'); for a percentage, the words after 'of' ('of the town's homes')."""
    rest = after
    position = offset
    if percent:
        of = _OF.match(rest)
        if not of:
            return "", position
        rest = rest[of.end() :]
        position += of.end()
    words: list[str] = []
    end = position
    for _ in range(4):
        word = _COUNTED_WORD.match(rest)
        if not word or _host(word.group(1)) in _NOT_COUNTED or word.group(1).endswith("ly"):
            break
        words.append(word.group(1))
        rest = rest[word.end() :]
        end = position = position + word.end()
        if not rest.startswith(" ") or _is_plural_noun(word.group(1)):
            break
    else:
        return " ".join(words), end
    both = _AND_MORE.match(rest)
    if words and not _is_plural_noun(words[-1]) and both:
        # "20 cable and satellite channels": the plural noun comes after the "and".
        return f"{' '.join(words)}{both.group(0)}", end + both.end()
    return " ".join(words), end


# A clitic that attaches a verb to the word before it: "who've", "they'd", "we're", "isn't".
_CLITIC = re.compile(r"(?:['’](?:ve|d|re|ll|m)|n['’]t)$", re.IGNORECASE)


def _host(word: str) -> str:
    """The word a clitic leans on, lower-cased: "who've" is "who", a pronoun that counts
    nothing; a possessive ("company's") stays whole."""
    return _CLITIC.sub("", word).lower()


def _is_plural_noun(word: str) -> bool:
    """Without a tagger: a counted phrase ends at its plural noun ('troops', 'people')."""
    lower = word.lower()
    if lower.endswith(("'s", "’s", "ss", "us", "is")):  # possessives and singulars
        return False
    return lower in _PLURALS or lower.endswith("s")
