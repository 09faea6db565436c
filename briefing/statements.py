"""What may stand as one claim of a brief: one statement, written as a sentence.

The offline engine picks its candidate sentences by this rule (engines/extractive/
scoring.py) and the LLM engine holds every claim the model writes to it (llm/schemas.py,
engines/llm/over_offline.py), so that neither keeps a fragment cut mid-sentence, a
subheading ("Situation in Kursk"), a caption, a menu item or a paragraph of several
sentences passed off as one claim.
"""

from __future__ import annotations

import re

from briefing.passages import split_sentences

_BOILERPLATE = re.compile(
    r"click here|subscribe|sign up|newsletter|cookie|all rights reserved|follow us|read more|"
    r"advertisement|related (?:links|stories|articles)|getty images|photo:|image:|©|copyright|"
    r"e-?mail this|share this|terms of use|privacy policy|javascript|advertise (?:in|with|on)|"
    r"this (?:web)?site is|optimi[sz]ed for|best viewed|registered user|purchase this article",
    re.IGNORECASE,
)
_ENDS_LIKE_PROSE = re.compile(r"[.!?][\"”’')]*$")
MIN_WORDS, MAX_WORDS = 7, 70


def statement_problem(text: str) -> str | None:
    """Why `text` is not a statement written as a sentence (in a reviewer's words), or
    None when it is one: 7 to 70 words, ending like prose, not a question, not page
    furniture, not a run of capitalized words (a heading or a caption)."""
    words = text.split()
    problems = (
        (
            len(words) < MIN_WORDS,
            f"is not a statement (under {MIN_WORDS} words: a heading or a fragment)",
        ),
        (len(words) > MAX_WORDS, f"is too long for one statement ({len(words)} words)"),
        (_ENDS_LIKE_PROSE.search(text) is None, "is a fragment: it does not end like a sentence"),
        (text.rstrip("”\"’' ").endswith("?"), "is a question, not a statement"),
        (_BOILERPLATE.search(text) is not None, "is page furniture, not a statement"),
        (
            sum(w[:1].isupper() for w in words) >= 0.6 * len(words),
            "is a heading or a caption (mostly capitalized words), not a statement",
        ),
    )
    return next((why for failed, why in problems if failed), None)


def is_statement(text: str) -> bool:
    return statement_problem(text) is None


def claim_problem(text: str) -> str | None:
    """Why `text` cannot stand as one claim, or None: one statement, in one sentence."""
    sentences = split_sentences(text)
    if len(sentences) > 1:
        return f"is {len(sentences)} sentences; give one statement per item"
    return statement_problem(text)
