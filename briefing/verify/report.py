"""The review report (markdown or JSON) and the --fail-under gate."""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefing.brief_file import load_brief
from briefing.errors import ConfigError, VerificationFailedError
from briefing.output import write_atomically
from briefing.render import escape_markdown
from briefing.templating import make_environment, render_template
from briefing.verify.checks import verify_brief

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from jinja2.sandbox import SandboxedEnvironment

    from briefing.models import Brief, Review


def verify_file(
    brief_path: Path,
    output: Path | None = None,
    templates: Path | None = None,
    judge: Callable[[Brief, Review], Review] | None = None,
) -> tuple[Review, str | None]:
    """Verify a brief JSON; write the report to `output`, or return it as markdown.
    `judge` adds a second opinion to each claim after the deterministic checks."""
    brief = load_brief(brief_path, allow_unknown_citations=True)
    review = verify_brief(brief)
    if brief.review is not None:  # keep what a reviewer decided on an earlier run
        reviewed = {c.key for c in brief.review.claims if c.reviewed}
        review = review.model_copy(
            update={
                "claims": [
                    c.model_copy(update={"reviewed": c.key in reviewed}) for c in review.claims
                ],
                "decisions_file": brief.review.decisions_file,
                "rejected": brief.review.rejected,
            }
        )
    if judge is not None:
        review = judge(brief, review)
    env = report_environment(templates)
    if output is not None:
        write_report(review, brief.title, output, env)
        return review, None
    return review, report_markdown(review, brief.title, env)


def report_environment(templates: Path | None = None) -> SandboxedEnvironment:
    env = make_environment("templates", templates)
    env.filters["md"] = escape_markdown
    return env


def report_markdown(review: Review, title: str, env: SandboxedEnvironment) -> str:
    return render_template(env, "review.md.j2", review=review, title=title)


def report_json(review: Review) -> str:
    return review.model_dump_json(indent=2) + "\n"


def write_report(review: Review, title: str, path: Path, env: SandboxedEnvironment) -> None:
    suffix = path.suffix.lower()
    if suffix == ".json":
        text = report_json(review)
    elif suffix in {".md", ".markdown"}:
        text = report_markdown(review, title, env)
    else:
        raise ConfigError(f"{path}: unknown report format {suffix!r}; name it .md or .json")
    write_atomically(path, text)


def summary_line(review: Review) -> str:
    return (
        f"{review.supported} of {review.total} claims supported "
        f"({review.fraction_supported:.0%}), {review.partly_supported} partly supported, "
        f"{review.unsupported} unsupported"
    )


def enforce_threshold(review: Review, fail_under: float | None) -> None:
    if fail_under is None:
        return
    if not 0 <= fail_under <= 1:
        raise ConfigError(f"--fail-under {fail_under}: give a fraction between 0 and 1, e.g. 0.95")
    if review.fraction_supported < fail_under:
        raise VerificationFailedError(
            f"{summary_line(review)}: below --fail-under {fail_under:g}; fix or drop the "
            "flagged claims (see the review report) or lower the threshold"
        )
