"""Stories a reader can trust: a story that mixes events is flagged by the verifier, what
is not news never leads, and every story says when it happened. Our own articles."""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING

from click.testing import CliRunner

import briefing
from briefing.cli import cli
from briefing.engines.extractive import ExtractiveEngine
from briefing.models import Brief, Source
from briefing.pipeline import brief_from_draft, load_sources
from briefing.render.dates import dates_label
from briefing.reportage import addresses_reader, is_report, is_statement, reports
from briefing.verify import verify_brief
from briefing.verify.coherence import story_parts

if TYPE_CHECKING:
    from pathlib import Path

FERRY = [
    briefing.Article(
        "Marrowick ferry crews walk out over rosters",
        "Ferry crews at Marrowick harbour walked out on Tuesday morning in a dispute over "
        "night rosters, stranding hundreds of passengers bound for the Tessel islands. "
        "The Marrowick Seafarers Union said 240 of its members had joined the strike. "
        "Harbour operator Kelda Lines said it would run a reduced timetable with relief crews.",
        outlet="Marrowick Post",
        published="2026-03-03",
    ),
    briefing.Article(
        "Tessel islanders stranded as Marrowick ferry strike bites",
        "Islanders on the Tessel chain were cut off from the mainland on Tuesday after "
        "Marrowick ferry crews went on strike over night rosters. Kelda Lines cancelled all "
        "but two sailings, and the Marrowick Seafarers Union warned the walkout could last "
        "into the weekend.",
        outlet="Island Courier",
        published="2026-03-03",
    ),
    briefing.Article(
        "Kelda Lines offers talks as ferry strike enters second day",
        "Kelda Lines invited the Marrowick Seafarers Union to talks on Wednesday as the "
        "ferry strike over night rosters entered its second day at Marrowick harbour. The "
        "union said its 240 striking members would stay out until the rosters were withdrawn.",
        outlet="Coastal Wire",
        published="2026-03-04",
    ),
]
CHESS = [
    briefing.Article(
        "Ondrej Halas wins Brindor chess championship",
        "Grandmaster Ondrej Halas won the Brindor open chess championship on Sunday, "
        "beating the defending champion Mirela Vantu in a tense final round. Halas, 19, "
        "is the youngest winner in the tournament's history.",
        outlet="Board Times",
        published="2026-02-22",
    ),
    briefing.Article(
        "Teenager Halas takes Brindor title from Vantu",
        "Ondrej Halas took the Brindor chess title on Sunday after Mirela Vantu resigned "
        "in a drawn-out endgame. The 19-year-old grandmaster collects the winner's trophy "
        "at a ceremony in Brindor town hall next week.",
        outlet="Chess Weekly",
        published="2026-02-22",
    ),
    briefing.Article(
        "Vantu gracious in defeat at Brindor",
        "Mirela Vantu praised Ondrej Halas after losing her Brindor chess crown on Sunday, "
        "calling the teenager the strongest opponent she had faced in the tournament. "
        "Vantu said she would defend her national title in Brindor next year.",
        outlet="Sports Desk",
        published="2026-02-23",
    ),
]


def sources_of(articles: list[briefing.Article]) -> list[Source]:
    return load_sources(articles)[1]


def forced_into_one_story(articles: list[briefing.Article]) -> Brief:
    """The articles written and verified as one story, whatever the grouping would say."""
    sources = sources_of(articles)
    brief = brief_from_draft(ExtractiveEngine().write(sources), sources)
    return brief.model_copy(update={"review": verify_brief(brief)})


def event_checks(brief: Brief) -> list[tuple[str, str]]:
    assert brief.review is not None
    return [
        (check.ref, reason)
        for check in brief.review.claims
        for rule, reason in zip(check.rules, check.reasons, strict=True)
        if rule == "event"
    ]


# --- the verifier's story-level check ---------------------------------------------------


