"""What every input format is read into, before sentences and ids are assigned; also the
in-memory input of the Python API (`briefing.Article`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from briefing.errors import InputError
from briefing.sites import domain_of

__all__ = ["Article", "UnusableInputError", "domain_of", "normalize_space"]

_SPACE = re.compile(r"\s+")
_BLANK_LINE = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Article:
    """One article. `text` holds its paragraphs separated by blank lines (a text without
    blank lines has a paragraph per line). `origin` names the file (and record) it came
    from; for an article given in memory the pipeline uses its URL or its place in the
    inputs."""

    title: str
    text: str
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    origin: str = field(default="", kw_only=True)

    @classmethod
    def from_paragraphs(  # noqa: PLR0913 - an article's fields, each named at the call site
        cls,
        title: str,
        paragraphs: list[str],
        *,
        origin: str,
        url: str | None = None,
        outlet: str | None = None,
        published: str | None = None,
    ) -> Article:
        text = "\n\n".join(p for p in map(normalize_space, paragraphs) if p)
        return cls(title, text, url, outlet, published, origin=origin)

    def paragraphs(self) -> list[str]:
        blocks = _BLANK_LINE.split(self.text.strip())
        if len(blocks) == 1:
            blocks = self.text.splitlines()
        return [p for p in map(normalize_space, blocks) if p]


class UnusableInputError(InputError):
    """Raised by a reader: the message is the reason, including how to fix it. The run
    skips that input and goes on."""


def normalize_space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()
