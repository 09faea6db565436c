"""Meaning-changing edits, planted by rule in a claim's text (bench/plant_errors.py).

Each function takes a claim-like text and returns it with one edit of its kind, or None
when the text has nothing the rule can change. The rules are written apart from the
verifier's checks (briefing/verify/meaning.py) and use their own word lists: a planted
error is what a careless or biased rewrite does, not what the checks look for.
"""

from __future__ import annotations

import re

AUXILIARY = re.compile(
    r"\b(is|are|was|were|has|have|had|will|would|can|could|should|did|does|do|must)\b"
    r"(?! not\b| never\b)"
)
NEGATION = re.compile(r"\b(not|never) |n't\b|\bno (?=[a-z])")


def negation(text: str) -> str | None:
    """Drop the first negation; else add "not" after the first auxiliary verb."""
    found = NEGATION.search(text)
    if found:
        if found.group().startswith("no "):
            return text[: found.start()] + "a " + text[found.end() :]
        if found.group() == "n't":
            stem = {"wo": "will", "ca": "can", "sha": "shall"}
            head = text[: found.start()]
            for short, full in stem.items():
                if head.endswith(short) and not head[: -len(short)][-1:].isalpha():
                    return head[: -len(short)] + full + text[found.end() :]
            return head + text[found.end() :]
        return text[: found.start()] + text[found.end() :]
    aux = AUXILIARY.search(text)
    return text[: aux.end()] + " not" + text[aux.end() :] if aux else None


HEDGED = (
    (re.compile(r"\b(?:is|are) (?:likely|expected|thought|believed) to\b"), "will"),
    (re.compile(r"\b(?:was|were) (?:likely|expected|thought|believed|said) to\b"), "did"),
    (re.compile(r"\b(?:may|might|could) (?=[a-z])"), "will "),
    (re.compile(r"\b(?:reportedly|allegedly|apparently|possibly|probably|perhaps) "), ""),
    (re.compile(r"\b(?:plans|hopes|intends) to\b"), "will"),
    (re.compile(r"\b(?:suspected|alleged|possible|potential) (?=[a-z])"), ""),
)


def hedge(text: str) -> str | None:
    """State as fact what the text hedges: "is likely to" -> "will", "may" -> "will",
    "reportedly" dropped."""
    for pattern, plain in HEDGED:
        found = pattern.search(text)
        if found:
            return text[: found.start()] + plain + text[found.end() :]
    return None


NUMBER_WORD = r"(?:\$|€|£)?\d|(?:one|two|three|four|five|six|seven|eight|nine|ten|a dozen)\b"
QUALIFIER = re.compile(
    r"\b(?:about|around|approximately|roughly|nearly|almost|up to|at least|more than|"
    r"less than|fewer than|over|under|some|only|just|as many as|as few as) "
    rf"(?={NUMBER_WORD})|\b(?:almost|nearly|barely|only|partly|partially) (?=[a-z]+(?:ed|s)\b)"
)
FIRST_NUMBER = re.compile(rf"(?<![\w.,])(?:{NUMBER_WORD})")


def qualifier(text: str) -> str | None:
    """Drop the first qualifier of a number or a verb ("nearly", "up to", "only"); else put
    "nearly" before the first number."""
    found = QUALIFIER.search(text)
    if found:
        return text[: found.start()] + text[found.end() :]
    number = FIRST_NUMBER.search(text)
    return text[: number.start()] + "nearly " + text[number.start() :] if number else None


PAIRS = (
    ("rise", "fall"), ("rose", "fell"), ("risen", "fallen"), ("rising", "falling"),
    ("increase", "decrease"), ("increased", "decreased"),
    ("won", "lost"), ("win", "lose"), ("gained", "lost"), ("approved", "rejected"),
    ("approve", "reject"),
    ("accepted", "rejected"), ("higher", "lower"), ("more", "fewer"), ("largest", "smallest"),
    ("biggest", "smallest"), ("first", "last"), ("before", "after"), ("opened", "closed"),
    ("support", "oppose"), ("supported", "opposed"), ("allowed", "banned"),
    ("confirmed", "denied"), ("strengthen", "weaken"), ("strong", "weak"),
    ("reversed", "upheld"), ("reversing", "upholding"), ("shortened", "lengthened"),
    ("expand", "shrink"), ("raised", "lowered"), ("boost", "cut"), ("success", "failure"),
    ("victory", "defeat"), ("guilty", "innocent"), ("majority", "minority"),
    ("buy", "sell"), ("bought", "sold"), ("buying", "selling"),
    ("praised", "criticised"), ("north", "south"), ("east", "west"), ("above", "below"),
    ("up", "down"), ("best", "worst"),
    ("highest", "lowest"), ("improved", "worsened"), ("began", "ended"),
)  # fmt: skip
OPPOSITE = dict(PAIRS) | {b: a for a, b in PAIRS}
WORD = re.compile(r"\b[a-z]+\b")


