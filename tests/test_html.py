import json
import re
from pathlib import Path

from briefing.models import Brief
from briefing.pipeline import reviewed
from briefing.render import render as render_brief
from briefing.render.html import render_html, safe_url
from briefing.templating import make_environment

FIXTURE = Path(__file__).parent / "data" / "brief-harrowgate.json"
HOSTILE = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2"> & </p>'


def load(edit=None):
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    if edit:
        edit(data)
    return Brief.model_validate(data)


def render(brief):
    """The page of a verified brief (rendering shows the review; it never verifies)."""
    return render_html(reviewed(brief), make_environment("templates"))


def hostile(data):
    data["sources"][0]["passages"][1]["text"] += " " + HOSTILE
    data["sources"][0]["title"] += " </script><script>window.pwned = 3</script>"
    data["sources"][0]["url"] = "javascript:window.pwned = 4"
    data["stories"][0]["bottom_line"][1]["text"] += " " + HOSTILE


def test_page_is_self_contained():
    page = render(load())
    assert not re.search(r"<(link|img|iframe|object|embed)\b", page)
    assert not re.search(r"\bsrc\s*=", page)
    assert "default-src 'none'" in page
    assert page.count("<script") == 2


def test_source_text_is_escaped_in_markup_and_in_the_json_block():
    page = render(load(hostile))
    assert page.count("<script") == 2  # the JSON block and our own script, nothing injected
    assert "<img" not in page
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in page  # the claim, escaped
    block = page.split('id="brief-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block
    assert "javascript:" not in page
    data = json.loads(block)
    assert data["passages"]["S1.2"]["text"].endswith(HOSTILE)  # the data itself is intact
    assert data["sources"]["S1"]["url"] is None


def test_unsupported_claims_are_flagged_with_reasons():
    def wrong_number(data):
        claim = data["stories"][0]["bottom_line"][1]
        claim["text"] = claim["text"].replace("4,000", "40,000")

    page = render(load(wrong_number))
    item = page.split('data-ref="C2"', 1)[1].split("</li>\n", 1)[0]
    assert 'data-status="unsupported"' in item
    assert "the number “40,000” is not in the cited passages" in item
    supported = page.split('data-ref="C1"', 1)[1].split("</li>\n", 1)[0]
    assert 'class="flag"' not in supported


def test_safe_url():
    assert safe_url("https://example.org/a") == "https://example.org/a"
    assert safe_url(" JavaScript:alert(1)") is None
    assert safe_url("data:text/html,x") is None
    assert safe_url(None) is None


def test_a_hedged_figure_says_so_in_markdown_and_on_the_page():
    def hedged(data):
        data["stories"][0]["key_figures"][1]["figures"][0]["status"] = "unconfirmed"

    brief = load(hedged)
    page = render(brief)
    item = page.split('data-ref="stories[0].key_figures[1][0]"', 1)[1].split("</li>\n", 1)[0]
    assert "Unconfirmed in the sentence that states it" in item
    plain = page.split('data-ref="stories[0].key_figures[0][0]"', 1)[1].split("</li>\n", 1)[0]
    assert 'class="hedge"' not in plain
    markdown = render_brief(reviewed(brief), "md", None)
    assert "€12 million, unconfirmed (per council engineers)" in markdown
    assert "About 4,000 residents (per the town council)" in markdown


def test_a_claim_hedge_names_its_kind():
    page = render(load())
    hedged = page.split('class="hedge">', 1)[1].split("<", 1)[0]
    assert hedged.startswith("Unconfirmed: ")


def two_stories(data):
    """The fixture's story split in two (one source each), the second dated a day later."""
    first = data["stories"][0]
    second = {**first, "id": "st-00000002", "headline": "Second story", "source_ids": ["S2"]}
    for name, value in first.items():
        if isinstance(value, list) and name != "source_ids":
            second[name] = []
    first["source_ids"] = ["S1"]
    data["sources"][1]["published"] = "2026-11-24T07:00:00+01:00"
    data["stories"].append(second)
    data["overview"] = [first["id"], second["id"]]


def test_contents_list_every_story_with_its_date_and_reading_mode_is_the_default():
    page = render(load(two_stories))
    contents = page.split('<nav id="contents"', 1)[1].split("</nav>", 1)[0]
    assert contents.count('<a href="#story-') == 2
    assert '<a href="#story-st-00000002">Second story</a>' in contents
    assert "2026-11-23" in contents
    assert "2026-11-24" in contents
    # The second story has nothing to cite: set apart in one line, its link still lands.
    assert page.count('<details class="story"') == 1
    apart = page.split('<section id="set-apart">', 1)[1].split("</section>", 1)[0]
    assert '<li id="story-st-00000002" data-story="st-00000002">' in apart
    assert "2026-11-24" in apart  # a brief of before story dates: its latest day
    assert 'id="filter"' in page
    review_mode = re.search(r'<input type="checkbox" id="review-mode"[^>]*>', page)
    assert review_mode
    assert "checked" not in review_mode[0]  # reading mode until the reader switches
    # The CSS hides the accept/reject controls unless review mode is on.
    assert ".decide, #review-decisions { display: none; }" in page


def test_a_single_story_is_not_collapsed_and_needs_no_contents():
    page = render(load())
    assert '<details class="story"' not in page
    assert 'id="contents"' not in page
    assert '<article class="story"' in page


def test_a_story_is_dated_by_its_own_date_else_its_latest_source():
    from briefing.render.citing import story_date  # noqa: PLC0415

    brief = load(two_stories)
    assert [story_date(brief, s) for s in brief.stories] == ["2026-11-23", "2026-11-24"]
    brief.sources[0].published = None
    brief.sources[1].published = "not a date"
    assert [story_date(brief, s) for s in brief.stories] == [None, None]
