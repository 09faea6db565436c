"""A claim aligned with the passages it cites, word by word, for the meaning checks
(meaning.py): where the two differ by a few words between stretches they share, and the
passage words beside the claim's two ends.

difflib's SequenceMatcher finds the longest matching blocks; a one-word match of a stop
word is no anchor (it would cut a rewording into spurious small edits).
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from briefing.verify.numbers import with_digits
from briefing.verify.words import STOP_WORDS, fold

if TYPE_CHECKING:
    from collections.abc import Sequence

# Hyphens and dashes split words: "re-opened" is read as "opened", "years—nearly" as two.
_TOKEN = re.compile(r"[$€£¥%]|\d[\d,.]*\d|\d|[^\W_](?:[\w'/]*[^\W_])?|[,;:()]")
SEPARATOR = "\x00"  # between two cited passages: no alignment runs across it
_PUNCTUATION = frozenset(",;:()")

# "May" capitalised inside a sentence is the month, not the hedge (as numbers.py reads it).
_MONTH_MAY = re.compile(r"(?<![.!?\"“]\s)(?<!^)\bMay\b")


@functools.lru_cache(maxsize=4096)
def words(text: str) -> tuple[str, ...]:
    """The folded words of a text, numbers in digits without separators ("three" -> "3",
    "4,000" -> "4000")."""
    found = _TOKEN.findall(fold(with_digits(_MONTH_MAY.sub("May_month", text))))
    return tuple(w.replace(",", "") if w[:1].isdigit() else w for w in found)


def cited_words(passages: Sequence[str]) -> tuple[str, ...]:
    """The words of the cited passages, in order, with a SEPARATOR after each."""
    joined: list[str] = []
    for text in passages:
        joined += [*words(text), SEPARATOR]
    return tuple(joined)


# --- aligning a claim with its passages --------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """Where the claim and the passage differ between two aligned stretches: the claim's
    words, the passage's, and the words either side (for the reason's excerpt)."""

    ours: tuple[str, ...]
    theirs: tuple[str, ...]
    before: tuple[str, ...]
    after: tuple[str, ...]
    # The claim starts where the passage goes on: only the passage's word right before it
    # (a negation) and the two before a number (a qualifier) can bear on what it says.
    edge: bool = False

    def excerpt(self, side: tuple[str, ...]) -> str:
        return _show((*self.before[-2:], *side, *self.after[:2]))


def _show(ws: Sequence[str]) -> str:
    text = " ".join(w for w in ws if w != SEPARATOR)
    return "\u201c" + re.sub(r" ([,;:)])", r"\1", text) + "\u201d"


def _anchor(claim: Sequence[str], i1: int, i2: int) -> bool:
    """Whether an aligned stretch is solid: two words, or one that is not a stop word."""
    if i2 - i1 >= 2:
        return True
    word = claim[i1]
    return word not in STOP_WORDS and word not in _PUNCTUATION


@dataclass(frozen=True)
class Alignment:
    edits: list[Edit]
    coverage: float  # the share of the claim's words aligned with the passages


def align(claim: Sequence[str], cited: Sequence[str]) -> Alignment:
    """The claim's word-level edits against the cited words: the ones between two aligned
    stretches, and the ones at the claim's two ends against the passage words beside."""
    ops = SequenceMatcher(None, claim, cited, autojunk=False).get_opcodes()
    anchors = [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in ops if tag == "equal"]
    anchors = [a for a in anchors if _anchor(claim, a[0], a[1])]
    if not anchors:
        return Alignment([], 0.0)
    covered = sum(i2 - i1 for i1, i2, _, _ in anchors)
    edits: list[Edit] = []
    for (_, a_i2, _, a_j2), (b_i1, _, b_j1, b_j2) in itertools.pairwise(anchors):
        ours, theirs = tuple(claim[a_i2:b_i1]), tuple(cited[a_j2:b_j1])
        if ours != theirs and SEPARATOR not in theirs:
            before = tuple(cited[max(0, a_j2 - 3) : a_j2])
            edits.append(Edit(ours, theirs, before, tuple(cited[b_j1:b_j2])))
    first_i, _, first_j, _ = anchors[0]
    lead = tuple(claim[:first_i])
    beside = _until_separator(cited[max(0, first_j - len(lead) - 2) : first_j], last=True)
    if lead != beside:
        ahead = tuple(cited[first_j : first_j + 3])
        edits.append(Edit(lead, beside if lead else beside[-2:], (), ahead, edge=not lead))
    _, last_i, _, last_j = anchors[-1]
    tail = tuple(claim[last_i:])
    if tail:
        after = _until_separator(cited[last_j : last_j + len(tail) + 1], last=False)
        if tail != after:
            edits.append(Edit(tail, after, tuple(cited[max(0, last_j - 3) : last_j]), ()))
    return Alignment(edits, covered / len(claim))


def _until_separator(ws: Sequence[str], *, last: bool) -> tuple[str, ...]:
    if SEPARATOR not in ws:
        return tuple(ws)
    parts = tuple(ws)
    cut = len(parts) - parts[::-1].index(SEPARATOR) if last else parts.index(SEPARATOR)
    return parts[cut:] if last else parts[:cut]
