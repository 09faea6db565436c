"""Key figures: numbers with what they count, grouped so that sources which give
different values for the same thing stand side by side."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from briefing.verify.numbers import SCALES, parse_digits, word_numbers
from briefing.verify.words import STOP_WORDS, counted_word

_UNITS = {
    "%": "%", "per cent": "%", "percent": "%", "km": "km", "kilometres": "km",
    "kilometers": "km", "miles": "miles", "metres": "m", "meters": "m", "kg": "kg",
    "tonnes": "tonnes", "tons": "tons", "degrees": "degrees",
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
    r"(?P<number>\b\d{1,3}(?:,\d{3})+(?:\.\d+)?|\b\d+(?:\.\d+)?|\ue000+)"
    r"(?P<scale>\s?(?:thousand|million|billion|trillion)\b|(?<=\d)(?:bn|m)\b)?"
    r"(?P<unit>\s?(?:%|per cent|percent\b|km\b|kilometres\b|kilometers\b|miles\b|metres\b|"
    r"meters\b|kg\b|tonnes\b|tons\b|degrees\b))?",
    re.IGNORECASE,
)
_WINDOW = 200  # characters either side of a number that say what it is
_COUNTED_WORD = re.compile(r"\s+([A-Za-z][\w'’-]*)")  # "1300s" counts nothing
_DURATIONS = frozenset(
    "seconds minutes hours days nights weeks months years decades hour day week month year".split()
)
_CURRENCIES = frozenset({"$", "€", "£", "¥", "US$"})
_MONEY_WORDS = frozenset(
    """cost costs deal price prices revenue revenues sales loss losses profit profits debt fine
    budget damage damages repair repairs bid offer value worth fund funding aid bill tax""".split()
)
_PLURALS = frozenset("people children men women staff personnel police cattle".split())


@dataclass(frozen=True)
class Mention:
    text: str
    value: float
    unit: str | None
    counts: str
    passage_id: str
    source_id: str
    score: float

    @property
    def key(self) -> str:
        if self.unit in _CURRENCIES:
            return f"{self.unit}|{self.counts}"
        if self.unit and self.unit != "%":
            return self.unit  # km and metres already say what kind of thing it is
        # "troops" and "troop's" meet at "troop", "soldiers" too (words.counted_word)
        return f"{self.unit or ''}|{counted_word(self.counts.split()[-1])}"


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
    for match in numbers:
        parsed = _parse(match, sentence, spelled)
        if parsed is None:
            continue
        value, unit, counts, end = parsed
        text = sentence[match.start() : end].strip(" ,.;:")
        found.append(Mention(text, value, unit, counts, passage_id, source_id, score))
    return found


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


def _parse(
    match: re.Match[str], sentence: str, spelled: dict[int, float]
) -> tuple[float, str | None, str, int] | None:
    """`match` is in the masked sentence; `spelled` holds the values of the numbers written in
    words, by where they start."""
    raw = match.group("number").lower()
    # What the checks below look at lies within a few words of the number: windows, not
    # the whole rest of the sentence, keep a sentence of many numbers linear.
    before = _tail(sentence, match.start("number")).lower()
    after = sentence[match.end() : match.end() + _WINDOW]
    is_word = match.start("number") in spelled
    if _not_a_quantity(raw, before, after, match):
        return None
    value = spelled[match.start("number")] if is_word else parse_digits(raw)
    scale = (match.group("scale") or "").strip().lower()
    if scale in {"m", "bn"} and not match.group("currency"):
        return None  # "400m final" is a distance, "£400m" an amount; without a currency, skip
    value *= SCALES.get(scale, 1.0)
    if not math.isfinite(value):
        return None  # beyond float range (a 400-digit number): the brief could not hold it
    unit = _UNITS.get((match.group("unit") or "").strip().lower()) or match.group("currency")
    counts, end = _counted(after, match.end(), percent=unit == "%")
    if not _meaningful(counts, unit, value, is_word=is_word):
        return None
    if unit in _CURRENCIES:
        counts = counts or _money_context(_tail(sentence, match.start()))
    return value, unit, counts or (unit or ""), end


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
    time_or_age = re.match(
        r"\s?(?:a\.m\.|p\.m\.|am\b|pm\b|gmt|utc|-year|year-old|:\d)", after, re.IGNORECASE
    )
    date = re.search(rf"\b(?:{_MONTHS})\.?\s*$", before) or re.match(
        rf"\s(?:{_MONTHS})\b", after, re.IGNORECASE
    )
    label = re.search(r"\b(?:no\.|number|article|section|page|chapter|flight|route)\s*$", before)
    return bool(year or time_or_age or date or label or after.startswith(("-", "th", "st", "nd")))


def _tail(sentence: str, end: int) -> str:
    """The last few words of `sentence[:end]`, cut at a word boundary."""
    start = max(0, end - _WINDOW)
    tail = sentence[start:end]
    if start > 0:
        tail = tail.split(" ", 1)[-1] if " " in tail else ""
    return tail


def _counted(after: str, offset: int, *, percent: bool) -> tuple[str, int]:
    """Up to four words after the number, up to a stop word, name what it counts ('North
    Korean troops'); for a percentage, the words after 'of' ('of the town's homes')."""
    rest = after
    position = offset
    if percent:
        of = re.match(r"\s+of(?:\s+(?:the|a|an)\b)?(?=\s)", rest)
        if not of:
            return "", position
        rest = rest[of.end() :]
        position += of.end()
    words: list[str] = []
    end = position
    for _ in range(4):
        word = _COUNTED_WORD.match(rest)
        if not word or word.group(1).lower() in STOP_WORDS or word.group(1).endswith("ly"):
            break
        words.append(word.group(1))
        rest = rest[word.end() :]
        end = position = position + word.end()
        if not rest.startswith(" ") or _is_plural_noun(word.group(1)):
            break
    return " ".join(words), end


def _money_context(before: str) -> str:
    """Amounts are told apart by what they pay for: 'cost of the damage at €12 million'."""
    words = re.findall(r"[a-z]+", before.lower())[-8:]
    found = [w for w in words if w in _MONEY_WORDS]
    return found[-1] if found else ""


def _is_plural_noun(word: str) -> bool:
    """Without a tagger: a counted phrase ends at its plural noun ('troops', 'people')."""
    lower = word.lower()
    if lower.endswith(("'s", "’s", "ss", "us", "is")):  # possessives and singulars
        return False
    return lower in _PLURALS or lower.endswith("s")


def group(all_mentions: list[Mention]) -> list[list[Mention]]:
    """Mentions of the same thing whose values are within a factor of 1.6 form one group:
    10,000 and 12,000 troops disagree; 40 troops killed is another figure altogether."""
    by_key: dict[str, list[Mention]] = {}
    for mention in all_mentions:
        by_key.setdefault(mention.key, []).append(mention)
    groups: list[list[Mention]] = []
    for members in by_key.values():
        members.sort(key=lambda m: m.value)
        current = [members[0]]
        for mention in members[1:]:
            if mention.value <= current[-1].value * 1.6:
                current.append(mention)
            else:
                groups.append(current)
                current = [mention]
        groups.append(current)
    return groups


_UNIT_SUBJECTS = {
    "km": "Distance", "miles": "Distance", "m": "Height or depth", "kg": "Weight",
    "tonnes": "Weight", "tons": "Weight", "degrees": "Temperature",
}  # fmt: skip


def subject(members: list[Mention]) -> str:
    """A short heading for a group: what the figures count, in the sources' own words."""
    unit = members[0].unit
    if unit in _CURRENCIES:
        context = next((m.counts for m in members if m.counts and m.counts != unit), "")
        return f"{context.capitalize() or 'Amount'} ({unit})"
    if unit and unit != "%":
        return f"{_UNIT_SUBJECTS.get(unit, 'Measure')} ({unit})"
    phrase = max((m.counts for m in members), key=lambda c: (len(c.split()) > 1, -len(c)))
    return phrase[:1].upper() + phrase[1:] + (" (%)" if unit == "%" else "")
