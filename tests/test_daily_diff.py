"""What changed since the earlier brief (briefing/daily/diff.py), on briefs built by hand:
stories grouped as each test says, written by the offline engine. The articles are our own
writing."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from briefing import pipeline
from briefing.assemble import brief_from_drafts
from briefing.brief_file import brief_from_data
from briefing.cli import cli
from briefing.daily.articles import Seen
from briefing.daily.diff import Earlier, compare, mark
from briefing.engines import Draft
from briefing.engines.extractive import ExtractiveEngine
from briefing.ingest.article import Article
from briefing.models import Brief, EngineInfo, Figure, KeyFigure
from briefing.render import render
from briefing.stories.grouping import StoryGroup
from tests.brief_data import HOSTILE
from tests.test_hostile_outputs import assert_inert, fills, skeleton

if TYPE_CHECKING:
    from collections.abc import Callable

DAM = Article(
    "Dam breach forces evacuation of Harrowgate",
    "About 4,000 residents were evacuated from Harrowgate on Monday, the council said.\n\n"
    "Engineers inspected the damaged dam wall on Monday afternoon.",
    url="https://herald.example/dam",
    outlet="Harrowgate Herald",
)
DAM_LATER = Article(
    "Dam breach forces evacuation of Harrowgate",
    "About 5,500 residents were evacuated from Harrowgate on Monday, the council said.\n\n"
    "Engineers inspected the damaged dam wall on Monday afternoon.",
    url="https://herald.example/dam",
    outlet="Harrowgate Herald",
)
DAM_MORE = Article(
    "Harrowgate shelters fill as the river keeps rising",
    "The three school halls opened as shelters in Harrowgate were full by Tuesday night.\n\n"
    "The river rose another half metre overnight, the water agency said.",
    url="https://wire.example/shelters",
    outlet="Eastmark Wire",
)
FERRY = Article(
    "Ferry crews strike for a third day",
    "Ferry crews in Port Elsin stayed off work on Tuesday for the third day running.\n\n"
    "The walkout stopped all sailings to the four outer islands, the operator said.",
    url="https://times.example/ferry",
    outlet="Harbour Times",
)
SCHOOL = Article(
    "Students stranded on the mainland",
    "About 140 secondary students from the outer islands could not get home after school.\n\n"
    "Families in Port Elsin offered them rooms for the week.",
    outlet="Island Post",
)


def brief_of(stories: list[tuple[str, list[Article]]]) -> Brief:
    """A day's brief whose stories are grouped as given: (story id, its articles)."""
    articles = [a for _, members in stories for a in members]
    _, sources, _ = pipeline.load_sources(articles)
    groups, start = [], 0
    for story_id, members in stories:
        ids = tuple(s.id for s in sources[start : start + len(members)])
        groups.append(StoryGroup(story_id, ids, len(members)))
        start += len(members)
    drafts = asyncio.run(pipeline.write_stories(ExtractiveEngine(), sources, groups))
    return pipeline.reviewed(brief_from_drafts(drafts, groups, sources))


def day(brief: Brief, earlier: Brief | None, name: str, before: str = "2026-11-17") -> Brief:
    return mark(brief, Earlier(earlier, before) if earlier else None, day=name)


def ids(refs: list[object]) -> list[str]:
    return [r.id for r in refs]  # type: ignore[attr-defined]


DAY1 = [("st-dam", [DAM]), ("st-ferry", [FERRY])]


def test_the_first_day_is_all_new_and_compared_with_nothing() -> None:
    first = day(brief_of(DAY1), None, "2026-11-17")
    assert [(s.id, s.status, s.since) for s in first.stories] == [
        ("st-dam", "new", "2026-11-17"),
        ("st-ferry", "new", "2026-11-17"),
    ]
    assert first.compared_with is None
    assert first.overview == ["st-dam", "st-ferry"]
    assert "Since the brief of" not in render(first, "md")


def test_a_new_story_a_new_article_and_a_story_with_nothing_new() -> None:
    first = day(brief_of(DAY1), None, "2026-11-17")
    second = brief_of([("st-dam", [DAM, DAM_MORE]), ("st-ferry", [FERRY]), ("st-school", [SCHOOL])])
    diff = compare(first, second, older_name="2026-11-17", newer_name="2026-11-18")
    assert ids(diff.new) == ["st-school"]
    assert ids(diff.updated) == ["st-dam"]
    (dam,) = diff.updated
    assert [a.title for a in dam.new_articles] == [DAM_MORE.title]
    # What the dam story says on the strength of the new article, cited in the new brief.
    assert dam.new_claims
    assert all(any(c.startswith("S2.") for c in claim.citations) for claim in dam.new_claims)
    assert dam.changed_figures == []
    assert ids(diff.continuing) == ["st-ferry"]
    assert diff.continuing[0].since == "2026-11-17"
    assert diff.dropped == []


