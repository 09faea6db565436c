"""The HTML brief in headless Chromium: click-to-source, inert source text, decisions round-trip."""

import json
import os
import tempfile
import time
from pathlib import Path

import pytest

from briefing.models import Brief
from briefing.pipeline import reviewed
from briefing.render.html import render_html
from briefing.review import load_decisions
from briefing.templating import make_environment

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FIXTURE = Path(__file__).parent / "data" / "brief-harrowgate.json"
HOSTILE = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'

pytestmark = pytest.mark.browser

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    if os.environ.get("CI"):
        pytest.fail("CI must run the browser tests: run .ci/install-chromium first", pytrace=False)
    pytest.skip(
        "chromium/chromedriver not installed; .ci/install-chromium installs them",
        allow_module_level=True,
    )

from selenium import webdriver  # noqa: E402 - only once chromium is known to be there
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path_factory.mktemp('profile')}",
    ):
        options.add_argument(flag)
    browser = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    browser.downloads = downloads
    yield browser
    browser.quit()


def open_brief(driver, tmp_path, edit=None):
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    if edit:
        edit(data)
    brief = reviewed(Brief.model_validate(data))
    page = tmp_path / "brief.html"
    page.write_text(render_html(brief, make_environment("templates")), encoding="utf-8")
    driver.get(page.as_uri())
    return brief


def claim(driver, ref):
    return driver.find_element(By.CSS_SELECTOR, f'li.claim[data-ref="{ref}"]')


def test_clicking_a_citation_shows_the_sentence_in_its_paragraph(driver, tmp_path):
    brief = open_brief(driver, tmp_path)
    panel = driver.find_element(By.ID, "source-panel")
    assert not panel.is_displayed()
    claim(driver, "C4").find_element(By.CSS_SELECTOR, "button.cite").click()  # cites S2.5
    assert panel.is_displayed()
    marked = panel.find_elements(By.TAG_NAME, "mark")
    assert [m.text for m in marked] == [brief.passage_index()["S2.5"][1].text]
    sentences = [
        s.get_attribute("data-pid") for s in panel.find_elements(By.CSS_SELECTOR, ".sentence")
    ]
    assert sentences == ["S2.4", "S2.5"]  # the whole third paragraph, S2.5 highlighted
    assert panel.find_element(By.CLASS_NAME, "source-title").text == brief.sources[1].title
    assert panel.find_element(By.CLASS_NAME, "outlet").text == "Eastmark Wire"
    link = panel.find_element(By.CLASS_NAME, "source-link")
    assert link.get_attribute("href") == brief.sources[1].url
    # Another claim's marker moves the highlight to its own sentence.
    claim(driver, "C2").find_element(By.CSS_SELECTOR, "button.cite").click()
    assert [m.text for m in panel.find_elements(By.TAG_NAME, "mark")] == [
        brief.passage_index()["S1.2"][1].text
    ]


def test_markup_in_source_text_never_runs(driver, tmp_path):
    def hostile(data):
        data["sources"][0]["passages"][1]["text"] += " " + HOSTILE
        data["sources"][0]["title"] = "</script><script>window.pwned = 3</script>" + HOSTILE
        data["sources"][0]["url"] = "javascript:window.pwned = 4"
        data["stories"][0]["bottom_line"][1]["text"] += " " + HOSTILE

    open_brief(driver, tmp_path, hostile)
    item = claim(driver, "C2")
    assert item.find_element(By.CLASS_NAME, "text").text.endswith(HOSTILE)
    item.find_element(By.CSS_SELECTOR, "button.cite").click()
    panel = driver.find_element(By.ID, "source-panel")
    assert panel.find_element(By.TAG_NAME, "mark").text.endswith(HOSTILE)
    assert panel.find_element(By.CLASS_NAME, "source-title").text.startswith("</script>")
    assert panel.find_elements(By.CLASS_NAME, "source-link") == []  # javascript: URL dropped
    time.sleep(0.3)  # give a stray onerror handler the chance to fire
    assert driver.execute_script("return window.pwned === undefined")
    assert driver.find_elements(By.TAG_NAME, "img") == []
    assert len(driver.find_elements(By.TAG_NAME, "script")) == 2


