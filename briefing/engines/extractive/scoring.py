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
    tfidf,
    tokens,
)
from briefing.furniture import site_furniture
from briefing.reportage import addresses_reader, is_statement

if TYPE_CHECKING:
    from briefing.models import Passage, Source

_SHOUTING = re.compile(r"\b[A-Z]{2,}\s+[A-Z]{2,}\s+[A-Z]{2,}\b")
_EPSILON = 1e-6


@dataclass(eq=False)  # identity: two sentences with the same words are still two
class Scored:
    passage: Passage
    source: Source
    position: int  # 0-based sentence index within its source
    vector: Vector
    score: float = 0.0
    candidate: bool = False
    figures: frozenset[tuple[float, str]] = frozenset()  # (value, what it counts)


def score_sentences(sources: list[Source]) -> list[Scored]:
    scored = [Scored(p, s, i, {}) for s in sources for i, p in enumerate(s.passages)]
    furniture = site_furniture(sources)
    for item, vec in zip(scored, tfidf([tokens(x.passage.text) for x in scored]), strict=True):
        item.vector = vec
        text = item.passage.text
        # A notice to the reader ("You can request the document ...") reports nothing.
        item.candidate = is_statement(text) and not addresses_reader(text) and text not in furniture
    total: Vector = {}
    per_source: dict[str, Vector] = {}
    for item in scored:
        add_into(total, item.vector)
        add_into(per_source.setdefault(item.source.id, {}), item.vector)
    # cos(s, T - D) = (s.T - s.D) / |T - D|, with |T - D|^2 = |T|^2 - 2 T.D + |D|^2:
    # no per-sentence copy of the whole vocabulary.
    total_sq = cosine(total, total)
    others_norm = {
        sid: max(total_sq - 2 * cosine(total, vec) + cosine(vec, vec), 0.0) ** 0.5
        for sid, vec in per_source.items()
    }
    relevance = _source_relevance(total, per_source, others_norm)
    for item in scored:
        s_total = cosine(item.vector, total)
        if len(sources) == 1:
            # One source: centrality within it, the sentence itself left out (|s| = 1).
            dot, norm = s_total - 1.0, max(total_sq - 2 * s_total + 1.0, 0.0) ** 0.5
        else:
            sid = item.source.id
            dot, norm = s_total - cosine(item.vector, per_source[sid]), others_norm[sid]
        lead = 1.0 + 0.6 / (1 + item.position)  # news puts what matters first
        # Rounding leaves |T - D| near 1e-8 when nothing else is there: treat it as empty.
        item.score = max(dot, 0.0) / norm if norm > _EPSILON else 0.0
        item.score *= lead * relevance.get(item.source.id, 1.0)
        if _SHOUTING.search(item.passage.text):
            item.score /= 2  # page furniture glued to a sentence: "THE NOBEL COMMITTEE The …"
    return scored


def _source_relevance(
    total: Vector, per_source: dict[str, Vector], others_norm: dict[str, float]
) -> dict[str, float]:
    """0.5 to 1: how close a whole source is to the others. An off-topic item in a feed
    shares words ('Monday', a place name) with the rest, but not its subject."""
    if len(per_source) < 3:
        return {}
    raw: dict[str, float] = {}
    for sid, vec in per_source.items():
        own_sq = cosine(vec, vec)
        denominator = (own_sq**0.5) * others_norm[sid]
        raw[sid] = (cosine(vec, total) - own_sq) / denominator if denominator else 0.0
    best = max(raw.values()) or 1.0
    return {sid: 0.5 + 0.5 * value / best for sid, value in raw.items()}


def best_match(item: Scored, others: list[Scored]) -> tuple[Scored, float] | None:
    best: tuple[Scored, float] | None = None
    for other in others:
        similarity = cosine(item.vector, other.vector)
        if best is None or similarity > best[1]:
            best = (other, similarity)
    return best
