"""Wording cues in a sentence: who it is attributed to, and whether it is hedged or contested."""

from __future__ import annotations

import re

SAY_VERBS = (
    r"said|says|told|reported|reports|announced|confirmed|estimated|estimates|warned|added|"
    r"stated|claimed|claims|acknowledged|indicated|described|noted|insisted|reiterated|"
    r"stressed|explained|wrote|tweeted|admitted"
)
_ACCORDING = re.compile(r"\baccording to ((?:[\w'’.-]+ ?){1,8}?)(?=[,.;:]|$)", re.IGNORECASE)
_VERB = re.compile(rf"\b(?:{SAY_VERBS})\b")
_CLAUSE = re.compile(r"[,;:—–()]")
_LEAD = re.compile(r"^(?:and|but|while|as|though|although|whereas|so)\s+", re.IGNORECASE)
_PRONOUN = re.compile(r"^(?:he|she|they|it|we|i|you|this|that|these|those)$", re.IGNORECASE)
_AUXILIARIES = frozenset(
    "has have had is was were also later earlier previously publicly already then further "
    "again has been have been separately officially".split()
)
_QUOTES = re.compile(r"[“\"][^”\"]*[”\"]")

_UNCONFIRMED = re.compile(
    r"\b(?:ha(?:s|ve|d) not (?:yet )?been (?:independently )?(?:confirmed|verified)"
    r"|(?:could|can|did) not (?:be )?(?:independently )?(?:confirm|verify|confirmed|verified)"
    r"|ha(?:s|ve|d) not (?:yet )?(?:confirmed|verified)|declined to confirm|not confirmed"
    r"|unconfirmed|unverified|reportedly|allegedly|purportedly|may have|might have"
    r"|(?:is|are|was|were) (?:said|believed|thought) to|it (?:is|was|remains) unclear"
    r"|no (?:official )?confirmation|rumou?r(?:s|ed)?)\b",
    re.IGNORECASE,
)
_DISPUTED = re.compile(
    # "denied the claim" is a dispute; "is denied a second medal" is not.
    r"\b(?:(?:denied|denies|deny)(?=\s*(?:[.,;]|$|that\b|(?:the|these|those|any|all|it|this|"
    r"them|such|reports?|claims?|allegations?|accusations?|involvement|wrongdoing|"
    r"responsibility)\b))|disputed?|disputes|contested|contradict(?:s|ed)?"
    r"|rejected (?:the|this|that|these) (?:claims?|reports?|allegations?|accounts?)"
    r"|called (?:the|it|them)(?: \w+){0,3} (?:false|baseless|untrue|fabricated))\b",
    re.IGNORECASE,
)


def hedge(sentence: str) -> tuple[str, str] | None:
    """('disputed' | 'unconfirmed', the source's own words that say so), or None."""
    disputed = _DISPUTED.search(sentence)
    if disputed:
        return "disputed", disputed.group(0)
    matches = list(_UNCONFIRMED.finditer(sentence))
    if matches:
        explicit = [m for m in matches if "confirm" in m.group(0) or "verif" in m.group(0)]
        return "unconfirmed", (explicit or matches)[0].group(0)
    return None


def attribution(sentence: str) -> str | None:
    """Who the sentence credits: 'according to X', 'X said', '…, said X'."""
    match = _ACCORDING.search(sentence)
    if match:
        return _clean(match.group(1))
    outside = _QUOTES.sub(lambda m: " " * len(m.group(0)), sentence)
    for verb in _VERB.finditer(outside):
        subject = subject_before(outside, verb.start())
        if subject:
            return subject
        after = re.match(r"\s+((?:[A-Z][\w'’.-]*\s?){1,5})", outside[verb.end() :])
        if after and not _PRONOUN.match(after.group(1).strip()):
            return _clean(after.group(1))
    return None


def subject_before(text: str, end: int) -> str | None:
    """The noun phrase right before a verb at `end`, skipping one appositive:
    'Dr. Anna Kell, a hydrologist who advises the agency, said' -> 'Dr. Anna Kell'."""
    before = text[:end].rstrip()
    if before.endswith(","):
        head = before[:-1]
        cut = head.rfind(",")
        before = head[:cut] if cut > 0 else head
    clause = _CLAUSE.split(before)[-1].strip()
    clause = _LEAD.sub("", clause)
    words = clause.split()[-10:]
    while words and words[-1].lower() in _AUXILIARIES:
        words.pop()
    if not words or _PRONOUN.match(words[-1]) or len(words) > 7:
        return None
    phrase = " ".join(words)
    if not (phrase[0].isupper() or phrase.lower().startswith("the ")):
        return None
    return _clean(phrase)


def _clean(phrase: str) -> str | None:
    phrase = phrase.strip(" ,.;:“”\"'")
    # Shown mid-sentence ("per the Pentagon"), so a sentence-initial "The" drops its capital.
    if phrase.startswith("The "):
        phrase = "t" + phrase[1:]
    return phrase or None
