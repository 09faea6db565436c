"""What a brief must hold together beyond its field types: ids given once and shaped as
their source's, counts that match what the brief holds, figures whose sources match their
citations, citations that resolve, and a review of exactly this brief's claims.

A brief read from a file (`brief_file`) or assembled by the engines is refused with any of
these contradictions, one line each naming the field and the fix."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, TypeVar

from briefing.models import Claim, KeyFigure
from briefing.verify.checks import claim_key

if TYPE_CHECKING:
    from briefing.models import BriefBase, Item, Review

    BriefT = TypeVar("BriefT", bound=BriefBase)


class ContradictionError(ValueError):
    """A brief whose fields contradict each other (its message lists the first few)."""


def consistent(brief: BriefT, *, lenient: bool = False) -> BriefT:
    """`brief` itself, or ContradictionError naming its first contradictions."""
    problems = contradictions(brief, lenient=lenient)
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise ContradictionError("; ".join(problems[:3]) + more)
    return brief


def contradictions(brief: BriefBase, *, lenient: bool = False) -> list[str]:
    """Every contradiction in `brief`. `lenient` (the verifier's hand-edited briefs) lets
    unknown citations and an outdated review through: the verifier reports the one claim
    by claim and recomputes the other."""
    problems = [*_id_problems(brief), *_story_problems(brief), *_count_problems(brief)]
    problems += _figure_problems(brief, lenient=lenient)
    if not lenient:
        problems += _unknown_citations(brief)
        if brief.review is not None:
            problems += _review_mismatch(brief, brief.review)
    return problems


_PLAIN = re.compile(r"[\w.\-\[\]]{1,40}", re.ASCII)


def _shown(value: str) -> str:
    """A value from the file for an error message: as it is when it is a plain id, else
    quoted on one line and cut short."""
    if _PLAIN.fullmatch(value):
        return value
    return repr(value if len(value) <= 40 else value[:40] + "...")


def _id_problems(brief: BriefBase) -> list[str]:
    problems: list[str] = []
    sources: dict[str, str] = {}
    passages: dict[str, str] = {}
    for i, source in enumerate(brief.sources):
        problems += _repeated(sources, source.id, f"sources[{i}]", "source")
        for j, passage in enumerate(source.passages):
            at = f"sources[{i}].passages[{j}]"
            number = passage.id.removeprefix(f"{source.id}.")
            if number == passage.id or not number.isdecimal():
                problems.append(
                    f"{at}.id: {_shown(passage.id)} is not a passage id of source "
                    f"{_shown(source.id)}; name it {source.id}.N (N: the sentence number)"
                )
            problems += _repeated(passages, passage.id, at, "passage")
    claims: dict[str, str] = {}
    for k, story in enumerate(brief.stories):
        for section in brief.sections:
            for i, item in enumerate(story.items(section)):
                if isinstance(item, Claim):
                    at = f"stories[{k}].{section.name}[{i}]"
                    problems += _repeated(claims, item.id, at, "claim")
    return problems


def _story_problems(brief: BriefBase) -> list[str]:
    """Story ids given once, stories made of the brief's sources (each in one story), and
    an overview that names stories of the brief."""
    problems: list[str] = []
    known = {s.id for s in brief.sources}
    stories: dict[str, str] = {}
    owner: dict[str, str] = {}
    for k, story in enumerate(brief.stories):
        at = f"stories[{k}]"
        problems += _repeated(stories, story.id, at, "story")
        for sid in story.source_ids:
            if sid not in known:
                problems.append(
                    f"{at}.source_ids: {_shown(sid)} is not a source of the brief; list the "
                    "ids of the brief's sources"
                )
            elif owner.setdefault(sid, story.id) != story.id:
                problems.append(
                    f"{at}.source_ids: {_shown(sid)} is also a source of story "
                    f"{_shown(owner[sid])}; give each source to one story"
                )
        problems += [
            f"{at}.new_sources: {_shown(sid)} is not one of the story's sources; list only "
            "ids from its source_ids"
            for sid in story.new_sources
            if sid not in story.source_ids
        ]
    for i, story_id in enumerate(brief.overview):
        if story_id not in stories:
            problems.append(
                f"overview[{i}]: {_shown(story_id)} is not a story of the brief; name one of "
                "the stories' ids"
            )
    return problems


def _repeated(seen: dict[str, str], value: str, where: str, what: str) -> list[str]:
    """Remember where an id first appears; a problem when it appeared before."""
    first = seen.setdefault(value, where)
    if first == where:
        return []
    return [f"{where}.id: {_shown(value)} is also the id of {first}; give every {what} its own id"]


def _count_problems(brief: BriefBase) -> list[str]:
    held = {
        "sources": (len(brief.sources), "sources"),
        "passages": (sum(len(s.passages) for s in brief.sources), "passages"),
        "skipped": (len(brief.skipped_inputs), "skipped inputs"),
    }
    problems = [
        f"stats.{name}: {getattr(brief.stats, name)}, but the brief holds {count} {what}; "
        f"set it to {count}"
        for name, (count, what) in held.items()
        if getattr(brief.stats, name) != count
    ]
    if brief.review is not None:
        problems += _review_counts(brief.review)
    return problems


def _review_counts(review: Review) -> list[str]:
    statuses = [c.status for c in review.claims]
    supported = statuses.count("supported")
    held = {
        "total": len(statuses),
        "supported": supported,
        "partly_supported": statuses.count("partly supported"),
        "unsupported": statuses.count("unsupported"),
        "contradicted": statuses.count("contradicted"),
    }
    problems = [
        f"review.{name}: {getattr(review, name)}, but review.claims holds {count}; "
        "regenerate the brief or delete its review"
        for name, count in held.items()
        if getattr(review, name) != count
    ]
    fraction = supported / len(statuses) if statuses else 0.0
    if abs(review.fraction_supported - fraction) > 1e-6:
        problems.append(
            f"review.fraction_supported: {review.fraction_supported:g}, but {supported} of "
            f"{len(statuses)} claims are supported ({fraction:g}); regenerate the brief or "
            "delete its review"
        )
    refs: set[str] = set()
    for i, check in enumerate(review.claims):
        if check.ref in refs:
            problems.append(
                f"review.claims[{i}].ref: {_shown(check.ref)} is checked twice; regenerate "
                "the brief or delete its review"
            )
        refs.add(check.ref)
    return problems


def _figure_problems(brief: BriefBase, *, lenient: bool) -> list[str]:
    owner = {p.id: s.id for s in brief.sources for p in s.passages}
    problems: list[str] = []
    for k, story in enumerate(brief.stories):
        for section in brief.sections:
            problems += _figure_sources(
                story.items(section), owner, f"stories[{k}].{section.name}", lenient=lenient
            )
    return problems


def _figure_sources(
    items: list[Item], owner: dict[str, str], at: str, *, lenient: bool
) -> list[str]:
    problems: list[str] = []
    for i, item in enumerate(items):
        if not isinstance(item, KeyFigure):
            continue
        for j, figure in enumerate(item.figures):
            if lenient and any(pid not in owner for pid in figure.citations):
                continue  # the verifier reports the unknown citation
            cited = sorted({owner[pid] for pid in figure.citations if pid in owner})
            listed = figure.source_ids
            if len(set(listed)) != len(listed) or set(listed) != set(cited):
                problems.append(
                    f"{at}[{i}].figures[{j}].source_ids: {listed}, but its citations are in "
                    f"{', '.join(cited) or 'no source'}; list each source of its citations once"
                )
    return problems


def _unknown_citations(brief: BriefBase) -> list[str]:
    known = brief.passage_index()
    unknown: list[str] = []
    for _, ref, obj in brief.labelled_objects():
        ids = [*obj.citations, *(obj.corroborated_by if isinstance(obj, Claim) else [])]
        unknown.extend(f"{_shown(ref)} cites {_shown(pid)}" for pid in ids if pid not in known)
    for k, story in enumerate(brief.stories):  # a changed figure's new value (daily briefs)
        for i, change in enumerate(story.changed_figures):
            ref = f"stories[{k}].changed_figures[{i}]"
            ids = [pid for value in change.new for pid in value.citations]
            unknown.extend(f"{ref} cites {_shown(pid)}" for pid in ids if pid not in known)
    if not unknown:
        return []
    more = f" (and {len(unknown) - 5} more)" if len(unknown) > 5 else ""
    return [
        (
            f"citations to unknown passages: {', '.join(unknown[:5])}{more}; cite passage "
            "ids the brief's sources embed, or run `briefing verify` to see each such claim"
        )
    ]


def _review_mismatch(brief: BriefBase, review: Review) -> list[str]:
    """The review must be of this brief's claims, in order: a brief edited after it was
    verified would otherwise show the old verdicts next to the new claims."""
    objects = brief.labelled_objects()
    fix = "regenerate the brief or delete its review (`briefing verify` checks it anew)"
    if len(objects) != len(review.claims):
        return [
            (
                f"review.claims: {len(review.claims)} checks for the brief's {len(objects)} "
                f"claims, figures and quotes; {fix}"
            )
        ]
    for i, ((_, ref, obj), check) in enumerate(zip(objects, review.claims, strict=True)):
        if check.ref != ref or check.key != claim_key(obj):
            return [
                (
                    f"review.claims[{i}]: checks {_shown(check.ref)}, which is not the "
                    f"brief's {_shown(ref)} as it stands (edited after the review?); {fix}"
                )
            ]
    return []
