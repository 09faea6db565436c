"""Story ids that stay the same across runs and across days, without keeping any state.

A story's id comes from its founding article: the one published first (known dates before
unknown ones), named by its canonical URL, or else by its headline and first words. A
story seen again tomorrow still holds that article (feeds keep their items for days), so
it keeps its id however many articles join it and whatever order the inputs come in.
Source ids ("S3") follow input order and are never used.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from briefing.stories.dates import published_at
from briefing.verify.words import fold, tokens

if TYPE_CHECKING:
    from collections.abc import Sequence

    from briefing.models import Source

PREFIX = "st-"
_HEX = 8
_OPENING_WORDS = 50
# Query parameters that say where a reader came from, not which article it is.
_TRACKING_PREFIXES = ("utm_", "at_")
_TRACKING = frozenset({"fbclid", "gclid", "mc_cid", "mc_eid", "cmpid", "ref", "ocid", "smid"})


def article_key(source: Source) -> str:
    """What names an article across runs: its canonical URL, else its headline and the
    start of its text, with case, accents and punctuation set aside."""
    url = canonical_url(source.url)
    if url:
        return url
    opening = " ".join(p.text for p in source.passages)
    words = tokens(f"{source.title} {opening}")[: _OPENING_WORDS + len(source.title.split())]
    return "text:" + " ".join(fold(w) for w in words)


def canonical_url(url: str | None) -> str | None:
    """The URL with scheme and host in lower case, no "www.", default port, fragment,
    tracking parameters or trailing slash; None unless it is http(s) with a host."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").removeprefix("www.")
    if scheme not in {"http", "https"} or not host:
        return None
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracking(k)
    )
    path = parts.path.rstrip("/")
    # http and https name the same article; so do its ports 80 and 443.
    return urlunsplit(("https", host, path, urlencode(query), ""))


def _tracking(key: str) -> bool:
    key = key.lower()
    return key in _TRACKING or key.startswith(_TRACKING_PREFIXES)


def founder(sources: Sequence[Source]) -> Source:
    """The story's founding article: published first, then the smallest key."""

    def order(source: Source) -> tuple[bool, float, str]:
        moment = published_at(source)
        return (moment is None, moment.timestamp() if moment else 0.0, article_key(source))

    return min(sources, key=order)


def story_ids(stories: Sequence[Sequence[Source]]) -> list[str]:
    """An id for each story, in the order given; unique among them. Stories whose founding
    articles hash alike (or share a URL) get "-2", "-3", ... in the order of their
    members' keys, so the suffixes do not depend on input order either."""
    keys = [article_key(founder(story)) for story in stories]
    ids = [PREFIX + hashlib.sha256(key.encode()).hexdigest()[:_HEX] for key in keys]
    alike: defaultdict[str, list[int]] = defaultdict(list)
    for index, story_id in enumerate(ids):
        alike[story_id].append(index)
    for story_id, indexes in alike.items():
        if len(indexes) > 1:
            indexes.sort(key=lambda i: sorted(article_key(s) for s in stories[i]))
            for rank, index in enumerate(indexes[1:], start=2):
                ids[index] = f"{story_id}-{rank}"
    return ids
