"""RSS and Atom feeds through feedparser: each item is a source."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from briefing.ingest.article import Article, UnusableInputError, domain_of
from briefing.ingest.dates import iso_date
from briefing.ingest.files import failure_reason
from briefing.ingest.htmltext import html_to_paragraphs, strip_tags

Problems = list[tuple[str, str]]


def looks_like_feed(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith(b"<?xml") and (b"<rss" in head or b"<feed" in head or b"<rdf" in head)


def read_feed(data: bytes, origin: str) -> tuple[list[Article], Problems]:
    # feedparser copes with what strict XML parsers refuse (a blank line before the
    # declaration, Latin-1 bytes without a declaration); it flags them as `bozo`.
    import feedparser  # noqa: PLC0415 - slow to import; only feeds need it

    parsed: Any = feedparser.parse(data)
    if not parsed.entries:
        if parsed.bozo:
            reason = str(parsed.get("bozo_exception", "unreadable XML"))
            raise UnusableInputError(f"malformed feed ({reason}); check the file is RSS or Atom")
        raise UnusableInputError("feed has no items")
    outlet = strip_tags(parsed.feed.get("title", "")) or None
    articles: list[Article] = []
    problems: Problems = []
    for number, entry in enumerate(parsed.entries, start=1):
        label = f"{origin}#item{number}"
        try:
            article = _entry_article(entry, label, outlet)
        except Exception as err:  # noqa: BLE001 - one bad item must not cost the others
            problems.append((label, failure_reason(err)))
            continue
        if article is None:
            problems.append((label, "item has no text beyond its title"))
        else:
            articles.append(article)
    if not articles and parsed.bozo:
        reason = str(parsed.get("bozo_exception", "unreadable XML"))
        raise UnusableInputError(f"malformed feed ({reason}); check the file is RSS or Atom")
    return articles, problems


def _entry_article(entry: Any, label: str, outlet: str | None) -> Article | None:  # noqa: ANN401
    paragraphs = _entry_paragraphs(entry)
    title = strip_tags(entry.get("title", "")) or (paragraphs[0] if paragraphs else "")
    if not paragraphs:
        return None
    link = _unwrap_redirect(entry.get("link"))
    redirected = link != entry.get("link")
    return Article.from_paragraphs(
        title,
        paragraphs,
        origin=label,
        outlet=domain_of(link) if redirected else outlet,
        url=link,
        published=iso_date(_published(entry)),
    )


def _published(entry: Any) -> object:  # noqa: ANN401
    # dict.get, not entry.get: feedparser's own lookup of a missing 'updated_parsed'
    # falls back to 'published_parsed' with a DeprecationWarning.
    return dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")


def _entry_paragraphs(entry: Any) -> list[str]:  # noqa: ANN401
    # Prefer the full content over the summary; feeds that carry both repeat the summary.
    candidates = [c.get("value", "") for c in entry.get("content", []) if not _caption(entry, c)]
    candidates.append(entry.get("summary", ""))
    best = max(candidates, key=len)
    return html_to_paragraphs(best)


def _caption(entry: Any, content: Any) -> bool:  # noqa: ANN401
    """Whether a content block is the caption of the item's picture: feedparser files a
    Media RSS `media:description` that follows the summary under `content`, as plain
    text. It describes the photo, not the news, and must not stand for the item's text.
    A feed's full text (`content:encoded`, Atom `content`) is HTML or repeats the summary."""
    media = entry.get("media_content") or entry.get("media_thumbnail")
    plain = content.get("type") == "text/plain"
    summary = " ".join(strip_tags(entry.get("summary", "")).split())
    value = " ".join(strip_tags(content.get("value", "")).split())
    return bool(media) and plain and bool(summary) and summary[:60] not in value


def _unwrap_redirect(link: str | None) -> str | None:
    """Aggregators (Google Alerts) wrap the article's link in a redirect; keep the article's."""
    if not link:
        return None
    parts = urlsplit(link)
    if parts.path == "/url":
        target = parse_qs(parts.query).get("url") or parse_qs(parts.query).get("q")
        if target and target[0].startswith("http"):
            return target[0]
    return link
