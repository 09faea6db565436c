"""Chat messages from the Jinja prompts in `prompts/` (or the user's --prompts DIR).

Static instructions come first (system prompt, then the user prompt's instructions) and
source text last, so a provider's prompt cache can reuse the common prefix. Everything that
comes from the inputs (titles, outlets, dates, passage and claim text, the summaries) goes
through `as_data` here, the one place, before any template sees it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from briefing.llm.cache import content_key
from briefing.llm.schemas import ReduceResult
from briefing.templating import make_environment, render_template, template_texts

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from briefing.llm.chat import Message
    from briefing.models import Passage, Source


# The tags the prompts put around data (prompts/*.j2), with a word boundary: "<sources" or
# "<claimant" are not among them. Full-width and small less-than signs count too.
DELIMITERS = ("documents", "source", "summaries", "summary", "claims", "claim")
_DELIMITER = re.compile(
    rf"[<\uff1c\ufe64](?=\s*+/?\s*+(?:{'|'.join(DELIMITERS)})\b)", re.IGNORECASE
)
# Everything str.splitlines() (and so a model reading lines) may take for a line break.
_LINE_BREAKS = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+")
# A passage id in square brackets, as the prompts start each passage line: [S2.14].
# (Possessive quantifiers: no backtracking, so hostile text cannot make these slow.)
_PASSAGE_ID = re.compile(r"\[(\s*+S\d++\.\d++\s*+)\]", re.IGNORECASE)


def as_data(text: str) -> str:
    """Text from the inputs as it may stand between the prompts' delimiters: it cannot open
    or close one (the `<` of `</documents>` becomes `&lt;`), start a line of its own (line
    breaks become spaces) or pass for a passage line (`[S1.1]` becomes `(S1.1)`). Ordinary
    text comes back unchanged."""
    text = _LINE_BREAKS.sub(" ", text)
    text = _DELIMITER.sub("&lt;", text)
    return _PASSAGE_ID.sub(r"(\1)", text)


def _data(text: str | None) -> str | None:
    return None if text is None else as_data(text)


class PassageData(TypedDict):
    id: str
    text: str


class ClaimData(TypedDict):
    """One claim as the judge is asked about it."""

    key: str
    text: str
    passages: list[PassageData]


@dataclass(frozen=True)
class Unit:
    """A whole source, or a run of its paragraphs, as sent in one map call."""

    source: Source
    passages: tuple[Passage, ...]
    part: int
    parts: int
    tokens: int


class Prompts:
    def __init__(self, override: Path | None = None) -> None:
        self.env = make_environment("prompts", override)
        self._fingerprint: str | None = None

    def fingerprint(self) -> str:
        """The text of every prompt template in use (the user's where they override), as a
        key: what a request was asked with, short of its data. Read once."""
        if self._fingerprint is None:
            self._fingerprint = content_key(template_texts(self.env))
        return self._fingerprint

    def _render(self, name: str, **context: object) -> str:
        return render_template(self.env, name, **context).strip()

    def map_messages(self, pack: Sequence[Unit]) -> list[Message]:
        sources = [
            {
                "id": unit.source.id,
                "title": as_data(unit.source.title),
                "outlet": _data(unit.source.outlet),
                "published": _data(unit.source.published),
                "part": unit.part,
                "parts": unit.parts,
                "passages": [{"id": p.id, "text": as_data(p.text)} for p in unit.passages],
            }
            for unit in pack
        ]
        return [
            {"role": "system", "content": self._render("map.system.j2")},
            {"role": "user", "content": self._render("map.user.j2", sources=sources)},
        ]

    def reduce_messages(self, inputs: Sequence[str]) -> list[Message]:
        return [
            {"role": "system", "content": self._render("reduce.system.j2")},
            {
                "role": "user",
                "content": self._render(
                    "reduce.user.j2",
                    inputs=[as_data(i) for i in inputs],
                    sections=ReduceResult.sections,
                ),
            },
        ]

    def judge_messages(self, claims: Sequence[ClaimData]) -> list[Message]:
        """Claims as {key, text, passages: [{id, text}]}, judged in one call."""
        data = [
            {
                "key": claim["key"],
                "text": as_data(claim["text"]),
                "passages": [
                    {"id": p["id"], "text": as_data(p["text"])} for p in claim["passages"]
                ],
            }
            for claim in claims
        ]
        return [
            {"role": "system", "content": self._render("judge.system.j2")},
            {"role": "user", "content": self._render("judge.user.j2", claims=data)},
        ]

    def reask_message(self, errors: Sequence[str]) -> Message:
        return {"role": "user", "content": self._render("reask.user.j2", errors=list(errors))}
