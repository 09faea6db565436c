"""The brief's sections, declared once.

Everything that walks a brief's content (the JSON schema, the model's reduce schema, the
engines' drafts, the verifier, reviewer decisions, citation numbering and the templates)
iterates over these declarations. Adding a section is one entry here plus, if none of
the generic blocks in `templates/sections/` fits, its own template block.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# What a section holds: claims (`Claim`), figure groups (`KeyFigure`) or quotes (`Quote`).
Kind = Literal["claims", "figures", "quotes"]
# Which part of the per-source summaries fills the section when the model's merge fails.
Fallback = Literal["leads", "points", "figures", "hedged", "quotes"]


@dataclass(frozen=True)
class Section:
    name: str  # the field in the brief's JSON, e.g. "key_developments"
    heading: str  # the markdown heading
    label: str  # the short name in review reports and the HTML page
    kind: Kind
    description: str  # the brief schema's field description
    ask: str  # what the model is asked to put there (reduce prompt and schema description)
    max_items: int  # the most the model may give (strict schemas allow maxItems)
    hedged: bool = False  # claims the sources themselves hedge or dispute
    block: str | None = None  # template block in templates/sections/; default: `kind`
    fallback: Fallback | None = None

    @property
    def template(self) -> str:
        return f"sections/{self.block or self.kind}.md.j2"


# Upper bounds on list lengths: they keep a looping model from running into the token
# limit and keep a brief readable.
MAX_POINTS = 8
MAX_ITEMS = 6

SECTIONS: tuple[Section, ...] = (
    Section(
        "bottom_line",
        "Bottom line",
        "Bottom line",
        "claims",
        "The one to three most central claims.",
        "the one to three most central facts, each a full sentence naming its subject.",
        3,
        block="bottom-line",
        fallback="leads",
    ),
    Section(
        "key_developments",
        "Key developments",
        "Key developments",
        "claims",
        "What happened, most central first.",
        "what happened, most central first, merging reports of the same fact and citing "
        "every sentence that states it.",
        MAX_POINTS,
        fallback="points",
    ),
    Section(
        "key_figures",
        "Key figures",
        "Key figures",
        "figures",
        "Numbers, disagreeing ones side by side.",
        "the numbers grouped by what they count (the thing and the verb: 'troops killed'); "
        "values side by side only when they count the same thing.",
        MAX_POINTS,
        fallback="figures",
    ),
    Section(
        "unconfirmed",
        "Unconfirmed or disputed reports",
        "Unconfirmed",
        "claims",
        "Reports the sources hedge or dispute.",
        "reports that are hedged or disputed, with the words that hedge or contest them.",
        MAX_ITEMS,
        hedged=True,
        block="hedged",
        fallback="hedged",
    ),
    Section(
        "quotes",
        "Notable quotes",
        "Quotes",
        "quotes",
        "Notable direct quotes with their speakers.",
        "notable direct quotes, word for word, each with the speaker the source names at "
        "the quote.",
        MAX_ITEMS,
        fallback="quotes",
    ),
    Section(
        "what_to_watch",
        "What to watch",
        "What to watch",
        "claims",
        "Open questions and next steps, if the engine gives any.",
        "open questions and next steps the sources mention.",
        MAX_ITEMS,
    ),
)


def section_named(name: str, sections: tuple[Section, ...] = SECTIONS) -> Section:
    for section in sections:
        if section.name == name:
            return section
    raise KeyError(name)
