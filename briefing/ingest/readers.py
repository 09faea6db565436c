"""Which reader reads an input's bytes, and reading them: by the file's suffix or the
response's Content-Type when they name a format, else by the bytes themselves."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from briefing.ingest.article import Article, UnusableInputError
from briefing.ingest.decode import decode, require_text
from briefing.ingest.feeds import looks_like_feed, read_feed
from briefing.ingest.files import read_input
from briefing.ingest.html import read_html
from briefing.ingest.limits import InputLimits
from briefing.ingest.records import read_json, read_jsonl
from briefing.ingest.text import read_text

if TYPE_CHECKING:
    from pathlib import Path

Problems = list[tuple[str, str]]
Kind = Literal["feed", "json", "jsonl", "html", "markdown", "text"]

_BY_SUFFIX: dict[str, Kind] = {
    ".rss": "feed", ".atom": "feed", ".json": "json", ".jsonl": "jsonl",
    ".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown",
    ".txt": "text",
}  # fmt: skip
# Media types that name a format. Generic XML is told apart by its bytes, like a .xml file.
_BY_MEDIA_TYPE: dict[str, Kind] = {
    "application/rss+xml": "feed", "application/atom+xml": "feed",
    "application/rdf+xml": "feed", "application/feed+xml": "feed",
    "text/html": "html", "application/xhtml+xml": "html",
    "application/json": "json", "application/feed+json": "json",
    "application/x-ndjson": "jsonl", "application/jsonl": "jsonl",
    "application/json-lines": "jsonl",
    "text/markdown": "markdown", "text/x-markdown": "markdown",
}  # fmt: skip
_XML_MEDIA_TYPES = frozenset({"application/xml", "text/xml"})


def read_file(
    path: Path, label: str, limits: InputLimits | None = None
) -> tuple[list[Article], Problems]:
    limits = limits or InputLimits()
    return read_data(read_input(path, limits.max_input_bytes), label, path.suffix, limits)


def read_data(
    data: bytes, label: str, suffix: str, limits: InputLimits
) -> tuple[list[Article], Problems]:
    """An input's bytes to articles; `suffix` picks the reader, else the content does."""
    require_content(data)
    return read_kind(data, label, kind_of(suffix, data), limits)


def read_kind(
    data: bytes, label: str, kind: Kind, limits: InputLimits
) -> tuple[list[Article], Problems]:
    """Bytes to articles with the reader for `kind`."""
    require_content(data)
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
        # markdown-it, python-frontmatter and PyYAML: 60 ms to import, for Markdown only.
        from briefing.ingest.markdown import read_markdown  # noqa: PLC0415

        articles, more = read_markdown(text, label, limits.max_json_depth), []
    else:
        articles, more = read_text(text, label), []
    return articles, problems + more


def require_content(data: bytes) -> None:
    if not data.strip():
        raise UnusableInputError("empty file; remove it or add the article text")


def kind_of(suffix: str, data: bytes) -> Kind:
    """A file's format: its suffix when it names one, else its bytes."""
    known = _BY_SUFFIX.get(suffix.lower())
    if known is not None:
        return known
    # .xml and unknown suffixes: look at the content.
    sniffed = _sniff(data)
    if sniffed is not None:
        return sniffed
    if suffix.lower() == ".xml":
        raise UnusableInputError("XML that is neither an RSS/Atom feed nor an HTML page")
    return "text"


def kind_of_response(content_type: str | None, path_suffix: str, data: bytes) -> Kind:
    """A fetched document's format: its Content-Type when that names one (a feed served
    as HTML or plain text is still a feed), else the URL's suffix, else its bytes. A URL
    must give a feed, a page or records: an image, a PDF or unknown bytes are refused."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    sniffed = _sniff(data)
    if sniffed == "feed":
        return "feed"
    if media_type in _BY_MEDIA_TYPE:
        return _BY_MEDIA_TYPE[media_type]
    if media_type in _XML_MEDIA_TYPES:
        return kind_of(".xml", data)
    by_suffix = _BY_SUFFIX.get(path_suffix.lower())
    if media_type == "text/plain":
        return by_suffix if by_suffix in {"markdown", "jsonl"} else "text"
    if sniffed is not None:
        return sniffed
    if by_suffix is not None and not media_type:
        return by_suffix
    shown = f"Content-Type {media_type}" if media_type else "no Content-Type"
    raise UnusableInputError(
        f"not a feed or a page ({shown}); give the URL of an RSS/Atom feed, an article page "
        "or JSON records"
    )


def _sniff(data: bytes) -> Kind | None:
    head = data[:512].lstrip().lower()
    if looks_like_feed(data) or head.startswith((b"<rss", b"<feed")):
        return "feed"
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "html"
    if head.startswith((b"{", b"[")):
        return "json"
    return None
