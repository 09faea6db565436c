"""Named entities, approximated without a model: runs of capitalised words and acronyms.

A claim's entity is supported when each of its words appears in the cited passages (case,
accents, possessives and plural s ignored), so "Mayor Ilse Varga" is found in "mayor Ilse
Varga said" and "Harrowgate's lower town" in "the lower town of Harrowgate".
"""

from __future__ import annotations

import re

from briefing.verify.words import STOP_WORDS, fold, normal, tokens, word_set

_TOKEN = re.compile(r"[^\W_](?:[\w'\u2019&.-]*[^\W_])?\.?|[.!?:;,\"\u201c\u201d\u00ab\u00bb()]")
_CONNECTORS = frozenset({"of", "de", "del", "da", "van", "von", "der", "la", "le", "al", "bin"})
_SENTENCE_END = frozenset('.!?:;"\u201c\u201d\u00ab\u00bb(')


def entities(text: str) -> list[str]:
    """Capitalised word runs, leading stop words ("The", "But") dropped, in order."""
    found: list[str] = []
    run: list[str] = []
    sentence_start = True
    for raw in _TOKEN.findall(text):
        if raw in _SENTENCE_END or (raw.endswith((".", "!", "?")) and _ends_sentence(raw)):
            word = raw.rstrip(".!?")
            if word:
                run, sentence_start = _extend(run, word, sentence_start, found)
            _flush(run, found)
            run, sentence_start = [], True
            continue
        if raw == ",":
            _flush(run, found)
            run = []
            continue
        run, sentence_start = _extend(run, raw, sentence_start, found)
    _flush(run, found)
    return list(dict.fromkeys(found))


def missing_entities(claim: str, passages: str) -> list[str]:
    available = word_set(passages)
    missing: list[str] = []
    for entity in entities(claim):
        words = [normal(w) for w in tokens(entity) if fold(w) not in _CONNECTORS]
        if any(w not in available for w in words):
            missing.append(entity)
    return missing


def _extend(
    run: list[str], word: str, sentence_start: bool, found: list[str]
) -> tuple[list[str], bool]:
    capitalised = word[:1].isupper()
    if capitalised and not (sentence_start and not run and fold(word) in STOP_WORDS):
        return [*run, word], False
    if run and fold(word) in _CONNECTORS:
        return [*run, word], False
    _flush(run, found)
    return [], False


def _flush(run: list[str], found: list[str]) -> None:
    while run and fold(run[-1]) in _CONNECTORS:
        run.pop()
    while run and fold(run[0]) in STOP_WORDS:
        run.pop(0)
    if run:
        found.append(" ".join(run))


def _ends_sentence(raw: str) -> bool:
    # "Dr." and "N.M.I." are abbreviations, not the end of a sentence.
    word = raw.rstrip(".!?")
    return raw.endswith(("!", "?")) or not ("." in word or (len(word) <= 3 and word.istitle()))
