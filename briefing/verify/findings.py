"""A finding: one thing the verifier could not bear out, with the sentence a review shows.

Its own module so that the sentence-level checks (checks.py) and the checks of what a
brief puts together (synthesis.py) report alike without importing each other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# What a finding is about: a citation that does not resolve, quoted words, a number or
# date, a figure's value, a name, the share of the text's words found in the passages; or
# what the brief puts together: figures shown as disagreeing, a quote's speaker, a
# corroborating passage, a citation outside its story, a story whose articles do not
# share one event (coherence.py); or what the meaning checks (meaning.py) find the claim
# says otherwise than its passage. The review keeps it beside each
# reason (ClaimCheck.rules); SARIF's rule ids come from it (render/sarif.py).
Rule = Literal[
    "citation",
    "quote",
    "number",
    "value",
    "name",
    "support",
    "disagreement",
    "speaker",
    "corroboration",
    "story",
    "event",
    "polarity",
    "hedge",
    "qualifier",
    "direction",
    "unit",
    "roles",
    "ellipsis",
]


@dataclass(frozen=True)
class Finding:
    """One thing in a claim-like text that its cited passages do not bear out."""

    rule: Rule
    subject: str  # what it is about, as the text writes it: quoted words, a number, a name
    reason: str  # the sentence the review shows
    severe: bool  # a severe finding makes the claim unsupported, any other partly supported
    # The passage says the opposite (a negation, an opposite word, roles swapped): the claim
    # is contradicted, which the review shows before anything else.
    contradicts: bool = False
