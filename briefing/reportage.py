"""Which sentences of a day's sources report news, and which sources are not news reports.

A news report tells of an event in statements about named actors: who did what, where.
Pages hold other text that must never lead a story or the day:

- a fragment a feed or search snippet cut off ("The shares were sold at an ..."): it ends
  in an ellipsis, so it states nothing whole;
- a notice to the reader (a paywall's "You can also request the document from your local
  library", "Please note that prices ... are subject to change", a newsletter's sign-up):
  it speaks to "you", where a report speaks of third parties;
- a statement with no named actor or place at all ("This is available to institutional
  customers only."): whatever it says, it says of no one in particular.

A sentence that dates what it tells to years before the story's own (its sources' earliest
publication year, less one) tells history, not the day's event ("On Oct. 16, 1998, the
Air Force announced ..." on a page cited in 2004): it does not open a bottom line.

A source none of whose statements reports news this way (a snippet cut short), or that
speaks to the reader more often than it reports (a paywall or login page), is
*background*: its story may keep it, but it does not lead the story, and the day's
ranking does not count it as an outlet reporting the story. Photo captions
that feeds ship beside an item's summary never become its text (briefing/ingest/feeds.py).
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from briefing.verify.entities import entities

if TYPE_CHECKING:
    from collections.abc import Sequence

    from briefing.models import Source

_BOILERPLATE = re.compile(
    r"click here|subscribe|sign up|newsletter|cookie|all rights reserved|follow us|read more|"
    r"continue reading|"
    r"advertisement|related (?:links|stories|articles)|getty images|photo:|image:|©|copyright|"
    r"e-?mail this|share this|terms of use|privacy policy|javascript|advertise (?:in|with|on)|"
    r"this (?:web)?site is|optimi[sz]ed for|best viewed|registered user|purchase this article",
    re.IGNORECASE,
)
_ENDS_LIKE_PROSE = re.compile(r"[.!?][\"”’')]*$")
_CUT_OFF = re.compile(r"(?:\.\.\.|…)[\"”’')]*$")
_QUOTED = re.compile(r"[“\"][^”\"]*[”\"]")
# The reader addressed: second person outside quotation marks, a polite imperative, or a
# cross-reference ("Also see the archival list of ...").
_TO_THE_READER = re.compile(
    r"\b(?:you|your|yours|yourself|yourselves)\b|^\W*(?:please|(?:also\s+)?see)\b",
    re.IGNORECASE,
)
MIN_WORDS, MAX_WORDS = 7, 70
# A year as a sentence names it ("in 1998", "the late 1950s"), not a count ("1,998").
_YEAR = re.compile(r"(?<![\d,.$£€])\b(1[5-9]\d\d|20\d\d)(s?)\b(?![,.]?\d)")


# Asked of every sentence by the grouping's ranking, both engines and the verifier.
@functools.lru_cache(maxsize=1 << 15)
def is_statement(text: str, min_words: int = MIN_WORDS) -> bool:
    """A whole sentence of prose: of a sentence's length, ending as prose does (not cut
    off with an ellipsis, not a question), no site furniture, not a run of capitalised
    words (a menu, a headline glued to a byline)."""
    words = text.split()
    return (
        min_words <= len(words) <= MAX_WORDS
        and _ENDS_LIKE_PROSE.search(text) is not None
        and _CUT_OFF.search(text) is None
        and not text.rstrip("”\"’' ").endswith("?")
        and _BOILERPLATE.search(text) is None
        and sum(w[:1].isupper() for w in words) < 0.6 * len(words)
    )


def cut_off(text: str) -> bool:
    """Whether the text ends in an ellipsis: a snippet or a headline cut short."""
    return _CUT_OFF.search(text.rstrip()) is not None


@functools.lru_cache(maxsize=1 << 15)
def addresses_reader(text: str) -> bool:
    """Whether the sentence speaks to the reader ("you", "Please ..."), outside quotes."""
    return _TO_THE_READER.search(_QUOTED.sub(" ", text.strip())) is not None


def reports(text: str) -> bool:
    """Whether the sentence could report news: a statement about someone or somewhere,
    not addressed to the reader."""
    return is_statement(text) and not addresses_reader(text) and bool(entities(text))


def tells_history(text: str, year: int) -> bool:
    """Whether the sentence dates what it tells before `year` (the story's earliest
    publication year) by more than a year, and names no year since: background."""
    named = [(int(y), decade == "s") for y, decade in _YEAR.findall(text)]
    return bool(named) and all(y + (9 if decade else 0) < year - 1 for y, decade in named)


def is_report(source: Source) -> bool:
    """Whether the source reads as a news report: it has sentences that report news, and
    more of them than sentences speaking to the reader (a paywall or login page, a
    subscription notice, a how-to addressed to "you" is background), and its text is not
    a snippet cut short (a search alert's excerpt of an article we do not have)."""
    reporting, to_reader, snippet = _reading(source)
    return not snippet and reporting > 0 and reporting >= to_reader


def is_notice(source: Source) -> bool:
    """Whether the source is background for a reason its text shows, not for naming no
    one a model-free reader recognises: a snippet cut short, or a page that speaks to the
    reader at least as often as it reports (a paywall, a login page, an app's promotion)."""
    reporting, to_reader, snippet = _reading(source)
    return snippet or (to_reader > 0 and to_reader >= reporting)


def _reading(source: Source) -> tuple[int, int, bool]:
    """The source's sentences that report, those that speak to the reader, and whether
    its text is a snippet cut short."""
    return _read(source.title, tuple(p.text for p in source.passages))


# Grouping, ranking, both engines and the verifier ask of the same sources: read each once.
@functools.lru_cache(maxsize=1 << 14)
def _read(title: str, sentences: tuple[str, ...]) -> tuple[int, int, bool]:
    named = bool(entities(title))
    reporting = sum(_reports_under(named, s) for s in sentences)
    # A feed's "Continue reading..." link after a whole summary cuts nothing short: the
    # last sentence that is no furniture says whether the text was cut (read from the end).
    last = next((s for s in reversed(sentences) if _BOILERPLATE.search(s) is None), None)
    snippet = last is not None and cut_off(last)
    return reporting, sum(addresses_reader(s) for s in sentences), snippet


def ledes(source: Source) -> set[str]:
    """The ids of the sentences where a news report states its main event: its first
    statement, and its first sentence that reports news (the first may leave its actor to
    the headline). Empty for a source that is not a news report."""
    if not is_report(source):
        return set()
    named = bool(entities(source.title))
    statement = next((p.id for p in source.passages if _says(p.text)), None)
    reporting = next((p.id for p in source.passages if _reports_under(named, p.text)), None)
    first = (statement, reporting)
    return {pid for pid in first if pid is not None}


def _says(text: str) -> bool:
    """Whether a sentence is a statement of prose that does not speak to the reader."""
    return is_statement(text) and not addresses_reader(text)


def _reports_under(named: bool, text: str) -> bool:
    """Whether a sentence reports news under a title that names someone (`named`)."""
    # A feed item's one-sentence summary often leaves its actor to the headline ("A
    # suspect confessed to a plot ..." under "Teen planned attack at Swift concert").
    return reports(text) or (named and _says(text))


def background(sources: Sequence[Source]) -> set[str]:
    """The ids of the sources that are not news reports."""
    return {s.id for s in sources if not is_report(s)}
