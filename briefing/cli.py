"""The command line: parse, call the library, turn a BriefingError into one clear line."""

from __future__ import annotations

import sys
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from briefing import __version__, pipeline
from briefing.brief_file import load_brief
from briefing.errors import BriefingError
from briefing.output import write_atomically
from briefing.render import format_for, render
from briefing.verify.report import enforce_threshold, summary_line, verify_file

if TYPE_CHECKING:
    from collections.abc import Iterator

OUTPUT = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write here; the suffix picks the format (.md, .json, .html). Default: markdown, stdout.",
)
FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "json", "html"]),
    help="Output format, overriding -o.",
)
TEMPLATES = click.option(
    "--templates",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of templates that override the built-in ones (same file names).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefing")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Turn a day's articles into a situation brief whose every claim cites its sources."""
    ctx.obj = {"debug": debug}


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@OUTPUT
@FORMAT
@TEMPLATES
@click.option(
    "--engine",
    type=click.Choice(pipeline.ENGINES),
    default="auto",
    show_default=True,
    help="'extractive' works offline with no model.",
)
@click.option("--title", help="Headline for the brief (default: the most central article's).")
@click.option(
    "--review",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Reviewer decisions exported from the HTML brief: rejected claims are left out, "
    "accepted ones marked reviewed.",
)
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 1),
    help="After writing the brief, exit with status 4 when fewer than this fraction of its "
    "claims are supported (0-1).",
)
@click.pass_context
def generate(  # noqa: PLR0913 - one parameter per option
    ctx: click.Context,
    paths: tuple[str, ...],
    output: Path | None,
    fmt: str | None,
    templates: Path | None,
    engine: str,
    title: str | None,
    review: Path | None,
    fail_under: float | None,
) -> None:
    """Write a brief from PATHS: files, folders or globs of .txt, .md, .html, .json,
    .jsonl and RSS/Atom feeds. Unusable files are skipped with a warning."""
    with _errors(ctx):
        out_format = format_for(output, fmt)
        brief = pipeline.generate(list(paths), pipeline.choose_engine(engine), title, review)
        for item in brief.skipped_inputs:
            click.echo(f"warning: skipped {item.path}: {item.reason}", err=True)
        _emit(render(brief, out_format, templates), output)
        if brief.review is not None and brief.review.unmatched_decisions:
            count = len(brief.review.unmatched_decisions)
            click.echo(
                f"warning: {count} decision(s) in {review} match no claim of this run (the "
                "inputs or the engine changed); they were not applied",
                err=True,
            )
        if brief.review is not None:
            click.echo(f"review: {summary_line(brief.review)}", err=True)
            enforce_threshold(brief.review, fail_under)


@cli.command()
@click.argument("brief_json", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the review report here (.md or .json). Default: markdown to stdout.",
)
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 1),
    help="Exit with status 4 when fewer than this fraction of claims are supported (0-1).",
)
@TEMPLATES
@click.pass_context
def verify(
    ctx: click.Context,
    brief_json: Path,
    output: Path | None,
    fail_under: float | None,
    templates: Path | None,
) -> None:
    """Check every claim of BRIEF_JSON against the passages it cites: citations resolve,
    quotes are verbatim, numbers, dates and names appear, and enough words match."""
    with _errors(ctx):
        review, report = verify_file(brief_json, output, templates)
        if report is not None:
            click.echo(report, nl=False)
        else:
            click.echo(f"wrote {output}", err=True)
        click.echo(f"review: {summary_line(review)}", err=True)
        enforce_threshold(review, fail_under)


@cli.command("render")
@click.argument("brief_json", type=click.Path(dir_okay=False, path_type=Path))
@OUTPUT
@FORMAT
@TEMPLATES
@click.pass_context
def render_command(
    ctx: click.Context,
    brief_json: Path,
    output: Path | None,
    fmt: str | None,
    templates: Path | None,
) -> None:
    """Render a brief saved as JSON again, with no sources and no network."""
    with _errors(ctx):
        out_format = format_for(output, fmt)
        _emit(render(load_brief(brief_json), out_format, templates), output)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomically(output, text)
        click.echo(f"wrote {output}", err=True)


@contextmanager
def _errors(ctx: click.Context) -> Iterator[None]:
    """Typed errors become one line and their exit code; anything else is a bug report."""
    debug = bool(ctx.obj and ctx.obj.get("debug"))
    try:
        yield
    except (click.exceptions.Exit, click.ClickException):
        raise
    except BriefingError as err:
        if debug:
            traceback.print_exc()
        _fail(str(err), err.exit_code)
    except Exception as err:  # noqa: BLE001 - the last line of defence: one message, not a traceback
        if debug:
            traceback.print_exc()
        _fail(f"unexpected {type(err).__name__}: {err}; rerun with --debug and report it", 1)


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def main() -> None:
    cli()
