"""Wording cues in a sentence: who it is attributed to, and whether it is hedged or contested."""

from __future__ import annotations

import re

from briefing.verify.words import STOP_WORDS

SAY_VERBS = (
    r"said|says|told|reported|reports|announced|confirmed|estimated|estimates|warned|added|"
    r"stated|claimed|claims|acknowledged|indicated|described|noted|insisted|reiterated|"
    r"stressed|explained|wrote|tweeted|admitted"
)
_ACCORDING = re.compile(r"\baccording to ((?:[\w'’.-]+ ?){1,8}?)(?=[,.;:]|$)", re.IGNORECASE)
_VERB = re.compile(rf"\b(?:{SAY_VERBS})\b")
_CLAUSE = re.compile(r"[,;:—–()]")
_LEAD = re.compile(r"^(?:and|but|while|as|though|although|whereas|so)\s+", re.IGNORECASE)
_PRONOUN = re.compile(r"^(?:he|she|they|it|we|i|you|this|that|these|those)$", re.IGNORECASE)
_AUXILIARIES = frozenset(
    "has have had is was were also later earlier previously publicly already then further "
    "again has been have been separately officially".split()
)
_FINITE = frozenset("will would can could should shall has have had is are was were".split())
_DETERMINERS = frozenset("The Its Their His Her Our".split())
_QUOTES = re.compile(r"[“\"][^”\"]*[”\"]")

# Words that hedge a report whatever it is about.
_UNCONFIRMED = re.compile(
    r"\b(?:ha(?:s|ve|d) not (?:yet )?been (?:independently )?(?:confirmed|verified)"
    r"|(?:could|can|did) not (?:be )?(?:independently )?(?:confirm|verify|confirmed|verified)"
    r"|ha(?:s|ve|d) not (?:yet )?(?:confirmed|verified)|declined to confirm|not confirmed"
    r"|unconfirmed|unverified|reportedly|allegedly|purportedly|it (?:is|was|remains) unclear"
    r"|no (?:official )?confirmation|rumou?r(?:s|ed)?)\b",
    re.IGNORECASE,
)
# Words that hedge a report of something that happened, but that history, science and
# background use for what nobody can know for sure: "the temple is believed to have been
# built by monks" hedges nothing a reader of today's news needs flagged.
_SUPPOSED = re.compile(
    r"\b(?:(?:is|are|was|were) (?:said|believed|thought|feared|understood) to"
    r"|it (?:is|was) (?:said|believed|thought|feared|understood) that"
    # "may have" hedges an event ("may have been killed", "may have fled"), not a
    # possession ("may have the impression").
    r"|(?:may|might) have (?:been|already|\w+(?:ed|en|wn)|hit|cut|put|set|shot|sent|spent|"
    r"lost|left|fled|led|held|built|caught|bought|brought|fought|sold|told|won|begun|run|"
    r"come|done|gone|seen|struck|slain|made|paid|kept|met|quit|fallen|risen|grown|known|"
    r"thrown|flown|drawn|shown|torn))\b",
    re.IGNORECASE,
)
_BACKGROUND = re.compile(
    r"(?i:\b(?:originat\w*|dat(?:e|es|ed|ing) (?:back|from)|descend\w*|derive[ds]?|evolved"
    r"|ancient|prehistoric|medieval|centur(?:y|ies)|millenni(?:um|a)|fossils?|dinosaurs?"
    r"|(?:stone|bronze|iron|ice) age|\d{3,} years ago|in the \d{3,4}0s)\b)|\bBCE?\b"
)
_DISPUTED = re.compile(
    # "denied the claim" is a dispute; "is denied a second medal" is not.
    r"\b(?:(?:denied|denies|deny)(?=\s*(?:[.,;]|$|that\b|(?:the|these|those|any|all|it|this|"
    r"them|such|reports?|claims?|allegations?|accusations?|involvement|wrongdoing|"
    r"responsibility)\b))"
    # A verb of disputing with a report as its object; "trade disputes" and "a territorial
    # dispute" are conflicts a source describes, not a report it contests.
    r"|(?:disputed?|disputes|disputing|contest(?:ed|s)?|contradict(?:ed|s)?|rejected|rejects"
    r"|challenged|challenges)\s+(?:(?:the|this|that|these|those|such|any|his|her|their|its|"
    r"our)\s+)?(?:\w+\s+)?(?:claims?|reports?|allegations?|accounts?|figures?|numbers?|"
    r"toll|versions?|findings?|assertions?|statements?|estimates?|characteri[sz]ations?)"
    r"|(?:is|are|was|were|been|remains?) (?:hotly |strongly |widely )?(?:disputed|contested)"
    r"|disputed (?:by|claims?|reports?|figures?|accounts?)"
    r"|called (?:the|it|them)(?: \w+){0,3} (?:false|baseless|untrue|fabricated))\b",
    re.IGNORECASE,
)
# Where one clause of a sentence ends and another begins, for hedges that belong to a part
# of it: "at least 10,000 soldiers are there, but it has not confirmed reports of combat".
_CLAUSE_BREAK = re.compile(
    r";|\s[—–]\s|,?\s+(?:but|while|whereas|although|though|yet)\s+", re.IGNORECASE
)

