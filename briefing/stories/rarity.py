"""How rare a word is in language at large, from wordfreq's frequency lists.

A word's weight in a story comes from its rarity in general text, not in the day's own
articles: "Kursk" is telling whether the day has one story or fifty, and "year" never is.
Weights that ignore the rest of the day make two articles' similarity a property of the two
articles alone, so a story groups the same in a one-story input, a busy day or tomorrow's.

The lists cover several languages, taking each word's highest frequency, so the function
words of a German or Portuguese feed ("und", "para") count as common, not as rare names.
"""

from __future__ import annotations

import functools
import math

from briefing import wordlists

# wordfreq's "small" lists hold every word above about one in a million tokens and load in
# a hundredth of a second each; rarer words are all equally telling here.
_LANGUAGES = ("en", "de", "fr", "es", "pt", "it", "nl")
_UNLISTED = 1e-7  # below the lists' floor of 1e-6
COMMON = 2.0  # -log10 frequency: words above one in a hundred tokens weigh nothing


@functools.cache
def _frequencies() -> wordlists.WordTable:
    # Kept in the cache folder, as importing wordfreq and merging its lists took a run
    # half a second (briefing/wordlists.py).
    return wordlists.table("highest-frequency-small-" + "-".join(_LANGUAGES), _merged)


def _merged() -> dict[str, float]:
    import wordfreq  # noqa: PLC0415 - loaded only to build the table

    merged: dict[str, float] = {}
    for language in _LANGUAGES:
        for word, frequency in wordfreq.get_frequency_dict(language, wordlist="small").items():
            if frequency > merged.get(word, 0.0):
                merged[word] = frequency
    return merged


def information(word: str) -> float:
    """-log10 of the folded word's frequency in general text: 3 for "year", 7 for "kursk".
    A hyphenated word the lists lack is as rare as its rarest part ("e-commerce")."""
    frequency = _frequencies().get(word)
    if frequency is None and "-" in word:
        parts = [p for p in word.split("-") if p]
        return max((information(p) for p in parts), default=-math.log10(_UNLISTED))
    return -math.log10(frequency or _UNLISTED)


def weight(forms: set[str]) -> float:
    """The weight of a stem seen in these folded forms: the information of its commonest
    form, above the level of common words ("nations" weighs what "nation" weighs)."""
    return max(min(information(form) for form in forms) - COMMON, 0.0)
