"""Markdown with optional YAML front matter (title, url, outlet, published)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import JSONHandler, YAMLHandler
from markdown_it import MarkdownIt

from briefing.ingest.article import Article, UnusableInputError, normalize_space
from briefing.ingest.dates import iso_date
from briefing.ingest.limits import InputLimits, cli_option
from briefing.ingest.records import load_json

_PARSER = MarkdownIt("commonmark")
_TEXT_TOKENS = frozenset({"text", "code_inline"})
_BREAKS = frozenset({"softbreak", "hardbreak"})
_MAX_FRONT_MATTER = 64_000
_SCALARS = (str, int, float, dt.date)


def read_markdown(
    text: str, origin: str, max_depth: int = InputLimits.max_json_depth
) -> list[Article]:
    meta, body = front_matter(text, max_depth)
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


def front_matter(text: str, max_depth: int) -> tuple[dict[str, Any], str]:
    """The front matter's fields and the body after it (python-frontmatter finds the
    block). YAML is read safely: no tags, no aliases (an alias bomb of a few hundred bytes
    expands to gigabytes), no nesting deeper than `max_depth`, no block over 64 KB."""
    text = text.strip()
    handler = frontmatter.detect_format(text, frontmatter.handlers)
    if handler is None:
        return {}, text
    try:
        block, body = handler.split(text)
    except ValueError:
        return {}, text
    if len(block) > _MAX_FRONT_MATTER:
        raise UnusableInputError(
            f"front matter of {len(block):,} characters; it holds a few fields (title, url, "
            "outlet, published): move the rest into the body"
        )
    if isinstance(handler, YAMLHandler):
        meta = _yaml(block, max_depth)
    elif isinstance(handler, JSONHandler):
        meta = load_json(block, max_depth)
    else:
        meta = handler.load(block)
    return (meta if isinstance(meta, dict) else {}), body.strip()


def _yaml(block: str, max_depth: int) -> object:
    try:
        depth = 0
        for event in yaml.parse(block, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                raise UnusableInputError(
                    f"front matter uses a YAML alias (*{event.anchor}), which briefing does "
                    "not expand (a few aliases can expand to gigabytes); write the value out"
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > max_depth:
                    raise UnusableInputError(
                        f"front matter nested more than {max_depth} levels deep; it holds a "
                        f"few fields: flatten it, or raise the limit "
                        f"({cli_option('max_json_depth')})"
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        return yaml.load(block, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        problem = str(err).splitlines()[0]
        raise UnusableInputError(
            f"front matter is not valid YAML ({problem}); fix the block between the --- lines"
        ) from err


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
    # Only a scalar names a title, an outlet or a date; a list or a mapping is not one.
    if value is None or not isinstance(value, _SCALARS):
        return None
    text = normalize_space(str(value))
    return text or None
