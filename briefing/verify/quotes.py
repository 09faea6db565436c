"""Quoted words: text between quotation marks must appear verbatim in a cited passage.

"Verbatim" forgives only what typography changes: curly versus straight quotes, dashes,
runs of white space, letter case, and punctuation at the edges of the quote (a quote that
ends a sentence in the claim may end with a comma in the source). An ellipsis ("..." or
"[...]") inside a quote splits it into parts that must each appear, in order.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from briefing.verify.words import fold

if TYPE_CHECKING:
    from collections.abc import Sequence

# Straight double quotes, curly double quotes, guillemets, and curly single quotes when they
# stand at a word boundary (a lone \u2019 is far more often an apostrophe than a quote mark).
_QUOTED = re.compile(
    r'"([^"]+)"'
    r"|\u201c([^\u201c\u201d]+)\u201d"
    r"|\u00ab([^\u00ab\u00bb]+)\u00bb"
    r"|(?<!\w)\u2018(.+?)\u2019(?!\w)"
)
_ELLIPSIS = re.compile(r"\s*(?:\[\s*(?:\.\s*){3}\]|\.\.\.|\u2026)\s*")
_EDGE = " \t\n,.;:!?'\"-"


_LONE_MARKS = '"\u201c\u201d'


def quoted_spans(text: str) -> list[str]:
    """The quoted passages of `text`, without their quotation marks.

    A claim cut from a longer sentence may open a quote it never closes (or close one it
    never opened): the words after the lone opening mark (or before the lone closing one)
    count as quoted too.
    """
    spans = [next(g for g in m.groups() if g is not None) for m in _QUOTED.finditer(text)]
    rest = _QUOTED.sub("\x00", text)
    for i, mark in enumerate(rest):
        if mark not in _LONE_MARKS:
            continue
        before = rest[i - 1] if i else " "
        if mark == "\u201c" or (mark == '"' and (before.isspace() or before in "([:\x00")):
            span = re.split(r'["\u201c\u201d\x00]', rest[i + 1 :])[0]
        else:
            span = re.split(r'["\u201c\u201d\x00]', rest[:i])[-1]
        if len(span.strip(_EDGE)) >= 3:
            spans.append(span)
    return spans


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", fold(text)).strip()


@functools.lru_cache(maxsize=1024)
def _squashed_passage(passage: str) -> str:
    return _squash(passage)


@functools.lru_cache(maxsize=8)
def _haystack(passages: tuple[str, ...]) -> str:
    """The passages as the quote check reads them: each folded once, however many quotes
    and claims cite it, then joined (a quote may run on from one sentence to the next)."""
    return " ".join(s for s in map(_squashed_passage, passages) if s)


def _parts_found(quote: str, passages: str | Sequence[str]) -> tuple[str, list[int]] | None:
    """The folded passages and where each of the quote's parts (split at an ellipsis) ends
    and the next begins in them, in order; None when a part is not there."""
    haystack = _haystack((passages,) if isinstance(passages, str) else tuple(passages))
    bounds: list[int] = []
    position = 0
    for part in _ELLIPSIS.split(quote):
        needle = _squash(part).strip(_EDGE)
        if not needle:
            continue
        found = haystack.find(needle, position)
        if found < 0:
            return None
        position = found + len(needle)
        bounds += [found, position]
    return haystack, bounds


def appears_verbatim(quote: str, passages: str | Sequence[str]) -> bool:
    return _parts_found(quote, passages) is not None


def ellipsis_cuts(quote: str, passages: str | Sequence[str]) -> list[str]:
    """What each ellipsis of `quote` stands for: the passage text between the quote's parts
    (folded), where they all appear in order; none when they do not."""
    found = _parts_found(quote, passages)
    if found is None:
        return []
    haystack, bounds = found
    return [haystack[bounds[i] : bounds[i + 1]] for i in range(1, len(bounds) - 1, 2)]


def misquotes(text: str, passages: str | Sequence[str], *, whole: bool = False) -> list[str]:
    """Quoted parts of `text` (all of it when `whole`) that the passages do not contain."""
    spans = (
        [text.strip().strip("\"'\u201c\u201d\u2018\u2019\u00ab\u00bb")]
        if whole
        else (quoted_spans(text))
    )
    return [s for s in spans if not appears_verbatim(s, passages)]