Hedge = tuple[str, str]  # ('unconfirmed' | 'disputed', the source's own words that say so)


def hedge(sentence: str) -> Hedge | None:
    """('disputed' | 'unconfirmed', the source's own words that say so), or None."""
    disputed = _DISPUTED.search(sentence)
    if disputed:
        return "disputed", disputed.group(0)
    matches = list(_UNCONFIRMED.finditer(sentence))
    if not matches and not _BACKGROUND.search(sentence):
        matches = list(_SUPPOSED.finditer(sentence))
    if matches:
        explicit = [m for m in matches if "confirm" in m.group(0) or "verif" in m.group(0)]
        return "unconfirmed", (explicit or matches)[0].group(0)
    return None


def clause_hedges(sentence: str) -> list[tuple[int, Hedge | None]]:
    """The sentence's clauses as (where each ends, its hedge): a figure in a clause the
    source hedges is unconfirmed; one in a plain clause of the same sentence is not."""
    return [(end, hedge(sentence[start:end])) for start, end in _clauses(sentence)]


def _clauses(sentence: str) -> list[tuple[int, int]]:
    breaks = list(_CLAUSE_BREAK.finditer(sentence))
    ends = [m.start() for m in breaks] + [len(sentence)]
    starts = [0] + [m.end() for m in breaks]
    return list(zip(starts, ends, strict=True))


# A verb of confirming whose object is something new, not the report before it: "has not
# confirmed reports of their involvement" leaves that unconfirmed; "has not confirmed it",
# "the report", "could not be verified" (no object) or "... by officials" point back at
# the clause before.
_CONFIRMED_WHAT = re.compile(
    r"\b(?:confirm|confirmed|verify|verified)\s+(?!the\s+(?:report|claim|account|figure|"
    r"toll|number)s?\b)(?:the\s+|any\s+)?([a-z][\w'’-]*)",
    re.IGNORECASE,
)


def _leaves_its_own_unconfirmed(clause: str) -> bool:
    return any(m.group(1).lower() not in STOP_WORDS for m in _CONFIRMED_WHAT.finditer(clause))


def sentence_hedge(sentence: str) -> Hedge | None:
    """The hedge on what the sentence mainly reports: its first clause's, or a later
    clause's that points back at it ("..., but this could not be verified"). A later
    clause that leaves something of its own unconfirmed ("The Pentagon acknowledged at
    least 10,000 soldiers but has not confirmed reports of their involvement in combat")
    does not make the sentence's main fact unconfirmed; a dispute always does."""
    found = hedge(sentence)
    if found is None or found[0] == "disputed":
        return found
    for n, (start, end) in enumerate(_clauses(sentence)):
        clause = sentence[start:end]
        if hedge(clause) is not None and (n == 0 or not _leaves_its_own_unconfirmed(clause)):
            return found  # in the sentence's own words, an explicit "not confirmed" first
    return None


def attribution(sentence: str) -> str | None:
    """Who the sentence credits: 'according to X', 'X said', '…, said X'."""
    match = _ACCORDING.search(sentence)
    if match:
        return _clean(match.group(1))
    outside = _QUOTES.sub(lambda m: " " * len(m.group(0)), sentence)
    for verb in _VERB.finditer(outside):
        participle = _PARTICIPLE.match(outside, verb.end())
        if participle:
            # "evacuations reported by the county": the agent is who said it; "totals
            # reported on Monday reached 300 mm": the words before are what was reported.
            agent = participle.group("agent")
            if agent:
                return _clean(agent)
            continue
        subject = subject_before(outside, verb.start())
        if subject:
            return subject
        after = re.match(r"\s+((?:[A-Z][\w'’.-]*\s?){1,5})", outside[verb.end() :])
        # "..., said the Pentagon"; but in "she told The Associated Press" the name after
        # the verb is who heard it.
        if after and verb.group() != "told" and not _PRONOUN.match(after.group(1).strip()):
            return _clean(after.group(1))
    return None


