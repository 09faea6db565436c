"""Grouping a day's sources into stories (briefing.stories), on our own short articles."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from briefing.ingest.article import Article
from briefing.models import Passage, Source
from briefing.passages import build_sources
from briefing.pipeline import load_sources
from briefing.stories import StoryGroup, group_stories, neighbours
from briefing.stories.ids import article_key, canonical_url
from briefing.stories.linkage import average_linkage, labels_at
from briefing.stories.neighbours import nearest_pairs
from briefing.stories.vectors import term_matrix

ROOT = Path(__file__).parents[1]
SHARED = ROOT.parent / "shared"
CLUSTERS = sorted((SHARED / "evaldata" / "clusters").glob("*.json"))

FERRY_WIRE = (
    "The ferry Saint Odile ran aground on the Varne sandbank near Portlyn early on Tuesday "
    "with 212 passengers aboard. Coastguard crews from Portlyn and Marrow Point took everyone "
    "off by lifeboat within four hours, and nine people were treated for cold. The operator, "
    "Veldt Line, said the tide had pushed the ship off its usual channel. Harbour master "
    "Agnes Coyle said the Varne channel would stay closed while divers checked the hull."
)

ARTICLES = {
    "ferry-wire": Article(
        "Ferry Saint Odile runs aground on Varne sandbank off Portlyn",
        FERRY_WIRE,
        url="https://nordwire.example/2026/03/10/saint-odile-aground",
        outlet="Nordwire",
        published="2026-03-10T07:30:00+00:00",
    ),
    "ferry-copy": Article(
        "Saint Odile ferry aground near Portlyn, all 212 rescued",
        FERRY_WIRE.replace("early on Tuesday", "on Tuesday morning")
        + " Nordwire contributed to this report.",
        url="https://lakeside-post.example/news/saint-odile?utm_source=feed",
        outlet="Lakeside Post",
        published="2026-03-10T09:05:00+00:00",
    ),
    "ferry-own": Article(
        "Questions for Veldt Line after Saint Odile grounding at Varne",
        "Passengers rescued from the Saint Odile said the ferry shook twice before it stopped "
        "on the Varne sandbank. Veldt Line has not said why the ship left the marked channel "
        "off Portlyn. Harbour master Agnes Coyle has asked for the ship's route data, and the "
        "coastguard at Marrow Point will report to the maritime board next week.",
        url="https://portlyn-gazette.example/saint-odile-questions",
        outlet="Portlyn Gazette",
        published="2026-03-10T16:00:00+00:00",
    ),
    "tram-1": Article(
        "Quillon council approves Eastbank tram line",
        "Quillon city council voted 31 to 12 on Monday night to build the Eastbank tram line, "
        "a 9-kilometre route from Quillon Central to the Fenwick estate. Mayor Orla Brandt "
        "said work on the tramway would start in the spring and cost 240 million euros. "
        "Shopkeepers on Fenwick Road fear two years of roadworks.",
        url="https://quillon-courier.example/eastbank-tram-approved",
        outlet="Quillon Courier",
        published="2026-03-09T21:00:00+00:00",
    ),
    "tram-2": Article(
        "Eastbank tramway gets green light from Quillon councillors",
        "Councillors in Quillon backed the Eastbank tramway after a four-hour debate. The line "
        "will link Quillon Central with the Fenwick estate, and Mayor Orla Brandt promised "
        "compensation for traders on Fenwick Road during construction. Opposition councillors "
        "called the 240 million euro budget optimistic.",
        url="https://radio-quillon.example/news/eastbank-tramway",
        outlet="Radio Quillon",
        published="2026-03-10T06:00:00+00:00",
    ),
    "bakery": Article(
        "Hollins bakery wins regional sourdough prize",
        "A family bakery in the village of Hollins has won the regional sourdough competition "
        "for the third year running. Baker Tomas Reed credited a starter his grandmother kept "
        "alive for forty years.",
        outlet="Valley Weekly",
    ),
}


def sources_of(*names: str) -> dict[str, str]:
    """Source id of each named fixture article, built as the pipeline builds them."""
    articles = [_with_origin(name) for name in names]
    sources, skipped = build_sources(articles)
    assert not skipped
    return {name: s.id for name, s in zip(names, sources, strict=True)}


def grouped(*names: str) -> tuple[list[StoryGroup], dict[str, str]]:
    articles = [_with_origin(name) for name in names]
    sources, _ = build_sources(articles)
    by_id = {s.id: name for name, s in zip(names, sources, strict=True)}
    return group_stories(sources), by_id


def _with_origin(name: str) -> Article:
    article = ARTICLES[name]
    return Article(
        article.title,
        article.text,
        url=article.url,
        outlet=article.outlet,
        published=article.published,
        origin=f"{name}.txt",
    )


def names_of(group: StoryGroup, by_id: dict[str, str]) -> set[str]:
    return {by_id[s] for s in group.source_ids}


def test_two_stories_mixed_give_two_groups_and_the_unrelated_article_its_own():
    groups, by_id = grouped("tram-1", "ferry-wire", "bakery", "ferry-own", "tram-2")
    assert sorted(sorted(names_of(g, by_id)) for g in groups) == [
        ["bakery"],
        ["ferry-own", "ferry-wire"],
        ["tram-1", "tram-2"],
    ]
    assert sorted(s for g in groups for s in g.source_ids) == sorted(by_id)


def test_a_groups_sources_keep_input_order():
    groups, by_id = grouped("tram-2", "ferry-wire", "tram-1")
    tram = next(g for g in groups if "tram-1" in names_of(g, by_id))
    assert [by_id[s] for s in tram.source_ids] == ["tram-2", "tram-1"]


def test_a_syndicated_copy_counts_once_among_the_outlets():
    groups, by_id = grouped("ferry-copy", "ferry-own", "ferry-wire")
    (ferry,) = groups
    assert ferry.outlets == 2  # Nordwire (and its copy in the Lakeside Post), Portlyn Gazette
    ids = {name: sid for sid, name in by_id.items()}
    # The wire text was published first, so the Lakeside Post's is the copy.
    assert dict(ferry.copies) == {ids["ferry-copy"]: ids["ferry-wire"]}


def test_two_articles_of_one_outlet_count_as_one_outlet():
    tram_again = Article(
        "Quillon tram line: what the Eastbank route means for Fenwick Road",
        "The Eastbank tram line approved by Quillon council will run along Fenwick Road. "
        "Mayor Orla Brandt said traders there would be compensated during the works on the "
        "line to Quillon Central.",
        outlet="Quillon Courier",
        origin="tram-3.txt",
    )
    sources, _ = build_sources([_with_origin("tram-1"), _with_origin("tram-2"), tram_again])
    (tram,) = group_stories(sources)
    assert len(tram.source_ids) == 3
    assert tram.outlets == 2
    assert dict(tram.copies) == {}


def test_story_ids_do_not_depend_on_input_order():
    forward, by_id_forward = grouped("tram-1", "ferry-wire", "ferry-own", "tram-2", "bakery")
    backward, by_id_backward = grouped("bakery", "tram-2", "ferry-own", "ferry-wire", "tram-1")
    assert {g.id: names_of(g, by_id_forward) for g in forward} == {
        g.id: names_of(g, by_id_backward) for g in backward
    }
    assert all(g.id.startswith("st-") and len(g.id) == len("st-") + 8 for g in forward)


def test_a_story_keeps_its_id_when_new_articles_join_it_the_next_day():
    day_one, by_id_one = grouped("ferry-wire", "tram-1")
    day_two, by_id_two = grouped("tram-2", "ferry-own", "tram-1", "ferry-copy", "ferry-wire")
    ids_one = {frozenset(names_of(g, by_id_one)): g.id for g in day_one}
    ids_two = {g.id: names_of(g, by_id_two) for g in day_two}
    assert ids_two[ids_one[frozenset({"ferry-wire"})]] == {"ferry-wire", "ferry-own", "ferry-copy"}
    assert ids_two[ids_one[frozenset({"tram-1"})]] == {"tram-1", "tram-2"}


def test_the_founding_article_is_the_earliest_known_date_not_the_first_input():
    undated_first = Article(
        "Saint Odile: Portlyn lifeboat crews praised",
        "Lifeboat crews from Portlyn and Marrow Point were praised for taking 212 passengers "
        "off the ferry Saint Odile after it grounded on the Varne sandbank.",
        outlet="Marrow Point Radio",
        origin="ferry-undated.txt",
    )
    with_undated, _ = build_sources([undated_first, _with_origin("ferry-own")])
    (group,) = group_stories(with_undated)
    alone, _ = build_sources([_with_origin("ferry-own")])
    assert group.id == group_stories(alone)[0].id


def test_stories_are_ranked_by_outlets_then_recency_then_id():
    groups, by_id = grouped("bakery", "tram-1", "ferry-wire", "tram-2", "ferry-own", "ferry-copy")
    assert [min(names_of(g, by_id)) for g in groups] == [
        # ferry: 2 independent outlets, latest 16:00; tram: 2 outlets, latest 06:00.
        "ferry-copy",
        "tram-1",
        "bakery",  # one outlet, no date: last
    ]
    assert [g.outlets for g in groups] == [2, 2, 1]


def test_stories_of_equal_outlets_and_no_dates_are_ranked_by_id():
    undated = [
        Article(a.title, a.text, outlet=a.outlet, origin=f"{n}.txt")
        for n, a in ARTICLES.items()
        if n in {"bakery", "tram-1"}
    ]
    sources, _ = build_sources(undated)
    groups = group_stories(sources)
    assert [g.outlets for g in groups] == [1, 1]
    assert [g.id for g in groups] == sorted(g.id for g in groups)


def test_alike_articles_published_years_apart_are_different_stories():
    years_later = Article(
        "Quillon council approves Eastbank tram extension",
        "Three years after the first Eastbank tram line opened, Quillon city council voted "
        "to extend it past the Fenwick estate. Mayor Orla Brandt said the extension from "
        "Quillon Central would cost 90 million euros, and traders on Fenwick Road welcomed "
        "the plan.",
        outlet="Radio Quillon",
        published="2029-03-12T08:00:00+00:00",
        origin="tram-2029.txt",
    )
    sources, _ = build_sources([_with_origin("tram-1"), years_later])
    assert len(group_stories(sources)) == 2
    undated = [s.model_copy(update={"published": None}) for s in sources]
    assert len(group_stories(undated)) == 1


def test_a_headline_several_sources_share_names_the_site_not_the_story():
    site = "Valley News Online | Top Stories"
    pages = [
        Article(site, ARTICLES[name].text, outlet="Portlyn Post", origin=f"{name}.html")
        for name in ("tram-1", "ferry-own")
    ]
    sources, _ = build_sources(pages)
    assert len(group_stories(sources)) == 2


def test_a_single_source_is_a_story_of_its_own():
    groups, by_id = grouped("bakery")
    assert groups == [
        StoryGroup(id=groups[0].id, source_ids=(next(iter(by_id)),), outlets=1, copies={})
    ]


def test_no_sources_no_stories():
    assert group_stories([]) == []


def test_vectors_replace_the_lexical_similarity():
    names = ("tram-1", "tram-2", "ferry-wire", "ferry-own")
    sources, _ = build_sources([_with_origin(n) for n in names])
    ids = dict(zip(names, (s.id for s in sources), strict=True))
    lexical = group_stories(sources)
    assert sorted(g.source_ids for g in lexical) == [
        (ids["tram-1"], ids["tram-2"]),
        (ids["ferry-wire"], ids["ferry-own"]),
    ]
    # Vectors in which the two ferry reports are unlike each other part them ...
    vectors = np.array([[1.0, 0.0, 0.0], [0.9, 0.1, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    apart = group_stories(sources, vectors)
    assert sorted(g.source_ids for g in apart) == [
        (ids["tram-1"], ids["tram-2"]),
        (ids["ferry-wire"],),
        (ids["ferry-own"],),
    ]
    # ... but vectors alike cannot join articles that share no names or rare words.
    alike = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.01], [0.0, 1.0]])
    joined = group_stories(sources, alike)
    assert all(len(g.source_ids) == 1 for g in joined)


def test_vectors_must_have_one_row_per_source():
    sources, _ = build_sources([_with_origin("tram-1"), _with_origin("tram-2")])
    with pytest.raises(ValueError, match="one row per source"):
        group_stories(sources, np.ones((3, 4)))


def test_sources_must_have_unique_ids():
    (tram,), _ = build_sources([_with_origin("tram-1")])
    with pytest.raises(ValueError, match="unique"):
        group_stories([tram, tram.model_copy(update={"title": "Another"})])


def test_canonical_urls_drop_what_does_not_name_the_article():
    assert canonical_url("HTTP://www.Example.com/a/b/?utm_source=x&id=7#top") == (
        "https://example.com/a/b?id=7"
    )
    assert canonical_url("javascript:alert(1)") is None
    assert canonical_url(None) is None


def test_an_article_without_a_url_is_keyed_by_its_headline_and_opening():
    (bakery,), _ = build_sources([_with_origin("bakery")])
    assert article_key(bakery).startswith("text:hollins bakery wins regional sourdough prize")


def test_the_examples_dam_story_is_one_group_and_the_library_its_own():
    _, sources, _ = load_sources([str(ROOT / "examples")])
    library = {s.id for s in sources if "library" in s.title.lower()}
    dam = {s.id for s in sources} - library
    stories = {frozenset(g.source_ids) for g in group_stories(sources)}
    assert len(dam) == 4
    assert len(library) == 1
    assert stories == {frozenset(dam), frozenset(library)}


def test_average_linkage_does_not_chain_pairs_into_one_story():
    # a-b, b-c and c-d are alike (0.5), the other pairs not: a chain that single linkage
    # would make one group. {a, b} and {c, d} join only at the average of their four
    # pairs, 0.5 / 4.
    first, second = np.array([0, 1, 2]), np.array([1, 2, 3])
    merges = average_linkage(4, (first, second, np.array([0.5, 0.5, 0.5])), [None] * 4, 7, 0.0)
    assert labels_at(4, merges, 0.2) == [0, 0, 2, 2]
    assert labels_at(4, merges, 0.125) == [0, 0, 0, 0]
    assert labels_at(4, merges, 0.6) == [0, 1, 2, 3]


def test_groups_whose_dates_span_more_than_the_limit_never_join():
    # An undated article alike to two dated ones a year apart joins one of them only.
    first, second = np.array([0, 1]), np.array([1, 2])
    days = [0.0, None, 365.0]
    merges = average_linkage(3, (first, second, np.array([0.9, 0.8])), days, 7, 0.0)
    assert labels_at(3, merges, 0.0) == [0, 0, 2]


def test_each_article_keeps_only_its_nearest_neighbours():
    # 40 articles sharing the same two names: each pair is alike, but each article keeps
    # its NEIGHBOURS nearest, so the graph grows with the articles, not their square.
    articles = [
        Article(
            f"Quillon council item {n}",
            f"Quillon council met Orla Brandt about item number {n}.",
            outlet="Quillon Courier",
            origin=f"item-{n}.txt",
        )
        for n in range(40)
    ]
    sources, _ = build_sources(articles)
    terms = term_matrix(sources)
    first, second, _ = nearest_pairs(terms.rows, terms.evidence())
    assert 0 < len(first) <= len(sources) * neighbours.NEIGHBOURS
    assert len(first) < len(sources) * (len(sources) - 1) // 2
    assert all(a < b for a, b in zip(first, second, strict=True))


@pytest.mark.skipif(not (SHARED / "seed").is_dir(), reason="needs ../shared/seed")
def test_the_seed_article_is_one_story():
    _, sources, _ = load_sources([str(SHARED / "seed")])
    assert len(group_stories(sources)) == 1


# Clusters whose reference pages stand apart at the calibrated cut (bench/stories.py): 025's
# "Type 09-1" class page, 052's product and launch-schedule pages, 053's Nature paywall
# notice and climate-model briefs, 064's long background pieces. Each reads as background,
# not as a report of the event; the grouping is calibrated on news days, not on them.
_REFERENCE_PAGES = ("wikinewssum-en-025", "wikinewssum-en-052", "wikinewssum-en-053",
                    "wikinewssum-en-064")  # fmt: skip


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(
            p,
            id=p.name[:30],
            marks=[pytest.mark.xfail(reason="reference pages stand apart", strict=True)]
            if p.name.startswith(_REFERENCE_PAGES)
            else [],
        )
        for p in CLUSTERS
    ]
    or [pytest.param(None, marks=pytest.mark.skip(reason="needs ../shared/evaldata"))],
)
def test_each_dev_cluster_file_alone_is_one_story(path: Path):
    _, sources, _ = load_sources([str(path)])
    assert len(sources) == len(json.loads(path.read_text(encoding="utf-8"))["articles"])
    assert len(group_stories(sources)) == 1


@pytest.mark.skipif(not (SHARED / "evaldata" / "pages").is_dir(), reason="needs ../shared")
def test_the_four_plague_pages_are_one_story_and_the_others_stand_alone():
    pages = sorted((SHARED / "evaldata" / "pages").glob("*.html"))
    _, sources, _ = load_sources([str(p) for p in pages])
    plague = ("nypost", "express", "smithsonianmag", "thesun")
    groups = {frozenset(Path(s).name.split("-")[0] for s in _origins(g, sources)) for g in
              group_stories(sources)}  # fmt: skip
    assert frozenset(plague) in groups
    assert len(groups) == 5


def _origins(group: StoryGroup, sources: list) -> list[str]:
    by_id = {s.id: s.origin for s in sources}
    return [by_id[s] for s in group.source_ids]


def test_sites_of_one_owner_are_one_outlet_offline(monkeypatch) -> None:
    import socket  # noqa: PLC0415

    from briefing.sites import site_owner  # noqa: PLC0415
    from briefing.stories.grouping import independent_outlets  # noqa: PLC0415

    def no_network(*_args, **_kwargs):
        raise AssertionError("the Public Suffix List must come from the package, not the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    assert site_owner("https://www.japantimes.co.jp/news/1") == "japantimes"
    assert site_owner("https://japantimes.com/2") == "japantimes"
    assert site_owner("https://news.bbc.co.uk/3") == "bbc"
    assert site_owner("https://alice.github.io/") != site_owner("https://bob.github.io/")
    assert site_owner("http://example.invalid/x") == "example.invalid"  # no public suffix
    assert site_owner("http://127.0.0.1:8000/") == "127.0.0.1"
    assert site_owner(None) is None

    def source(n: int, url: str, outlet: str | None = None) -> Source:
        return Source(
            id=f"S{n}", title=f"T{n}", url=url, outlet=outlet, origin=f"f{n}",
            passages=[Passage(id=f"S{n}.1", text="A sentence.", paragraph=1)],
        )  # fmt: skip

    same = [
        source(1, "https://www.japantimes.co.jp/a", "japantimes.co.jp"),  # named by its host
        source(2, "https://japantimes.com/b"),
        source(3, "https://www.nikkei.com/c", "Nikkei Asia"),
    ]
    assert independent_outlets(same, {}) == 2


def test_one_shared_place_name_does_not_join_unrelated_events():
    # A small day: a choir's prize shares only its town with a fire that the town's
    # firefighters helped to put out (at the calibration's 0.07 they were one story).
    articles = [
        Article(
            "Fire closes the Harrowgate library",
            "A fire closed the Harrowgate public library on Sunday night. Firefighters from "
            "Harrowgate and Tollbridge put it out within two hours. No one was in the building.",
            origin="fire-1.txt",
        ),
        Article(
            "Harrowgate library fire was electrical, inspectors say",
            "Inspectors said a faulty cable in the reading room started the fire at the "
            "Harrowgate library. About 4,000 books were lost.",
            origin="fire-2.txt",
        ),
        Article(
            "Tollbridge choir wins the county prize",
            "The Tollbridge Singers won the county choir prize on Saturday with a programme of "
            "sea shanties. It is the choir's first win in twelve years.",
            origin="choir.txt",
        ),
    ]
    sources, _ = build_sources(articles)
    groups = group_stories(sources)
    assert sorted(len(g.source_ids) for g in groups) == [1, 2]
    assert [list(g.source_ids) for g in groups if len(g.source_ids) == 1] == [[sources[2].id]]
