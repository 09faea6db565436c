"""Numbers, amounts, percentages and dates, normalised so that different spellings compare equal.

The one home of number parsing: the verifier reads claims and passages here, and the
extractive engine finds its figures' numbers here too.

10,000 / 10000 / ten thousand / 10k all become the value 10000; 12% / 12 per cent / twelve
percent become 12 (percent); 23 November 2026 / Nov. 23, 2026 / 2026-11-23 become the date
(2026, 11, 23). The claim and its passages go through the same normalisation, so a claim's
quantity is supported when an equal one appears in a cited passage.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from dateutil import parser as dateparser
from text_to_num import alpha2digit, find_numbers

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

Kind = Literal["number", "percent", "date"]

# Month names are capitalised in English; matching them case-sensitively keeps "3 may rise"
# from reading as the 3rd of May.
_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[5-9]\d\d|2[01]\d\d)"
_DATE_PATTERNS = (
    re.compile(rf"\b{_YEAR}-[01]\d-[0-3]\d\b"),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTHS}(?:,?\s+{_YEAR})?\b"),
    re.compile(rf"\b{_MONTHS}\s+{_DAY}(?:,?\s+{_YEAR})?\b"),
    re.compile(rf"\b{_MONTHS}\s+{_YEAR}\b"),
)
SCALES = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mln": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}
# A number in digits. A comma followed by three digits groups thousands ("1,000"); one
# followed by one or two digits that end the number is a decimal comma ("$52,90" is 52.90,
# as much of Europe writes it), unless another comma group follows ("1,2,3" is a list).
NUMBER = (
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!,?\d)"
    r"|(?<!\d,)\d+,\d{1,2}(?![\d,]|\.\d)"
    r"|\d+(?:\.\d+)?|\.\d+"
)
_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")
# Scale words may follow after a space. The bare letters are ambiguous, so they count only
# where they are unmistakable: k, m and b right after a currency sign ("\u20ac12m", "$11B"),
# and k on a free-standing number ("10k"). So "10 m" (metres) stays ten, and a code such as
# "SLC-36B" stays 36.
_CURRENCY = "$\u20ac\u00a3\u00a5"
_SCALE_WORD = re.compile(
    rf"(?<![\w.])({NUMBER})\s*(thousand|million|billion|trillion|mln|bn|tn)\b", re.IGNORECASE
)
_SCALE_AFTER_CURRENCY = re.compile(rf"(?<=[{_CURRENCY}])\s?({NUMBER})([kmb])\b", re.IGNORECASE)
_SCALE_K = re.compile(rf"(?<![\w.-])({NUMBER})(k)\b", re.IGNORECASE)
_QUANTITY = re.compile(
    rf"(?<![\w.])({NUMBER})(?:st|nd|rd|th)?(\s*(?:%|per\s?cent\b|percent\b|pct\b))?",
    re.IGNORECASE,
)
# Two spellings of one date must not differ in what dateutil fills in from the defaults.
_DEFAULT_A = dateparser.parse("1900-01-01")
_DEFAULT_B = dateparser.parse("1904-02-02")


DateValue = tuple[int | None, int | None, int | None]


@dataclass(frozen=True)
class Quantity:
    """A number, a percentage or a date. A number too large for a float (a 400-digit one)
    keeps its digits as its value, a string, and equals only the same digits."""

    kind: Kind
    value: DateValue | float | str
    text: str

    def matches(self, other: Quantity) -> bool:
        if self.kind == "date" or other.kind == "date":
            return self.kind == other.kind and _same_date(self.value, other.value)
        # 12% in a claim is supported by "12 per cent"; a bare 12 also by "12%".
        if self.kind == "percent" and other.kind != "percent":
            return False
        return _same_number(self.value, other.value)


def quantities(text: str | Sequence[str]) -> list[Quantity]:
    """Every date, percentage and number in `text` (or in each of several passages), in
    order of appearance."""
    if not isinstance(text, str):
        return [q for passage in text for q in _passage_quantities(passage)]
    # A claim copied from a sentence is that passage's text: read once either way.
    return list(_passage_quantities(text))


def _quantities_in(text: str) -> list[Quantity]:
    found: list[Quantity] = []
    rest = text
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(rest):
            date = _parse_date(match.group(0))
            if date is not None:
                found.append(Quantity("date", date, match.group(0)))
                if date[0] is not None:  # the year also counts as a number on its own
                    found.append(Quantity("number", float(date[0]), str(date[0])))
        rest = pattern.sub(" ", rest)
    rest = _expand_scales(rest)
    rest = with_digits(rest)
    rest = _expand_scales(rest)  # "ten million" has become "10000000"; "2 million" stays
    for match in _QUANTITY.finditer(rest):
        value = _value(match.group(1))
        kind: Kind = "percent" if match.group(2) else "number"
        found.append(Quantity(kind, value, match.group(0).strip()))
    return found


@dataclass(frozen=True)
class WordNumber:
    """A number written in words, where it stands in its text."""

    start: int
    end: int
    value: float
    digits: str  # as text2num writes it: "4000", "25", "2nd"
    ordinal: bool


# text2num reads tokens: numbers in digits, words (hyphenated "twenty-five" as one) and
# single punctuation marks, which end a number ("seven, eight").
_TOKEN = re.compile(r"\d[\d,.]*\d|\d|[^\W\d_][\w'\u2019-]*|[^\w\s]")
# "one" stays a word ("one of them"); two and up are numbers.
_THRESHOLD = 1.5


class _Word:
    """A token as text2num's `find_numbers` reads it (its Token protocol, methods and all)."""

    def __init__(self, text: str) -> None:
        self._text = text

    def text(self) -> str:
        return self._text

    def nt_separated(self, previous: _Word) -> bool:  # noqa: ARG002 - the protocol's
        return False  # written text: only punctuation separates words

    def not_a_number_part(self) -> bool:
        return False


