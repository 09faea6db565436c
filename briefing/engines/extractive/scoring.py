"""Which sentences are central: close to what the *other* sources say, early in their
article, and written as a statement rather than a caption or a menu item."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefing.engines.extractive.similarity import (
    Vector,
    add_into,
    cosine,
    normalize,
    tfidf,
    tokens,
)

if TYPE_CHECKING:
    from briefing.models import Passage, Source

_BOILERPLATE = re.compile(
    r"click here|subscribe|sign up|newsletter|cookie|all rights reserved|follow us|read more|"
    r"advertisement|related (?:links|stories|articles)|getty images|photo:|image:|©|copyright|"
    r"e-?mail this|share this|terms of use|privacy policy|javascript",
    re.IGNORECASE,
)
_ENDS_LIKE_PROSE = re.compile(r"[.!?][\"”’')]*$")
_SHOUTING = re.compile(r"\b[A-Z]{2,}\s+[A-Z]{2,}\s+[A-Z]{2,}\b")
MIN_WORDS, MAX_WORDS = 7, 70


@dataclass
class Scored:
    passage: Passage
    source: Source
    position: int  # 0-based sentence index within its source
    vector: Vector
    score: float = 0.0
    candidate: bool = False
    figures: frozenset[tuple[float, str]] = frozenset()  # (value, what it counts)


def is_statement(text: str) -> bool:
    words = text.split()
    return (
        MIN_WORDS <= len(words) <= MAX_WORDS
        and _ENDS_LIKE_PROSE.search(text) is not None
        and not text.rstrip("”\"’' ").endswith("?")
        and _BOILERPLATE.search(text) is None
        and sum(w[:1].isupper() for w in words) < 0.6 * len(words)
    )


def score_sentences(sources: list[Source]) -> list[Scored]:
    scored = [Scored(p, s, i, {}) for s in sources for i, p in enumerate(s.passages)]
    for item, vec in zip(scored, tfidf([tokens(x.passage.text) for x in scored]), strict=True):
        item.vector = vec
        item.candidate = is_statement(item.passage.text)
    total: Vector = {}
    per_source: dict[str, Vector] = {}
    for item in scored:
        add_into(total, item.vector)
        add_into(per_source.setdefault(item.source.id, {}), item.vector)
    single = len(sources) == 1
    relevance = _source_relevance(total, per_source)
    for item in scored:
        if single:
            # One source: centrality within it (its own vector left out).
            reference = dict(total)
            add_into(reference, item.vector, -1.0)
        else:
            reference = dict(total)
            add_into(reference, per_source[item.source.id], -1.0)
        norm = sum(v * v for v in reference.values()) ** 0.5 or 1.0
        lead = 1.0 + 0.6 / (1 + item.position)  # news puts what matters first
        item.score = cosine(item.vector, reference) / norm * lead
        item.score *= relevance.get(item.source.id, 1.0)
        if _SHOUTING.search(item.passage.text):
            item.score /= 2  # page furniture glued to a sentence: "THE NOBEL COMMITTEE The …"
    return scored


def _source_relevance(total: Vector, per_source: dict[str, Vector]) -> dict[str, float]:
    """0.5 to 1: how close a whole source is to the others. An off-topic item in a feed
    shares words ('Monday', a place name) with the rest, but not its subject."""
    if len(per_source) < 3:
        return {}
    raw: dict[str, float] = {}
    for source_id, vector in per_source.items():
        others = dict(total)
        add_into(others, vector, -1.0)
        raw[source_id] = cosine(normalize(vector), normalize(others))
    best = max(raw.values()) or 1.0
    return {source_id: 0.5 + 0.5 * value / best for source_id, value in raw.items()}


def best_match(item: Scored, others: list[Scored]) -> tuple[Scored, float] | None:
    best: tuple[Scored, float] | None = None
    for other in others:
        similarity = cosine(item.vector, other.vector)
        if best is None or similarity > best[1]:
            best = (other, similarity)
    return best
