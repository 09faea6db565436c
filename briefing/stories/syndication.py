"""Syndicated copies: the same wire text published by several outlets, with small edits.

Each article's text becomes a set of five-word shingles; MinHash signatures and locality
sensitive hashing find the pairs that may share most of them (articles whose signatures
agree on a whole band of rows), and the exact sets confirm each pair. The copies of one
text count as one outlet in a story. The hashing is numpy's, seeded, so the same inputs
always give the same pairs (datasketch did the same, but importing it took scipy's
integrators with it, seconds of a short run).
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from briefing.stories.dates import published_at
from briefing.stories.linkage import components
from briefing.stories.sameday import once_per_day
from briefing.verify.words import fold, tokens

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from briefing.models import Source

SHINGLE_WORDS = 5
MAX_WORDS = 600  # a copy shows in its opening; the rest of a long text is not read
# Pairs whose signatures agree on about half their shingles are checked; a copy is one whose
# shingles are mostly (80%) in the other text, so a wire story cut short or given a new
# first line is still a copy, and two reports quoting the same statement are not.
COPY_CONTAINMENT = 0.8
_PERMUTATIONS = 64  # candidates only: each pair is confirmed on the exact shingle sets
# 16 bands of 4 rows: pairs of Jaccard similarity 0.5 share a band with probability 0.65,
# of 0.6 with 0.88, of 0.8 with 1.00 (1 - (1 - J^4)^16).
_BANDS, _ROWS = 16, 4
_PRIME = np.uint64((1 << 31) - 1)  # products of 32-bit hashes and factors stay in 64 bits
_SEEDS = np.random.default_rng(15).integers(1, (1 << 31) - 1, size=(2, _PERMUTATIONS))
_A, _B = _SEEDS[0].astype(np.uint64), _SEEDS[1].astype(np.uint64)


def shingles(source: Source) -> set[str]:
    opening: list[str] = []
    for passage in source.passages:
        opening += tokens(passage.text)
        if len(opening) >= MAX_WORDS:
            break
    words = fold(" ".join(opening[:MAX_WORDS])).split()
    return {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def copy_pairs(sources: Sequence[Source]) -> list[tuple[int, int]]:
    """Index pairs (i < j) of sources whose texts are copies of one another."""
    return list(_copy_pairs(sources))


@once_per_day  # the grouping and the verifier's story check look for the same copies
def _copy_pairs(sources: Sequence[Source]) -> tuple[tuple[int, int], ...]:
    sets = [shingles(s) for s in sources]
    buckets: defaultdict[tuple[int, bytes], list[int]] = defaultdict(list)
    for i, shingle_set in enumerate(sets):
        if shingle_set:
            signature = _signature(shingle_set)
            for band in range(_BANDS):
                rows = signature[band * _ROWS : (band + 1) * _ROWS]
                buckets[band, rows.tobytes()].append(i)
    pairs: set[tuple[int, int]] = set()
    for members in buckets.values():
        for k, i in enumerate(members):
            for j in members[k + 1 :]:
                if (i, j) not in pairs and _contained(sets[i], sets[j]):
                    pairs.add((i, j))
    return tuple(sorted(pairs))


def _signature(shingle_set: set[str]) -> NDArray[np.uint64]:
    """The MinHash signature: for each of `_PERMUTATIONS` hash functions (a x + b mod a
    Mersenne prime), the least hash over the shingles."""
    hashes = np.array([zlib.crc32(s.encode()) for s in shingle_set], dtype=np.uint64)
    mixed = (hashes[:, None] * _A[None, :] + _B[None, :]) % _PRIME
    return np.asarray(mixed.min(axis=0), dtype=np.uint64)


def _contained(a: set[str], b: set[str]) -> bool:
    return len(a & b) >= COPY_CONTAINMENT * min(len(a), len(b))


def originals(sources: Sequence[Source], pairs: list[tuple[int, int]]) -> dict[str, str]:
    """Source id -> id of the source it copies: in each set of copies, the one published
    first (known dates before unknown ones, then input order) is the original."""
    copies: dict[str, str] = {}
    for members in components(len(sources), pairs):
        if len(members) > 1:
            first = min(members, key=lambda i: _first_key(sources[i], i))
            copies.update({sources[i].id: sources[first].id for i in members if i != first})
    return copies


def _first_key(source: Source, index: int) -> tuple[bool, float, int]:
    moment = published_at(source)
    return (moment is None, moment.timestamp() if moment else 0.0, index)
