"""A story's headline: the title of one of its articles that says what the story is.

A page's title is often not a headline: the site's name ("The Japan Times Online"), a
section ("Top News Article"), a fragment the extractor cut ("and 32 Small Ones": it
opens with a small word in lower case). Such titles repeat across articles or say little
of what the story's sentences say. The headline says what the bottom line says: the
title of the article whose lede opens the bottom line, when it is a headline, else of an
article that reports the same ("also reported by"); else the title that shares the most
words with the story's central sentences, among titles of four words or more that no
other article of the story also has. When no title qualifies, the
lede's article's own first line stands when it reads as a headline (under a site's name
as its page title, "Japan continues tracking mystery sub"); else the first article's
title, unless others share it (a site's name): then the opening words of the story's
central sentence.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from briefing.furniture import folded_title, site_titles
from briefing.reportage import cut_off
from briefing.verify.words import STOP_WORDS, normal, tokens

if TYPE_CHECKING:
    from collections.abc import Sequence

    from briefing.models import Source

MIN_WORDS = 4  # "Wangari Maathai", "Type 09-1", "SciDev.Net" name a thing, not a story
MAX_WORDS = 14  # of a central sentence standing in for a headline
_ENDS_AS_PROSE = re.compile(r"[.!?:;,][\"”’')]*$")


def headline(sources: Sequence[Source], central: Sequence[str], lede: Sequence[Source] = ()) -> str:
    """The best title among `sources` for a story whose most central sentences (best
    first) are `central`; `lede`: the source whose lede opens the bottom line, then those
    that report the same (best first)."""
    shared = site_titles(sources)
    said = _content(" ".join(central))
    # (not cut short, words shared with the central sentences, -rank, title); a title
    # cut short ("... by Top key players like Haldex ...") is a last resort.
    candidates = {
        id(source): (not cut_off(title), len(_content(title) & said), -rank, title)
        for rank, source in enumerate(sources)
        for title in [" ".join(source.title.split())]
        if _is_headline(title, shared)
    }
    scored = {k: c for k, c in candidates.items() if c[1] > 0}
    for source in lede:
        chosen = scored.get(id(source))
        if chosen is not None and chosen[0]:
            return chosen[3]
    if scored:
        return max(scored.values(), key=lambda c: c[:3])[3]
    own = _first_line(lede[0], said) if lede else None
    if own is not None:
        return own
    first = " ".join(sources[0].title.split())
    if folded_title(first) not in shared or not central:
        return first
    opening = central[0].split()
    return " ".join(opening[:MAX_WORDS]) + ("…" if len(opening) > MAX_WORDS else "")


def _is_headline(title: str, shared: set[str]) -> bool:
    """Whether a page title can be a headline: four words or more, not the site's name
    (`shared`), not a fragment."""
    return (
        folded_title(title) not in shared
        and len(tokens(title)) >= MIN_WORDS
        and bool(_content(title))
        and not _fragment(title)
    )


def _first_line(source: Source, said: set[str]) -> str | None:
    """The article's own headline under a page title that is the site's name: its first
    line, when that reads as a headline (four words or more, not a sentence, not cut
    short, not a fragment) about what the story's central sentences say."""
    if not source.passages:
        return None
    line = " ".join(source.passages[0].text.split())
    words = line.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS or _ENDS_AS_PROSE.search(line) or cut_off(line):
        return None
    return line if not _fragment(line) and _content(line) & said else None


def _fragment(title: str) -> bool:
    """Whether a title opens mid-sentence, with a small word in lower case ("and 32 Small
    Ones"): a piece the extractor cut, not a headline ("eBay buys ..." is one)."""
    first = title.split(maxsplit=1)[0]
    return first.islower() and first in STOP_WORDS


def _content(text: str) -> set[str]:
    return {normal(w) for w in tokens(text) if w.casefold() not in STOP_WORDS}
