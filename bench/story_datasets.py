"""Labelled days of news for bench/stories.py: each dataset is a list of days, each day a
list of sources with the event each reports.

- `dev`: the 11 clusters of ../shared/evaldata/clusters read as one day (full texts).
- `wikinewssum`: the other English clusters of WikinewsSum (the source pages Wikinews
  articles of Nov 2004 to 2005 cite), runs of 20 to 40 consecutive events (the file is in
  Wikinews' order), full texts, undated (the file keeps no publication dates).
- `wikinewssum-short`: the same days as feed items: headline and the first 40 words.
- `uci-titles`: the UCI News Aggregator's headlines (Google News story clusters of March
  2014, with outlet, link and time) mixed into days of 10 to 60 stories, headlines only.
- `feeds-2024-08-08`: the BBC front page and NYT World feeds of 2024-08-08 in
  ../shared/evaldata/feeds, labelled into stories by us (bench/data/, links and labels only).

Third-party data stays outside the repository: `BRIEFING_STORY_DATA` (default: the folder
`data` beside the checkout, e.g. /work/data) holds `wikinewssum/endataset.json` (the file at
commit 1d985031625909c908766812e8a18d0c88116ec8 of github.com/airKlizz/WikinewsSum) and
`uci-news/uci-news-aggregator.csv` (any copy of the UCI dataset, or its first rows). A
dataset whose file is absent is skipped with a note.
"""

from __future__ import annotations

import csv
import json
import os
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.ingest.article import Article
from briefing.models import Source
from briefing.passages import build_sources
from briefing.pipeline import load_sources

if TYPE_CHECKING:
    from collections.abc import Callable

ROOT = Path(__file__).parents[1]
SHARED = Path(os.environ.get("BRIEFING_SHARED", ROOT.parent / "shared"))
DATA = Path(os.environ.get("BRIEFING_STORY_DATA", ROOT.parent / "data"))
FEED_LABELS = ROOT / "bench" / "data" / "feeds-2024-08-08.stories.json"
# The lines of endataset.json the dev clusters come from (../shared/evaldata/MANIFEST.md):
# left out of `wikinewssum`, so no event is in two datasets.
DEV_LINES = frozenset({25, 26, 29, 53, 54, 65, 66, 99})
MIN_WORDS = 60  # as the dev clusters were made: shorter "articles" are error pages
SHORT_WORDS = 40
DAYS = 8


@dataclass(frozen=True)
class Day:
    sources: list[Source]
    truth: list[str]  # the event of each source


def datasets() -> tuple[dict[str, list[Day]], list[str]]:
    """The datasets found, and a note for each one that is absent."""
    found: dict[str, list[Day]] = {}
    notes: list[str] = []
    readers: dict[str, Callable[[], list[Day] | None]] = {
        "dev": dev,
        "wikinewssum": lambda: wikinewssum(short=False),
        "wikinewssum-short": lambda: wikinewssum(short=True),
        "uci-titles": uci_titles,
        "feeds-2024-08-08": feeds,
    }
    for name, read in readers.items():
        days = read()
        if days is None:
            notes.append(f"{name}: data not found, skipped (see bench/story_datasets.py)")
        else:
            found[name] = days
    return found, notes


def dev() -> list[Day] | None:
    folder = SHARED / "evaldata" / "clusters"
    if not folder.is_dir():
        return None
    _, sources, _ = load_sources([str(folder)])
    return [Day(sources, [Path(s.origin.split("#")[0]).name for s in sources])]


def _wikinews_clusters() -> list[list[dict[str, str]]] | None:
    path = DATA / "wikinewssum" / "endataset.json"
    if not path.is_file():
        return None
    clusters = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line_no in DEV_LINES or not line.strip():
            continue
        seen: set[str] = set()
        articles = []
        cluster = json.loads(line)
        for source in cluster["sources"]:
            text = (source.get("maintext") or "").strip()
            english = source.get("language") == "en"
            if english and len(text.split()) >= MIN_WORDS and text not in seen:
                seen.add(text)
                articles.append(source)
        if articles:
            clusters.append(articles)
    return clusters


def wikinewssum(*, short: bool) -> list[Day] | None:
    clusters = _wikinews_clusters()
    if clusters is None:
        return None
    rng = random.Random(15)  # noqa: S311 - reproducible mixes
    days = []
    for _ in range(DAYS):
        # A run of consecutive events (the file follows Wikinews' dates), as the same
        # weeks brought them.
        size = rng.randint(20, min(40, len(clusters)))
        begin = rng.randint(0, len(clusters) - size)
        articles = []
        for event in range(begin, begin + size):
            for number, source in enumerate(clusters[event]):
                text = source["maintext"]
                if short:
                    text = " ".join(text.split()[:SHORT_WORDS])
                title = (source.get("title") or "").strip() or text.split("\n")[0][:80]
                articles.append(
                    Article(
                        title,
                        text,
                        url=source.get("url"),
                        origin=f"event{event}#{number}",
                    )
                )
        rng.shuffle(articles)
        sources, _ = build_sources(articles)
        days.append(Day(sources, [s.origin.split("#")[0] for s in sources]))
    return days


def uci_titles() -> list[Day] | None:
    path = DATA / "uci-news" / "uci-news-aggregator.csv"
    if not path.is_file():
        return None
    stories: dict[str, list[dict[str, str]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("TITLE") and row.get("STORY") and (row.get("TIMESTAMP") or "").isdigit():
                stories.setdefault(row["STORY"], []).append(row)
    names = sorted(stories)
    rng = random.Random(15)  # noqa: S311 - reproducible mixes
    days = []
    for _ in range(DAYS):
        sources: list[Source] = []
        truth: list[str] = []
        for story in rng.sample(names, rng.randint(10, min(60, len(names)))):
            rows = stories[story]
            for row in rng.sample(rows, min(len(rows), rng.randint(1, 8))):
                moment = datetime.fromtimestamp(int(row["TIMESTAMP"]) / 1000, tz=UTC)
                sources.append(
                    Source(
                        id=f"S{len(sources) + 1}",
                        title=row["TITLE"],
                        outlet=row.get("PUBLISHER") or None,
                        url=row.get("URL") or None,
                        published=moment.isoformat(),
                        origin=f"uci#{row['ID']}",
                        passages=[],
                    )
                )
                truth.append(story)
        days.append(Day(sources, truth))
    return days


def feeds() -> list[Day] | None:
    folder = SHARED / "evaldata" / "feeds"
    names = ("bbc-news-frontpage_2024-08-08.rss", "nyt-world_2024-08-08.rss")
    if not all((folder / n).is_file() for n in names):
        return None
    labels = json.loads(FEED_LABELS.read_text(encoding="utf-8"))["stories"]
    _, sources, _ = load_sources([str(folder / n) for n in names])
    return [Day(sources, [labels[s.url or ""] for s in sources])]
