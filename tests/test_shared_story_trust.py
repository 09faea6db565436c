"""The story-level checks on the real third-party inputs in ../shared (read by path):
real single-event clusters are not flagged, two of them forced together are, and on the
feeds read as one day nothing that is not news leads a story or the day."""

from __future__ import annotations

import html
import itertools
import json
import re
from typing import TYPE_CHECKING

import pytest

from briefing.engines.extractive import ExtractiveEngine
from briefing.pipeline import brief_from_draft, load_sources
from briefing.reportage import addresses_reader, is_report, is_statement
from briefing.verify import verify_brief
from briefing.verify.coherence import story_parts
from tests.test_shared_inputs import CLUSTERS, generate_json

if TYPE_CHECKING:
    from pathlib import Path

    from briefing.models import Brief

pytestmark = pytest.mark.skipif(not CLUSTERS, reason="../shared is not beside the checkout")


FEEDS = CLUSTERS[0].parent.parent / "feeds" if CLUSTERS else None
# The photo captions the feeds ship beside their items (Media RSS), read from the files.
CAPTIONS = {
    " ".join(html.unescape(m).split())
    for feed in (sorted(FEEDS.glob("*.rss")) if FEEDS else [])
    for m in re.findall(
        r"<media:description[^>]*>(.*?)</media:description>",
        feed.read_text(encoding="utf-8", errors="replace"),
        flags=re.DOTALL,
    )
}


def forced(*paths: Path) -> Brief:
    sources = load_sources(list(paths))[1]
    return brief_from_draft(ExtractiveEngine().write(sources), sources)


# The clusters whose reference pages (a submarine class page, a rocket's product page, an
# institute's analysis) share only background words with the reports: the grouping keeps
# them apart (README, Stories) and the story check, on the grouping's terms, agrees. They
# are not classified as background yet (issue 15), so forced into one story they are flagged.
REFERENCE_PAGES = ("wikinewssum-en-025", "wikinewssum-en-052", "wikinewssum-en-053")


@pytest.mark.parametrize(
    "cluster",
    [
        pytest.param(
            c,
            marks=pytest.mark.xfail(reason="reference pages are not classified as background"),
        )
        if c.name.startswith(REFERENCE_PAGES)
        else c
        for c in CLUSTERS
    ],
    ids=lambda p: p.stem[:40],
)
def test_a_real_single_event_cluster_as_one_story_is_not_flagged(cluster: Path) -> None:
    brief = forced(cluster)
    assert story_parts(brief) == []
    review = verify_brief(brief)
    assert not [c for c in review.claims if "event" in c.rules]


@pytest.mark.parametrize(
    ("first", "second"),
    list(itertools.pairwise(CLUSTERS)),
    ids=lambda p: p.stem[:20],
)
def test_two_real_clusters_forced_into_one_story_are_flagged(first: Path, second: Path) -> None:
    brief = forced(first, second)
    count = len(load_sources([first])[1])
    (parts,) = story_parts(brief)
    # No part mixes the two clusters' articles.
    for part in parts.parts:
        assert len({int(sid[1:]) <= count for sid in part}) == 1, parts.parts
    review = verify_brief(brief)
    assert [c for c in review.claims if "event" in c.rules]


@pytest.fixture(scope="module")
def feeds_day(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    assert FEEDS is not None
    return generate_json(tmp_path_factory.mktemp("feeds"), FEEDS)


def test_on_the_feeds_no_fragment_notice_or_caption_leads(feeds_day: dict[str, object]) -> None:
    assert len(CAPTIONS) > 10  # the check below has captions to look for
    stories = feeds_day["stories"]
    assert isinstance(stories, list)
    sources = feeds_day["sources"]
    assert isinstance(sources, list)
    texts = {p["id"]: p["text"] for s in sources for p in s["passages"]}
    for story in stories:
        assert not story["headline"].rstrip().endswith(("...", "\u2026")) or all(
            s["title"].rstrip().endswith(("...", "\u2026"))
            for s in sources
            if s["id"] in story["source_ids"]
        ), story["headline"]
        for claim in story["bottom_line"]:
            lead = texts[claim["citations"][-1]]
            assert is_statement(lead), lead
            assert not addresses_reader(lead), lead
            assert lead not in CAPTIONS, lead
        assert story["dates"] is not None


def test_on_the_feeds_what_gives_nothing_to_cite_is_set_apart_at_the_end(
    feeds_day: dict[str, object],
) -> None:
    stories = feeds_day["stories"]
    assert isinstance(stories, list)
    sections = ("bottom_line", "key_developments", "key_figures", "unconfirmed", "quotes")
    says = [any(story[name] for name in sections) for story in stories]
    apart = says.count(False)
    assert apart > 10  # galleries, an app's promotion, Portuguese items, alert snippets
    assert says == [True] * (len(stories) - apart) + [False] * apart
    overview = feeds_day["overview"]
    assert isinstance(overview, list)
    assert not set(overview) & {s["id"] for s, said in zip(stories, says, strict=True) if not said}


def test_on_the_feeds_the_day_is_led_by_reported_news(feeds_day: dict[str, object]) -> None:
    stories = feeds_day["stories"]
    assert isinstance(stories, list)
    by_id = {s["id"]: s for s in feeds_day["sources"]}  # type: ignore[attr-defined]
    top = stories[0]
    from briefing.models import Source  # noqa: PLC0415

    reporting = [s for s in top["source_ids"] if is_report(Source.model_validate(by_id[s]))]
    assert len(reporting) * 2 >= len(top["source_ids"])
    assert "Market" not in top["headline"]


def test_the_clusters_day_shows_dates_and_no_notice_leads(tmp_path: Path) -> None:
    brief = generate_json(tmp_path, *CLUSTERS)
    sources = brief["sources"]
    assert isinstance(sources, list)
    texts = {p["id"]: p["text"] for s in sources for p in s["passages"]}
    for story in brief["stories"]:  # type: ignore[attr-defined]
        assert story["dates"] is not None
        for claim in story["bottom_line"]:
            assert not addresses_reader(texts[claim["citations"][-1]])
    assert json.dumps(brief)  # the brief is whole
