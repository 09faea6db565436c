"""Markdown output is inert: nothing from an input or a brief file becomes markup.

Hostile briefs (every input-derived string set to a hostile value) are rendered and the
markdown is parsed with markdown-it-py (CommonMark plus GFM tables and strike-through):
their token structure must be exactly that of the same brief with plain strings, no
HTML, image or link comes from the input, and only http(s) URLs are linked.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from briefing.cli import cli
from briefing.models import Brief, Review
from briefing.render import render, render_report
from briefing.render.escape import code_span, escape_markdown, markdown_link, safe_url
from tests.brief_data import HOSTILE, HOSTILE_URLS, brief_data

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from markdown_it.token import Token

MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])
# The only raw HTML the templates write: citation anchors.
OUR_HTML = re.compile(r'<a id="ref-\d+">|</a>')
# Token types whose number and order the input must not change.
TEXT_TYPES = {"text", "text_special"}


def tokens(markdown: str) -> list[Token]:
    flat: list[Token] = []
    for token in MD.parse(markdown):
        flat.append(token)
        flat.extend(token.children or [])
    return flat


def skeleton(markdown: str) -> list[tuple[str, str, int]]:
    return [(t.type, t.tag, t.nesting) for t in tokens(markdown) if t.type not in TEXT_TYPES]


def assert_inert(markdown: str, allowed_links: set[str], tags: set[str] | None = None) -> None:
    """No HTML, image or link but ours; `tags`: HTML tags the templates make besides
    the brief's usual ones."""
    for token in tokens(markdown):
        assert token.type not in {"html_block", "image"}, token
        if token.type == "html_inline":
            assert OUR_HTML.fullmatch(token.content), token
        if token.type == "link_open":
            href = str(token.attrs["href"])
            assert href.startswith("#ref-") or href in allowed_links, href
    html = MD.render(markdown)
    found = set(re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", html))
    assert found <= (tags or set()) | {
        "h1", "h2", "h3", "p", "ul", "li", "a", "em", "strong", "blockquote", "table",
        "thead", "tbody", "tr", "th", "td", "code",
    }, found  # fmt: skip
    assert not re.search(r"href=\"\s*(javascript|data|vbscript):", html, re.IGNORECASE)


def fills(payload: str) -> list[Callable[[str], str]]:
    """The payload as the whole value (so at the start of a line) and after other text."""
    return [lambda _field: payload, lambda field: f"{field}: {payload}"]


PLAIN = render(Brief.model_validate(brief_data(lambda _field: "plain")), "md")


@pytest.mark.parametrize("payload", HOSTILE)
@pytest.mark.parametrize("where", [0, 1], ids=["whole value", "inside a value"])
def test_hostile_strings_in_every_field_stay_text(payload: str, where: int) -> None:
    fill = fills(payload)[where]
    brief = Brief.model_validate(brief_data(fill))
    markdown = render(brief, "md")
    assert_inert(markdown, {"https://news.example/s1", "https://news.example/s2"})
    assert skeleton(markdown) == skeleton(PLAIN)


@pytest.mark.parametrize("payload", HOSTILE)
def test_the_review_report_stays_text(payload: str) -> None:
    data = brief_data(lambda _field: payload)
    review = Review.model_validate(data["review"])
    plain = Review.model_validate(brief_data(lambda _field: "plain")["review"])
    report = render_report(review, payload)
    assert_inert(report, set())
    assert skeleton(report) == skeleton(render_report(plain, "plain"))


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_only_http_urls_are_linked_and_none_breaks_out(url: str) -> None:
    markdown = render(Brief.model_validate(brief_data(url=url)), "md")
    links = [t for t in tokens(markdown) if t.type == "link_open"]
    sources = [str(t.attrs["href"]) for t in links if not str(t.attrs["href"]).startswith("#")]
    expected = safe_url(url)
    if expected is None:
        assert sources == []
    else:
        assert len(sources) == 2  # one per source, nothing else
        assert all(href.startswith("https://ok.example/") for href in sources)
        assert all(not set(href) & set(' <>"`\\\n') for href in sources)
    assert_inert(markdown, set(sources))
    assert skeleton(markdown) == skeleton(PLAIN) or expected is None


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("# not a heading", r"\# not a heading"),
        ("- not a bullet", r"\- not a bullet"),
        ("12. not a list", r"12\. not a list"),
        ("3.2 metres", "3.2 metres"),
        ("> not a quote", r"\> not a quote"),
        ("<div>", r"\<div\>"),
        ("```", r"\`\`\`"),
        ("a\n# b", r"a # b"),
        ("AT&T &amp; co", r"AT&T \&amp; co"),
        ("price $5", r"price \$5"),
        ("Title ##", r"Title \##"),
        ("An ordinary sentence, with 4,000 people (and a dash: yes).", None),
    ],
)
def test_escape_markdown(text: str, escaped: str | None) -> None:
    assert escape_markdown(text) == (text if escaped is None else escaped)


