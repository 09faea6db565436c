"""What happened to what a figure counts: the verb that goes with it ("40 troops may have
been killed" -> "killed"; "North Korea has sent 10,000 troops" -> "sent"), and which verbs
make another quantity of the same thing (killed, injured, missing ...)."""

from __future__ import annotations

import re

# Words between a counted thing and its verb: "troops may have already been killed".
_AUXILIARIES = frozenset(
    """have has had were was are is be been being will would may might could can should must
    reportedly allegedly apparently also already now still all each both later since initially
    just then recently thought believed said feared understood to so far""".split()
)
_NEGATIONS = frozenset("not never no".split())
_IRREGULAR = frozenset(
    """sent left fled hurt held lost built sold bought taken made paid spent won caught seen
    found given shot struck slain stolen torn withdrawn flown brought kept fought freed cut
    put set run hit laid dead missing inside aboard present homeless alive unaccounted""".split()
)
# Verbs that report or hedge a figure rather than say what happened to what it counts.
_NOT_EVENTS = frozenset(
    """confirmed verified reported said expected estimated believed thought feared alleged
    claimed rumored rumoured quoted listed named included needed involved compared
    ended""".split()
)
# "killing two people": the participle of a few verbs whose -ing form a figure reads as
# "two people killed"; the two forms share a stem, so the verifier finds the word.
_GERUNDS = frozenset(
    """killing injuring wounding evacuating displacing planting arresting detaining rescuing
    stranding""".split()
)
_PARTICLES = frozenset("off out up down away dead".split())
# What happened, where the count of one thing differs from another count of it: 40 troops
# killed and 10,000 troops deployed are two figures, not a disagreement.
EVENTS = {
    "killed": "killed", "dead": "killed", "died": "killed", "slain": "killed",
    "murdered": "killed", "executed": "killed", "shot dead": "killed",
    "injured": "injured", "wounded": "injured", "hurt": "injured",
    "hospitalized": "injured", "hospitalised": "injured",
    "missing": "missing", "unaccounted": "missing",
    "arrested": "arrested", "detained": "arrested", "captured": "arrested", "jailed": "arrested",
    "evacuated": "evacuated", "displaced": "evacuated", "fled": "evacuated",
    "left": "evacuated", "moved": "evacuated", "relocated": "evacuated",
    "homeless": "evacuated", "rescued": "rescued",
    "closed": "closed", "cut": "cut", "laid off": "cut",
}  # fmt: skip

# A note between commas after the counted thing that the verb skips: "12,000 troops,
# including 500 officers, have arrived".
_ASIDE = re.compile(
    r",\s*(?:including|among them|mostly|most of them|many of them|some of them|both|all|"
    r"who|which|of whom)\b[^,;.]{0,100},"
)


_WORD_AFTER = re.compile(r"\s+([a-z]+)")
_TO = re.compile(r"\s+to\s")
_WORD = re.compile(r"[A-Za-z]+")
_ENDS_IN_WORD = re.compile(r"[A-Za-z]\s*$")


def verb_after(sentence: str, end: int) -> tuple[str, int]:
    """The verb that says what happened to a counted thing ending at `end`, and where it
    ends: 'troops, including 500 officers, have already arrived' -> 'arrived'."""
    aside = _ASIDE.match(sentence, end)
    group = _verb_group(sentence, aside.end() if aside else end)
    if group is None:
        return "", end
    verb, position, passive = group
    if verb in _PURPOSE and _TO.match(sentence, position):
        return "", end  # "projects designed to strengthen": not what happened to them
    transitive = not passive and _OBJECT.match(sentence, position)
    if transitive and verb not in _STATES and verb not in EVENTS:
        return "", end  # "homes had lost power": what they lost is the point
    particle = _WORD_AFTER.match(sentence, position)
    if particle and particle.group(1) in _PARTICLES:
        return f"{verb} {particle.group(1)}", particle.end()
    return verb, position


def _verb_group(sentence: str, position: int) -> tuple[str, int, bool] | None:
    """The verb past the auxiliaries at `position` ("may have been killed"), where it ends
    and whether it is passive; None when there is none, or it is negated."""
    passive = False
    previous = ""
    for _ in range(6):
        word = _WORD_AFTER.match(sentence, position)
        # "a road linking the two countries to be finished": a purpose; but "thought to
        # have died" is the death.
        if not word or word.group(1) in _NEGATIONS:
            return None
        lower, position = word.group(1), word.end()
        if lower == "to" and previous not in _SUPPOSING:
            return None
        passive = passive or lower in _BE
        if lower not in _AUXILIARIES:
            return (lower, position, passive) if _is_event_verb(lower) else None
        previous = lower
    return None


# "projects designed to strengthen": a purpose, not what happened to the projects.
_PURPOSE = frozenset(
    """designed intended aimed expected scheduled planned set supposed meant used needed
    required forced ordered asked told urged allowed""".split()
)
_BE = frozenset("were was are is be been being".split())
# A word after an active verb that makes it transitive: its object, not a place or time.
_OBJECT = re.compile(
    r"\s+(?!(?:in|into|to|at|on|from|near|after|during|for|since|across|over|by|with|when|"
    r"as|and|or|but|while|before|under|inside|outside|overnight|yesterday|today|last|this|"
    r"earlier|later|again|so|because)\b)[a-z]"
)
_SUPPOSING = frozenset("thought believed said feared understood".split())


def verb_before(sentence: str, start: int) -> str:
    """The verb right before a figure that says what happened to it: 'has sent
    approximately 10,000 troops' -> 'sent', 'laid off 35,000 employees' -> 'laid off'."""
    before = sentence[max(0, start - 40) : start]
    words: list[str] = _WORD.findall(before)
    if not words or not _ENDS_IN_WORD.search(before):
        return ""
    last = words[-1]
    if last in _PARTICLES and len(words) > 1 and _is_event_verb(words[-2]):
        return f"{words[-2]} {last}"
    if last in _GERUNDS:
        return last.removesuffix("ing") + "ed"
    return last if last.islower() and _is_event_verb(last) and last not in _STATES else ""


_STATES = frozenset("dead missing inside aboard present homeless alive unaccounted".split())


def _is_event_verb(word: str) -> bool:
    if word in _NOT_EVENTS:
        return False
    return word in _IRREGULAR or (word.endswith("ed") and len(word) > 4)
