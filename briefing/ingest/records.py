"""JSON and JSON Lines records: {title, text, url, outlet, published}, a list of them,
or a cluster object whose `articles` hold them."""

from __future__ import annotations

import json
from typing import Any

from briefing.ingest.article import Article, UnusableInputError, domain_of, normalize_space
from briefing.ingest.dates import iso_date
from briefing.ingest.htmltext import html_to_paragraphs, looks_like_html
from briefing.ingest.text import split_paragraphs

_TEXT_KEYS = ("text", "body", "content", "articleBody")
_OUTLET_KEYS = ("outlet", "source", "site", "publisher")
_DATE_KEYS = ("published", "date", "published_at", "pubDate")
_URL_KEYS = ("url", "link")

Problems = list[tuple[str, str]]


def read_json(text: str, origin: str) -> tuple[list[Article], Problems]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise UnusableInputError(
            f"not valid JSON (line {err.lineno}, column {err.colno}: {err.msg}); fix the syntax"
        ) from err
    defaults: dict[str, Any] = {}
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        defaults = {"published": _first(data, _DATE_KEYS)}
        records: list[Any] = data["articles"]
    elif isinstance(data, dict):
        records = [data]
    elif isinstance(data, list):
        records = data
    else:
        raise UnusableInputError(
            "JSON must be an article object, a list of them, or an object with 'articles'"
        )
    if isinstance(data, dict) and records == [data] and not _first(data, _TEXT_KEYS):
        keys = ", ".join(sorted(data)[:6])
        raise UnusableInputError(
            f"JSON object has no article text (keys: {keys}); give each article a 'text' field"
        )
    labels = [f"{origin}#{n}" for n in range(1, len(records) + 1)] if len(records) > 1 else [origin]
    return _articles(records, labels, defaults)


def read_jsonl(text: str, origin: str) -> tuple[list[Article], Problems]:
    records: list[Any] = []
    labels: list[str] = []
    problems: Problems = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        label = f"{origin}:{lineno}"
        try:
            records.append(json.loads(line))
            labels.append(label)
        except json.JSONDecodeError as err:
            problems.append((label, f"not valid JSON ({err.msg}); fix or remove the line"))
    articles, more = _articles(records, labels, {})
    return articles, problems + more


def _articles(
    records: list[Any], labels: list[str], defaults: dict[str, Any]
) -> tuple[list[Article], Problems]:
    articles: list[Article] = []
    problems: Problems = []
    for record, label in zip(records, labels, strict=True):
        try:
            articles.append(_article(record, label, defaults))
        except UnusableInputError as err:
            problems.append((label, str(err)))
    return articles, problems


def _article(record: object, origin: str, defaults: dict[str, Any]) -> Article:
    if not isinstance(record, dict):
        raise UnusableInputError("record is not a JSON object; give it title and text fields")
    body = _first(record, _TEXT_KEYS)
    if not isinstance(body, str) or not body.strip():
        raise UnusableInputError("record has no 'text'; add the article text")
    paragraphs = html_to_paragraphs(body) if looks_like_html(body) else split_paragraphs(body)
    url = _first(record, _URL_KEYS)
    url = url if isinstance(url, str) and url.strip() else None
    outlet = _first(record, _OUTLET_KEYS)
    if isinstance(outlet, dict):  # e.g. {"name": ..., "url": ...}
        outlet = outlet.get("name")
    title = _first(record, ("title", "headline"))
    if not isinstance(title, str) or not title.strip():
        title, paragraphs = paragraphs[0], paragraphs[1:] or paragraphs
    return Article.from_paragraphs(
        normalize_space(title),
        paragraphs,
        origin=origin,
        outlet=normalize_space(str(outlet)) if outlet else domain_of(url),
        url=url,
        published=iso_date(_first(record, _DATE_KEYS) or defaults.get("published")),
    )


def _first(record: dict[str, Any], keys: tuple[str, ...]) -> Any:  # noqa: ANN401
    return next((record[k] for k in keys if record.get(k)), None)
