"""Articles as weighted term vectors.

A term weighs (1 + log count) times its rarity in general text (rarity.py: "Kursk" is
telling on any day, "year" never) times its rarity on the day (1 + log((n + 1) / (df + 1))
over the day's n articles, df of which hold it: "Olympic" tells less on a day of twenty
Olympic items, whose stories it would otherwise join). The rows are scaled to unit length
so that their dot products are cosine similarities.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from briefing.stories import rarity
from briefing.stories.sameday import once_per_day
from briefing.stories.terms import NAME, day_terms

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from briefing.models import Source

# A name of two or more words ("Mark Rutte", "Delta IV") says more than its rarest word.
_NAME_BONUS = 0.5


@dataclass(frozen=True)
class TermMatrix:
    rows: sp.csr_matrix  # one unit-length row of weighted terms per source
    weights: NDArray[np.float64]  # each column's weight
    names: NDArray[np.bool_]  # whether a column is (part of) a name somewhere that day
    multiword: NDArray[np.bool_]  # whether a column is a name of several words, as one term

    def cosine(self) -> NDArray[np.float64]:
        """Every pair's cosine, dense: for the verifier's story check (verify/coherence.py),
        which compares a brief's articles once; the grouping itself stays sparse."""
        return np.asarray((self.rows @ self.rows.T).toarray(), dtype=np.float64)

    def evidence(self) -> NDArray[np.float64]:
        """What sharing each term says about two articles: a word 1, a name 2 (one shared
        name can tell a story, one shared word is chance), a name of several words 0
        (its words count already)."""
        return np.where(self.multiword, 0.0, np.where(self.names, 2.0, 1.0))


# The grouping and the verifier's story check weigh the same sources: once (TermMatrix is
# shared between them and never changed).
@once_per_day
def term_matrix(sources: Sequence[Source]) -> TermMatrix:
    articles = day_terms(sources)
    columns: dict[str, int] = {}
    forms: list[set[str]] = []
    names: set[int] = set()
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    for row, article in enumerate(articles):
        for term, count in article.counts.items():
            column = columns.setdefault(term, len(columns))
            if column == len(forms):
                forms.append(set())
            forms[column] |= article.forms[term]
            if term in article.names:
                names.add(column)
            rows.append(row)
            cols.append(column)
            values.append(1.0 + math.log(count))
    weights = np.array([_weight(term, forms[c]) for term, c in columns.items()])
    counts = sp.csr_matrix((values, (rows, cols)), shape=(len(articles), len(columns)))
    frequency = np.bincount(cols, minlength=len(columns))
    weights = weights * (1.0 + np.log((len(articles) + 1) / (frequency + 1)))
    weighted = sp.csr_matrix(counts.multiply(weights))
    weighted.eliminate_zeros()
    is_name = np.zeros(len(columns), dtype=bool)
    is_name[list(names)] = True
    multiword = np.array([term.startswith(NAME) for term in columns], dtype=bool)
    return TermMatrix(_unit_rows(weighted), weights, is_name, multiword)


def _unit_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return sp.csr_matrix(sp.diags(scale) @ matrix)


def _weight(term: str, forms: set[str]) -> float:
    if term.startswith(NAME):
        rarest = max(rarity.information(f) for f in forms)
        return max(rarest + _NAME_BONUS - rarity.COMMON, 0.0)
    return rarity.weight(forms)
