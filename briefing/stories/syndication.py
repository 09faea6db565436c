"""Syndicated copies: the same wire text published by several outlets, with small edits.

Each article's text becomes a set of five-word shingles; MinHash signatures and locality
sensitive hashing (datasketch) find the pairs that may share most of them, and the exact
sets confirm each pair. The copies of one text count as one outlet in a story.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

from datasketch import MinHash, MinHashLSH
from scipy.cluster.hierarchy import DisjointSet

from briefing.stories.dates import published_at
from briefing.verify.words import fold, tokens

if TYPE_CHECKING:
    from collections.abc import Sequence

    from briefing.models import Source

SHINGLE_WORDS = 5
MAX_WORDS = 600  # a copy shows in its opening; the rest of a long text is not read
# Pairs whose signatures agree on half their shingles are checked; a copy is one whose
# shingles are mostly (80%) in the other text, so a wire story cut short or given a new
# first line is still a copy, and two reports quoting the same statement are not.
CANDIDATE_JACCARD = 0.5
COPY_CONTAINMENT = 0.8
_PERMUTATIONS = 64  # candidates only: each pair is confirmed on the exact shingle sets


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
    sets = [shingles(s) for s in sources]
    lsh = MinHashLSH(threshold=CANDIDATE_JACCARD, num_perm=_PERMUTATIONS)
    signatures: dict[int, MinHash] = {}
    for i, shingle_set in enumerate(sets):
        if shingle_set:
            signature = MinHash(num_perm=_PERMUTATIONS, hashfunc=zlib.crc32)
            signature.update_batch([s.encode() for s in shingle_set])
            signatures[i] = signature
            lsh.insert(i, signature)
    pairs: set[tuple[int, int]] = set()
    for i, signature in signatures.items():
        for j in lsh.query(signature):
            if j != i and _contained(sets[i], sets[j]):
                pairs.add((min(i, j), max(i, j)))
    return sorted(pairs)


def _contained(a: set[str], b: set[str]) -> bool:
    return len(a & b) >= COPY_CONTAINMENT * min(len(a), len(b))


def originals(sources: Sequence[Source], pairs: list[tuple[int, int]]) -> dict[str, str]:
    """Source id -> id of the source it copies: in each set of copies, the one published
    first (known dates before unknown ones, then input order) is the original."""
    classes: DisjointSet[int] = DisjointSet(range(len(sources)))
    for i, j in pairs:
        classes.merge(i, j)
    copies: dict[str, str] = {}
    for members in classes.subsets():
        if len(members) > 1:
            first = min(members, key=lambda i: _first_key(sources[i], i))
            copies.update({sources[i].id: sources[first].id for i in sorted(members) if i != first})
    return copies


def _first_key(source: Source, index: int) -> tuple[bool, float, int]:
    moment = published_at(source)
    return (moment is None, moment.timestamp() if moment else 0.0, index)