def word_numbers(text: str) -> list[WordNumber]:
    """The numbers `text` writes in words, read by text2num: "four thousand" (4000),
    "twenty-five" (25), "second" (2nd, an ordinal).

    Not numbers here: a lone plural ("thousands of", "tens of"), which is a rough size, not a
    value; and a scale word right after digits ("4 million"), which belongs to the digits.
    """
    found: list[WordNumber] = []
    for start, piece in _pieces(text):
        if alpha2digit(piece, "en", threshold=_THRESHOLD) != piece:  # else none, found fast
            found += _word_numbers(piece, start, digit_before=_digit_before(text, start))
    return found


def _word_numbers(piece: str, offset: int, *, digit_before: bool) -> list[WordNumber]:
    words = list(_TOKEN.finditer(piece))
    found: list[WordNumber] = []
    for hit in find_numbers([_Word(w.group()) for w in words], "en", threshold=_THRESHOLD):
        first, last = words[hit.start], words[hit.end - 1]
        lone = hit.end - hit.start == 1
        if lone and first.group().lower().endswith("s"):
            continue
        after_digits = words[hit.start - 1].group()[0].isdigit() if hit.start else digit_before
        if lone and after_digits:
            continue
        start, end = offset + first.start(), offset + last.end()
        found.append(WordNumber(start, end, hit.value, hit.text, hit.is_ordinal))
    return found


# alpha2digit takes time quadratic in its input's length, and reading a long text's tokens
# at once takes memory in proportion: a long text is read in pieces of about this many
# characters, cut after punctuation (which ends any number), else at white space.
_PIECE = 2000
_PUNCTUATION = re.compile(r"[.!?;:,](?=\s)")


def _pieces(text: str) -> Iterable[tuple[int, str]]:
    start = 0
    while len(text) - start > _PIECE:
        low, high = start + _PIECE // 2, start + _PIECE
        marks = [m.end() for m in _PUNCTUATION.finditer(text, low, high)]
        space = text.rfind(" ", low, high)
        end = marks[-1] if marks else space if space > 0 else high
        yield start, text[start:end]
        start = end
    yield start, text[start:]


def _digit_before(text: str, start: int) -> bool:
    """Whether the token just before `start` is a number in digits ("4 | million")."""
    before = list(_TOKEN.finditer(text, max(0, start - 64), start))
    return bool(before) and before[-1].group()[0].isdigit()


def with_digits(text: str) -> str:
    """`text` with the numbers it writes in words written in digits."""
    pieces: list[str] = []
    done = 0
    for number in word_numbers(text):
        pieces += [text[done : number.start], number.digits]
        done = number.end
    pieces.append(text[done:])
    return "".join(pieces)


def parse_digits(number: str) -> float:
    """The value of a number written in digits (as NUMBER finds them), thousands separators
    and all: "10,000.5" is 10000.5, and "52,90" (a decimal comma) is 52.9."""
    return float(_plain(number))


def _plain(number: str) -> str:
    """A number in digits with a decimal point and no separators: "52,90" -> "52.90"."""
    if _DECIMAL_COMMA.fullmatch(number):
        return number.replace(",", ".")
    return number.replace(",", "")


def unsupported_quantities(claim: str, passages: str | Sequence[str]) -> list[Quantity]:
    """The claim's quantities that no quantity of the cited passages matches."""
    indexes = _indexes(passages)
    return [q for q in quantities(claim) if not any(index.has(q) for index in indexes)]


def states_value(value: float, passages: str | Sequence[str]) -> bool:
    """Whether the passages state the number `value` (as a number or a percentage)."""
    wanted = Quantity("number", float(value), "")
    return any(index.has(wanted) for index in _indexes(passages))


# --- one passage's quantities, found once however many claims cite it -----------------

_PASSAGES_CACHED = 1024


@functools.lru_cache(maxsize=_PASSAGES_CACHED)
def _passage_quantities(passage: str) -> tuple[Quantity, ...]:
    return tuple(_quantities_in(passage))


def passage_quantities(passage: str) -> tuple[Quantity, ...]:
    """`quantities(passage)`, found once however often a passage is asked about."""
    return _passage_quantities(passage)


def _indexes(passages: str | Sequence[str]) -> list[_Index]:
    return [_index(p) for p in ([passages] if isinstance(passages, str) else passages)]


