"""Bag-of-words vectors (tf-idf over sentences) and the centroid scores built on them.

Centroid scoring is linear in the number of sentences, so a day of a few hundred feed
items stays fast; pairwise similarity is only computed for the few selected sentences.
"""

from __future__ import annotations

import math
import re
from collections import Counter

Vector = dict[str, float]

_WORD = re.compile(r"[a-z][a-z'’-]*[a-z]|\d[\d,.]*\d|\d")
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if
    in into is it its itself just me more most my myself no nor not now of off on once only
    or other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    said says say told according mr mrs ms dr new one two also its it's""".split()
)


def tokens(text: str) -> list[str]:
    words = (w.replace(",", "") for w in _WORD.findall(text.lower()))
    return [_stem(w) for w in words if w not in STOPWORDS and len(w) > 1]


def _stem(word: str) -> str:
    # Just enough folding that "troops"/"troop" and "evacuated"/"evacuation" meet.
    word = word.removesuffix("'s").removesuffix("’s")
    for suffix, repl in (("ies", "y"), ("ations", "ate"), ("ation", "ate"), ("ing", ""),
                         ("ed", ""), ("es", ""), ("s", "")):  # fmt: skip
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)] + repl
    return word


def tfidf(documents: list[list[str]]) -> list[Vector]:
    df: Counter[str] = Counter(term for doc in documents for term in set(doc))
    n = len(documents)
    vectors: list[Vector] = []
    for doc in documents:
        counts = Counter(doc)
        vec = {
            t: (1 + math.log(c)) * (math.log((n + 1) / (df[t] + 1)) + 1) for t, c in counts.items()
        }
        vectors.append(normalize(vec))
    return vectors


def normalize(vec: Vector) -> Vector:
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {t: v / norm for t, v in vec.items()} if norm else {}


def cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def add_into(total: Vector, vec: Vector, sign: float = 1.0) -> None:
    for t, v in vec.items():
        total[t] = total.get(t, 0.0) + sign * v
