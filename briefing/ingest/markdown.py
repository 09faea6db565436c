"""Markdown with optional YAML front matter (title, url, outlet, published)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import frontmatter
import yaml
from markdown_it import MarkdownIt

from briefing.ingest.article import Article, UnusableInputError, normalize_space
from briefing.ingest.dates import iso_date

_PARSER = MarkdownIt("commonmark")
_TEXT_TOKENS = frozenset({"text", "code_inline"})
_BREAKS = frozenset({"softbreak", "hardbreak"})


def read_markdown(text: str, origin: str) -> list[Article]:
    try:
        meta, body = frontmatter.parse(text)
    except yaml.YAMLError as err:
        problem = str(err).splitlines()[0]
        raise UnusableInputError(
            f"front matter is not valid YAML ({problem}); fix the block between the --- lines"
        ) from err
    title, paragraphs = _title_and_paragraphs(body)
    title = _str(meta.get("title")) or title or Path(origin).stem.replace("-", " ")
    if not paragraphs:
        raise UnusableInputError("no paragraphs of text after the front matter")
    return [
        Article.from_paragraphs(
            title,
            paragraphs,
            origin=origin,
            outlet=_str(meta.get("outlet") or meta.get("source")),
            url=_str(meta.get("url") or meta.get("link")),
            published=iso_date(meta.get("published") or meta.get("date")),
        )
    ]


def _title_and_paragraphs(body: str) -> tuple[str | None, list[str]]:
    title: str | None = None
    paragraphs: list[str] = []
    tokens = _PARSER.parse(body)
    for index, token in enumerate(tokens):
        if token.type != "inline" or index == 0:
            continue
        opener = tokens[index - 1]
        text = normalize_space(_inline_text(token.children or []))
        if not text:
            continue
        if opener.type == "heading_open":
            # The first top-level heading names the article; subheadings are not claims.
            if title is None and opener.tag == "h1":
                title = text
        elif opener.type == "paragraph_open":
            paragraphs.append(text)
    return title, paragraphs


def _inline_text(children: list[Any]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in _TEXT_TOKENS:
            parts.append(child.content)
        elif child.type in _BREAKS:
            parts.append(" ")
    return "".join(parts)


def _str(value: object) -> str | None:
    if value is None:
        return None
    text = normalize_space(str(value))
    return text or None
