"""Direct quotes and their speakers, found in paragraphs (a quote may span sentences).

A speaker comes only from the attribution next to the quote: in its own sentence ('...,"
said analyst John Smith', 'Smith said: "..."'), or, for a quote that continues or says
"he said", from the quote or the sentence just before it in the same paragraph. A name
found anywhere else in the text (the last organisation mentioned, a name paragraphs
back) is never a speaker: a quote nobody is named for next to it gets none.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefing.engines.extractive.cues import SAY_VERBS, attribution

if TYPE_CHECKING:
    from briefing.models import Passage

# Straight quotes must hug their words: in '..." U2 frontman ... "And Tonight"' the
# first mark closes a quote and the second opens one, whatever pairing the text suggests.
_QUOTE = re.compile(
    r"“([^”“]{12,700})”"
    r"|\"(?=\S)([^\"]{12,700})(?:(?<=\S)|(?<=[',’.!?] ))\""
)
_VERBS = rf"{SAY_VERBS}|argued|argues|proclaimed|declared|asked|urged|writes|write|tells"
_PARTICIPLES = "saying|stating|adding|noting|telling|declaring|insisting|arguing"
_SAY = re.compile(rf"\b(?:{_VERBS}|{_PARTICIPLES})\b")
# Names may hold full stops ("Lt. Col. Planeaux"): these read one sentence only.
_SAID_AFTER = re.compile(rf"^[\s,]*(?:{_VERBS})\s+([^,;:!?()\"“”]+)")
_AFTER_SAID = re.compile(rf"^[\s,]*([^,;:!?()\"“”]{{1,80}}?)\s+(?:{_VERBS})\b")
_HE_SHE = re.compile(r"^(?:he|she)$", re.IGNORECASE)
_PRONOUNS = frozenset(
    "he she they we i you it this that who which his her their its our my".split()
)
# Words that end a speaker's phrase: "said Prof Maathai in her acceptance speech".
_PHRASE_END = re.compile(
    r"\s+(?:in|at|on|during|after|before|to|from|with|as|when|while|about|for|because|"
    r"and|but|that|who|which|whose|earlier|yesterday|today|by)\b.*$"
)
_DETERMINERS = frozenset("the a an one another".split())
_FINITE = frozenset("is are was were has have had will would can could should did does".split())
_PARTICLES = r"(?:de|da|del|dos|du|van|von|bin|al|la|le)"
_NAME = re.compile(rf"[A-Z][\w'’.-]*(?:\s+(?:{_PARTICLES}\s+)?[A-Z][\w'’.-]*)*")
# A sentence's opening phrase ("In a statement,", "Speaking on Tuesday,") and conjunction
# ("But", "As") come before its subject.
_OPENING = re.compile(
    r"^(?:In|On|At|After|Before|During|Speaking|Earlier|Later|Today|Yesterday|Meanwhile|"
    r"Separately|However|Asked|Since|Upon|Under|With|For|Following|Despite|Introducing|"
    r"Addressing|Announcing|Responding|Writing)\b[^,]{0,80},\s+"
)
_TITLES = (
    r"chairman|chairwoman|chief|president|minister|secretary|spokesman|spokeswoman|"
    r"spokesperson|consultant|analyst|director|professor|leader|executive|official|"
    r"commander|general|governor|mayor|senator|ambassador|head|founder|economist|lawyer|"
    r"activist|researcher|scientist|expert|correspondent|envoy|deputy|vice|master|"
    r"engineer|officer|manager|inspector|captain|coach|editor|owner|teacher|doctor|judge|"
    r"prosecutor|superintendent|chancellor|premier|chair|commissioner|pilot"
)
_TITLED_NAME = re.compile(
    rf"[A-Z][\w’.-]*(?:\s+(?:(?:{_PARTICLES}|{_TITLES})\s+)*[A-Z][\w’.-]*)*(?!['’]s)"
)
_VERB_NEXT = re.compile(
    rf"\s+(?:(?:also|has|had|is|was|will|would|then|later|now)\s+)?(?:{_VERBS}|[a-z]+ed)\b"
)
_LEADING = re.compile(r"^(?:And|But|As|So|Yet|While|When|Though|Although|Then)\s+")
_ASIDES = re.compile(r"\s*\([^()]*\)")  # "Lee Hamilton (D-Ind.), president of ..."
# A short sentence that only says who said the quote before it: "Lampert said Thursday."
_ATTRIBUTION_ONLY = re.compile(
    rf"^((?:[\w'’.-]+\s+){{0,6}}?[\w'’.-]+)\s+(?:{_VERBS})(?:\s+[A-Za-z]+){{0,2}}\.?$"
)
# Bodies, not people: never "he" or "she".
_BODIES = re.compile(
    r"\b(?:Inc|Corp|Co|Ltd|Committee|Ministry|Department|Agency|Movement|Group|Party|Council|"
    r"Commission|Association|Office|Police|Army|Forces?|Government|University|Bank|"
    r"Institute|Centre|Center|Fund|Union|Parliament|Court|Community|Prize|Press|Market|"
    r"Trust|Foundation|Society|Organi[sz]ation|Federation|League|Alliance|Network|"
    r"Authority|Board|Service|Services|Company|Club|Museum|Hospital|School|Church)\b"
)
MIN_WORDS = 6


@dataclass(frozen=True)
class FoundQuote:
    text: str
    passage_ids: list[str]
    speaker: str | None


@dataclass(frozen=True)
class _Said:
    """A quote already read in the paragraph, for the quotes that continue it."""

    speaker: str | None
    sentence: int  # index of the sentence it ends in


def find_quotes(passages: list[Passage]) -> list[FoundQuote]:
    """Passages of one source, in order. Returns quotes with the passages they span."""
    found: list[FoundQuote] = []
    paragraphs: dict[int, list[int]] = {}  # paragraph -> indexes of its passages
    for i, passage in enumerate(passages):
        paragraphs.setdefault(passage.paragraph, []).append(i)
    previous: _Said | None = None
    for indexes in paragraphs.values():
        members = [passages[i] for i in indexes]
        text, offsets = _join(members)
        starts = [a for a, _ in offsets]
        for match in _QUOTE.finditer(text):
            words = (match.group(1) or match.group(2)).strip().rstrip(",")
            # Sentences by where they start (a bisection, not a pass over the paragraph: a
            # paragraph of thousands of sentences stays linear).
            first = bisect.bisect_right(starts, match.start()) - 1
            last = max(first, bisect.bisect_left(starts, match.end()) - 1)
            where = _Where(text, offsets, first, last, match, passages, indexes[first])
            speaker, said_in = _speaker(where, previous)
            previous = _Said(speaker, indexes[last] + said_in)
            if len(words.split()) < MIN_WORDS:
                continue
            spanned = [p.id for p in members[first : last + 1]]
            found.append(FoundQuote(words, spanned, speaker))
    return found


def _join(members: list[Passage]) -> tuple[str, list[tuple[int, int]]]:
    offsets: list[tuple[int, int]] = []
    position = 0
    for passage in members:
        offsets.append((position, position + len(passage.text)))
        position += len(passage.text) + 1
    return " ".join(p.text for p in members), offsets


@dataclass(frozen=True)
class _Where:
    """A quote in its paragraph: the paragraph's text, its sentences' (start, end), the
    sentences the quote starts and ends in, the match; and the source's passages with the
    index of the quote's first sentence among them."""

    text: str
    offsets: list[tuple[int, int]]
    first: int
    last: int
    match: re.Match[str]
    passages: list[Passage]
    index: int

    def before(self) -> str:
        """Its sentence up to the quote, earlier quotes blanked out."""
        start = self.offsets[self.first][0]
        return _QUOTE.sub(lambda m: " " * len(m.group(0)), self.text[start : self.match.start()])

    def after(self) -> str:
        """Its sentence after the quote."""
        return self.text[self.match.end() : self.offsets[self.last][1]]

    def sentence_after(self) -> str | None:
        """The next sentence, if it is in the same paragraph."""
        if self.last + 1 >= len(self.offsets):
            return None
        start, end = self.offsets[self.last + 1]
        return self.text[start:end]

    def sentence_before(self) -> str | None:
        """The sentence just before the quote's, in this paragraph or the one before."""
        return self.passages[self.index - 1].text if self.index > 0 else None