def test_a_changed_figure_is_old_to_new_and_both_are_cited() -> None:
    first = day(brief_of(DAY1), None, "2026-11-17")
    second = brief_of([("st-dam", [DAM_LATER]), ("st-ferry", [FERRY])])
    diff = compare(first, second, older_name="2026-11-17", newer_name="2026-11-18")
    (dam,) = diff.updated
    assert dam.new_articles == []  # the same URL: the article was edited, not added
    (change,) = dam.changed_figures
    assert [(f.value, f.brief, f.citations) for f in change.old] == [(4000, "2026-11-17", ["S1.1"])]
    assert change.old[0].passages == [DAM.text.split("\n\n")[0]]
    assert change.old[0].source == "Harrowgate Herald"
    assert [(v.value, v.citations) for v in change.new] == [(5500, ["S1.1"])]
    marked = day(second, first, "2026-11-18")
    markdown = render(marked, "md")
    assert "**Updated** since [2026-11-17](2026-11-17.md): 1 figure changed." in markdown
    was, now = change.old[0].text, change.new[0].text  # as the engine words them
    assert (was, now) == ("About 4,000 residents evacuated", "About 5,500 residents evacuated")
    assert f"{was} → {now} [[1]](#ref-1)" in markdown
    assert f"was “{was}” in the brief of [2026-11-17](2026-11-17.md)" in markdown


def test_a_story_keeps_its_id_when_the_grouping_names_it_anew() -> None:
    """Its founding article fell out of the feed: the grouping's id changes, but the story
    shares an article with yesterday's and keeps yesterday's id."""
    first = day(brief_of([("st-dam", [DAM, DAM_MORE]), ("st-ferry", [FERRY])]), None, "2026-11-17")
    second = brief_of([("st-shelters", [DAM_MORE]), ("st-ferry", [FERRY])])
    diff = compare(first, second, older_name="2026-11-17", newer_name="2026-11-18")
    assert [(r.id, r.earlier_id) for r in diff.continuing] == [
        ("st-shelters", "st-dam"),
        ("st-ferry", None),
    ]
    marked = day(second, first, "2026-11-18")
    assert [s.id for s in marked.stories] == ["st-dam", "st-ferry"]
    assert marked.review is not None
    assert {c.story for c in marked.review.claims} == {"st-dam", "st-ferry"}
    # Now the two briefs agree by id, as `briefing diff` of the written files does.
    again = compare(first, marked, older_name="2026-11-17", newer_name="2026-11-18")
    assert [(r.id, r.earlier_id) for r in again.continuing] == [
        ("st-dam", None),
        ("st-ferry", None),
    ]


def test_a_story_no_longer_reported_is_listed_as_dropped() -> None:
    first = day(brief_of(DAY1), None, "2026-11-17")
    marked = day(brief_of([("st-dam", [DAM])]), first, "2026-11-18")
    assert [(d.id, d.since, d.last_reported) for d in marked.dropped_stories] == [
        ("st-ferry", "2026-11-17", "2026-11-17")
    ]
    assert "## No longer reported" in render(marked, "md")
    assert "No longer reported" in render(marked, "html")


