"""Inputs to articles: expand paths, pick a reader per file, collect what was skipped."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from briefing.ingest.article import Article, UnusableInputError
from briefing.ingest.decode import decode, require_text
from briefing.ingest.feeds import looks_like_feed, read_feed
from briefing.ingest.html import read_html
from briefing.ingest.markdown import read_markdown
from briefing.ingest.paths import expand
from briefing.ingest.records import read_json, read_jsonl
from briefing.ingest.text import read_text
from briefing.models import SkippedInput

__all__ = ["Article", "Ingested", "ingest"]


@dataclass
class Ingested:
    articles: list[Article] = field(default_factory=list)
    skipped: list[SkippedInput] = field(default_factory=list)
    files: int = 0


def ingest(args: list[str]) -> Ingested:
    result = Ingested()
    for path in expand(args):
        result.files += 1
        label = _display(path)
        try:
            articles, problems = read_file(path, label)
        except UnusableInputError as err:
            result.skipped.append(SkippedInput(path=label, reason=str(err)))
            continue
        except OSError as err:
            reason = f"cannot read the file ({err.strerror}); check its permissions"
            result.skipped.append(SkippedInput(path=label, reason=reason))
            continue
        result.articles.extend(articles)
        result.skipped.extend(SkippedInput(path=p, reason=r) for p, r in problems)
    return result


def read_file(path: Path, label: str) -> tuple[list[Article], list[tuple[str, str]]]:
    data = path.read_bytes()
    if not data.strip():
        raise UnusableInputError("empty file; remove it or add the article text")
    kind = _kind(path, data)
    if kind == "feed":
        return read_feed(data, label)
    text = require_text(decode(data))
    if kind == "json":
        return read_json(text, label)
    if kind == "jsonl":
        return read_jsonl(text, label)
    if kind == "html":
        return read_html(text, label), []
    if kind == "markdown":
        return read_markdown(text, label), []
    return read_text(text, label), []


def _kind(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
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


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