def test_flagged_claims_show_the_verifier_reasons(driver, tmp_path):
    def wrong_number(data):
        data["stories"][0]["bottom_line"][1]["text"] = data["stories"][0]["bottom_line"][1][
            "text"
        ].replace("4,000", "400")

    open_brief(driver, tmp_path, wrong_number)
    item = claim(driver, "C2")
    assert item.find_element(By.CLASS_NAME, "flag").text.lower() == "unsupported"
    assert item.find_element(By.CLASS_NAME, "reasons").text == (
        "the number “400” is not in the cited passages"
    )
    assert claim(driver, "C1").find_elements(By.CLASS_NAME, "flag") == []


def test_exported_decisions_round_trip(driver, tmp_path):
    brief = open_brief(driver, tmp_path)
    driver.find_element(By.ID, "review-mode").click()  # reading mode hides the controls
    claim(driver, "C1").find_element(By.CSS_SELECTOR, 'input[value="accepted"]').click()
    claim(driver, "stories[0].quotes[1]").find_element(
        By.CSS_SELECTOR, 'input[value="rejected"]'
    ).click()
    claim(driver, "C8").find_element(By.CSS_SELECTOR, 'input[value="rejected"]').click()
    claim(driver, "C8").find_element(By.CSS_SELECTOR, 'input[value="accepted"]').click()
    driver.find_element(By.ID, "export-decisions").click()
    exported = driver.downloads / "review-decisions.json"
    deadline = time.monotonic() + 10
    while not exported.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    shown = driver.find_element(By.ID, "decisions-output").get_attribute("value")
    assert exported.read_text(encoding="utf-8") == shown

    decisions = load_decisions(exported)
    assert [(d.ref, d.decision) for d in decisions.decisions] == [
        ("C1", "accepted"),
        ("stories[0].quotes[1]", "rejected"),
        ("C8", "accepted"),
    ]
    again = reviewed(brief, decisions)
    assert [q.text for q in again.stories[0].quotes] == [brief.stories[0].quotes[0].text]
    assert [c.ref for c in again.review.claims if c.reviewed] == ["C1", "C8"]

    page = tmp_path / "again.html"
    page.write_text(render_html(again, make_environment("templates")), encoding="utf-8")
    driver.get(page.as_uri())
    assert claim(driver, "C1").find_element(By.CLASS_NAME, "reviewed").is_displayed()
    assert driver.find_elements(By.CSS_SELECTOR, 'li.claim[data-ref="stories[0].quotes[1]"]') == []


def test_hover_previews_and_corroboration_markers_work(driver, tmp_path):
    brief = open_brief(driver, tmp_path)
    text = {pid: passage.text for pid, (_, passage) in brief.passage_index().items()}
    panel = driver.find_element(By.ID, "source-panel")
    first, also = claim(driver, "C1").find_elements(By.CSS_SELECTOR, "button.cite")
    assert also.get_attribute("data-pid") == "S1.1"  # C1's "also reported by"
    also.click()
    assert panel.find_element(By.TAG_NAME, "mark").text == text["S1.1"]
    assert panel.find_element(By.CLASS_NAME, "outlet").text == "Harrowgate Herald"
    hovered = claim(driver, "C6").find_element(By.CSS_SELECTOR, "button.cite")
    ActionChains(driver).move_to_element(hovered).perform()
    assert panel.find_element(By.TAG_NAME, "mark").text == text["S2.7"]
    ActionChains(driver).move_to_element(driver.find_element(By.TAG_NAME, "h1")).perform()
    assert panel.find_element(By.TAG_NAME, "mark").text == text["S1.1"]  # back to the pinned one
    assert first.get_attribute("data-pid") == "S2.1"


# --- a busy day: the 146-story feeds folder of ../shared -----------------------------


