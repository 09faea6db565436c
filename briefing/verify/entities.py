"""Named entities, approximated without a model: runs of capitalised words and acronyms.

A claim's entity is supported when each of its words appears in the cited passages (case,
accents, possessives and plural s ignored), so "Mayor Ilse Varga" is found in "mayor Ilse
Varga said" and "Harrowgate's lower town" in "the lower town of Harrowgate".
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from briefing.verify.words import STOP_WORDS, Vocabulary, fold, normal, tokens

if TYPE_CHECKING:
    from collections.abc import Sequence

_TOKEN = re.compile(r"[^\W_](?:[\w'\u2019&.-]*[^\W_])?\.?|[.!?:;,\"\u201c\u201d\u00ab\u00bb()]")
_CONNECTORS = frozenset({"of", "de", "del", "da", "van", "von", "der", "la", "le", "al", "bin"})
_SENTENCE_END = frozenset('.!?:;"\u201c\u201d\u00ab\u00bb(')


def entities(text: str) -> list[str]:
    """Capitalised word runs, leading stop words ("The", "But") dropped, in order.

    A lone capitalised word that opens a sentence ("Engineers were ...") is left out: its
    capital says nothing about it being a name. Acronyms ("NATO", "N.M.I.") always count.
    """
    return list(_entities(text))


# One sentence is read for names by grouping, the engine's candidate rules, the synthesis
# checks and the verifier, each more than once: read it once.
@functools.lru_cache(maxsize=1 << 16)
def _entities(text: str) -> tuple[str, ...]:
    found: list[str] = []
    run = _Run()
    for raw in _TOKEN.findall(text):
        if raw in _SENTENCE_END or (raw.endswith((".", "!", "?")) and _ends_sentence(raw)):
            word = raw.rstrip(".!?")
            if word:
                run = _extend(run, word, found)
            run.flush(found)
            run = _Run()
            continue
        if raw == ",":
            run.flush(found)
            run = _Run(initial=False)
            continue
        run = _extend(run, raw, found)
    run.flush(found)
    return tuple(dict.fromkeys(found))


def missing_entities(claim: str, passages: str | Sequence[str]) -> list[str]:
    available = Vocabulary(passages)
    missing: list[str] = []
    for entity in entities(claim):
        words = [normal(w) for w in tokens(entity) if fold(w) not in _CONNECTORS]
        if any(w not in available for w in words):
            missing.append(entity)
    return missing


@dataclass
class _Run:
    words: list[str] = field(default_factory=list)
    initial: bool = True  # the run's first word opens a sentence

    def flush(self, found: list[str]) -> None:
        words = list(self.words)
        while words and fold(words[-1]) in _CONNECTORS:
            words.pop()
        opener = self.initial
        while words and fold(words[0]) in STOP_WORDS:
            words.pop(0)
            opener = False
        if not words:
            return
        lone_opener = opener and len(words) == 1 and not _is_acronym(words[0])
        if not lone_opener:
            found.append(" ".join(words))


def _extend(run: _Run, word: str, found: list[str]) -> _Run:
    if word[:1].isupper():
        return _Run([*run.words, word], run.initial)
    if run.words and fold(word) in _CONNECTORS:
        return _Run([*run.words, word], run.initial)
    run.flush(found)
    return _Run(initial=False)


def _is_acronym(word: str) -> bool:
    letters = word.replace(".", "")
    return len(letters) > 1 and letters.isupper()


def _ends_sentence(raw: str) -> bool:
    # "Dr." and "N.M.I." are abbreviations, not the end of a sentence.
    word = raw.rstrip(".!?")
    return raw.endswith(("!", "?")) or not ("." in word or (len(word) <= 3 and word.istitle()))
