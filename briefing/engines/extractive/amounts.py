"""What an amount of money is for, from the words around it: 'the deal is worth $11
billion' is a deal, '$55bn in annual revenue' revenue, 'Kmart has annual sales of $23bn'
Kmart's revenue. An amount named by none of these is no key figure."""

from __future__ import annotations

import re

_MONEY = {
    "deal": "deal merger gamble acquisition takeover buyout purchase buy buying bought acquire "
    "acquired acquires bid offer",
    "cost": "cost costs costing worth valued values value investment financing needed",
    "revenue": "revenue revenues sales turnover",
    "savings": "savings save saving saved",
    "earnings": "earned earnings profit profits income",
    "loss": "loss losses",
    "exports": "exports export exporting exported",
    "imports": "imports import importing imported",
    "GDP": "gdp",
    "debt": "debt debts",
    "share price": "shares share stock",
    "cash": "cash",
    "price": "price prices priced fare fares fee fees",
    "aid": "aid funding fund funds grant grants donation donations raised",
    "damage": "damage damages repair repairs",
    "fine": "fine fines fined penalty",
    "budget": "budget budgets spending spent",
    "prize money": "prize award cheque check",
    "agreement": "agreement agreements contract contracts loan loans package",
    "pay": "salary salaries wage wages bonus bonuses pay",
    "tax": "tax taxes",
}
_CLASS_OF = {word: label for label, words in _MONEY.items() for word in words.split()}
_MONEY_REACH = 6  # words either side of an amount searched for what it pays for

_MONEY_WORD = re.compile(r"[A-Za-z]+")


def purpose(sentence: str, start: int, end: int) -> tuple[str, int, int] | None:
    """The word within a few words of an amount, in its clause, that says what it pays
    for, as (its class, where the figure's text starts, where it ends): 'cost of the damage
    at €12 million', '$55bn in annual revenue', 'earned $553 million'. A specific word
    beats a generic one ('the deal is worth $11 billion' is a deal), then the nearest."""
    # "a cheque for 10 million Swedish Kronor ($1.4m)": the amount in brackets is the
    # one before it again, paid for what that one is.
    if sentence[start - 1 : start] == "(" and sentence.startswith(")", end):
        start, end = start - 1, end + 1
    before = list(_MONEY_WORD.finditer(sentence, max(0, start - 60), start))[-_MONEY_REACH:]
    after = list(_MONEY_WORD.finditer(sentence, end, end + 60))[:_MONEY_REACH]
    candidates: list[tuple[bool, int, str, int, int]] = []
    for distance, word in enumerate(reversed(before)):
        if _CLAUSE_MARK.search(sentence, word.end(), start):
            break
        if money_class(word.group()):
            candidates.append((_generic(word.group()), distance, word.group(), word.start(), end))
    for distance, word in enumerate(after):
        if _CLAUSE_MARK.search(sentence, end, word.start()):
            break
        if money_class(word.group()):
            candidates.append((_generic(word.group()), distance, word.group(), start, word.end()))
    if not candidates:
        return None
    _, _, found, span_start, span_end = min(candidates)
    if span_start < start:  # "Kmart has annual sales of", "Sears shares soared": whose
        owner = _OWNER.search(sentence, max(0, span_start - 80), span_start)
        span_start -= len(owner.group(0)) if owner else 0
    return money_class(found), span_start, span_end


_CLAUSE_MARK = re.compile(r"[;,():*]|\.\s")
_GENERIC_MONEY = frozenset({"cost", "share price"})
_OWNER = re.compile(
    # At the start of its clause: in "... in US and Canada Kmart has", not "Canada".
    r"(?:(?:^|(?<=[,;:(—–]\s))(?:[A-Z][\w'’&.-]*\s){1,3}"
    r"(?:has|had|have|with|posted|reported|reports)\s+)?"
    r"(?:[A-Z][\w'’&.-]*\s){0,2}"
    r"(?:(?:annual|combined|total|gross|net|external|yearly|quarterly|estimated|expected)\s+)*$"
)


def money_class(word: str) -> str:
    """What an amount is for, by a word near it: lower case, or an acronym ('GDP'); a
    capitalised word is a name ('the Nasdaq Stock Market')."""
    if not (word.islower() or word.isupper()):
        return ""
    return _CLASS_OF.get(word.lower(), "")


def _generic(word: str) -> bool:
    return money_class(word) in _GENERIC_MONEY
