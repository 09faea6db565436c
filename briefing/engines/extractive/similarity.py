"""Bag-of-words vectors (tf-idf over sentences) and the centroid scores built on them.

Centroid scoring is linear in the number of sentences, so a day of a few hundred feed
items stays fast; pairwise similarity is only computed for the few selected sentences.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from briefing.verify.words import STOP_WORDS, fold, stem

Vector = dict[str, float]

_WORD = re.compile(r"[a-z][a-z'-]*[a-z]|\d[\d,.]*\d|\d")


def tokens(text: str) -> list[str]:
    """Stems of the content words and numbers of `text`, for tf-idf vectors."""
    words = (w.replace(",", "").removesuffix("'s") for w in _WORD.findall(fold(text)))
    return [stem(w) for w in words if w not in STOP_WORDS and len(w) > 1]


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
    # Only shared terms: the others would add 0.0, which changes no sum.
    return sum((v * b[t] for t, v in a.items() if t in b), 0.0)


def add_into(total: Vector, vec: Vector, sign: float = 1.0) -> None:
    for t, v in vec.items():
        total[t] = total.get(t, 0.0) + sign * v
