"""Lexical support: the share of a claim's content words found in its cited passages.

Numbers are left out here (the number check compares them properly), as are stop words.
A verbatim sentence scores 1.0; a claim stitched from words of other passages scores low.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from briefing.verify.words import STOP_WORDS, Vocabulary, fold, normal, tokens

if TYPE_CHECKING:
    from collections.abc import Sequence


def content_words(text: str) -> list[str]:
    return list(_content_words(text))


# A claim is scored against each passage that may corroborate it, and both ways round.
@functools.lru_cache(maxsize=1 << 14)
def _content_words(text: str) -> tuple[str, ...]:
    words = (normal(w) for w in tokens(text) if not any(ch.isdigit() for ch in w))
    return tuple(w for w in dict.fromkeys(words) if w and fold(w) not in STOP_WORDS)


def support_score(claim: str, passages: str | Sequence[str]) -> float:
    words = _content_words(claim)
    if not words:
        return 1.0 if claim.strip() else 0.0
    available = Vocabulary(passages)
    return sum(w in available for w in words) / len(words)


def unsupported_words(claim: str, passages: str | Sequence[str]) -> list[str]:
    """The claim's content words (as the claim spells them) missing from the passages."""
    available = Vocabulary(passages)
    missing = {w for w in _content_words(claim) if w not in available}
    spelled = (w for w in tokens(claim) if normal(w) in missing)
    return list(dict.fromkeys(spelled))
