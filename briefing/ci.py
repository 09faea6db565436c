"""Handing a run's review to the CI it runs in. Today that is GitHub Actions (its text
comes from render/github.py):

- the step summary is appended to the file GITHUB_STEP_SUMMARY names, kept under the
  runner's 1 MiB limit together with what the step wrote there before;
- step outputs (the brief's file, the counts, the supported fraction) are appended to
  the file GITHUB_OUTPUT names;
- annotations are workflow commands in the step's output, so they are returned for the
  command line to print.

A summary that cannot be written costs the summary only (a warning); outputs that cannot
be written are an error, since later steps would read empty values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from briefing import config
from briefing.errors import BriefingError
from briefing.render.github import SUMMARY_LIMIT, output_lines, step_summary, workflow_commands
from briefing.verify.gate import passes

if TYPE_CHECKING:
    from pathlib import Path

    from briefing.models import Review
    from briefing.render.locate import Located


def in_github(ci: str) -> bool:
    """`--ci github`, or `--ci auto` (the default) inside a GitHub Actions step."""
    return ci == "github" or (ci == "auto" and config.github_actions())


@dataclass
class Published:
    commands: list[str]  # workflow commands to print
    warnings: list[str] = field(default_factory=list)


def publish(
    review: Review,
    title: str,
    *,
    located: Located | None,
    fail_under: float | None,
    outputs: dict[str, str],
) -> Published:
    """The step summary and the step outputs, written; the annotations, returned."""
    published = Published(workflow_commands(review, located))
    summary_file = config.github_file("GITHUB_STEP_SUMMARY")
    if summary_file is not None:
        try:
            budget = SUMMARY_LIMIT - _size(summary_file)
            text = step_summary(
                review, title, located=located, fail_under=fail_under, budget=budget
            )
            if len(text.encode()) > budget:
                published.warnings.append(
                    f"{summary_file}: the step summary is nearly full (GitHub takes 1 MiB); "
                    "the review was not added to it"
                )
            else:
                _append(summary_file, text)
        except OSError as err:
            published.warnings.append(
                f"{summary_file}: cannot write the step summary ({err.strerror or err})"
            )
    output_file = config.github_file("GITHUB_OUTPUT")
    if output_file is not None:
        values = {
            "brief": located.path if located else "",
            "fraction-supported": f"{review.fraction_supported:.4f}",
            "supported": str(review.supported),
            "partly-supported": str(review.partly_supported),
            "unsupported": str(review.unsupported),
            "contradicted": str(review.contradicted),
            "total": str(review.total),
            "gate": _gate(review, fail_under),
            **outputs,
        }
        try:
            _append(output_file, "".join(output_lines(k, v) for k, v in values.items()))
        except OSError as err:
            raise BriefingError(
                f"{output_file}: cannot write the step outputs ({err.strerror or err}); "
                "GITHUB_OUTPUT must name a file this step can append to"
            ) from err
    return published


def _gate(review: Review, fail_under: float | None) -> str:
    if fail_under is None:
        return "off"
    return "passed" if passes(review, fail_under) else "failed"


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
