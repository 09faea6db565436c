"""What may stand as one claim of a brief: one statement, written as one sentence.

The offline engine picks its candidate sentences by `reportage.is_statement`; the LLM
engine holds every claim the model writes to the same rule, and to one sentence
(llm/schemas.py, engines/llm/over_offline.py), so that neither keeps a fragment cut
mid-sentence, a subheading ("Situation in Kursk"), a caption, a menu item or a paragraph
of several sentences passed off as one claim. The reasons are worded for a re-ask.
"""

from __future__ import annotations

from briefing.passages import split_sentences
from briefing.reportage import MAX_WORDS, cut_off, is_statement

_ENDINGS = (".", "!", "?")
# The offline engine looks for sentences long enough to say who did what
# (reportage.MIN_WORDS); a claim the model copies from a short sentence of prose ("About
# 4,000 books were lost.") is still a statement. Under three words nothing has both a
# subject and what it did; headings are told apart by their ending and capitals instead.
MIN_CLAIM_WORDS = 3


def statement_problem(text: str) -> str | None:
    """Why `text` is not a statement written as a sentence (in a reviewer's words), or
    None when it is one (`reportage.is_statement`)."""
    if is_statement(text, min_words=MIN_CLAIM_WORDS):
        return None
    words = text.split()
    if len(words) < MIN_CLAIM_WORDS:
        return f"is not a statement (under {MIN_CLAIM_WORDS} words: a heading or a fragment)"
    if len(words) > MAX_WORDS:
        return f"is too long for one statement ({len(words)} words)"
    if cut_off(text) or not text.rstrip("\"”’')").endswith(_ENDINGS):
        return "is a heading or a fragment: it does not end like a sentence"
    if text.rstrip("”\"’' ").endswith("?"):
        return "is a question, not a statement"
    return "is a heading, a caption or page furniture, not a statement"


def claim_problem(text: str) -> str | None:
    """Why `text` cannot stand as one claim, or None: one statement, in one sentence."""
    sentences = split_sentences(text)
    if len(sentences) > 1:
        return f"is {len(sentences)} sentences; give one statement per item"
    return statement_problem(text)
