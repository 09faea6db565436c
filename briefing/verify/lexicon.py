"""The small word lists the meaning checks (meaning.py) read: negation, hedges, qualifiers on
numbers and verbs, direction words with their opposites, currencies and units.

Why a hand list: the library that would fit (WordNet's antonyms, a dependency parser's
negation and modality labels) needs data that is not installable from PyPI (NLTK's WordNet
corpus, spaCy's English models), and the checks must work offline on a bare install. These
are closed classes of English: the negators, the modal and evidential hedges and the number
qualifiers are a grammar's short lists, not a vocabulary; the opposites are limited to verbs
and adjectives of direction and outcome, where news copy flips meaning with one word. Words
are written as lemmas; `lemma` maps their inflections (snowball stems, irregular forms).
"""

from __future__ import annotations

import functools
import re

from briefing.verify.words import stem

# Negation: the particles and pronouns of sentential negation, and "n't" (read in `negates`).
NEGATORS = frozenset(
    "not no never none nobody nothing neither nor nowhere without cannot non".split()
)
# Verbs that carry their own negation: "declined to say" is "did not say".
IMPLICIT_NEGATIONS = frozenset("decline refuse fail deny lack avoid neglect cease abandon".split())
# Modals that hedge, unless negated ("could not be reached" is no hedge).
MODALS = frozenset("may might could".split())
# Morphological negation: prefix + a word, "unlikely", "disapprove", "illegal". Read only
# where the alignment pairs the two words, or (for un-) where the rest is a common word.
NEGATING_PREFIXES = ("un", "non", "dis", "in", "im", "il", "ir")

# Modal and evidential hedges: the passage says it may be so, or that someone says it is.
HEDGES = frozenset(
    """likely unlikely may might could possibly probably perhaps reportedly allegedly
    apparently seemingly supposedly purportedly expected expects expect expecting suspected
    believed thought rumoured rumored unconfirmed appears appeared seems seemed potential
    potentially possible alleged presumed probable planned plans considering mulling""".split()
)