@functools.lru_cache(maxsize=_PASSAGES_CACHED)
def _index(passage: str) -> _Index:
    return _Index(_passage_quantities(passage))


class _Index:
    """A passage's quantities, arranged so that asking whether one matches takes a
    lookup, not a pass over all of them (a claim against a 100 MB passage stays fast).
    It answers as `any(q.matches(a) for a in quantities)` would."""

    def __init__(self, found: Iterable[Quantity]) -> None:
        numbers: set[float] = set()
        percents: set[float] = set()
        self.digits: set[tuple[bool, str]] = set()  # (percent, digits) beyond float range
        dates: set[DateValue] = set()
        for q in found:
            if isinstance(q.value, tuple):
                dates.add(q.value)
            elif isinstance(q.value, str):
                self.digits.add((q.kind == "percent", q.value))
            else:
                (percents if q.kind == "percent" else numbers).add(q.value)
        self.dates = {key for date in dates for key in _date_keys(date)}
        self.percents = sorted(percents)
        self.numbers = sorted(numbers | percents)  # a bare number is supported by "12%" too

    def has(self, q: Quantity) -> bool:
        if isinstance(q.value, tuple):
            return q.kind == "date" and _date_known(q.value, self.dates)
        percent = q.kind == "percent"
        if isinstance(q.value, str):
            return (True, q.value) in self.digits or (
                not percent and (False, q.value) in self.digits
            )
        return _near(q.value, self.percents if percent else self.numbers)


def _near(value: float, ordered: list[float]) -> bool:
    """Whether `ordered` (sorted) holds a number `_same_number` as `value`: the nearest on
    either side is the only candidate."""
    at = bisect.bisect_left(ordered, value)
    return any(_same_number(value, ordered[i]) for i in (at - 1, at) if 0 <= i < len(ordered))


_FIELDS = range(3)  # year, month, day


def _subsets(items: Sequence[int]) -> Iterable[tuple[int, ...]]:
    return itertools.chain.from_iterable(
        itertools.combinations(items, size) for size in range(len(items) + 1)
    )


def _date_keys(
    date: DateValue,
) -> Iterable[tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]]:
    """Every (fields equal, fields unstated, their values) a passage's date answers to."""
    stated = [i for i in _FIELDS if date[i] is not None]
    unstated = [i for i in _FIELDS if date[i] is None]
    for equal in _subsets(stated):
        values = tuple(date[i] or 0 for i in equal)
        for blank in _subsets(unstated):
            yield equal, blank, values


def _date_known(
    date: DateValue, keys: set[tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]]
) -> bool:
    """`_same_date(date, d)` for some passage date d: each field the claim states is
    stated equal there or left out, and the month, if the claim states it, is stated."""
    stated = [i for i in _FIELDS if date[i] is not None]
    for blank in _subsets(stated):
        if 1 in blank:
            continue
        equal = tuple(i for i in stated if i not in blank)
        if (equal, blank, tuple(date[i] or 0 for i in equal)) in keys:
            return True
    return False


def _value(number: str) -> float | str:
    """A number's value; beyond float range, its digits (no separators, no leading zeros)."""
    value = parse_digits(number)
    if math.isfinite(value):
        return value
    whole, _, fraction = _plain(number).partition(".")
    fraction = fraction.rstrip("0")
    return (whole.lstrip("0") or "0") + (f".{fraction}" if fraction else "")


def _expand_scales(text: str) -> str:
    for pattern in (_SCALE_WORD, _SCALE_AFTER_CURRENCY, _SCALE_K):
        text = pattern.sub(_expand_scale, text)
    return text


def _expand_scale(match: re.Match[str]) -> str:
    value = parse_digits(match.group(1)) * SCALES[match.group(2).strip().lower()]
    if not math.isfinite(value):
        return match.group(0)  # beyond float range: the number keeps its digits
    return f"{value:.0f}" if value.is_integer() else f"{value}"


@functools.lru_cache(maxsize=4096)  # a long text repeats its dates
def _parse_date(span: str) -> tuple[int | None, int | None, int | None] | None:
    cleaned = re.sub(r"\bof\b", " ", span, flags=re.IGNORECASE)
    try:
        first = dateparser.parse(cleaned, default=_DEFAULT_A)
        second = dateparser.parse(cleaned, default=_DEFAULT_B)
    except (ValueError, OverflowError):
        return None
    # A field dateutil filled from the default differs between the two parses: not stated.
    year = first.year if first.year == second.year else None
    month = first.month if first.month == second.month else None
    day = first.day if first.day == second.day else None
    return (year, month, day)


def _same_date(a: object, b: object) -> bool:
    if not (isinstance(a, tuple) and isinstance(b, tuple)):
        return False
    # Every field both sides state must agree; a field one side leaves out is no conflict,
    # but the month must be stated by the passage whenever the claim states it.
    return all(x is None or y is None or x == y for x, y in zip(a, b, strict=True)) and (
        a[1] is None or b[1] is not None
    )


def _same_number(a: object, b: object) -> bool:
    if not (isinstance(a, float) and isinstance(b, float)):
        return False
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)
