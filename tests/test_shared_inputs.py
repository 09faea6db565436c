"""End-to-end runs on the real third-party inputs in ../shared (read by path, never copied)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

import briefing
from briefing.cli import cli
from tests.conftest import SHARED

if TYPE_CHECKING:
    from collections.abc import Callable

    from briefing.models import Brief

CLUSTERS = sorted((SHARED / "evaldata" / "clusters").glob("*.json")) if SHARED.is_dir() else []
FEEDS = sorted(
    p for p in (SHARED / "evaldata" / "feeds").glob("*") if p.suffix in {".rss", ".atom"}
) if SHARED.is_dir() else []  # fmt: skip


def generate_json(tmp_path: Path, *inputs: Path) -> dict[str, object]:
    out = tmp_path / "brief.json"
    result = CliRunner().invoke(cli, ["generate", *map(str, inputs), "-o", str(out)])
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(out.read_text())
    return data


def assert_citations_resolve(brief: dict[str, object]) -> int:
    sources = brief["sources"]
    assert isinstance(sources, list)
    known = {p["id"]: p["text"] for s in sources for p in s["passages"]}
    checked = 0
    stories = brief["stories"]
    assert isinstance(stories, list)
    for story, section in itertools.product(
        stories, ("bottom_line", "key_developments", "unconfirmed", "quotes")
    ):
        for claim in story[section]:
            for pid in [*claim["citations"], *claim.get("corroborated_by", [])]:
                assert pid in known, (section, pid)
                checked += 1
            # A claim is a contiguous part of its cited sentences (a quote may span two).
            assert claim["text"] in " ".join(known[pid] for pid in claim["citations"])
    for group in [g for story in stories for g in story["key_figures"]]:
        for figure in group["figures"]:
            assert all(pid in known for pid in figure["citations"])
            checked += len(figure["citations"])
    return checked


def test_seed_article(shared: Path, tmp_path: Path) -> None:
    brief = generate_json(tmp_path, shared / "seed")
    assert assert_citations_resolve(brief) > 5
    disagreements = [g for g in brief["stories"][0]["key_figures"] if g["disagreement"]]  # type: ignore[attr-defined]
    values = {f["value"] for g in disagreements for f in g["figures"]}
    assert {10000.0, 12000.0} <= values  # 10,000 vs 12,000 troops, by source


@pytest.mark.parametrize("cluster", CLUSTERS, ids=lambda p: p.stem[:40])
def test_every_cluster(cluster: Path, offline_brief_of: Callable[[Path], Brief]) -> None:
    """The brief the other files check too (written once a session), as JSON."""
    brief = json.loads(briefing.render(offline_brief_of(cluster), "json"))
    assert brief["stories"][0]["bottom_line"]
    assert assert_citations_resolve(brief) > 0


def test_html_pages(shared: Path, tmp_path: Path) -> None:
    pages = sorted((shared / "evaldata" / "pages").glob("*.html"))
    brief = generate_json(tmp_path, *pages)
    assert len(brief["sources"]) == len(pages)  # type: ignore[arg-type]
    assert assert_citations_resolve(brief) > 0


@pytest.mark.parametrize("feed", FEEDS, ids=lambda p: p.name)
def test_every_feed(shared: Path, tmp_path: Path, feed: Path) -> None:
    brief = generate_json(tmp_path, feed)
    assert assert_citations_resolve(brief) > 0
