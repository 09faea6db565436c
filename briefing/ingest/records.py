"""JSON and JSON Lines records: {title, text, url, outlet, published}, a list of them,
or a cluster object whose `articles` hold them."""

from __future__ import annotations

import json
import sys
from typing import Any

from briefing.ingest.article import Article, UnusableInputError, domain_of, normalize_space
from briefing.ingest.dates import iso_date
from briefing.ingest.files import failure_reason
from briefing.ingest.htmltext import html_to_paragraphs, looks_like_html
from briefing.ingest.limits import InputLimits, cli_option
from briefing.ingest.text import split_paragraphs

_TEXT_KEYS = ("text", "body", "content", "articleBody")
_OUTLET_KEYS = ("outlet", "source", "site", "publisher")
_DATE_KEYS = ("published", "date", "published_at", "pubDate")
_URL_KEYS = ("url", "link")

Problems = list[tuple[str, str]]


def read_json(
    text: str, origin: str, max_depth: int = InputLimits.max_json_depth
) -> tuple[list[Article], Problems]:
    try:
        data = load_json(text, max_depth)
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


def read_jsonl(
    text: str, origin: str, max_depth: int = InputLimits.max_json_depth
) -> tuple[list[Article], Problems]:
    records: list[Any] = []
    labels: list[str] = []
    problems: Problems = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        label = f"{origin}:{lineno}"
        try:
            records.append(load_json(line, max_depth))
            labels.append(label)
        except json.JSONDecodeError as err:
            problems.append((label, f"not valid JSON ({err.msg}); fix or remove the line"))
        except UnusableInputError as err:
            problems.append((label, str(err)))
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
        except Exception as err:  # noqa: BLE001 - one bad record must not cost the others
            problems.append((label, failure_reason(err)))
    return articles, problems


def load_json(text: str, max_depth: int) -> Any:  # noqa: ANN401 - any JSON value
    """`json.loads`, with nesting deeper than `max_depth` refused (Python's parser recurses)
    and integers too long for Python's int conversion kept as their digits."""
    try:
        data = json.loads(text, parse_int=_int)
    except RecursionError as err:
        raise _too_deep(f"more than {sys.getrecursionlimit()}", max_depth) from err
    depth = nesting(data)
    if depth > max_depth:
        raise _too_deep(str(depth), max_depth)
    return data


def _int(digits: str) -> int | str:
    try:
        return int(digits)
    except ValueError:  # over sys.get_int_max_str_digits(): never a field we read as a number
        return digits


def nesting(value: object) -> int:
    """How deeply lists and objects nest in `value` (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth + 1)
            stack.extend((child, depth + 1) for child in item)
    return deepest


def _too_deep(depth: str, limit: int) -> UnusableInputError:
    return UnusableInputError(
        f"JSON nested {depth} levels deep, over the limit of {limit}; an article record needs "
        f"a few levels: flatten it, or raise the limit ({cli_option('max_json_depth')})"
    )


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
