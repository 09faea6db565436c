"""Direct quotes and their speakers, found in paragraphs (a quote may span sentences)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefing.engines.extractive.cues import SAY_VERBS, subject_before

if TYPE_CHECKING:
    from briefing.models import Passage

_QUOTE = re.compile(r"“([^”“]{12,700})”|\"([^\"]{12,700})\"")
_SAID_AFTER = re.compile(
    rf"^[\s,]*(?:{SAY_VERBS})\s+((?:the\s+)?(?:[A-Z][\w'’.-]*\s?){{1,5}})|^[\s,]*((?:[A-Z][\w'’.-]*\s?){{1,5}})\s+(?:{SAY_VERBS})\b"
)
_PRONOUN_SAID = re.compile(
    rf"^[\s,]*(?:he|she|they)\s+(?:{SAY_VERBS})\b|^[\s,]*(?:{SAY_VERBS})\s+(?:he|she)\b",
    re.IGNORECASE,
)
_SAID_BEFORE = re.compile(rf"\b(?:{SAY_VERBS}|saying|stating|adding)\b[^“\"]{{0,30}}$")
_NAME = re.compile(r"\b(?:[A-Z][\w'’.-]+\s){1,4}[A-Z][\w'’-]+")
_PRONOUN = re.compile(r"\b(?:he|she)\b")
MIN_WORDS = 6
_LOOK_BACK = 5000  # characters before a quote searched for its speaker's name
_NOT_NAMES = frozenset(
    "The A An In On At By For From To Of His Her Their Its Our My This That These Those But And "
    "When After Before While As If Yet So Then Now Today Yesterday Speaking According".split()
)


@dataclass(frozen=True)
class FoundQuote:
    text: str
    passage_ids: list[str]
    speaker: str | None


def find_quotes(passages: list[Passage]) -> list[FoundQuote]:
    """Passages of one source, in order. Returns quotes with the passages they span."""
    found: list[FoundQuote] = []
    paragraphs: dict[int, list[Passage]] = {}
    for passage in passages:
        paragraphs.setdefault(passage.paragraph, []).append(passage)
    last_name: str | None = None
    for members in paragraphs.values():
        text, offsets = _join(members)
        starts = [a for a, _ in offsets]
        ids = {p.id for p in members}
        for match in _QUOTE.finditer(text):
            words = (match.group(1) or match.group(2)).strip().rstrip(",")
            if len(words.split()) < MIN_WORDS:
                continue
            # Sentences by where they start (a bisection, not a pass over the paragraph: a
            # paragraph of thousands of sentences stays linear).
            first = bisect.bisect_right(starts, match.start()) - 1
            last = bisect.bisect_left(starts, match.end())
            spanned = [
                p.id
                for p, (_, b) in zip(members[first:last], offsets[first:last], strict=True)
                if b > match.start()
            ]
            sentence_start = starts[first]
            earlier = starts[max(0, bisect.bisect_left(starts, match.start() - _LOOK_BACK) - 1)]
            speaker = _speaker(
                text, sentence_start, match.start(), match.end(), last_name, earlier=earlier
            )
            if speaker is None and found and found[-1].passage_ids[0] in ids:
                speaker = found[-1].speaker  # a second quote in the same paragraph
            found.append(FoundQuote(words, spanned, speaker))
        names = _names(_QUOTE.sub(" ", text))
        if names:
            last_name = names[0]
    return found


def _join(members: list[Passage]) -> tuple[str, list[tuple[int, int]]]:
    offsets: list[tuple[int, int]] = []
    position = 0
    for passage in members:
        offsets.append((position, position + len(passage.text)))
        position += len(passage.text) + 1
    return " ".join(p.text for p in members), offsets


def _speaker(  # noqa: PLR0913 - positions in one text
    text: str, sentence_start: int, start: int, end: int, last_name: str | None, *, earlier: int
) -> str | None:
    """The quote's speaker; `earlier` is where to start looking back for a name (the start
    of a sentence a few thousand characters back)."""
    after = text[end : end + 120]
    said = _SAID_AFTER.match(after)
    if said:
        name = (said.group(1) or said.group(2)).split(",")[0]
        return name.strip(" .") or None
    before = text[sentence_start:start]
    if _PRONOUN_SAID.match(after) or (_SAID_BEFORE.search(before) and _PRONOUN.search(before)):
        return _name_before(text[earlier:start]) or last_name
    if _SAID_BEFORE.search(before):
        verb = _SAID_BEFORE.search(before)
        assert verb is not None  # noqa: S101 - checked on the line above
        subject = subject_before(before, verb.start())
        if subject:
            return subject
        names = _names(before)
        return names[0] if names else None
    return None


def _name_before(text: str) -> str | None:
    names = _names(_QUOTE.sub(" ", text))
    return names[-1] if names else None


def _names(text: str) -> list[str]:
    """Runs of capitalised words that can name a person or body ('Her Nobel' cannot)."""
    found = []
    for run in _NAME.findall(text):
        words = run.split()
        while words and words[0] in _NOT_NAMES:
            words.pop(0)
        if len(words) >= 2:
            found.append(" ".join(words))
    return found
