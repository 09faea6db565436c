"""What belongs to a site rather than to a story: sentences an outlet repeats word for
word on its pages (menus, footers, "Continue reading...") and headlines several articles
share ("The Japan Times Online", "Top News Article": the site's name). The story grouping
reads past both, the offline engine never cites such a sentence, and its headline is never
such a title. (A wire text syndicated by several outlets repeats across outlets: news.)
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from briefing.verify.words import fold

if TYPE_CHECKING:
    from collections.abc import Sequence

    from briefing.models import Source

# A headline this many articles share is the site's, not the story's.
SITE_TITLE = 2


def site_furniture(sources: Sequence[Source]) -> set[str]:
    """Sentences that two or more articles of one outlet (`Source.label`) share."""
    seen: dict[str, set[str]] = {}
    for source in sources:
        for text in {p.text for p in source.passages}:
            seen.setdefault(text, set()).add(source.label())
    counts = Counter(text for source in sources for text in {p.text for p in source.passages})
    return {text for text, outlets in seen.items() if counts[text] > len(outlets)}


def folded_title(title: str) -> str:
    return " ".join(fold(title).split())


def site_titles(sources: Sequence[Source]) -> set[str]:
    """The headlines (folded, see `folded_title`) that SITE_TITLE or more articles share."""
    titles = Counter(folded_title(s.title) for s in sources)
    return {title for title, count in titles.items() if count >= SITE_TITLE}