@pytest.fixture(scope="module")
def busy_day(tmp_path_factory):
    """The feeds day as a page (generated once for the module: it takes a while)."""
    from tests.conftest import SHARED  # noqa: PLC0415

    feeds = SHARED / "evaldata" / "feeds"
    if not feeds.is_dir():
        pytest.skip("../shared is not beside the checkout")
    import briefing  # noqa: PLC0415

    brief = briefing.generate([str(feeds)], engine="extractive")
    page = tmp_path_factory.mktemp("busy") / "feeds.html"
    page.write_text(briefing.render(brief, "html"), encoding="utf-8")
    return brief, page


def screenshot(driver, name):
    """A screenshot into the test logs (a person looks at it; the path is printed)."""
    default = Path(tempfile.gettempdir()) / "briefing-screenshots"
    folder = Path(os.environ.get("SCREENSHOTS", default))
    folder.mkdir(parents=True, exist_ok=True)
    driver.set_window_size(1280, 900)
    path = folder / f"{name}.png"
    driver.save_screenshot(str(path))
    print(f"screenshot: {path}")  # noqa: T201 - shown in the test log
    return path


def visible(driver, selector):
    return [e for e in driver.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()]


def test_a_busy_day_has_contents_linking_to_every_story(driver, busy_day):
    brief, page = busy_day
    assert len(brief.stories) > 100  # the point of the test: a day too long to scroll
    driver.get(page.as_uri())
    screenshot(driver, "busy-day-top")
    links = driver.find_elements(By.CSS_SELECTOR, "nav#contents li a")
    targets = [link.get_attribute("href").rsplit("#", 1)[1] for link in links]
    assert targets == [f"story-{s.id}" for s in brief.stories]
    for target in targets:
        assert len(driver.find_elements(By.ID, target)) == 1
    # Every story is collapsed, so the page is short; following a link opens its story.
    assert visible(driver, "li.claim") == []
    height = "return document.documentElement.scrollHeight"
    collapsed = driver.execute_script(height)
    driver.find_element(By.ID, "expand-all").click()
    assert collapsed * 2 < driver.execute_script(height)
    driver.find_element(By.ID, "collapse-all").click()
    assert driver.execute_script(height) == collapsed
    last = links[-1]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", last)
    last.click()
    story = driver.find_element(By.ID, targets[-1])
    # The last stories may have nothing to cite (a gallery, a page in another language):
    # they are set apart, one line each, and the link lands on that line.
    if story.tag_name == "li":
        assert story.find_element(By.XPATH, "ancestor::section").get_attribute("id") == "set-apart"
        assert story.is_displayed()
    else:
        assert story.get_attribute("open") is not None
        assert story.find_elements(By.CSS_SELECTOR, "li.claim, p.empty")[0].is_displayed()
    screenshot(driver, "busy-day-story")


def test_the_filter_narrows_the_stories_and_contents(driver, busy_day):
    brief, page = busy_day
    driver.get(page.as_uri())
    wanted = brief.stories[len(brief.stories) // 2]
    word = max(wanted.headline.split(), key=len)
    box = driver.find_element(By.ID, "filter")
    box.send_keys(word)
    shown = [e.get_attribute("data-story") for e in visible(driver, "nav#contents li")]
    assert wanted.id in shown
    assert 0 < len(shown) < len(brief.stories)
    stories = visible(
        driver, "details.story, #set-apart li[data-story], #continuing li[data-story]"
    )
    assert [s.get_attribute("data-story") for s in stories] == shown
    count = driver.find_element(By.ID, "filter-count").text
    assert count == f"{len(shown)} of {len(brief.stories)} stories"
    screenshot(driver, "busy-day-filtered")
    box.clear()
    box.send_keys(" ")  # an empty query shows everything again
    assert len(visible(driver, "nav#contents li")) == len(brief.stories)


def test_review_mode_is_off_until_switched_on(driver, busy_day):
    _, page = busy_day
    driver.get(page.as_uri())
    driver.find_element(By.ID, "expand-all").click()
    assert driver.find_elements(By.CSS_SELECTOR, "li.claim .decide")
    assert visible(driver, ".decide") == []
    assert visible(driver, "#export-decisions") == []
    driver.find_element(By.ID, "review-mode").click()
    assert visible(driver, ".decide")
    assert visible(driver, "#export-decisions")
    screenshot(driver, "busy-day-review-mode")