def test_a_continuing_story_is_one_line_with_a_link_to_the_day_it_was_new() -> None:
    first = day(brief_of(DAY1), None, "2026-11-16")
    second = day(brief_of(DAY1), first, "2026-11-17", before="2026-11-16")
    third = brief_of([("st-dam", [DAM]), ("st-ferry", [FERRY]), ("st-school", [SCHOOL])])
    marked = day(third, second, "2026-11-18")
    assert [s.status for s in marked.stories] == ["continuing", "continuing", "new"]
    assert [s.since for s in marked.stories] == ["2026-11-16", "2026-11-16", "2026-11-18"]
    assert marked.overview == ["st-school"]  # the news only
    assert marked.title == "3 stories, led by: Students stranded on the mainland"
    markdown = render(marked, "md")
    assert "_Since the brief of [2026-11-17](2026-11-17.md): 1 new, 2 continuing._" in markdown
    assert (
        "- **Ferry crews strike for a third day**: nothing new since [2026-11-17](2026-11-17.md); "
        "first reported [2026-11-16](2026-11-16.md) (1 source)." in markdown
    )
    # Not news again: no developments, quotes or sources of the continuing stories.
    assert "Port Elsin stayed off work" not in markdown
    assert "Harbour Times" not in markdown.split("## Continuing")[1]
    assert "About 140 secondary students" in markdown
    page = render(marked, "html")
    assert 'href="2026-11-16.html#story-st-ferry"' in page
    assert "Port Elsin stayed off work" in page  # in the page's data, for the panel
    # Not shown as a story: its line under Continuing is what the contents link to.
    assert '<details class="story" id="story-st-ferry"' not in page
    continuing = page.split('<section id="continuing">', 1)[1].split("</section>", 1)[0]
    assert '<li id="story-st-ferry" data-story="st-ferry">' in continuing
    assert '<a href="#story-st-ferry">Ferry crews strike for a third day</a>' in page
    # The JSON keeps the whole story, for tomorrow's comparison and for `verify`.
    assert Brief.model_validate_json(render(marked, "json")).model_dump() == marked.model_dump()


def test_an_article_seen_before_yesterday_is_not_new_to_the_day() -> None:
    """The state folder remembers every article seen; yesterday's brief need not hold it."""
    first = day(brief_of(DAY1), None, "2026-11-17")
    second = brief_of([("st-dam", [DAM, DAM_MORE]), ("st-ferry", [FERRY])])
    remembered = Seen.of(pipeline.load_sources([DAM_MORE])[1])
    marked = mark(second, Earlier(first, "2026-11-17", remembered), day="2026-11-18")
    assert [s.status for s in marked.stories] == ["continuing", "continuing"]
    assert marked.title == "Nothing new: 2 continuing stories"
    # `briefing diff` only knows the two briefs.
    diff = compare(first, second, older_name="2026-11-17", newer_name="2026-11-18")
    assert ids(diff.updated) == ["st-dam"]


def test_a_brief_without_marks_is_written_as_before() -> None:
    data = json.loads(render(brief_of(DAY1), "json"))
    assert "compared_with" not in data
    assert "dropped_stories" not in data
    assert not {"status", "since", "new_sources", "changed_figures"} & set(data["stories"][0])


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_strings_in_the_marks_stay_text(payload: str) -> None:
    first = day(brief_of(DAY1), None, "2026-11-17")
    marked = day(brief_of([("st-dam", [DAM_LATER]), ("st-school", [SCHOOL])]), first, "2026-11-18")

    def filled(fill: Callable[[str], str]) -> Brief:
        data = json.loads(render(marked, "json"))
        story = data["stories"][0]
        story["since"] = fill("since")
        change = story["changed_figures"][0]
        change["counts"] = fill("counts")
        for old in change["old"]:
            old.update(
                {k: fill(k) for k in ("brief", "text", "source")},
                passages=[fill("passage")],
                citations=[fill("citation")],
            )
        for dropped in data["dropped_stories"]:
            dropped.update({k: fill(k) for k in ("headline", "since", "last_reported")})
        return Brief.model_validate(data)

    plain = render(filled(lambda _field: "plain"), "md")
    for fill in fills(payload):
        markdown = render(filled(fill), "md")
        assert_inert(markdown, {"2026-11-17.md", DAM.url or ""}, tags={"ol"})  # the overview
        assert skeleton(markdown) == skeleton(plain)


