"""Which articles tell the same story: average-link clustering of their similarities.

Two articles of one story share specific vocabulary: the names of the people and places
involved and the rare words of the event. Their similarity is the cosine of their
weighted terms (vectors.py), counted only when the terms they share weigh enough
(`SHARED_WEIGHT`) and include names (`SHARED_NAMES`): one shared rare word, or a
handful of common ones, is chance, and so is a beat's vocabulary ("season", "coach",
"fans") without a person, place or team in common. Stories are then grown by average
linkage, which asks a group's articles to be similar on average, not through a chain of
single pairs, so one article mentioning two stories does not join them. Articles
published more than `DAYS_APART` apart are different stories (the same people, another
event); syndicated copies are always one story.

Vectors given by the caller (embeddings) decide which pairs are closer in place of the
cosine; they are put on the cosine's scale by rank (`on_lexical_scale`), and the shared
vocabulary is still asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from briefing.stories.dates import published_at
from briefing.stories.vectors import term_matrix

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from briefing.models import Source

# The average cosine of a story's articles to another story's for the two to be one. The
# weights ignore the rest of the day (rarity.py), so this is a property of the articles,
# not of the mix they come in.
SAME_STORY = 0.05
# Shared terms must weigh at least this much: a rare name (5) and a less common word,
# or three or four moderately rare words ("evacuation", "dam", "breach").
SHARED_WEIGHT = 6.0
# ... and the names among them at least this much: one rare name ("Kursk", "Pinochet"),
# or two less rare ones ("Olympic Committee"). A name is a capitalised word run that does
# not merely open a sentence (briefing/verify/entities.py).
SHARED_NAMES = 3.0
# Articles whose dates are known and this far apart tell different stories, however alike:
# "Puigdemont returns to Catalonia" in 2024 is not the Puigdemont story of 2018.
DAYS_APART = 7


def story_labels(
    sources: Sequence[Source],
    vectors: NDArray[np.floating] | None = None,
    copies: Sequence[tuple[int, int]] = (),
) -> list[int]:
    """A story number for each source; copies (index pairs) always share one."""
    count = len(sources)
    if count < 2:
        return [0] * count
    terms = term_matrix(sources)
    similarity = terms.cosine()
    if vectors is not None:
        similarity = on_lexical_scale(np.asarray(vectors, dtype=np.float64), similarity)
    unrelated = (terms.shared() < SHARED_WEIGHT) | (terms.shared(names_only=True) < SHARED_NAMES)
    similarity[unrelated | far_apart(sources)] = 0.0
    for i, j in copies:
        similarity[i, j] = similarity[j, i] = 1.0
    distance = 1.0 - np.clip(similarity, 0.0, 1.0)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    return [int(label) for label in fcluster(tree, t=1.0 - SAME_STORY, criterion="distance")]


def far_apart(sources: Sequence[Source]) -> NDArray[np.bool_]:
    """Pairs of sources published more than `DAYS_APART` days apart (both dates known)."""
    moments = [published_at(s) for s in sources]
    days = np.array([m.timestamp() / 86400 if m else np.nan for m in moments])
    with np.errstate(invalid="ignore"):
        return np.asarray(np.abs(days[:, None] - days[None, :]) > DAYS_APART)


def on_lexical_scale(
    vectors: NDArray[np.float64], lexical: NDArray[np.float64]
) -> NDArray[np.float64]:
    """The cosine similarities of the rows of `vectors`, each replaced by the lexical
    similarity of the same rank among the day's pairs: the vectors decide which pairs are
    closer, the day's lexical similarities how close, so `SAME_STORY` keeps its meaning
    whatever model made the vectors (models differ widely in how alike unrelated texts
    look)."""
    count = lexical.shape[0]
    if vectors.ndim != 2 or vectors.shape[0] != count:
        raise ValueError(f"vectors must have one row per source ({count}), got {vectors.shape}")
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
    rows, cols = np.triu_indices(count, k=1)
    cosine = np.einsum("ij,ij->i", unit[rows], unit[cols])
    # Pairs the vectors find equally close share the mean of the ranks they span.
    values, tie, counts = np.unique(cosine, return_inverse=True, return_counts=True)
    ends = np.cumsum(np.concatenate(([0.0], np.sort(lexical[rows, cols]))))
    stops = np.cumsum(counts)
    means = (ends[stops] - ends[stops - counts]) / counts
    ranked = means[tie] if len(values) else cosine
    scaled = np.eye(count)
    scaled[rows, cols] = scaled[cols, rows] = ranked
    return scaled
