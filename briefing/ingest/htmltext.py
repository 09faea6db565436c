"""HTML fragments (feed items, records with markup) to plain paragraphs.

Whole pages go through trafilatura (ingest/html.py); a fragment has no boilerplate to
remove, only markup, so lxml's parser with block-level splitting is enough.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from briefing.ingest.article import normalize_space

_BLOCKS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "section",
        "article",
        "tr",
        "table",
        "figure",
        "figcaption",
        "pre",
        "hr",
    }
)
_DROP = ("script", "style", "noscript", "iframe", "object", "embed", "form", "template")
_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")


def looks_like_html(text: str) -> bool:
    return bool(_TAG.search(text))


def html_to_paragraphs(fragment: str) -> list[str]:
    if not fragment.strip():
        return []
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return [normalize_space(_TAG.sub(" ", fragment))]
    for element in root.iter(*_DROP):
        element.drop_tree()
    collector = _Paragraphs()
    collector.walk(root)
    collector.flush()
    return collector.chunks


class _Paragraphs:
    """Text of an element tree, cut into paragraphs at block-level elements."""

    def __init__(self) -> None:
        self.chunks: list[str] = []
        self.current: list[str] = []

    def flush(self) -> None:
        text = normalize_space("".join(self.current))
        if text:
            self.chunks.append(text)
        self.current.clear()

    def walk(self, element: etree._Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else None  # comments have no tag
        block = tag is not None and tag.lower() in _BLOCKS
        if block:
            self.flush()
        if element.text and tag is not None:
            self.current.append(element.text)
        for child in element:
            self.walk(child)
            if child.tail:
                self.current.append(child.tail)
        if block:
            self.flush()


def strip_tags(text: str) -> str:
    """One line of inline HTML (a feed title, say) to plain text."""
    return " ".join(html_to_paragraphs(text)) if looks_like_html(text) else normalize_space(text)