def test_two_unrelated_events_forced_into_one_story_get_a_story_level_finding() -> None:
    brief = forced_into_one_story(FERRY + CHESS)
    (parts,) = story_parts(brief)
    assert sorted(map(sorted, parts.parts)) == [["S1", "S2", "S3"], ["S4", "S5", "S6"]]
    flagged = event_checks(brief)
    assert flagged, "no claim of the mixed story carries the finding"
    refs = {ref for ref, _ in flagged}
    assert any(ref.startswith("B") for ref in refs)  # the bottom line speaks for the story
    reason = flagged[0][1]
    assert "do not share one event" in reason
    assert "Brindor" in reason or "Marrowick" in reason
    assert brief.review is not None
    assert brief.review.fraction_supported < 1.0


def test_one_event_as_one_story_gets_no_finding() -> None:
    for event in (FERRY, CHESS):
        brief = forced_into_one_story(event)
        assert story_parts(brief) == []
        assert event_checks(brief) == []


def test_the_same_articles_in_their_own_stories_get_no_finding() -> None:
    brief = briefing.generate(FERRY + CHESS, engine="extractive")
    assert len(brief.stories) == 2
    assert event_checks(brief) == []


def test_a_mixed_story_shows_in_the_report_sarif_and_annotations(tmp_path: Path) -> None:
    brief = forced_into_one_story(FERRY + CHESS)
    saved = tmp_path / "brief.json"
    saved.write_text(briefing.render(brief, "json"), encoding="utf-8")
    runner = CliRunner()
    report = runner.invoke(cli, ["verify", str(saved), "--ci", "none"])
    assert report.exit_code == 0, report.output
    assert "do not share one event" in report.output
    sarif = runner.invoke(cli, ["verify", str(saved), "--format", "sarif", "--ci", "none"])
    log = json.loads(sarif.stdout)
    results = log["runs"][0]["results"]
    assert any(r["ruleId"] == "event" for r in results)
    rules = {r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert "event" in rules
    github = runner.invoke(cli, ["verify", str(saved), "--ci", "github"])
    assert "::warning" in github.stderr
    assert "do not share one event" in github.stderr
    page = briefing.render(brief, "html")
    assert "do not share one event" in page


# --- what is not news does not lead -------------------------------------------------------


def test_notices_fragments_and_questions_are_not_statements() -> None:
    assert addresses_reader("You can order a printed copy from the society's office.")
    assert addresses_reader("* Please note that delivery times may vary by region.")
    assert not addresses_reader('The mayor said: "You will see the bridge reopen by May."')
    assert not is_statement("The council met on Tuesday to approve the budget and then ...")
    assert not is_statement("Officials from the port authority spoke to reporters about the …")
    assert is_statement("The council met on Tuesday to approve the harbour budget.")
    assert reports("The Velden council met on Tuesday to approve the harbour budget.")
    assert not reports("It met at noon to approve the new budget for the coming year.")


PAYWALL = briefing.Article(
    "Reading This Report",
    "Most readers reach the full text of our reports through an institutional licence. "
    "You can buy this report for a single download from the Members Desk. "
    "If you already hold a subscription, sign in with your account details first. "
    "You can also ask your local library to order the report for you.",
)


def test_a_paywall_notice_is_background_and_does_not_lead_its_story() -> None:
    paywall, *ferry = sources_of([PAYWALL, *FERRY])
    assert not is_report(paywall)
    assert all(is_report(s) for s in ferry)
    sources = [paywall, *ferry]
    draft = ExtractiveEngine().write(sources)
    bottom = draft.sections["bottom_line"]
    assert bottom
    for claim in bottom:
        assert all(not c.startswith(f"{paywall.id}.") for c in claim.citations)  # type: ignore[union-attr]
    assert draft.title in {a.title for a in FERRY}


def test_the_bottom_line_is_the_lede_the_reports_agree_on() -> None:
    # Each report opens with the event; one of them puts a detail first. The bottom line
    # is the lede the others' ledes agree with, not the most repeated detail.
    articles = [
        briefing.Article(
            "Norbeck Foods to buy Calloway Mills for $2 billion",
            "Norbeck Foods agreed on Monday to buy rival miller Calloway Mills for $2 "
            "billion, creating the largest flour producer in the region. The combined "
            "company will run 14 mills and employ 6,000 people.",
            outlet="Trade Daily",
        ),
        briefing.Article(
            "Norbeck strikes $2 billion Calloway deal",
            "Norbeck Foods will buy Calloway Mills in a $2 billion deal announced on Monday. "
            "The combined company will run 14 mills and employ 6,000 people.",
            outlet="Market Wire",
        ),
        briefing.Article(
            "Flour giants merge",
            "The combined company will run 14 mills and employ 6,000 people, the two firms "
            "said. Norbeck Foods is buying Calloway Mills for $2 billion, the companies "
            "said on Monday.",
            outlet="Business Post",
        ),
    ]
    draft = ExtractiveEngine().write(sources_of(articles))
    first = draft.sections["bottom_line"][0]
    assert "buy" in first.text  # type: ignore[union-attr]
    assert "Calloway" in first.text  # type: ignore[union-attr]


def test_snippet_pages_do_not_outrank_a_reported_story() -> None:
    snippets = [
        briefing.Article(
            f"Global Widget Market 2026 Report by Key Players {n} ...",
            f"The global widget market report {n} offers an overview of the size, share "
            "and growth of ...",
            url=f"https://market-pages-{n}.example/widgets",
            published="2026-03-04",
        )
        for n in range(5)
    ]
    brief = briefing.generate(FERRY + snippets, engine="extractive")
    top = brief.stories[0]
    assert set(top.source_ids) == {"S1", "S2", "S3"}
    assert brief.title.endswith(top.headline)


FEED_WITH_CAPTION = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Harbour News</title><link>https://harbour.example/</link>
<description>News</description>
<item>
<title>Marrowick ferry crews strike over rosters</title>
<link>https://harbour.example/ferry-strike</link>
<description>Ferry crews at Marrowick walked out on Tuesday over night rosters.</description>
<pubDate>Tue, 03 Mar 2026 08:00:00 +0000</pubDate>
<media:content url="https://harbour.example/img/quay.jpg" medium="image"/>
<media:description>An empty quay at Marrowick harbour, seen from the ticket office.</media:description>
</item>
</channel></rss>
"""


def test_a_feed_items_photo_caption_is_not_its_text(tmp_path: Path) -> None:
    feed = tmp_path / "harbour.rss"
    feed.write_text(FEED_WITH_CAPTION, encoding="utf-8")
    (source,) = sources_of([feed])  # type: ignore[list-item]
    text = " ".join(p.text for p in source.passages)
    assert "walked out on Tuesday" in text
    assert "empty quay" not in text


# --- dates ------------------------------------------------------------------------------


def test_each_story_shows_its_dates_in_json_markdown_and_html() -> None:
    undated = briefing.Article(
        "Ferry strike: what passengers need to know",
        "Kelda Lines said Marrowick ferry passengers holding tickets for cancelled sailings "
        "during the strike over night rosters would get a full refund.",
        outlet="Travel Desk",
    )
    brief = briefing.generate([*FERRY, undated, *CHESS], engine="extractive")
    by_outlets = {len(s.source_ids): s for s in brief.stories}
    ferry, chess = by_outlets[4], by_outlets[3]
    assert ferry.dates is not None
    assert (ferry.dates.first, ferry.dates.last, ferry.dates.undated) == (
        "2026-03-03",
        "2026-03-04",
        1,
    )
    data = json.loads(briefing.render(brief, "json"))
    assert data["stories"][0]["dates"]["first"]
    markdown = briefing.render(brief, "md")
    assert "3\u20134 March 2026; 1 of 4 sources undated" in markdown
    assert "22\u201323 February 2026" in markdown
    assert "22\u201323 February 2026" in briefing.render(brief, "html")
    assert chess.dates is not None
    assert chess.dates.undated == 0


def test_a_story_dated_by_its_month_keeps_that() -> None:
    from briefing.assemble import story_dates  # noqa: PLC0415

    monthly = sources_of(
        [briefing.Article(CHESS[0].title, CHESS[0].text, published="December 2004")]
    )
    dates = story_dates(monthly)
    assert (dates.first, dates.last, dates.undated) == ("2004-12", "2004-12", 0)


def test_date_labels() -> None:
    from briefing.models import StoryDates  # noqa: PLC0415

    assert dates_label(StoryDates(first="2024-08-08", last="2024-08-08"), 2) == "8 August 2024"
    assert dates_label(StoryDates(first="2019-06-20", last="2019-07-05"), 2) == (
        "20 June \u2013 5 July 2019"
    )
    assert dates_label(StoryDates(first="2011-11-02", last="2024-08-08"), 2) == (
        "2 November 2011 \u2013 8 August 2024"
    )
    assert dates_label(StoryDates(first="2004-12", last="2004-12-09"), 2) == "December 2004"
    assert dates_label(StoryDates(first="2004-11", last="2004-12"), 2) == (
        "November 2004 \u2013 December 2004"
    )
    assert dates_label(StoryDates(undated=3), 3) == "undated"
    assert dates_label(None, 3) == ""


# --- what is set apart ------------------------------------------------------------------

GALLERY = briefing.Article(
    "Harbour life at dawn \u2013 in pictures",
    "Nets, gulls and the first boats out",
    url="https://harbour.example/gallery/dawn",
    published="2026-03-04",
)
SNIPPET = briefing.Article(
    "Global Ferry Ticketing Market 2026 by Key Players ...",
    "The global ferry ticketing market report offers an overview of the size, share and "
    "growth of ...",
    url="https://market-pages.example/ferry-ticketing",
    published="2026-03-04",
)


def test_stories_with_nothing_to_cite_or_no_report_are_set_apart_in_every_format() -> None:
    paywall = dataclasses.replace(PAYWALL, url="https://journal.example/access")
    brief = briefing.generate([*FERRY, *CHESS, GALLERY, paywall, SNIPPET], engine="extractive")
    apart = brief.stories[2:]
    assert len(brief.stories) == 5
    assert [sorted(s.source_ids) for s in brief.stories[:2]] == [
        ["S1", "S2", "S3"],
        ["S4", "S5", "S6"],
    ]
    # Set apart: last, with no claim (not even the paywall's own sentences), not in the overview.
    for story in apart:
        assert not any(story.items(section) for section in brief.sections)
        assert story.id not in brief.overview
    assert brief.overview == [s.id for s in brief.stories[:2]]
    assert "led by" in brief.title
    assert brief.title.startswith("2 stories")
    data = json.loads(briefing.render(brief, "json"))
    assert [s["id"] for s in data["stories"][2:]] == [s.id for s in apart]
    markdown = briefing.render(brief, "md")
    assert markdown.count("\n## ") >= 3
    assert "\n## 3." not in markdown  # not numbered as stories
    listed = markdown.split("## Not summarised: nothing to cite", 1)[1].split("\n## ", 1)[0]
    for url in ("https://harbour.example/gallery/dawn", "https://journal.example/access",
                "https://market-pages.example/ferry-ticketing"):  # fmt: skip
        assert f"]({url})" in listed
    assert "4 March 2026" in listed
    assert "in 5 stories (3 not summarised" in markdown
    page = briefing.render(brief, "html")
    section = page.split('<section id="set-apart">', 1)[1].split("</section>", 1)[0]
    for story in apart:
        assert f'<li id="story-{story.id}" data-story="{story.id}">' in section
    assert page.count('<details class="story"') == 2


def test_a_feed_summary_with_a_continue_reading_link_is_a_report() -> None:
    (item,) = sources_of(
        [
            briefing.Article(
                "Marrowick ferry crews strike over rosters",
                "Ferry crews at Marrowick walked out on Tuesday over night rosters.\n\n"
                "Continue reading...",
            )
        ]
    )
    assert is_report(item)
    (cut,) = sources_of([SNIPPET])
    assert not is_report(cut)


# --- the headline says what the bottom line says -----------------------------------------


def test_the_headline_is_the_title_of_the_article_whose_lede_opens_the_bottom_line() -> None:
    from briefing.engines.extractive.headline import headline  # noqa: PLC0415

    programme, report = sources_of(
        [
            briefing.Article(
                "Kelda Lines Fleet Renewal Programme (Marrowick Ferries)",
                "Kelda Lines began renewing its Marrowick ferry fleet in 2019.",
            ),
            briefing.Article(
                "Marrowick ferry crews walk out over rosters",
                "Ferry crews at Marrowick harbour walked out over Kelda Lines rosters.",
            ),
        ]
    )
    central = [report.passages[0].text, programme.passages[0].text]
    # The reference page's title shares more words with the story; the lede's does too.
    assert headline([programme, report], central) == programme.title
    assert headline([programme, report], central, lede=[report]) == report.title
    assert headline([programme, report], central, lede=[programme, report]) == programme.title


def test_a_fragment_or_a_sites_name_is_no_headline_the_articles_first_line_is() -> None:
    from briefing.engines.extractive.headline import headline  # noqa: PLC0415

    fragment, site, other = sources_of(
        [
            briefing.Article(
                "and 240 Striking Crews",
                "Ferry crews at Marrowick harbour walked out over night rosters.",
            ),
            briefing.Article(
                "Island Courier Online",
                "Marrowick ferry strike strands islanders\n\nFerry crews at Marrowick walked "
                "out on Tuesday, stranding Tessel islanders.",
            ),
            briefing.Article(
                "Island Courier Online",
                "Chess title for Halas\n\nOndrej Halas won the Brindor chess title on Sunday.",
            ),
        ]
    )
    central = [site.passages[1].text]
    assert headline([fragment, site, other], central, lede=[site]) == (
        "Marrowick ferry strike strands islanders"
    )


def test_a_cross_reference_speaks_to_the_reader() -> None:
    assert addresses_reader("Also see the archival list of the Essays on Science and Society.")
    assert addresses_reader("See the Harbour Authority's timetable for the relief sailings.")
    assert not addresses_reader("Seeing the queues, Kelda Lines added two relief sailings.")


def test_a_sentence_dated_years_before_the_story_does_not_open_its_bottom_line() -> None:
    from briefing.reportage import tells_history  # noqa: PLC0415

    assert tells_history("On Oct. 16, 1998, the Air Force announced 19 launches.", 2004)
    assert tells_history("Work started in the late 1950s and ended in 1974.", 2004)
    assert not tells_history("Kmart, bankrupt in 2002, agreed to buy Sears in 2004.", 2004)
    assert not tells_history("The deal is worth $1,998 million to 2,003 holders.", 2004)
    # The archive page's lede repeats the report's headline word for word: without its
    # date it would be the lede the others agree with most.
    history = briefing.Article(
        "Kelda Lines Archive",
        "On March 3, 2019, Marrowick ferry crews walk out over rosters at Marrowick harbour, "
        "the Kelda Lines archive records.",
        outlet="Kelda Lines",
        published="2026-03-03",
    )
    draft = ExtractiveEngine().write(sources_of([FERRY[0], history]))
    assert draft.sections["bottom_line"]
    for claim in draft.sections["bottom_line"]:
        assert "2019" not in claim.text  # type: ignore[union-attr]
