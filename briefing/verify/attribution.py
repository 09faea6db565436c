"""Who a text credits words to: the names beside its speech verbs ("said Huff", "Sears
Chairman Alan Lacy said", "according to the agency"), and whether a name is one of them.

Pure text work for the verifier's checks of what a brief puts together (synthesis.py):
a quote's speaker must be one of them; a figure's context stops at them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from briefing.verify.words import STOP_WORDS, fold, normal, tokens

if TYPE_CHECKING:
    from collections.abc import Iterable

# Verbs and phrases that credit words to someone. Lower case only: "States" in "the United
# States" is no verb.
SPEECH = re.compile(
    r"\b(?:said(?! to\b)|says|say|told|tells|added|adds|adding|stated|stating|saying|announced|"
    r"announces|confirmed|confirms|explained|explains|noted|notes|insisted|insists|warned|"
    r"warns|wrote|writes|argued|argues|asked|replied|responded|declared|declares|claimed|"
    r"acknowledged|admitted|conceded|concedes|stressed|reiterated|emphasi[sz]ed|"
    r"critici[sz]ed|urged|recalled|predicted|promised|vowed|pledged|commented|remarked|"
    r"testified|tweeted|indicated|reported|suggested|continued|[Aa]ccording to)\b"
)
_QUOTED = re.compile(r"“[^”]*”?|\"[^\"]*\"?|«[^»]*»?")
_AUXILIARIES = frozenset(
    """has have had is was were will would also later earlier then further previously again
    publicly separately officially has been recently once""".split()
)
# Words that give a speaker's role, not who they are: "Mayor Ilse Varga" is named by
# "Varga"; a speaker given only by a role ("the spokeswoman") is matched by the role.
_ROLES = frozenset(
    normal(w)
    for w in """mr mrs ms miss dr prof professor sir dame lord lady gen general col colonel lt
    lieutenant capt captain maj major sgt adm admiral president vice prime minister secretary
    chairman chairwoman chair ceo cfo coo director senator sen rep representative governor
    gov mayor chief spokesman spokeswoman spokesperson judge justice rev king queen prince
    princess pope deputy head former corp corporation inc ltd co company plc llc group
    holding holdings""".split()
)
# Abbreviations whose dot does not end a sentence: "Lt. Col. Robert Atkins said".
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen col lt capt maj sgt adm rev st sen rep gov jr sr inc corp co ltd
    no mt ft calif mich ariz fla ill mass penn wash jan feb mar apr aug sep sept oct nov
    dec""".split()
)
_REACH = 200  # characters either side of a speech verb read for the speaker's name
_PLACE_OR_TIME = re.compile(r"\d|\b(?:by|to|from|in|on|at|with|for|of|over|about)\b")
_TOKENS = re.compile(r"[^\s,;:()\"“”«»\x00—–!?]+|[,;:()\"“”«»\x00—–!?]")


def masked(text: str) -> str:
    """`text` with every quoted stretch replaced, character for character, by \\x00: words
    inside a quote never name its speaker ("The Nobel Committee has challenged ..." was not
    said by the committee)."""
    return _QUOTED.sub(lambda m: "\x00" * len(m.group()), text)


def _ends_sentence(word: str) -> bool:
    if not word.endswith("."):
        return False
    bare = word.rstrip(".")
    return not (fold(bare) in _ABBREVIATIONS or len(bare) == 1 or "." in bare)


def _clause(words: Iterable[str], *, backwards: bool = False) -> list[str]:
    """The words of a clause, read from one end, up to punctuation or a sentence's end
    (abbreviations such as "Lt." and "U.S." do not end it); at most eight."""
    found: list[str] = []
    for word in words:
        if not word[0].isalnum():
            break
        if backwards and _ends_sentence(word):
            break  # the end of the sentence before
        found.append(word.rstrip(".") if _ends_sentence(word) else word)
        if len(found) == 8 or (not backwards and _ends_sentence(word)):
            break
    return found[::-1] if backwards else found


def _phrase_after(text: str, end: int) -> str | None:
    words = _clause(_TOKENS.findall(text[end : end + _REACH]))
    if not words or not (words[0][:1].isupper() or fold(words[0]) in {"the", "a", "an"}):
        return None  # "said at a news conference", "said it would"
    return " ".join(words)


def _phrase_before(text: str, start: int) -> str | None:
    words = text[max(0, start - _REACH) : start].split()
    while words and fold(words[-1]) in _AUXILIARIES:
        words.pop()
    before = " ".join(words)
    if before.endswith(","):  # "Dr. Anna Kell, a hydrologist at the agency, told ..."
        head, _, appositive = before[:-1].rpartition(",")
        opening, last = appositive.split()[:1], head.split()[-1:]
        if opening and last and opening[0][:1].islower() and last[0][:1].isupper():
            before = head
    phrase = _clause(reversed(_TOKENS.findall(before)), backwards=True)
    # A name stands right before its verb: "the draft signed by the 10 presidents says"
    # names no speaker in "by the 10 presidents".
    while phrase and _PLACE_OR_TIME.search(" ".join(phrase)):
        phrase = phrase[1:]
    return " ".join(phrase) or None


def attributions(text: str) -> list[str]:
    """Who `text` credits words to, each as it stands beside a speech verb: "said Huff",
    "Sears Chairman Alan Lacy said", "according to the agency", "she said". Quoted words
    should be masked out first (see `masked`)."""
    found: list[str] = []
    for cue in SPEECH.finditer(text):
        after = _phrase_after(text, cue.end())
        # "according to X" names X only; "..., saying" has its speaker in the main clause.
        verb = fold(cue.group())
        ahead = verb.startswith("according") or verb.endswith("ing")
        before = None if ahead else _phrase_before(text, cue.start())
        found += [p for p in (before, after) if p]
    return found


def key_words(name: str) -> list[str]:
    """The words that tell who a name is: "Mayor Ilse Varga" -> ilse, varga; a role alone
    ("the spokeswoman") is its own key."""
    words = [normal(w) for w in tokens(name) if fold(w) not in STOP_WORDS]
    return [w for w in words if w not in _ROLES] or words


def names_match(speaker: str, phrase: str) -> bool:
    """Whether `phrase` names `speaker`: by surname ("Mr. Lampert", "Kmart chairman Edward
    Lampert"), by all its words, or by initials ("UN", "United Nations")."""
    key = key_words(speaker)
    if not key:
        return False
    have = {normal(w) for w in tokens(phrase)}
    named = [w for w in tokens(phrase) if w[:1].isupper()]
    return key[-1] in have or all(w in have for w in key) or spelled_out(tokens(speaker), named)


def is_pronoun(phrase: str) -> bool:
    """Whether a phrase names no one: "she", "they", "it"."""
    return all(fold(w) in STOP_WORDS for w in tokens(phrase))


def spelled_out(a: Iterable[str], b: Iterable[str]) -> bool:
    """Whether an acronym among words `a` (or `b`) is the initials of a run of the other."""
    for short, long in ((list(a), list(b)), (list(b), list(a))):
        initials = "".join(w[0] for w in long).upper()
        acronyms = (w.replace(".", "") for w in short)
        if any(_is_acronym(letters) and letters in initials for letters in acronyms):
            return True
    return False


def _is_acronym(letters: str) -> bool:
    return 1 < len(letters) <= 6 and letters.isalpha() and letters.isupper()
