"""A Brief to markdown, JSON or HTML, and a Review to a report: templates/ by default,
--templates first. Rendering only shows what the brief holds; it never checks claims."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from briefing.errors import ConfigError
from briefing.output import is_special
from briefing.render import changes
from briefing.render.citing import citation_numbers, outlets_of
from briefing.render.dates import dates_label
from briefing.render.escape import code_span, escape_markdown, markdown_link
from briefing.templating import check_templates, make_environment, render_template
from briefing.verify.gate import percent

if TYPE_CHECKING:
    from pathlib import Path

    from jinja2.sandbox import SandboxedEnvironment

    from briefing.daily.diff import BriefDiff
    from briefing.models import Brief, Passage, Review, Source
    from briefing.render.locate import Located

Format = Literal["md", "json", "html"]
FORMATS: dict[str, Format] = {
    ".md": "md",
    ".markdown": "md",
    ".json": "json",
    ".html": "html",
    ".htm": "html",
}


def format_for(path: Path | None, explicit: str | None) -> Format:
    if explicit:
        return FORMATS[f".{explicit}"]
    if path is None or str(path) == "-" or (not path.suffix and is_special(path)):
        return "md"  # standard output, /dev/stdout, a FIFO
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


def render(brief: Brief, fmt: Format = "md", templates: Path | None = None) -> str:
    if fmt == "json":
        return brief.model_dump_json(indent=2) + "\n"
    if fmt not in {"md", "html"}:
        raise ConfigError(f"unknown format {fmt!r}; use md, json or html")
    env = environment(templates)
    if fmt == "html":
        from briefing.render.html import render_html  # noqa: PLC0415 - only for HTML

        return render_html(brief, env)
    numbers = citation_numbers(brief)
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

    index_sources = {s.id: s for s in brief.sources}

    by_id = {s.id: s for s in brief.stories}
    return render_template(
        env,
        "brief.md.j2",
        brief=brief,
        stories=[
            (story, [(section, story.items(section)) for section in brief.sections])
            for story in changes.shown(brief)
        ],
        single=len(brief.stories) == 1,
        continuing=changes.continuing(brief),
        set_apart=changes.set_apart(brief),
        tally=changes.tally(brief),
        day_link=changes.day_link_md,
        overview=[by_id[i] for i in brief.overview],
        outlets_of=lambda story: outlets_of(brief, story),
        source_labels=lambda ids: [index_sources[i].label() for i in ids if i in index_sources],
        sources_of=lambda story: [index_sources[i] for i in story.source_ids],
        cite=cite,
        outlet=outlet,
        cited_sources=[c for c in cited if c.passages],
    )


ReportFormat = Literal["md", "json", "sarif"]
REPORT_FORMATS: dict[str, ReportFormat] = {
    ".md": "md",
    ".markdown": "md",
    ".json": "json",
    ".sarif": "sarif",
}


def report_format_for(
    path: Path | None,
    explicit: str | None = None,
    *,
    writes: tuple[ReportFormat, ...] = ("md", "json", "sarif"),
    format_option: bool = True,
) -> ReportFormat:
    """The report format `-o` names; `writes`: the formats the command can write (diff
    has no SARIF), each suggested, and no other, when the suffix is not one of them;
    `format_option`: whether the command has --format to suggest."""
    if explicit:
        return REPORT_FORMATS[f".{explicit}"]
    if path is None or str(path) == "-" or (not path.suffix and is_special(path)):
        return "md"  # standard output, /dev/stdout, a FIFO
    suffix = path.suffix.lower()
    if REPORT_FORMATS.get(suffix) not in writes:
        names = [f".{f}" for f in writes]
        choice = f"{', '.join(names[:-1])} or {names[-1]}"
        known = suffix in REPORT_FORMATS or suffix in FORMATS
        what = "cannot be written by this command" if known else "is not a report format"
        hint = ", or pass --format" if format_option else ""
        raise ConfigError(f"{path}: {suffix!r} {what}; name it {choice}{hint}")
    return REPORT_FORMATS[suffix]


def render_report(
    review: Review,
    title: str,
    fmt: ReportFormat = "md",
    templates: Path | None = None,
    located: Located | None = None,
) -> str:
    """The verifier's report on a brief: markdown for people, JSON for tools, SARIF for
    code scanning (its results point at `located`, the brief file's lines)."""
    if fmt == "json":
        return review.model_dump_json(indent=2) + "\n"
    if fmt == "sarif":
        from briefing.render.sarif import render_sarif  # noqa: PLC0415 - only for SARIF

        return render_sarif(review, title, located)
    return render_template(environment(templates), "review.md.j2", review=review, title=title)


def render_diff(diff: BriefDiff, fmt: ReportFormat = "md", templates: Path | None = None) -> str:
    """What changed between two briefs (`briefing diff`): markdown or JSON."""
    if fmt == "json":
        return diff.model_dump_json(indent=2) + "\n"
    return render_template(
        environment(templates), "diff.md.j2", diff=diff, day_link=changes.day_link_md
    )


# The templates each output starts from (those they include load when they render).
_TOP_TEMPLATES = {
    "md": ("brief.md.j2",),
    "html": ("brief.html.j2", "brief.js.j2"),
    "json": (),
    "sarif": (),
    "review": ("review.md.j2",),
}


def check_renderable(fmt: str, templates: Path | None) -> None:
    """Before any paid work: the templates that will render `fmt` load and compile."""
    if _TOP_TEMPLATES[fmt]:
        check_templates(environment(templates), _TOP_TEMPLATES[fmt])


def environment(templates: Path | None = None) -> SandboxedEnvironment:
    env = make_environment("templates", templates)
    # Every value from an input goes through one of these (briefing/render/escape.py).
    env.filters["md"] = escape_markdown
    env.filters["code"] = code_span
    env.filters["link"] = markdown_link
    env.filters["percent"] = percent
    env.filters["dates"] = lambda story: dates_label(story.dates, len(story.source_ids))
    return env
