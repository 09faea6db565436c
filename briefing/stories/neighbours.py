"""Each article's nearest articles, without comparing every pair: a sparse graph.

Two articles can only be similar through terms they share, so the products of the term
rows are computed a block of rows at a time and only each row's `NEIGHBOURS` largest are
kept. A term that most of a big day's articles contain ("government" in 10,000 articles)
would make every pair a candidate and tells no story apart: terms in more than
`TELLING_MOST` articles are left out of the products, so that the work grows linearly
with the number of articles (each term adds at most that many pairs per article).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    from numpy.typing import NDArray

# Enough neighbours for the average linkage to see most of a big story's pairs; a pair
# outside every article's nearest counts as unrelated (similarity 0).
NEIGHBOURS = 30
# Two articles sharing a single word ("concerns", "doping") share it by chance: a pair
# counts only if it shares at least this many different words.
MIN_SHARED = 2
TELLING_MOST = 200
_BLOCK_ROWS = 1000


def nearest_pairs(
    rows: sp.csr_matrix, evidence: NDArray[np.float64]
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float64]]:
    """Pairs (i < j) where j is among i's `NEIGHBOURS` nearest rows or i among j's, with
    their dot product (> 0), each pair once. A pair counts only if the terms it shares
    add up to `MIN_SHARED` in `evidence` (one value per column)."""
    count = rows.shape[0]
    frequency = np.bincount(rows.indices, minlength=rows.shape[1])
    telling = (frequency <= TELLING_MOST).astype(np.float64)
    keys = sp.csr_matrix(rows @ sp.diags(telling))
    keys.eliminate_zeros()
    keys_t = sp.csr_matrix(keys.T)
    shared = sp.csr_matrix((keys > 0) @ sp.diags(evidence))
    shared_t = sp.csr_matrix(shared.T)
    firsts: list[NDArray[np.intp]] = []
    seconds: list[NDArray[np.intp]] = []
    values: list[NDArray[np.float64]] = []
    for start in range(0, count, _BLOCK_ROWS):
        stop = min(start + _BLOCK_ROWS, count)
        block = sp.csr_matrix(keys[start:stop] @ keys_t)
        evidence_block = sp.csr_matrix(shared[start:stop] @ shared_t)
        row, column, value = _nearest(block, evidence_block, start)
        firsts.append(row)
        seconds.append(column)
        values.append(value)
    if not firsts:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty, np.zeros(0)
    first, second, value = np.concatenate(firsts), np.concatenate(seconds), np.concatenate(values)
    low, high = np.minimum(first, second), np.maximum(first, second)
    _, unique = np.unique(low.astype(np.int64) * count + high, return_index=True)
    return low[unique], high[unique], value[unique]


def _nearest(
    block: sp.csr_matrix, evidence: sp.csr_matrix, offset: int
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float64]]:
    """The `NEIGHBOURS` largest entries of each row of `block` (rows numbered from
    `offset`), leaving out the diagonal and pairs with too little shared evidence."""
    kept = sp.coo_matrix(block.multiply(evidence >= MIN_SHARED))
    row = kept.row.astype(np.intp) + offset
    column = kept.col.astype(np.intp)
    value = kept.data.astype(np.float64)
    keep = (row != column) & (value > 0)
    row, column, value = row[keep], column[keep], value[keep]
    order = np.lexsort((-value, row))
    row, column, value = row[order], column[order], value[order]
    starts = np.searchsorted(row, row, side="left")
    rank = np.arange(len(row)) - starts
    top = rank < NEIGHBOURS
    return row[top], column[top], value[top]
