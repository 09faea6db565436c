from __future__ import annotations

from pathlib import Path

import pytest

from briefing.errors import InputError
from briefing.ingest import ingest, read_file
from briefing.ingest.article import UnusableInputError
from tests.conftest import INPUTS


def read(name: str):
    return read_file(INPUTS / name, name)


def test_text_first_line_is_title_and_each_line_a_paragraph() -> None:
    (article,), problems = read("wire-copy.txt")
    assert problems == []
    assert article.title == "Ferry service resumes on the Lidd estuary"
    assert len(article.paragraphs()) == 3
    assert article.paragraphs()[0].startswith("The Lidd estuary ferry resumed")


def test_text_with_blank_lines_joins_wrapped_lines() -> None:
    (article,), _ = read("wrapped.txt")
    assert article.paragraphs() == [
        (
            "The night market returned to Brask square on Saturday after a winter break, "
            "with forty stalls selling food and crafts."
        ),
        "Organisers said about 3,000 people visited before midnight.",
    ]


def test_markdown_front_matter_and_inline_markup() -> None:
    (article,), _ = read("frontmatter.md")
    assert article.title == "Orchard harvest ends early"
    assert (article.outlet, article.url, article.published) == (
        "Valley Post",
        "https://valley-post.example/orchard",
        "2026-10-02",
    )
    # Emphasis and links become plain text; headings are not paragraphs.
    assert article.paragraphs() == [
        "The apple harvest in the Tarn valley ended two weeks early, growers said on Thursday.",
        "Prices at the wholesale market rose by 8% in a week.",
    ]


def test_markdown_without_front_matter_takes_the_heading_as_title() -> None:
    (article,), _ = read("no-frontmatter.md")
    assert article.title == "Bridge repairs finish ahead of schedule"
    assert article.outlet is None
    assert len(article.paragraphs()) == 2


def test_html_page_main_text_without_boilerplate() -> None:
    (article,), _ = read("page.html")
    assert article.title == "Tram line opens in Korvik"
    assert article.outlet == "Korvik Courier"
    assert article.published == "2026-09-14"
    text = " ".join(article.paragraphs())
    assert "9,400 people rode the trams" in text
    for boilerplate in ("Related stories", "Bus fares frozen", "All rights reserved", "tracker"):
        assert boilerplate not in text


def test_json_records_list_with_field_aliases_and_html_bodies() -> None:
    articles, problems = read("records.json")
    assert [a.title for a in articles] == ["Library extends opening hours", "School roof repaired"]
    assert articles[0].outlet == "amsel-news.example"  # from the URL when no outlet is given
    assert articles[1].outlet == "Amsel Evening"
    assert articles[1].paragraphs() == [
        "The roof of the Amsel primary school was repaired over the weekend.",
        "Classes resume on Monday.",
    ]
    assert articles[1].published == "2026-03-02"
    assert problems == [("records.json#2", "record has no 'text'; add the article text")]


def test_cluster_object_gives_each_article_and_the_cluster_date() -> None:
    articles, problems = read("cluster.json")
    assert problems == []
    assert [a.outlet for a in articles] == ["coast-daily.example", "northern-wire.example"]
    assert {a.published for a in articles} == {"2026-01-12"}
    assert [a.origin for a in articles] == ["cluster.json#1", "cluster.json#2"]


def test_jsonl_reports_bad_lines_and_keeps_good_ones() -> None:
    articles, problems = read("lines.jsonl")
    assert [a.title for a in articles] == ["Good line"]
    assert [label for label, _ in problems] == ["lines.jsonl:2", "lines.jsonl:4"]


def test_feed_with_blank_line_before_declaration() -> None:
    articles, problems = read("blank-first-line.rss")
    (article,) = articles
    assert article.outlet == "Harbour Radio"
    assert article.published == "2026-03-10T07:30:00+00:00"
    # content:encoded wins over the short description; scripts are dropped.
    assert article.paragraphs() == [
        "The lamp of the Skerra lighthouse was replaced on Monday.",
        "Engineers said the new lamp uses 70% less power.",
    ]
    assert problems == [("blank-first-line.rss#item2", "item has no text beyond its title")]


def test_latin1_feed_without_declared_encoding() -> None:
    (article,), _ = read("latin1.rss")
    assert article.outlet == "Notícias do Sul"
    assert "São Brás" in article.paragraphs()[0]


def test_atom_alert_unwraps_redirect_links_and_strips_markup_in_titles() -> None:
    (article,), _ = read("alerts.atom")
    assert article.title == "Mill reopens"
    assert article.url == "https://mill-gazette.example/story"
    assert article.outlet == "mill-gazette.example"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.txt", "empty file"),
        ("blank.txt", "empty file"),
        ("binary.txt", "binary file"),
        ("title-only.txt", "only a title line"),
        ("broken.json", "not valid JSON (line 1"),
        ("broken-frontmatter.md", "front matter is not valid YAML"),
        ("links-only.html", "no article text found"),
        ("malformed.rss", "malformed feed"),
        ("not-a-feed.xml", "neither an RSS/Atom feed nor an HTML page"),
    ],
)
def test_unusable_files_say_why(name: str, reason: str) -> None:
    with pytest.raises(UnusableInputError, match=reason.replace("(", r"\(")):
        read(name)


def test_ingest_goes_on_past_bad_files_and_lists_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(INPUTS)
    result = ingest(["."])
    assert result.files == len([p for p in INPUTS.iterdir() if p.is_file()])
    skipped = {s.path for s in result.skipped}
    assert {"empty.txt", "binary.txt", "malformed.rss", "records.json#2"} <= skipped
    assert "Tram line opens in Korvik" in {a.title for a in result.articles}


def test_globs_and_repeated_paths_read_each_file_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(INPUTS)
    result = ingest(["*.md", "frontmatter.md", "."])
    origins = [a.origin for a in result.articles]
    assert len(origins) == len(set(origins))


@pytest.mark.parametrize("arg", ["no-such-file.txt", "nothing-matches-*.zzz"])
def test_missing_paths_are_an_error_with_the_fix(arg: str, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="check the"):
        ingest([str(tmp_path / arg)])


def test_text_in_a_legacy_encoding_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(
        "Café owners protest\nThe café owners of Brask said the new rules were “unfair”.\n".encode(
            "cp1252"
        )
    )
    (article,), _ = read_file(path, "legacy.txt")
    assert article.title == "Café owners protest"
    assert "“unfair”" in article.paragraphs()[0]


def test_a_folder_without_readable_files_gives_no_articles(tmp_path: Path) -> None:
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    result = ingest([str(tmp_path)])
    assert (result.files, result.articles, result.skipped) == (0, [], [])
