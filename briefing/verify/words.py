"""Words: tokens, the one stop-word list and the one stemmer, for the verifier and the engines.

Every part of the project that compares words (the verifier's support and name checks, the
extractive engine's similarity and figure grouping) reduces them here, so a word that
matches in one place matches in all of them.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from typing import TYPE_CHECKING, cast

import snowballstemmer

if TYPE_CHECKING:
    from collections.abc import Sequence

# \u2019 is the typographic apostrophe.
_WORD = re.compile(r"[^\W_](?:[\w'\u2019&.-]*[^\W_])?")
_POSSESSIVES = ("'s", "\u2019s")

STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves said says say told according mr mrs ms dr while however since may
    might must shall also still yet per one""".split()
)

# Snowball's English (Porter 2) stemmer: snowballstemmer hands it to PyStemmer's C build
# (the same algorithm, the same stems, some 100 times faster: a big day has tens of
# thousands of distinct words); a news day repeats its words, so each is stemmed once.
_STEMMER = snowballstemmer.stemmer("english")
# The stemmer keeps its word in itself while it works: one caller at a time (the LLM
# engine checks replies while the story grouping's thread stems).
_STEMMING = threading.Lock()


def fold(text: str) -> str:
    """Casefold, strip accents and unify quotes and dashes, for comparing words."""
    # Every module compares words through this, the same words many times over; a long
    # text is folded as it comes (a cache would hold on to it).
    return _fold_short(text) if len(text) <= _SHORT else _fold(text)


_SHORT = 200  # characters: a word, a name, a headline


@functools.lru_cache(maxsize=1 << 16)
def _fold_short(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    if text.isascii():
        plain = text  # nothing to decompose, no accents
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        if len(decomposed) > _LONG:
            plain = _combining_marks().sub("", decomposed)
        else:
            plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.translate(_PUNCT)
    return plain.casefold()


_LONG = 10_000  # characters: beyond this, one regex pass beats a Python loop


@functools.cache
def _combining_marks() -> re.Pattern[str]:
    """Every character `unicodedata.combining` flags, as one character class (built once,
    in a fraction of a second, the first time a long text is folded)."""
    marks = (chr(c) for c in range(0x110000) if unicodedata.combining(chr(c)))
    return re.compile("[" + "".join(re.escape(m) for m in marks) + "]")


# Typographic quotes, dashes and no-break space, written as escapes so they stay visible.
_PUNCT = str.maketrans(
    {
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u00ab\u00bb", '"'),
        **dict.fromkeys("\u2018\u2019\u201a\u201b", "'"),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"),
        "\u00a0": " ",
    }
)


def tokens(text: str) -> list[str]:
    """The words of `text` as they stand (case kept), possessives dropped."""
    return [(w[:-2] if w.endswith(_POSSESSIVES) else w).rstrip(".") for w in _WORD.findall(text)]


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """The stem of a folded word: "evacuated" and "evacuation" both give "evacu", "troops"
    gives "troop", "harrowgate's" gives "harrowg"."""
    if _FIGURES.fullmatch(word):
        return word  # what the stemmer returns; numbers are many and distinct, so not asked
    with _STEMMING:
        return cast("str", _STEMMER.stemWord(word))


_FIGURES = re.compile(r"[\d.,&-]+")


@functools.lru_cache(maxsize=1 << 16)
def normal(word: str) -> str:
    """A word reduced for matching: folded, dots dropped ("N.M.I."), stemmed."""
    return stem(fold(word).replace(".", ""))


# Words for the same counted thing, by their stems: "4,000 residents" and "5,500 people"
# count the same thing; so do soldiers and troops, and shops' outlets and stores. Not
# "villager": it shares its stem with "villages".
SAME_THING = {
    normal(word): normal(same)
    for word, same in {
        "soldier": "troop", "resident": "people", "person": "people", "inhabitant": "people",
        "civilian": "people", "individual": "people", "parishioner": "people",
        "worshipper": "people", "congregant": "people", "men": "people", "women": "people",
        "outlet": "store",
    }.items()
}  # fmt: skip


def counted_word(word: str) -> str:
    """A word as what a figure counts: its stem, synonyms merged ("residents" -> "people")."""
    reduced = normal(word)
    return SAME_THING.get(reduced, reduced)


def word_set(text: str) -> set[str]:
    return {normal(w) for w in tokens(text)}


@functools.lru_cache(maxsize=1024)
def _passage_words(passage: str) -> frozenset[str]:
    return frozenset(word_set(passage))


class Vocabulary:
    """The words of the cited passages (as `normal` gives them), for `word in vocabulary`.
    Each passage's words are found once however many claims cite it, and several
    passages are never merged into one set: a 100 MB passage is read once."""

    def __init__(self, passages: str | Sequence[str]) -> None:
        texts = [passages] if isinstance(passages, str) else passages
        self._sets = [_passage_words(text) for text in texts]

    def __contains__(self, word: object) -> bool:
        return any(word in words for words in self._sets)
