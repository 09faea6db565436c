"""Which articles tell the same story: average linkage on a sparse graph of each article's
nearest articles.

Two articles of one story share the specific vocabulary of an event: who (people,
organisations), where (places), what (the rare words of the event), each weighed by its
rarity in language at large and on the day (vectors.py); when is their publication dates.
Their similarity is the cosine of those weights, computed only for each article's nearest
articles (neighbours.py), and stories are grown by average linkage on that graph
(linkage.py), which asks a story's articles to be alike on average, not through a chain of
pairs. The cut (`SAME_STORY`) is calibrated across several datasets of labelled news days
(full texts, feed items, headlines; bench/stories.py, which also reports it
leave-one-dataset-out), not fitted to one.

When: articles whose known dates are more than `DAYS_APART` apart are never one story
("Puigdemont returns to Catalonia" in 2024 is not the Puigdemont story of 2017), and no
story spans more than that. An undated article is compared by its words alone: a feed item
without a date still joins the story it reports, and cannot bridge two dated stories, as
the stories' dates themselves are too far apart to join.

Vectors given by the caller (embeddings) weigh in on how close the graph's pairs are; they
are put on the lexical scale by rank (`on_lexical_scale`), so the cut keeps its meaning.
Syndicated copies are always one story.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from briefing.stories.dates import published_at
from briefing.stories.linkage import Merge, average_linkage, labels_at
from briefing.stories.neighbours import nearest_pairs
from briefing.stories.vectors import term_matrix

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from briefing.models import Source

# The average cosine of two stories' article pairs for them to be one story. Calibrated
# across the datasets of bench/stories.py (the cut whose worst dataset scores best) the
# procedure picks 0.07; there one shared place name joins unrelated events (a choir's prize
# and a fire its town's firefighters fought), which the datasets' F1 barely registers.
SAME_STORY = 0.08
# Merges are listed down to this similarity, so that bench/stories.py can cut anywhere.
FLOOR = 0.02
DAYS_APART = 7.0

Pairs = tuple["NDArray[np.intp]", "NDArray[np.intp]", "NDArray[np.float64]"]


def story_labels(
    sources: Sequence[Source],
    vectors: NDArray[np.floating] | None = None,
    copies: Sequence[tuple[int, int]] = (),
) -> list[int]:
    """A story number for each source; copies (index pairs) always share one."""
    merges = story_merges(sources, vectors, copies, floor=SAME_STORY)
    return labels_at(len(sources), merges, SAME_STORY)


def story_merges(
    sources: Sequence[Source],
    vectors: NDArray[np.floating] | None = None,
    copies: Sequence[tuple[int, int]] = (),
    floor: float = FLOOR,
) -> list[Merge]:
    """The average-linkage merges of the sources, highest first, down to `floor`."""
    count = len(sources)
    if count < 2:
        return []
    terms = term_matrix(sources)
    pairs = nearest_pairs(terms.rows, terms.evidence())
    if vectors is not None:
        pairs = on_lexical_scale(np.asarray(vectors, dtype=np.float64), pairs, count)
    pairs = _with_copies(pairs, copies)
    days = [_day(s) for s in sources]
    return average_linkage(count, pairs, days, DAYS_APART, floor)


def _day(source: Source) -> float | None:
    moment = published_at(source)
    return moment.timestamp() / 86400 if moment else None


def _with_copies(pairs: Pairs, copies: Sequence[tuple[int, int]]) -> Pairs:
    if not copies:
        return pairs
    first, second, value = pairs
    extra = np.array(copies, dtype=np.intp).reshape(-1, 2)
    known = {(int(a), int(b)): k for k, (a, b) in enumerate(zip(first, second, strict=True))}
    value = value.copy()
    new = []
    for a, b in extra.tolist():
        index = known.get((min(a, b), max(a, b)))
        if index is None:
            new.append((min(a, b), max(a, b)))
        else:
            value[index] = 1.0
    if new:
        added = np.array(new, dtype=np.intp)
        first = np.concatenate([first, added[:, 0]])
        second = np.concatenate([second, added[:, 1]])
        value = np.concatenate([value, np.ones(len(new))])
    return first, second, value


def on_lexical_scale(vectors: NDArray[np.float64], pairs: Pairs, count: int) -> Pairs:
    """The graph's pairs with their cosine similarity in `vectors`, each replaced by the
    lexical similarity of the same rank among the day's pairs, so that `SAME_STORY` keeps
    its meaning whatever model made the vectors (models differ widely in how alike
    unrelated texts look); a pair's similarity is then the geometric mean of that and its
    own lexical similarity: both must find the pair close, so vectors that find a pair
    alike cannot join articles that share only a stray word, and articles with no telling
    word in common are not in the graph. The day's pairs are all of them on a small day,
    else the graph's and `_SAMPLED` random pairs per article (lexically 0 outside the
    graph)."""
    if vectors.ndim != 2 or vectors.shape[0] != count:
        raise ValueError(f"vectors must have one row per source ({count}), got {vectors.shape}")
    first, second, lexical = pairs
    others = _other_pairs(count, first, second)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
    rows = np.concatenate([first, others[0]])
    cols = np.concatenate([second, others[1]])
    cosine = np.einsum("ij,ij->i", unit[rows], unit[cols])
    day = np.concatenate([lexical, np.zeros(len(others[0]))])
    # Pairs the vectors find equally close share the mean of the ranks they span.
    values, tie, counts = np.unique(cosine, return_inverse=True, return_counts=True)
    ends = np.cumsum(np.concatenate(([0.0], np.sort(day))))
    stops = np.cumsum(counts)
    means = (ends[stops] - ends[stops - counts]) / counts
    ranked = means[tie] if len(values) else cosine
    return first, second, np.sqrt(ranked[: len(first)] * lexical)


_SAMPLED = 50


def _other_pairs(
    count: int, first: NDArray[np.intp], second: NDArray[np.intp]
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Pairs (i < j) outside the graph: all of them on a small day, else a sample of
    `_SAMPLED` per article, the same for the same day."""
    total = count * (count - 1) // 2
    if total <= _SAMPLED * count:
        rows, cols = np.triu_indices(count, k=1)
    else:
        rng = np.random.default_rng(count)
        a = rng.integers(0, count, _SAMPLED * count)
        b = rng.integers(0, count, _SAMPLED * count)
        rows, cols = np.minimum(a, b), np.maximum(a, b)
        distinct = rows != cols
        rows, cols = rows[distinct], cols[distinct]
    known = set((first.astype(np.int64) * count + second).tolist())
    outside = ~np.isin(rows.astype(np.int64) * count + cols, list(known))
    return rows[outside].astype(np.intp), cols[outside].astype(np.intp)
