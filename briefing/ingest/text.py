"""Plain text: the first non-empty line is the title, the rest are paragraphs."""

from __future__ import annotations

import re

from briefing.ingest.article import Article, UnusableInputError, normalize_space

_BLANK_LINE = re.compile(r"\n\s*\n")


def split_paragraphs(body: str) -> list[str]:
    """Blank-line separated blocks when the text has them (hard-wrapped prose);
    otherwise one paragraph per line (wire copy, like the seed article)."""
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    blocks = _BLANK_LINE.split(body) if _BLANK_LINE.search(body) else body.split("\n")
    return [p for p in (normalize_space(b) for b in blocks) if p]


def read_text(text: str, origin: str) -> list[Article]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        raise UnusableInputError("empty file; remove it or add the article text")
    title = normalize_space(lines[start])
    paragraphs = split_paragraphs("\n".join(lines[start + 1 :]))
    if not paragraphs:
        raise UnusableInputError(
            "only a title line and no article text; put the text on the lines after the title"
        )
    return [Article.from_paragraphs(title=title, paragraphs=paragraphs, origin=origin)]
