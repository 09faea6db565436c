"""Articles to sources: sentences from a real segmenter, and ids stable across runs.

Ids follow input order (files sorted by path, records and feed items in file order):
`S3` is the third source and `S3.14` its fourteenth sentence, so the same inputs
always give the same ids.
"""

from __future__ import annotations

import calendar
import dataclasses
import hashlib
import itertools
import re
from typing import TYPE_CHECKING

import sentencex

from briefing.ingest.article import normalize_space
from briefing.ingest.files import printable
from briefing.ingest.limits import InputLimits, cli_option
from briefing.models import Passage, SkippedInput, Source
from briefing.progress import counted

if TYPE_CHECKING:
    from briefing.ingest.article import Article


def split_sentences(paragraph: str, language: str = "en") -> list[str]:
    pieces = [s for s in (normalize_space(x) for x in sentencex.segment(language, paragraph)) if s]
    if language == "en":
        pieces = [part for piece in pieces for part in _run_ons(piece)]
    sentences: list[str] = []
    for piece in pieces:
        if sentences and _continues(sentences[-1], piece):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return sentences


def _continues(previous: str, piece: str) -> bool:
    """The segmenter broke after an abbreviation it does not know ("approx. 3.2 metres").
    A sentence does not start in lower case, nor with a number right after "approx."."""
    first = piece[0]
    if first.islower():
        return True
    last_word = previous.rsplit(" ", 1)[-1]
    return first.isdigit() and _ABBREVIATION.fullmatch(last_word) is not None


_ABBREVIATION = re.compile(r"[a-z]{1,7}\.")
# A sentence whose full stop the source left out ("... near the school compounds The
# strikes were ..."): English capitalises an article or pronoun after a lower-case word
# only in a name or title, and there the next word is capitalised too ("told The
# Associated Press", "starred in The Crown").
# ("Series A funding" is a name: the word before is capitalised.)
_RUN_ON = re.compile(
    r"(?<![\w'’-])[a-z][\w'’-]*[a-z] "
    r"(?=(?:The|A|An|This|These|Those|It|He|She|They|We|His|Her|Their|Its) [a-z])"
)


# A heading or breadcrumb glued to the sentence after it ("Home > Strategic Program >
# Initiative for Regional Infrastructure The challenges of ..."): title case (every word
# capitalised but the small words a title leaves lower case, dates and numbers aside),
# then a capitalised article or pronoun before a lower-case word. A title-case run before
# "A" or "An" is often a name ("Series A funding"), and one ending in a dash or colon is a
# dateline ("OSLO, Norway - The first ..."): neither is cut.
_AFTER_HEADING = re.compile(
    r"(?<=[\w'’)]) (?=(?:The|This|These|Those|It|He|She|They|We|His|Her|Their|Its) [a-z])"
)
_TITLE_SMALL_WORDS = frozenset(
    "a an the and but or nor for so yet as at by in of off on per to up via from into onto "
    "over with".split()
)
_MONTHS = frozenset(m.lower() for m in (*calendar.month_name, *calendar.month_abbr) if m)


def _is_heading(text: str) -> bool:
    capitalised = 0
    for word in text.split():
        core = word.strip("\"'“”‘’()[],;")
        if not any(ch.isalpha() for ch in core) or core.lower() in _MONTHS:
            continue
        if core[0].isupper():
            capitalised += 1
        elif core not in _TITLE_SMALL_WORDS:
            return False
    return capitalised >= 2 and not text.rstrip().endswith(("-", "–", "—", ":"))


def _run_ons(piece: str) -> list[str]:
    """`piece` split where a sentence ran on into the next without a full stop, or where
    a heading runs into the sentence after it."""
    ends = [m.end() for m in _RUN_ON.finditer(piece)]
    for match in _AFTER_HEADING.finditer(piece):
        start = max((end for end in ends if end <= match.start()), default=0)
        if _is_heading(piece[start : match.start()]):
            ends.append(match.end())
    ends.sort()
    bounds = [0, *ends, len(piece)]
    return [piece[a:b].strip() for a, b in itertools.pairwise(bounds) if piece[a:b].strip()]


def build_sources(
    articles: list[Article], limits: InputLimits | None = None
) -> tuple[list[Source], list[SkippedInput]]:
    limits = limits or InputLimits()
    sources: list[Source] = []
    skipped: list[SkippedInput] = []
    seen: dict[str, Source] = {}
    for given in counted("splitting sentences", articles):
        article = _clean(given)
        title = _cut(article.title, limits.max_title_chars)
        if title != article.title:
            skipped.append(_title_note(article, limits.max_title_chars))
            article = dataclasses.replace(article, title=title)
        paragraphs = _body(article)
        if not paragraphs:
            skipped.append(SkippedInput(path=article.origin, reason="no text beyond the title"))
            continue
        fingerprint = hashlib.sha256("\n".join(paragraphs).lower().encode()).hexdigest()
        if fingerprint in seen:
            first = seen[fingerprint]
            reason = f"same text as {first.id} ({first.origin}); left out as a duplicate"
            skipped.append(SkippedInput(path=article.origin, reason=reason, routine=True))
            continue
        source_id = f"S{len(sources) + 1}"
        passages = [
            Passage(id=f"{source_id}.{n}", text=sentence, paragraph=paragraph_no)
            for n, (paragraph_no, sentence) in enumerate(_sentences(paragraphs), start=1)
        ]
        source = Source(
            id=source_id,
            title=article.title,
            outlet=article.outlet,
            url=article.url,
            published=article.published,
            origin=article.origin,
            passages=passages,
        )
        seen[fingerprint] = source
        sources.append(source)
    return sources, skipped


# Lone surrogates (from JSON escapes or undecodable file names) cannot be written as UTF-8,
# and control characters have no place in a brief: both become U+FFFD. Tabs and line
# breaks are white space, which the readers already normalise.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _clean(article: Article) -> Article:
    def clean(text: str) -> str:
        return _UNWRITABLE.sub("\ufffd", text)

    return dataclasses.replace(
        article,
        title=clean(article.title),
        text=clean(article.text),
        url=article.url and clean(article.url),
        outlet=article.outlet and clean(article.outlet),
        published=article.published and clean(article.published),
        origin=printable(article.origin),
    )


def _cut(title: str, limit: int) -> str:
    """`title` cut to `limit` characters at a word boundary, with an ellipsis."""
    if len(title) <= limit:
        return title
    cut = title[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "\u2026"


def _title_note(article: Article, limit: int) -> SkippedInput:
    return SkippedInput(
        path=f"{article.origin} (title after {limit} characters)",
        reason=(
            f"the title has {len(article.title):,} characters, over the limit of {limit}, and "
            f"was cut there; shorten it, or raise the limit ({cli_option('max_title_chars')})"
        ),
    )


def _body(article: Article) -> list[str]:
    paragraphs = article.paragraphs()
    # Pages and feeds often repeat the headline as their first line.
    if paragraphs and paragraphs[0].casefold() == article.title.casefold():
        paragraphs = paragraphs[1:]
    return paragraphs


def _sentences(paragraphs: list[str]) -> list[tuple[int, str]]:
    return [
        (number, sentence)
        for number, paragraph in enumerate(paragraphs, start=1)
        for sentence in split_sentences(paragraph)
    ]