# Qualifiers on a number or a verb, by what they say; two wordings of one class are one
# meaning ("about" = "around"), two classes are two ("nearly 3,500" is not "3,500").
QUALIFIERS = {
    "approximately": "about",
    "approx": "about",
    "about": "about",
    "around": "about",
    "roughly": "about",
    "some": "about",
    "estimated": "about",
    "almost": "almost",
    "nearly": "almost",
    "close to": "almost",
    "just under": "almost",
    "up to": "at most",
    "at most": "at most",
    "no more than": "at most",
    "less than": "at most",
    "fewer than": "at most",
    "under": "at most",
    "below": "at most",
    "at least": "at least",
    "more than": "at least",
    "over": "at least",
    "above": "at least",
    "upwards of": "at least",
    "in excess of": "at least",
    "no fewer than": "at least",
    "just over": "at least",
    "only": "only",
    "merely": "only",
    "mere": "only",
    "barely": "only",
    "just": "only",
    "as many as": "at most",
    "as much as": "at most",
    "as few as": "at least",
}
APPROXIMATE = "about"
NUMBER_WORDS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve dozen dozens hundred
    hundreds thousand thousands million millions billion billions""".split()
)
# These qualify only a number that follows them ("about 600", not "about the deal").
BEFORE_NUMBER_ONLY = frozenset(
    "approximately approx about around some under below over above just estimated".split()
)

# Opposites of direction and outcome, as lemma pairs. STRONG ones are opposites wherever
# they stand; WEAK ones only where the alignment puts one in place of the other ("more",
# "after" are too common to read anywhere else).
STRONG_OPPOSITES = (
    ("rise", "fall"), ("rise", "drop"), ("rise", "decline"), ("increase", "decrease"),
    ("increase", "reduce"), ("increase", "cut"), ("raise", "lower"), ("raise", "cut"),
    ("grow", "shrink"), ("expand", "shrink"), ("expand", "contract"), ("gain", "lose"),
    ("win", "lose"), ("victory", "defeat"), ("approve", "reject"), ("accept", "reject"),
    ("accept", "refuse"), ("grant", "deny"), ("confirm", "deny"), ("admit", "deny"),
    ("reverse", "affirm"), ("reverse", "uphold"), ("overturn", "uphold"),
    ("overrule", "uphold"), ("shorten", "lengthen"), ("widen", "narrow"),
    ("strengthen", "weaken"), ("improve", "worsen"), ("enhance", "undermine"),
    ("boost", "cut"), ("surge", "plunge"), ("soar", "plunge"), ("succeed", "fail"),
    ("success", "failure"), ("acquit", "convict"), ("guilty", "innocent"),
    ("allow", "ban"), ("allow", "forbid"), ("allow", "prohibit"), ("permit", "ban"),
    ("lift", "impose"), ("open", "close"), ("buy", "sell"), ("hire", "fire"),
    ("include", "exclude"), ("support", "oppose"), ("favour", "oppose"), ("favor", "oppose"),
    ("join", "quit"), ("arrive", "depart"), ("advance", "retreat"), ("attack", "defend"),
    ("import", "export"), ("appoint", "dismiss"), ("start", "end"), ("begin", "end"),
    ("majority", "minority"), ("maximum", "minimum"), ("peace", "war"),
    ("highest", "lowest"), ("largest", "smallest"), ("biggest", "smallest"),
    ("best", "worst"), ("earliest", "latest"), ("strong", "weak"), ("profit", "loss"),
    ("surplus", "deficit"), ("north", "south"), ("east", "west"), ("agree", "disagree"),
    ("arrest", "release"), ("detain", "release"), ("praise", "criticise"),
    ("praise", "criticize"), ("praise", "condemn"), ("welcome", "condemn"),
    ("survive", "die"), ("alive", "dead"), ("tighten", "loosen"), ("tighten", "ease"),
    ("upgrade", "downgrade"), ("accelerate", "slow"), ("escalate", "deescalate"),
    ("deploy", "withdraw"), ("add", "remove"), ("winner", "loser"), ("ally", "enemy"),
    ("optimistic", "pessimistic"), ("positive", "negative"), ("legal", "illegal"),
    ("true", "false"), ("success", "defeat"),
)  # fmt: skip
WEAK_OPPOSITES = (
    ("more", "less"), ("more", "fewer"), ("higher", "lower"), ("above", "below"),
    ("before", "after"), ("first", "last"), ("up", "down"), ("over", "under"),
    ("increase", "fall"), ("up", "off"), ("in", "out"), ("for", "against"),
    ("ahead", "behind"), ("early", "late"), ("earlier", "later"), ("high", "low"),
    ("large", "small"), ("big", "small"), ("long", "short"), ("wide", "narrow"),
    ("fast", "slow"), ("rich", "poor"), ("cheap", "expensive"), ("safe", "dangerous"),
    ("most", "least"), ("lead", "trail"), ("hike", "cut"), ("lift", "cut"),
)  # fmt: skip
# Irregular forms the stemmer does not bring to their lemma.
_IRREGULAR = {
    "rose": "rise", "risen": "rise", "fell": "fall", "fallen": "fall", "won": "win",
    "lost": "lose", "grew": "grow", "grown": "grow", "shrank": "shrink", "shrunk": "shrink",
    "sold": "sell", "bought": "buy", "began": "begin", "begun": "begin", "forbade": "forbid",
    "forbidden": "forbid", "upheld": "uphold", "overturned": "overturn", "bigger": "big",
    "better": "best", "worse": "worst", "losses": "loss", "wins": "win",
}  # fmt: skip

# Currencies (sign or word) and units, each to one canonical name.
CURRENCIES = {
    "$": "dollar", "us$": "dollar", "usd": "dollar", "dollar": "dollar", "dollars": "dollar",
    "€": "euro", "eur": "euro", "euro": "euro", "euros": "euro", "£": "pound",
    "gbp": "pound", "sterling": "pound", "¥": "yen", "jpy": "yen", "yen": "yen",
    "yuan": "yuan", "rmb": "yuan", "cny": "yuan", "rupee": "rupee", "rupees": "rupee",
    "inr": "rupee", "franc": "franc", "francs": "franc", "chf": "franc", "ruble": "rouble",
    "rubles": "rouble", "rouble": "rouble", "roubles": "rouble", "rub": "rouble",
}  # fmt: skip
UNITS = {
    "km": "kilometre", "kilometre": "kilometre", "kilometer": "kilometre", "mile": "mile",
    "m": "metre", "metre": "metre", "meter": "metre", "ft": "foot", "foot": "foot",
    "feet": "foot", "kg": "kilogram", "kilogram": "kilogram", "lb": "pound weight",
    "tonne": "tonne", "ton": "ton", "litre": "litre", "liter": "litre", "gallon": "gallon",
    "barrel": "barrel", "acre": "acre", "hectare": "hectare", "second": "second",
    "minute": "minute", "hour": "hour", "day": "day", "week": "week", "month": "month",
    "year": "year", "decade": "decade", "percent": "percent", "%": "percent",
    "point": "point", "degree": "degree", "knot": "knot", "mph": "mile an hour",
    "kph": "kilometre an hour", "km/h": "kilometre an hour",
}  # fmt: skip
SCALES = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mln": 1e6, "m": 1e6, "billion": 1e9,
    "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12,
}  # fmt: skip

# Words of contrast: an ellipsis that cuts one out changes what a quote says.
CONTRASTS = frozenset("rather instead but although though however yet than unless".split())

# Fractions written in words: a quantity as much as "6 of the 12".
FRACTIONS = {"half": 0.5, "third": 1 / 3, "quarter": 0.25, "two-thirds": 2 / 3,
             "three-quarters": 0.75}  # fmt: skip

_NT = re.compile(r"n[’']t$")


def negates(word: str) -> bool:
    """A folded word of sentential negation: "not", "never", "didn't"."""
    return word in NEGATORS or bool(_NT.search(word))


@functools.lru_cache(maxsize=1 << 14)
def lemma(word: str) -> str:
    """A folded word as the lemma the opposites are written in ("lengthened" -> the stem of
    "lengthen", "rose" -> "rise")."""
    return stem(_IRREGULAR.get(word, word))


def _pairs(table: tuple[tuple[str, str], ...]) -> dict[str, frozenset[str]]:
    opposite: dict[str, set[str]] = {}
    for a, b in table:
        opposite.setdefault(stem(a), set()).add(stem(b))
        opposite.setdefault(stem(b), set()).add(stem(a))
    return {k: frozenset(v) for k, v in opposite.items()}


STRONG = _pairs(STRONG_OPPOSITES)
ANY = _pairs(STRONG_OPPOSITES + WEAK_OPPOSITES)


def opposites(word: str, *, weak: bool = False) -> frozenset[str]:
    """The lemmas opposite to a folded word's lemma; the WEAK pairs too when `weak`."""
    return (ANY if weak else STRONG).get(lemma(word), frozenset())


def negative_of(word: str, other: str) -> bool:
    """Whether one folded word is the other with a negating prefix: "unlikely"/"likely"."""
    long, short = (word, other) if len(word) > len(other) else (other, word)
    return len(short) >= 3 and any(long == p + short for p in NEGATING_PREFIXES)