def _speaker(where: _Where, previous: _Said | None) -> tuple[str | None, int]:
    """Who the quote's own sentence says said it, else, for a quote that is a sentence of
    its own, who the sentences around it say did. Also how many sentences after the
    quote's last one the attribution came (0 or 1)."""
    credited, speaker = _in_own_sentence(where, previous)
    if credited:
        return speaker, 0
    if where.after().strip(" ,.;:!?") or where.before().strip(" ,:;—–-"):
        return None, 0  # a quote inside a sentence that names nobody who said it
    return _around(where, previous)


def _in_own_sentence(where: _Where, previous: _Said | None) -> tuple[bool, str | None]:
    """(whether the quote's sentence has a verb of saying for it, who it names): '...,"
    said X', '..." X said', 'X said: "...', 'X confirmed it, stating "...'."""
    after = where.after()
    said = _SAID_AFTER.match(after) or _AFTER_SAID.match(after)
    if said:
        if _HE_SHE.match(said.group(1).strip()):
            return True, _resolve(where, previous)
        return True, _speaker_phrase(said.group(1))
    before = where.before()
    verbs = list(_SAY.finditer(before))
    if not verbs:
        return False, None
    verb = verbs[-1]
    if not re.fullmatch(_PARTICIPLES, verb.group()):
        return True, _subject(before[: verb.start()], where, previous, verb_follows=True)
    # "X confirmed the incident, stating, '...'": the sentence's subject said it, or
    # whoever said the quote before it in the sentence ('..., Barnard said, adding, "...').
    if previous and previous.sentence == where.index:
        return True, previous.speaker
    return True, _subject(before, where, previous)


