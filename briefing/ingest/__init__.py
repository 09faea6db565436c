"""Inputs to articles: expand paths, pick a reader per file, collect what was skipped.

Every input is isolated: whatever goes wrong while reading one (a reader's refusal, an
OS error, a parser's recursion or memory limit, a bug) skips that input with a reason and
the run goes on with the rest."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from briefing.ingest.article import Article, UnusableInputError
from briefing.ingest.decode import decode, require_text
from briefing.ingest.feeds import looks_like_feed, read_feed
from briefing.ingest.files import display, failure_reason, read_input, read_stdin
from briefing.ingest.html import read_html
from briefing.ingest.limits import InputLimits
from briefing.ingest.markdown import read_markdown
from briefing.ingest.paths import expand
from briefing.ingest.records import read_json, read_jsonl
from briefing.ingest.text import read_text
from briefing.models import SkippedInput

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["Article", "Ingested", "InputLimits", "ingest"]

Problems = list[tuple[str, str]]


@dataclass
class Ingested:
    articles: list[Article] = field(default_factory=list)
    skipped: list[SkippedInput] = field(default_factory=list)
    files: int = 0


STDIN = "-"  # an input argument that means: one article (or feed, or records) on stdin


def ingest(args: list[str], limits: InputLimits | None = None) -> Ingested:
    limits = limits or InputLimits()
    result = Ingested()
    if STDIN in args:
        result.files += 1
        try:
            articles, problems = read_data(read_stdin(limits.max_input_bytes), "stdin", "", limits)
        except Exception as err:  # noqa: BLE001 - one input's failure must not end the run
            result.skipped.append(SkippedInput(path="stdin", reason=failure_reason(err)))
        else:
            result.articles.extend(articles)
            result.skipped.extend(SkippedInput(path=p, reason=r) for p, r in problems)
    for entry in expand([a for a in args if a != STDIN]):
        label = display(entry.path)
        if entry.problem is not None:
            result.skipped.append(SkippedInput(path=label, reason=entry.problem))
            continue
        result.files += 1
        try:
            articles, problems = read_file(entry.path, label, limits)
        except Exception as err:  # noqa: BLE001 - one input's failure must not end the run
            result.skipped.append(SkippedInput(path=label, reason=failure_reason(err)))
            continue
        result.articles.extend(articles)
        result.skipped.extend(SkippedInput(path=p, reason=r) for p, r in problems)
    return result


def read_file(
    path: Path, label: str, limits: InputLimits | None = None
) -> tuple[list[Article], Problems]:
    limits = limits or InputLimits()
    return read_data(read_input(path, limits.max_input_bytes), label, path.suffix, limits)


def read_data(
    data: bytes, label: str, suffix: str, limits: InputLimits
) -> tuple[list[Article], Problems]:
    """An input's bytes to articles; `suffix` picks the reader, else the content does."""
    if not data.strip():
        raise UnusableInputError("empty file; remove it or add the article text")
    kind = _kind(suffix, data)
    if kind == "feed":
        return read_feed(data, label)
    decoded = decode(data)
    text = require_text(decoded.text)
    problems: Problems = []
    if decoded.replaced:
        problems.append(decoded.warning(label))
    if kind == "json":
        articles, more = read_json(text, label, limits.max_json_depth)
    elif kind == "jsonl":
        articles, more = read_jsonl(text, label, limits.max_json_depth)
    elif kind == "html":
        articles, more = read_html(text, label), []
    elif kind == "markdown":
        articles, more = read_markdown(text, label, limits.max_json_depth), []
    else:
        articles, more = read_text(text, label), []
    return articles, problems + more


def _kind(suffix: str, data: bytes) -> str:
    suffix = suffix.lower()
    by_suffix = {
        ".rss": "feed", ".atom": "feed", ".json": "json", ".jsonl": "jsonl",
        ".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown",
        ".txt": "text",
    }  # fmt: skip
    if suffix in by_suffix:
        return by_suffix[suffix]
    # .xml and unknown suffixes: look at the content.
    head = data[:512].lstrip().lower()
    if looks_like_feed(data) or head.startswith((b"<rss", b"<feed")):
        return "feed"
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "html"
    if head.startswith((b"{", b"[")):
        return "json"
    if suffix == ".xml":
        raise UnusableInputError("XML that is neither an RSS/Atom feed nor an HTML page")
    return "text"