def test_file_names_are_code_spans_on_one_line() -> None:
    assert code_span("a.txt") == "`a.txt`"
    assert code_span("a`b.txt") == "``a`b.txt``"
    assert code_span("`x`") == "`` `x` ``"
    assert code_span("a\n# b.md") == r"`a\n# b.md`"
    assert code_span("") == ""


def test_links() -> None:
    assert markdown_link("Title", "https://ok.example/a(b) c") == (
        "[Title](https://ok.example/a%28b%29%20c)"
    )
    assert markdown_link("[x]", "javascript:alert(1)") == r"\[x\]"
    assert markdown_link("t", "https:no-host") == "t"
    assert safe_url("http://[::1") is None  # urlsplit raises: no link, no crash


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_hostile_inputs_end_to_end(tmp_path: Path) -> None:
    """Real files whose names, titles, URLs, outlets and text are hostile, through the CLI."""
    folder = tmp_path / "in"
    folder.mkdir()
    body = (
        "The ferry to Oster Mill carried 140 passengers on Wednesday, the harbour said.\n\n"
        "# The ferry crossing took 40 minutes, the harbour master said.\n\n"
        "<img src=x onerror=alert(1)> The council said 140 passengers travelled.\n\n"
        "- The pier will be repaired by Friday, the council said.\n\n"
        "1. The ferry will run twice a day from Monday, the council said.\n"
    )
    names = ["a`b.txt", "c\n# heading.txt", "<img src=x onerror=alert(1)>.txt", "d) [x](y).txt"]
    for n, name in enumerate(names):
        _write(folder / name, f"Ferry {n} <b>title</b> [link](javascript:alert(1))\n{body}")
    records = [
        {
            "title": "# Ferry\n<script>alert(1)</script>",
            "text": body.replace("140", "141"),
            "url": url,
            "outlet": "<b>Outlet</b>\n# heading",
        }
        for url in ["https://ok.example/) <img src=x onerror=alert(1)>", "javascript:alert(1)"]
    ]
    _write(folder / "records.json", json.dumps(records))
    out = tmp_path / "brief.md"
    result = CliRunner().invoke(cli, ["generate", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    markdown = out.read_text(encoding="utf-8")
    hrefs = {str(t.attrs["href"]) for t in tokens(markdown) if t.type == "link_open"}
    external = {h for h in hrefs if not h.startswith("#ref-")}
    assert external == {"https://ok.example/%29%20%3Cimg%20src=x%20onerror=alert%281%29%3E"}
    assert_inert(markdown, external)
    parsed = MD.parse(markdown)
    headings = [
        (t.tag, parsed[i + 1].content) for i, t in enumerate(parsed) if t.type == "heading_open"
    ]
    assert [tag for tag, _ in headings].count("h1") == 1
    known = {"Bottom line", "Key developments", "Key figures", "Unconfirmed or disputed reports",
             "Notable quotes", "What to watch", "Review", "Sources", "Skipped inputs", "Run",
             "Needs a look"}  # fmt: skip
    for tag, text in headings[1:]:
        assert text in known or (tag == "h3" and re.match(r"S\d+\. ", text)), (tag, text)


def test_the_messages_of_a_hostile_path_stay_on_one_line(tmp_path: Path) -> None:
    name = tmp_path / "brief\n# heading \x1b[31m.json"
    result = CliRunner().invoke(cli, ["render", str(name)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "\\n# heading \\x1b[31m.json" in result.stderr