def test_briefing_diff_reports_the_same_comparison(tmp_path: Path) -> None:
    first = day(brief_of(DAY1), None, "2026-11-17")
    second = brief_of([("st-dam", [DAM_LATER, DAM_MORE]), ("st-school", [SCHOOL])])
    (tmp_path / "2026-11-17.json").write_text(render(first, "json"))
    (tmp_path / "today.json").write_text(render(second, "json"))
    args = ["diff", str(tmp_path / "2026-11-17.json"), str(tmp_path / "today.json")]
    result = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "diff.json")])
    assert result.exit_code == 0, result.output
    diff = json.loads((tmp_path / "diff.json").read_text())
    assert (diff["older"], diff["newer"]) == ("2026-11-17", "today.json")
    assert [s["id"] for s in diff["new"]] == ["st-school"]
    assert [s["id"] for s in diff["updated"]] == ["st-dam"]
    assert [a["title"] for a in diff["updated"][0]["new_articles"]] == [DAM_MORE.title]
    (change,) = diff["updated"][0]["changed_figures"]
    assert ([f["value"] for f in change["old"]], [f["value"] for f in change["new"]]) == (
        [4000],
        [5500],
    )
    assert diff["continuing"] == []
    assert [(s["id"], s["last_reported"]) for s in diff["dropped"]] == [("st-ferry", "2026-11-17")]
    markdown = CliRunner().invoke(cli, args)
    assert markdown.exit_code == 0, markdown.output
    assert markdown.stdout.startswith(
        "# What changed from [2026-11-17](2026-11-17.md) to today.json\n\n"
        "1 new, 1 updated, 0 continuing, 1 no longer reported.\n"
    )
    was, now = change["old"][0]["text"], change["new"][0]["text"]
    assert f"- Changed: {change['counts']}: {was} → {now} (S1.1)" in markdown.stdout
    both = CliRunner().invoke(cli, ["diff", "-", "-"])
    assert both.exit_code == 1
    assert "only one of OLDER and NEWER" in both.stderr


def test_marks_that_contradict_the_brief_are_refused() -> None:
    first = day(brief_of(DAY1), None, "2026-11-17")
    marked = day(brief_of([("st-dam", [DAM_LATER, DAM_MORE])]), first, "2026-11-18")
    data = json.loads(render(marked, "json"))
    data["stories"][0]["new_sources"] = ["S9"]
    with pytest.raises(ValueError, match=r"new_sources: S9 is not one of the story's sources"):
        brief_from_data(data)
    data = json.loads(render(marked, "json"))
    data["stories"][0]["changed_figures"][0]["new"][0]["citations"] = ["S1.99"]
    with pytest.raises(ValueError, match=r"changed_figures\[0\] cites S1.99"):
        brief_from_data(data)


def _harbour_brief(sentence: str, figure: str, value: float) -> Brief:
    """A brief of one article, `sentence`, whose one figure (EUR, "euros") is `figure`."""
    article = Article("Storm damage at the harbour", sentence, outlet="Harbour Times")
    _, sources, _ = pipeline.load_sources([article])
    pid = sources[0].passages[0].id
    key_figure = KeyFigure(
        subject="euros",
        disagreement=False,
        figures=[
            Figure(
                text=figure,
                citations=[pid],
                value=value,
                unit="EUR",
                counts="euros",
                source_ids=[sources[0].id],
            )
        ],
    )
    drafted = Draft(
        title="Storm damage at the harbour",
        engine=EngineInfo(name="extractive", model=None, note="test"),
        sections={"key_figures": [key_figure]},
    )
    group = StoryGroup("st-harbour", (sources[0].id,), 1)
    return brief_from_drafts([drafted], [group], sources)


def test_only_the_same_quantity_is_a_changed_figure() -> None:
    """Two figures the engine filed under one heading ("euros") are a change only when the
    verifier's rule reads them as one quantity: the damage, then the damage again; never
    the damage, then what a repair will cost."""
    damage = _harbour_brief("The storm caused EUR 12m of damage to the harbour.", "EUR 12m", 12e6)
    more = _harbour_brief("The storm caused EUR 15m of damage to the harbour.", "EUR 15m", 15e6)
    repair = _harbour_brief(
        "Repairing the harbour wall will cost EUR 20m, the port said.", "EUR 20m", 20e6
    )
    (changed,) = compare(damage, more, older_name="a", newer_name="b").updated
    assert [(c.old[0].value, c.new[0].value) for c in changed.changed_figures] == [(12e6, 15e6)]
    diff = compare(damage, repair, older_name="a", newer_name="b")
    assert [c.changed_figures for c in diff.updated] in ([], [[]])


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("d.sarif", "d.sarif: '.sarif' cannot be written by this command; name it .md or .json\n"),
        ("d.html", "d.html: '.html' cannot be written by this command; name it .md or .json\n"),
        ("d.txt", "d.txt: '.txt' is not a report format; name it .md or .json\n"),
    ],
)
def test_diff_refuses_a_suffix_it_cannot_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    brief = Path(__file__).parent / "data" / "brief-harrowgate.json"
    result = CliRunner().invoke(cli, ["diff", str(brief), str(brief), "-o", name])
    assert result.exit_code == 1
    assert result.stderr == f"error: {message}"
    assert not (tmp_path / name).exists()
