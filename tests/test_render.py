from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

import briefing
from briefing.errors import ConfigError, TemplateError
from briefing.models import Brief
from briefing.pipeline import generate
from briefing.render import citation_numbers, escape_markdown, format_for, render
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "golden" / "examples.md"


@pytest.fixture
def example_brief(monkeypatch: pytest.MonkeyPatch) -> Brief:
    monkeypatch.chdir(ROOT)  # origins are shown relative to the working directory
    return generate(["examples"], engine="extractive")


def test_examples_match_the_golden_brief(example_brief: Brief) -> None:
    """Regenerate with UPDATE_GOLDEN=1 after a deliberate change, then read the diff. The
    brief holds no timing, so the bytes are compared as they are."""
    markdown = render(example_brief, "md")
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(markdown, encoding="utf-8")
    assert markdown == GOLDEN.read_text(encoding="utf-8")


def test_json_round_trip_renders_the_same_markdown(example_brief: Brief) -> None:
    reloaded = Brief.model_validate_json(render(example_brief, "json"))
    assert render(reloaded, "md") == render(example_brief, "md")


def test_json_embeds_sources_and_passages(example_brief: Brief) -> None:
    data = json.loads(render(example_brief, "json"))
    passage_ids = {p["id"] for s in data["sources"] for p in s["passages"]}
    cited = {c for claim in data["stories"][0]["key_developments"] for c in claim["citations"]}
    assert cited <= passage_ids


def test_every_marker_links_to_a_listed_sentence(example_brief: Brief) -> None:
    markdown = render(example_brief, "md")
    markers = set(re.findall(r"\]\(#ref-(\d+)\)", markdown))
    anchors = set(re.findall(r'<a id="ref-(\d+)"></a>', markdown))
    assert markers == anchors
    assert len(anchors) == len(citation_numbers(example_brief))


def test_source_text_cannot_inject_markup() -> None:
    assert escape_markdown("[click](http://x) <img src=x onerror=alert(1)> *b*") == (
        r"\[click\](http://x) \<img src=x onerror=alert(1)\> \*b\*"
    )


def test_templates_dir_overrides_built_ins(example_brief: Brief, tmp_path: Path) -> None:
    (tmp_path / "brief.md.j2").write_text("{{ brief.title }} / {{ brief.sources | length }}\n")
    assert render(example_brief, "md", tmp_path) == f"{example_brief.title} / 5\n"


def test_broken_override_names_the_template(example_brief: Brief, tmp_path: Path) -> None:
    (tmp_path / "brief.md.j2").write_text("{{ brief.no_such_field }}\n")
    with pytest.raises(TemplateError, match=r"brief\.md\.j2"):
        render(example_brief, "md", tmp_path)


def test_templates_are_sandboxed(example_brief: Brief, tmp_path: Path) -> None:
    (tmp_path / "brief.md.j2").write_text("{{ brief.__class__.__mro__ }}\n")
    with pytest.raises(TemplateError):
        render(example_brief, "md", tmp_path)


@pytest.mark.parametrize(
    ("path", "explicit", "expected"),
    [(None, None, "md"), ("b.json", None, "json"), ("b.MD", None, "md"), ("b.txt", "json", "json")],
)
def test_format_follows_suffix_or_flag(
    path: str | None, explicit: str | None, expected: str
) -> None:
    assert format_for(Path(path) if path else None, explicit) == expected


def test_unknown_suffix_says_how_to_fix() -> None:
    with pytest.raises(ConfigError, match="pass --format"):
        format_for(Path("brief.docx"), None)


def test_a_brief_written_before_stories_reads_as_one_story() -> None:
    old = ROOT / "tests" / "data" / "brief-before-stories.json"
    data = json.loads(old.read_text(encoding="utf-8"))
    assert "stories" not in data
    assert data["bottom_line"]
    brief = briefing.load(old)
    (story,) = brief.stories
    assert story.bottom_line[0].text == data["bottom_line"][0]["text"]
    assert story.source_ids == [s["id"] for s in data["sources"]]
    assert brief.overview == []
    markdown = render(brief, "md")
    assert "## Bottom line" in markdown
    assert data["bottom_line"][0]["text"][:40] in markdown