def _around(where: _Where, previous: _Said | None) -> tuple[str | None, int]:
    """A quote that is a sentence of its own: the short sentence right after it that only
    says who said it ('Lampert said Thursday.'), else the speaker of the quote it goes on
    from, else who the sentence before credits ('Amorim stated that ...')."""
    credited = _ATTRIBUTION_ONLY.match(where.sentence_after() or "")
    if credited and _speaker_phrase(credited.group(1)):
        return _speaker_phrase(credited.group(1)), 1
    if previous and previous.sentence >= where.index - 1:
        return previous.speaker, 0
    sentence = where.sentence_before()
    if sentence is None:
        return None, 0
    return _speaker_phrase(attribution(_QUOTE.sub(" ", sentence)) or ""), 0


def _subject(
    before: str, where: _Where, previous: _Said | None, *, verb_follows: bool = False
) -> str | None:
    """The speaker named before a verb of saying: right before it ('Smith said'), or as
    the sentence's subject ('Smith, head of X, said', 'Smith confirmed the incident,
    stating'); a 'he' or 'she' there is resolved from just before."""
    text = _ASIDES.sub("", before).rstrip()
    if verb_follows:
        last = text.split()[-1:]
        if last and _HE_SHE.match(last[0]):
            return _resolve(where, previous)
        # "Darrell Rigby, head of the retail practice at Bain & Company, said": the name
        # before the aside.
        head = text.removesuffix(",")
        clause = head.rsplit(",", 1)[-1] if not text.endswith(",") else head.rsplit(",", 2)[-2:][0]
        clause = re.split(r"[;:—–]|\bthat\b", clause)[-1].strip()
        phrase = _speaker_phrase(clause)
        if phrase:
            return phrase
    name = _lead(text)
    if name is not None and _HE_SHE.match(name):
        return _resolve(where, previous)
    return _speaker_phrase(name) if name else None


def _lead(sentence: str) -> str | None:
    """The name a sentence opens with, after an opening phrase ('In a statement, ...')
    and a conjunction ('Industry consultant George Whalin went ...' -> the consultant);
    'he' or 'she' when it opens with one of those. One capitalised word counts only when
    a verb follows it ('Lacy said'), as a sentence may open with any noun ('Creation of
    the bloc ...')."""
    rest = _LEADING.sub("", _OPENING.sub("", sentence.strip()))
    first = rest.split(maxsplit=1)[0] if rest.split() else ""
    if _HE_SHE.match(first):
        return first
    name = _TITLED_NAME.match(rest)
    if not name:
        return None
    words = name.group(0).split()
    if len(words) == 1 and not _VERB_NEXT.match(rest, name.end()):
        return None
    return name.group(0)


def _resolve(where: _Where, previous: _Said | None) -> str | None:
    """'he said': the person the quote's own sentence opens with, else the speaker of a
    quote in the sentence before (or two before, past a 'He explained ...'), else the
    person the sentence before names as its speaker or subject; never anyone further."""
    own = _lead(where.before())
    if own and not _HE_SHE.match(own):
        return _person(own)
    sentence = where.sentence_before()
    masked = _QUOTE.sub(" ", sentence or "")
    reach = 2 if _HE_SHE.match(_lead(masked) or "") else 1
    if previous and previous.sentence >= where.index - reach and previous.speaker:
        return previous.speaker
    for candidate in (attribution(masked), _lead(masked)):
        person = _person(candidate or "")
        if person:
            return person
    return None


def _person(candidate: str) -> str | None:
    """A speaker phrase that can be 'he' or 'she': not a committee, ministry or firm, nor
    'the Pentagon' (a name after "the" is a body's; "the senior official" is a person)."""
    phrase = _speaker_phrase(candidate)
    if not phrase or _HE_SHE.match(phrase):
        return None
    words = phrase.split()
    if _BODIES.search(words[-1]) or (words[0] in {"the", "a", "an"} and words[-1][0].isupper()):
        return None
    return phrase


def _speaker_phrase(phrase: str) -> str | None:
    """A phrase that can name who spoke: 'Kmart chairman Edward Lampert', 'the Chilean
    analyst', 'one agency official'; not a clause, a pronoun, or a place and date."""
    phrase = _LEADING.sub("", _PHRASE_END.sub("", phrase.strip(" ,.;:")).strip())
    words = phrase.split()
    if not words or len(words) > 8 or words[0].lower() in _PRONOUNS:
        return None
    if any(w in _FINITE or any(c.isdigit() for c in w) for w in words):
        return None
    determiner = words[0].lower() in _DETERMINERS
    # "analyst John Smith", "harbour master Ines Vogt": a lower-case title before a name.
    titled = words[-1][0].isupper() and len(words) > 1
    if not (words[0][0].isupper() or determiner or titled) or (determiner and len(words) < 2):
        return None
    if determiner:  # shown after the quote: "— the committee chair"
        return " ".join([words[0].lower(), *words[1:]])
    return phrase
