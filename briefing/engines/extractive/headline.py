"""A story's headline: the title of one of its articles that says what the story is.

A page's title is often not a headline: the site's name ("The Japan Times Online"), a
section ("Top News Article"), a fragment the extractor cut ("and 32 Small Ones"). Such
titles repeat across articles or say little of what the story's sentences say, so the
headline is the title that shares the most words with the story's central sentences,
among titles of four words or more that no other article of the story also has. When no
title qualifies, the first article's title stands, unless others share it (a site's name):
then the opening words of the story's central sentence stand in for one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefing.furniture import folded_title, site_titles
from briefing.reportage import cut_off
from briefing.verify.words import STOP_WORDS, normal, tokens

if TYPE_CHECKING:
    from collections.abc import Sequence

    from briefing.models import Source

MIN_WORDS = 4  # "Wangari Maathai", "Type 09-1", "SciDev.Net" name a thing, not a story
MAX_WORDS = 14  # of a central sentence standing in for a headline


def headline(sources: Sequence[Source], central: Sequence[str]) -> str:
    """The best title among `sources` for a story whose most central sentences (best
    first) are `central`."""
    shared = site_titles(sources)
    said = _content(" ".join(central))
    best: tuple[bool, int, int, str] | None = None
    for rank, source in enumerate(sources):
        title = " ".join(source.title.split())
        words = _content(title)
        if folded_title(title) in shared or len(tokens(title)) < MIN_WORDS or not words:
            continue
        overlap = len(words & said)
        if overlap == 0:
            continue
        # A title cut short ("... by Top key players like Haldex ...") is a last resort.
        candidate = (not cut_off(title), overlap, -rank, title)
        if best is None or candidate[:3] > best[:3]:
            best = candidate
    if best is not None:
        return best[3]
    first = " ".join(sources[0].title.split())
    if folded_title(first) not in shared or not central:
        return first
    opening = central[0].split()
    return " ".join(opening[:MAX_WORDS]) + ("…" if len(opening) > MAX_WORDS else "")


def _content(text: str) -> set[str]:
    return {normal(w) for w in tokens(text) if w.casefold() not in STOP_WORDS}
