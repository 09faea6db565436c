"""Whole HTML pages: main text, title, date and site name through trafilatura."""

from __future__ import annotations

from briefing.ingest.article import Article, UnusableInputError
from briefing.ingest.dates import iso_date
from briefing.ingest.text import split_paragraphs

# A menu or a list of links has no paragraph this long; an article does.
MIN_SENTENCE_WORDS = 8


def read_html(html: str, origin: str) -> list[Article]:
    import trafilatura  # noqa: PLC0415 - slow to import; only pages need it

    document = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        favor_precision=True,  # bench/extraction.py: F1 0.970 -> 0.977 on the gold pages
    )
    text = getattr(document, "text", None) if document is not None else None
    paragraphs = split_paragraphs(text or "")
    if not any(len(p.split()) >= MIN_SENTENCE_WORDS for p in paragraphs):
        raise UnusableInputError(
            "no article text found in the page (a page of links, or text loaded by "
            "JavaScript); save the article's own page or paste its text into a .txt file"
        )
    title = getattr(document, "title", None) or origin
    return [
        Article.from_paragraphs(
            " ".join(str(title).split()),
            paragraphs,
            origin=origin,
            outlet=getattr(document, "sitename", None) or getattr(document, "hostname", None),
            url=getattr(document, "url", None),
            published=iso_date(getattr(document, "date", None)),
        )
    ]