def opposite(text: str) -> str | None:
    """Put the first word with an opposite in the list in its opposite's place."""
    for found in WORD.finditer(text):
        other = OPPOSITE.get(found.group())
        if other:
            return text[: found.start()] + other + text[found.end() :]
    return None


SWAPS = (
    (re.compile(r"\$(?=\s?\d)"), "€"), (re.compile(r"€(?=\s?\d)"), "$"),
    (re.compile(r"£(?=\s?\d)"), "$"), (re.compile(r"\b(?:EUR|USD|GBP)(?=\s?\d)"), "$"),
    (re.compile(r"(?<=\d) ?billion\b"), " million"),
    (re.compile(r"(?<=\d) ?million\b"), " billion"),
    (re.compile(r"(?<=\d)bn\b"), "m"), (re.compile(r"(?<=\d)m\b"), "bn"),
    (re.compile(r"(?<=\d) (?:km|kilometres|kilometers)\b"), " miles"),
    (re.compile(r"(?<=\d) miles\b"), " km"), (re.compile(r"(?<=\d) days\b"), " weeks"),
    (re.compile(r"(?<=\d) weeks\b"), " months"), (re.compile(r"(?<=\d) months\b"), " years"),
    (re.compile(r"(?<=\d) years\b"), " months"), (re.compile(r"(?<=\d) hours\b"), " days"),
    (re.compile(r"(?<=\d) dollars\b"), " euros"),
)  # fmt: skip


def unit(text: str) -> str | None:
    """Another currency, scale or unit for the first amount that has one."""
    hits = [(found, new) for pattern, new in SWAPS if (found := pattern.search(text))]
    if not hits:
        return None
    found, new = min(hits, key=lambda hit: hit[0].start())
    return text[: found.start()] + new + text[found.end() :]


# A name: a run of capitalised words, "of" or "de" inside it ("Court of Appeals").
NAME = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+(?:(?:of|de|the)\s+)?[A-Z][\w'’.-]*)*")
GROUPED = re.compile(r"^\W*(?:and|or|&|nor|,)\W*$|^\W*,", re.IGNORECASE)
SENTENCE_START = re.compile(r"(?:^|[.!?:\"“(—-]\s*)$")


def roles(text: str) -> str | None:
    """Swap two whole names, neither opening a sentence, with words between them that do
    not group them ("A and B", "A, B")."""
    names = [
        m
        for m in NAME.finditer(text)
        if not SENTENCE_START.search(text[: m.start()]) and text.count(m.group()) == 1
    ]
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            between = text[a.end() : b.start()]
            if set(a.group().split()) & set(b.group().split()) or GROUPED.search(between):
                continue
            if not re.search(r"\b[a-z]{3,}\b", between) or len(between.split()) > 12:
                continue
            return text[: a.start()] + b.group() + between + a.group() + text[b.end() :]
    return None


TURN = re.compile(r"\b(?:not|never|no|rather than|instead of|but|although|without)\b|n't\b")


def ellipsis(text: str, spans: list[tuple[int, int]]) -> str | None:
    """Cut a negation or contrast out of a quoted stretch with "...", together with the
    word before it: "likely to undermine, rather than enhance" -> "likely to ... enhance"."""
    for start, end in spans:
        found = TURN.search(text, start, end)
        if not found:
            continue
        before = text.rfind(" ", start, max(start, found.start() - 1))
        cut_from = before + 1 if before > start else start
        if cut_from == start:
            continue  # nothing of the quote before the cut: no ellipsis to write
        after = found.end()
        return text[:cut_from].rstrip() + " ... " + text[after:].lstrip(" ,")
    return None