# A verb of saying that is a participle, not the verb its subject says something with:
# followed by "by" and its agent (a passive), or, after at most a few words of when or
# where, by the clause's own verb (an auxiliary, a modal, or a past tense), where a
# speaker's words would go on with "that", a quote, an object or a comma.
_PARTICIPLE = re.compile(
    r"\s+(?:by\s+(?P<agent>(?:the\s+)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,4}|the\s+[a-z]+)"
    r"|(?:(?:(?:on|in|at)\s+[A-Z]\w*|(?:last|this|earlier|late|early)\s+\w+|yesterday|today)\s+)?"
    r"(?:is|are|was|were|will|would|has|have|had|can|could|may|might|must|should|now|[a-z]+ed)\b)"
)


def subject_before(text: str, end: int) -> str | None:
    """The noun phrase right before a verb at `end`, skipping one appositive:
    'Dr. Anna Kell, a hydrologist who advises the agency, said' -> 'Dr. Anna Kell'."""
    before = text[:end].rstrip()
    if before.endswith(","):
        head = before[:-1]
        cut = head.rfind(",")
        before = head[:cut] if cut > 0 else head
    clause = _CLAUSE.split(before)[-1].strip()
    clause = _LEAD.sub("", clause)
    words = clause.split()[-10:]
    while words and (words[-1].lower() in _AUXILIARIES or words[-1].endswith("ly")):
        words.pop()  # "the Pentagon has also", "Celso Amorim recently"
    if not words or _PRONOUN.match(words[-1]) or len(words) > 7:
        return None
    if any(w.lower() in _FINITE or any(c.isdigit() for c in w) for w in words):
        return None  # "The payload will weigh over 6.5 tons": a clause, not who said it
    phrase = " ".join(words)
    if not (phrase[0].isupper() or phrase.lower().startswith("the ")):
        return None
    return _clean(phrase)


def _clean(phrase: str) -> str | None:
    phrase = phrase.strip(" ,.;:“”\"'")
    # Shown mid-sentence ("per the Pentagon"), so a sentence-initial "The" drops its capital.
    first, _, rest = phrase.partition(" ")
    if rest and first in _DETERMINERS:
        phrase = f"{first.lower()} {rest}"
    return phrase or None


# A sentence whose subject is a pronoun ("He said ...", "In his address, he ...", "These
# weaknesses ...") means nothing on its own, away from the sentence that names it.
_OPENS_WITH_PRONOUN = re.compile(
    r"^(?:[^,;:]{1,60},\s+){0,2}"
    r"(?:(?:and|but|so|yet|now|still|also|then|instead|in fact|in turn|meanwhile)\s+)?"
    r"(?P<pronoun>(?:he|she|they|it|we|i|this|these|those|that|his|her|their|its|our|my)\b"
    r"(?!['’]).*)",
    re.IGNORECASE | re.DOTALL,
)
# "It is clear that ...", "It was not known whether ...": nothing to resolve.
_EXPLETIVE = re.compile(
    r"^it\s+(?:is|was|has been|had been|remains|seems|seemed|appears|appeared|may be|might be|"
    r"would be|will be)\s+(?:not\s+)?(?:\w+ly\s+)?\w+\s+(?:to|that|whether|if|how|why|when)\b",
    re.IGNORECASE,
)
# "This week's issue", "That year": a time, not a reference to a sentence before.
_TIME = re.compile(
    r"^(?:this|these|that|those)\s+(?:week|weeks|year|years|month|months|morning|afternoon|"
    r"evening|weekend|time|season|summer|winter|spring|autumn|fall|days|day)\b",
    re.IGNORECASE,
)


# "..., he said.": who said it is in another sentence too.
_SAID_BY_PRONOUN = re.compile(rf",\s+(?:he|she|they)\s+(?:{SAY_VERBS})\b", re.IGNORECASE)


def leans_on_another(sentence: str) -> bool:
    """Whether the sentence needs another to be understood: its subject is a pronoun, or
    a "this" or "these" whose referent is elsewhere (after at most two opening phrases:
    "In his address, he ..."), or it is credited to a "he" ("..., he said")."""
    if _SAID_BY_PRONOUN.search(sentence):
        return True
    match = _OPENS_WITH_PRONOUN.match(sentence.lstrip("“\"‘'( "))
    if not match:
        return False
    rest = match.group("pronoun")
    return not (_EXPLETIVE.match(rest) or _TIME.match(rest))
