"""What names an article across days: its canonical URL and a hash of its content.

An article counts as seen when either was seen before: the same URL with edited text is
the same article (its changed figures show in the story's diff), and a syndicated copy of
a known text under another URL brings nothing new either. Source ids ("S3") follow input
order and are never used across days.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefing.stories.ids import canonical_url

if TYPE_CHECKING:
    from collections.abc import Iterable

    from briefing.models import Source


@dataclass(frozen=True)
class ArticleKeys:
    url: str | None  # the canonical URL, when the article has an http(s) one
    content: str  # "sha256:" and the hash of its title and sentences, white space set aside

    def all(self) -> tuple[str, ...]:
        return (self.url, self.content) if self.url else (self.content,)


def article_keys(source: Source) -> ArticleKeys:
    words = " ".join([source.title, *(p.text for p in source.passages)]).split()
    digest = hashlib.sha256(" ".join(words).encode("utf-8", "surrogatepass")).hexdigest()
    return ArticleKeys(canonical_url(source.url), f"sha256:{digest}")


@dataclass(frozen=True)
class Seen:
    """Articles known before a day, by every key they have."""

    keys: frozenset[str] = frozenset()

    @classmethod
    def of(cls, sources: Iterable[Source]) -> Seen:
        return cls(frozenset(key for s in sources for key in article_keys(s).all()))

    def knows(self, source: Source) -> bool:
        return any(key in self.keys for key in article_keys(source).all())
