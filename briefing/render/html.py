"""The HTML brief: one self-contained page with click-to-source citations and review controls.

Source text reaches the page two ways, both inert: autoescaped by the Jinja template, and
as JSON inside <script type="application/json"> with <, > and & escaped, which the page's
script renders with textContent only. A Content-Security-Policy allows just the page's own
script (by hash), so even markup that slipped through could not run.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from briefing.models import Claim, Figure, KeyFigure, Quote, labelled
from briefing.render import changes
from briefing.render.citing import citation_numbers, outlets_of, story_date
from briefing.render.dates import dates_label
from briefing.render.escape import safe_url
from briefing.review import FORMAT
from briefing.templating import render_template
from briefing.verify import claim_key
from briefing.verify.gate import percent

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

    from briefing.models import Brief, Cited, ClaimCheck, StoryBase


def render_html(brief: Brief, env: SandboxedEnvironment) -> str:
    numbers = citation_numbers(brief)
    outlets = {pid: s.label() for pid, (s, _) in brief.passage_index().items()}
    checks = {c.key: c for c in brief.review.claims} if brief.review else {}
    labels = {s.id: s.label() for s in brief.sources}
    stories: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    shown = {s.id for s in changes.shown(brief)}
    for k, story in enumerate(brief.stories):
        if story.id not in shown:  # continuing or set apart: one line (render/changes.py)
            continue
        sections: list[dict[str, Any]] = []
        for section in brief.sections:
            entries = [
                _item(section.label, ref, obj, checks, numbers, outlets)
                for ref, obj in labelled(section, story.items(section), f"stories[{k}].")
            ]
            if entries:
                sections.append({"title": section.label, "items": entries})
                items += entries
        stories.append(
            {
                **_heading(brief, story),
                "number": len(stories) + 1,
                "sections": sections,
                "new_sources": [labels[i] for i in story.new_sources if i in labels],
                "changed_figures": [
                    {
                        "counts": change.counts,
                        "old": change.old,
                        "new": [
                            {"text": v.text, "cites": [_cite(p, numbers) for p in v.citations]}
                            for v in change.new
                        ],
                    }
                    for change in story.changed_figures
                ],
            }
        )
    by_id = {s.id: s for s in brief.stories}
    by_source = {s.id: s for s in brief.sources}
    numbers_of = {entry["story"].id: entry["number"] for entry in stories}
    contents = [
        {**_heading(brief, story), "number": numbers_of.get(story.id)} for story in brief.stories
    ]
    script = render_template(env, "brief.js.j2")
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    return render_template(
        env,
        "brief.html.j2",
        brief=brief,
        review=brief.review,
        stories=stories,
        contents=contents,
        overview=[by_id[i] for i in brief.overview],
        single=len(brief.stories) == 1,
        continuing=changes.continuing(brief),
        set_apart=[
            {**_heading(brief, story), "sources": [_source(by_source[i]) for i in story.source_ids]}
            for story in changes.set_apart(brief)
        ],
        tally=changes.tally(brief),
        percent=percent,
        day_href=changes.day_href,
        subjects=_figure_subjects(brief),
        sources=[{**_source(s), "id": s.id} for s in brief.sources],
        data_pids=set(brief.passage_index()),
        data=Markup(_script_json(_payload(brief, items))),  # noqa: S704 - JSON made inert below
        script=Markup(script),  # noqa: S704 - our own template, not source text
        script_hash=f"sha256-{digest}",
    )


def _heading(brief: Brief, story: StoryBase) -> dict[str, Any]:
    """What the table of contents and a story's summary line show of it."""
    badge = story.status if story.status in {"new", "updated", "continuing"} else None
    return {
        "story": story,
        "outlets": outlets_of(brief, story),
        # The story's dates as every format shows them ("7\u20138 August 2024; 1 of 3
        # sources undated"); a brief written before stories had dates, its latest day.
        "date": dates_label(story.dates, len(story.source_ids)) or story_date(brief, story),
        # A story is only 'new' against an earlier brief (`briefing daily`).
        "badge": badge if brief.compared_with or badge != "new" else None,
    }


