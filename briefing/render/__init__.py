"""A Brief to markdown, JSON or HTML: templates/ by default, --templates first."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from briefing.errors import ConfigError
from briefing.render.html import render_html
from briefing.templating import make_environment, render_template

if TYPE_CHECKING:
    from pathlib import Path

    from briefing.models import Brief, Passage, Source

Format = Literal["md", "json", "html"]
FORMATS: dict[str, Format] = {
    ".md": "md",
    ".markdown": "md",
    ".json": "json",
    ".html": "html",
    ".htm": "html",
}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def format_for(path: Path | None, explicit: str | None) -> Format:
    if explicit:
        return FORMATS[f".{explicit}"]
    if path is None:
        return "md"
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise ConfigError(
            f"{path}: cannot tell the output format from '{path.suffix}'; "
            f"use one of {known} or pass --format"
        ) from None


@dataclass(frozen=True)
class CitedSource:
    source: Source
    passages: list[tuple[int, Passage]]


def render(brief: Brief, fmt: Format, templates: Path | None = None) -> str:
    if fmt == "json":
        return brief.model_dump_json(indent=2) + "\n"
    env = make_environment("templates", templates)
    if fmt == "html":
        return render_html(brief, env)
    numbers = citation_numbers(brief)
    env.filters["md"] = escape_markdown
    index = brief.passage_index()
    cited = [
        CitedSource(s, [(numbers[p.id], p) for p in s.passages if p.id in numbers])
        for s in brief.sources
    ]

    def cite(ids: list[str]) -> str:
        ordered = sorted({numbers[i] for i in ids})
        return "".join(f"[[{n}]](#ref-{n})" for n in ordered)

    def outlet(passage_id: str) -> str:
        return index[passage_id][0].label()

    return render_template(
        env,
        "brief.md.j2",
        brief=brief,
        cite=cite,
        outlet=outlet,
        cited_sources=[c for c in cited if c.passages],
    )


def citation_numbers(brief: Brief) -> dict[str, int]:
    """Passage id -> marker number, in order of first citation in the brief."""
    numbers: dict[str, int] = {}
    for obj in brief.cited_objects():
        for pid in [*obj.citations, *getattr(obj, "corroborated_by", [])]:
            numbers.setdefault(pid, len(numbers) + 1)
    return numbers


def escape_markdown(text: str) -> str:
    """Source text is data: it must not turn into links, emphasis or HTML in the brief."""
    return _MD_SPECIAL.sub(r"\\\1", text)
