"""What an article is about, as weighted terms: the stems of its content words and its
names, from the headline and the lede.

News puts the story in the headline and the first paragraphs; pages end in related
links, comments and footers that belong to other stories, so only the lede is read, and
sentences an outlet repeats word for word on its pages ("Continue reading...", "Learn
more") are its furniture, not its news (briefing/furniture.py). The headline counts several
times over, as it names the story in the fewest words, unless other sources share it: "The
Japan Times Online" names a site, not a story, and is not read.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from briefing.furniture import folded_title, site_furniture, site_titles
from briefing.verify.entities import entities
from briefing.verify.words import STOP_WORDS, fold, normal, tokens

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from briefing.models import Source

LEDE_WORDS = 150
TITLE_WEIGHT = 3
NAME = "name:"  # prefix of a multi-word name's term ("name:mark_rutt")

# A place's adjective is the place ("Russian" and "Russia", "Ukrainian" and "Ukraine",
# "Israeli", "Chilean", "Kenyan"): when both are capitalised somewhere in the day's
# articles, the longer stem counts as the shorter one.
_ADJECTIVE_ENDINGS = ("ian", "ean", "ese", "ish", "an", "n", "i")
_SHORTEST_PLACE = 4


@dataclass
class Terms:
    """One article's terms with their counts, the folded words behind each (for rarity),
    the terms that are (parts of) names, and the stems seen capitalised."""

    counts: Counter[str] = field(default_factory=Counter)
    forms: dict[str, set[str]] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)
    capitalised: set[str] = field(default_factory=set)

    def add(self, term: str, forms: Iterable[str], times: int) -> None:
        self.counts[term] += times
        known = self.forms.get(term)
        if known is None:
            self.forms[term] = set(forms)
        else:
            known.update(forms)


def day_terms(sources: Sequence[Source]) -> list[Terms]:
    """Each source's terms, read as one day: repeated furniture left out, place
    adjectives counted as their places."""
    furniture = site_furniture(sources)
    shared = site_titles(sources)
    return _with_places(
        [article_terms(s, furniture, site_title=folded_title(s.title) in shared) for s in sources]
    )


def article_terms(
    source: Source, furniture: frozenset[str] | set[str] = frozenset(), *, site_title: bool = False
) -> Terms:
    """The source's terms; `site_title` says its headline is the site's, not the story's."""
    body = " ".join(p.text for p in source.passages if p.text not in furniture)
    lede = " ".join(body.split()[:LEDE_WORDS])
    terms = Terms()
    if not site_title:  # a site's own name says nothing of the story
        _read(source.title, TITLE_WEIGHT, terms)
    _read(lede, 1, terms)
    return terms


@functools.lru_cache(maxsize=1 << 18)
def _folded(word: str) -> str:
    return fold(word).replace(".", "")


@functools.lru_cache(maxsize=1 << 18)
def _term(word: str) -> tuple[str, str] | None:
    """The stem and folded form of a content word; None for stop words and numbers."""
    folded = _folded(word)
    if folded in STOP_WORDS or len(folded) < 2 or not any(c.isalpha() for c in folded):
        return None
    return normal(word), folded


def _read(text: str, times: int, terms: Terms) -> None:
    for word, seen in Counter(tokens(text)).items():
        term = _term(word)
        if term is not None:
            terms.add(term[0], term[1:], times * seen)
            if word[:1].isupper():
                terms.capitalised.add(term[0])
    for name in entities(text):
        words = [term for term in map(_term, tokens(name)) if term is not None]
        terms.names.update(stem for stem, _ in words)
        if len(words) > 1:  # the words are terms already; the whole name is one more
            key = NAME + "_".join(stem for stem, _ in words)
            terms.add(key, (folded for _, folded in words), times)
            terms.names.add(key)


def _with_places(articles: list[Terms]) -> list[Terms]:
    capitalised = set().union(*(t.capitalised for t in articles))

    def place(stem: str) -> str:
        if stem in capitalised:
            for ending in _ADJECTIVE_ENDINGS:
                root = stem.removesuffix(ending)
                if root != stem and len(root) >= _SHORTEST_PLACE and root in capitalised:
                    return root
        return stem

    def term(key: str) -> str:
        if key.startswith(NAME):
            return NAME + "_".join(place(part) for part in key[len(NAME) :].split("_"))
        return place(key)

    keys = set().union(*(article.counts for article in articles))
    renamed = {key: new for key in keys if (new := term(key)) != key}
    if not renamed:
        return articles
    return [_renamed(article, renamed) for article in articles]


def _renamed(article: Terms, renamed: dict[str, str]) -> Terms:
    if renamed.keys().isdisjoint(article.counts) and renamed.keys().isdisjoint(article.names):
        return article
    moved = Terms(names={renamed.get(n, n) for n in article.names})
    for key, count in article.counts.items():
        moved.add(renamed.get(key, key), article.forms[key], count)
    return moved