def _item(  # noqa: PLR0913, PLR0917 - one claim and the brief-wide lookups it needs
    section: str,
    ref: str,
    obj: Cited,
    checks: dict[str, ClaimCheck],
    numbers: dict[str, int],
    outlets: dict[str, str],
) -> dict[str, Any]:
    key = claim_key(obj)
    check = checks.get(key)
    cites = [_cite(pid, numbers) for pid in obj.citations]
    also = [
        {"pid": pid, "n": numbers[pid], "outlet": outlets.get(pid)}
        for pid in (obj.corroborated_by if isinstance(obj, Claim) else [])
    ]
    note = None
    if isinstance(obj, Quote) and obj.speaker:
        note = obj.speaker
    elif isinstance(obj, Claim | Figure) and obj.attribution:
        note = f"according to {obj.attribution}"
    unchecked = "the brief has not been verified" if not checks else "not checked"
    return {
        "key": key,
        "ref": ref,
        "section": section,
        "kind": type(obj).__name__.lower(),
        "text": obj.text,
        "note": note,
        "hedge": _hedge(obj),
        "group": ref.rsplit("[", maxsplit=1)[0] if isinstance(obj, Figure) else None,
        "cites": cites,
        "also": also,
        "status": check.status if check else "unsupported",
        "reasons": check.reasons if check else [unchecked],
        "reviewed": check.reviewed if check else False,
        "judge": _judge_line(check),
    }


def _cite(pid: str, numbers: dict[str, int]) -> dict[str, Any]:
    return {"pid": pid, "n": numbers[pid]}


def _hedge(obj: Cited) -> str | None:
    """'Unconfirmed: reportedly', 'Disputed: denied'; a figure's own sentence gives no
    words of its own here, so it says where the doubt is."""
    if isinstance(obj, Quote) or obj.status == "reported":
        return None
    if isinstance(obj, Claim):
        return f"{obj.status.capitalize()}: {obj.status_reason or 'as its source says'}"
    return f"{obj.status.capitalize()} in the sentence that states it"


def _judge_line(check: ClaimCheck | None) -> str | None:
    """The LLM judge's second opinion, worded for the page, if one was asked."""
    if check is None or check.judge is None:
        return None
    verdict = (check.judge.verdict or "no verdict").replace("_", " ")
    return f"Second opinion: {verdict}. {check.judge.reason}"


def _figure_subjects(brief: Brief) -> dict[str, dict[str, Any]]:
    return {
        f"stories[{k}].{section.name}[{i}]": {"subject": g.subject, "disagreement": g.disagreement}
        for k, story in enumerate(brief.stories)
        for section in brief.sections
        for i, g in enumerate(story.items(section))
        if isinstance(g, KeyFigure)
    }


def _source(source: Any) -> dict[str, Any]:  # noqa: ANN401 - a models.Source
    return {
        "title": source.title,
        "outlet": source.outlet,
        "url": safe_url(source.url),
        "published": source.published,
    }


def _payload(brief: Brief, items: list[dict[str, Any]]) -> dict[str, Any]:
    passages: dict[str, Any] = {}
    sources: dict[str, Any] = {}
    for source in brief.sources:
        paragraphs: dict[int, list[str]] = {}
        for p in source.passages:
            paragraphs.setdefault(p.paragraph, []).append(p.id)
            passages[p.id] = {"source": source.id, "paragraph": p.paragraph, "text": p.text}
        sources[source.id] = {**_source(source), "paragraphs": paragraphs}
    return {
        "format": FORMAT,
        "brief": brief.title,
        "passages": passages,
        "sources": sources,
        "claims": [{"key": i["key"], "ref": i["ref"], "text": i["text"]} for i in items],
    }


def _script_json(data: object) -> str:
    """JSON that cannot end its <script> element or open a comment: <, > and & are escaped."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
