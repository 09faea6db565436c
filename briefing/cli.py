"""The command line: parse, call the library, turn a BriefingError into one clear line."""

from __future__ import annotations

import math
import re
import sys
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn, TypeVar

import click

from briefing import interrupts
from briefing.choices import CI_CHOICES, DEFAULT_MODEL, ENGINES, JUDGES, REPORTS
from briefing.errors import BriefingError, ConfigError, NoUsableInputError
from briefing.version import __version__

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from briefing.models import Brief, Review
    from briefing.render.locate import Located


F = TypeVar("F", bound="Callable[..., Any]")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Fraction(click.FloatRange):
    """A number from 0 to 1: click.FloatRange, which lets NaN through its bounds."""

    name = "fraction"

    def __init__(self) -> None:
        super().__init__(0, 1)

    def convert(
        self,
        value: Any,  # noqa: ANN401 - whatever click was given
        param: click.Parameter | None,
        ctx: click.Context | None,
    ) -> Any:  # noqa: ANN401 - as click declares it
        number = super().convert(value, param, ctx)
        if math.isnan(number):
            self.fail(f"{value!r} is not a number from 0 to 1 (e.g. 0.95)", param, ctx)
        return number


# "-" is standard input (a brief to read) or standard output (where to write).
FILE_OR_DASH = click.Path(dir_okay=False, allow_dash=True, path_type=Path)
OUTPUT = click.option(
    "-o",
    "--output",
    type=FILE_OR_DASH,
    help="Write here (- for standard output); the suffix picks the format (.md, .json, "
    ".html). Default: markdown, stdout.",
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


CI = click.option(
    "--ci",
    type=click.Choice(CI_CHOICES),
    default="auto",
    show_default=True,
    help="Report to a CI: 'github' writes the step summary, annotations on the brief's "
    "lines and step outputs; 'auto' does so when GITHUB_ACTIONS=true.",
)


def VERBOSITY(command: F) -> F:  # noqa: N802 - a decorator, like LLM_OPTIONS
    """-q and -v, on every command that runs."""
    command = click.option(
        "-v",
        "--verbose",
        is_flag=True,
        help="Also print each stage's time and what was read from each input.",
    )(command)
    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        help="Print nothing on standard error unless something needs a look (a warning, an "
        "error, a failed gate).",
    )(command)


MODEL = click.option(
    "--model",
    metavar="NAME",
    help=f"Model for the language model calls (the openai engine, --judge openai). "
    f"[default: BRIEFING_MODEL, else OPENAI_MODEL, else {DEFAULT_MODEL}]",
)
BASE_URL = click.option(
    "--base-url",
    metavar="URL",
    help="OpenAI-compatible API base URL (Ollama, vLLM, llama.cpp, Azure). "
    "Default: OPENAI_BASE_URL, else api.openai.com.",
)
PROMPTS = click.option(
    "--prompts",
    "prompts_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of prompt templates that override the built-in ones (same file names).",
)
NO_CACHE = click.option("--no-cache", is_flag=True, help="Neither read nor write the reply cache.")
TIMEOUT = click.option(
    "--timeout", type=click.FloatRange(min=1), help="Seconds per model call. [default: 120]"
)
JUDGE = click.option(
    "--judge",
    type=click.Choice(JUDGES),
    help="Also ask a language model whether each claim's cited passages entail it: a second "
    "opinion shown next to the verifier's status, never changing it or --fail-under.",
)

_LLM_OPTIONS = (
    MODEL,
    BASE_URL,
    PROMPTS,
    NO_CACHE,
    click.option(
        "--dry-run",
        is_flag=True,
        help="Print the planned model calls, tokens and estimated cost; send nothing.",
    ),
    click.option(
        "--max-concurrency", type=click.IntRange(min=1), help="Model calls in flight. [default: 4]"
    ),
    click.option(
        "--max-retries",
        type=click.IntRange(min=0),
        help="Retries (with backoff) on 429, 5xx and timeouts. [default: 2]",
    ),
    TIMEOUT,
    click.option(
        "--temperature",
        type=click.FloatRange(min=0, max=2),
        help="Sampling temperature. [default: the server's]",
    ),
    click.option(
        "--frequency-penalty",
        type=click.FloatRange(min=-2, max=2),
        help="Penalty on repeated tokens; small local models may need it. [default: none]",
    ),
    click.option(
        "--prices",
        "prices_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help='JSON price table overriding the built-in one: {"model": {"input": ..., '
        '"cached_input": ..., "output": ...}} in USD per million tokens.',
    ),
    click.option(
        "--batch",
        is_flag=True,
        default=None,
        help="Send the map and merge requests through OpenAI's Batch API: half the price, "
        "answered within 24 hours; an interrupted run resumes its batches when run again.",
    ),
    click.option(
        "--max-cost",
        type=click.FloatRange(min=0),
        metavar="USD",
        help="Most the run may spend on model calls, in US dollars: a plan over it is "
        "refused before any request (exit 2); a run that would go over it stops sending, "
        "keeps what was answered and says what was left out.",
    ),
    click.option(
        "--embeddings",
        metavar="MODEL",
        help="With --engine openai: group stories by this embedding model's vectors of each "
        "source's opening, from the same server (e.g. text-embedding-3-small). "
        "[default: by their words]",
    ),
)


# The input limits (briefing/ingest/limits.py); an input over one is skipped with a reason.
_LIMITS = (
    (
        "--max-input-mb",
        click.FloatRange(min=0, min_open=True),
        "Skip an input file larger than this many MB (10^6 bytes). [default: 20]",
    ),
    (
        "--max-title-chars",
        click.IntRange(min=20),
        "Cut longer titles to this many characters. [default: 300]",
    ),
    (
        "--max-json-depth",
        click.IntRange(min=2, max=500),
        "Skip JSON inputs (and Markdown front matter) nested deeper. [default: 64]",
    ),
    (
        "--max-figures-per-sentence",
        click.IntRange(min=1),
        "A sentence with more numbers than this gives no key figures. [default: 25]",
    ),
)
_LIMIT_OPTIONS = tuple(click.option(name, type=kind, help=text) for name, kind, text in _LIMITS)


def INPUT_LIMITS(command: F) -> F:  # noqa: N802 - a decorator, like LLM_OPTIONS
    for option in reversed(_LIMIT_OPTIONS):
        command = option(command)
    return command


def LLM_OPTIONS(command: F) -> F:  # noqa: N802 - used as a decorator like the constants above
    for option in reversed(_LLM_OPTIONS):
        command = option(command)
    return command


def llm_options(  # noqa: PLR0913 - one parameter per option
    *,
    model: str | None = None,
    base_url: str | None = None,
    prompts_dir: Path | None = None,
    no_cache: bool = False,
    max_concurrency: int | None = None,
    max_retries: int | None = None,
    timeout: float | None = None,
    temperature: float | None = None,
    frequency_penalty: float | None = None,
    prices_file: Path | None = None,
    embeddings: str | None = None,
    max_cost: float | None = None,
    batch: bool | None = None,
) -> dict[str, Any]:
    """The CLI's model options as the API's keyword options (None: not given)."""
    return {
        "model": model,
        "base_url": base_url,
        "prompts_dir": prompts_dir,
        "use_cache": False if no_cache else None,
        "max_concurrency": max_concurrency,
        "max_retries": max_retries,
        "timeout": timeout,
        "temperature": temperature,
        "frequency_penalty": frequency_penalty,
        "prices_file": prices_file,
        "embeddings": embeddings,
        "max_cost": max_cost,
        "batch": batch or None,
    }


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefing")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Turn a day's articles into a situation brief whose every claim cites its sources."""
    ctx.obj = {"debug": debug}


@cli.command(short_help="Write a brief from articles, feeds and pages.")
@click.argument("paths", nargs=-1, required=True)
@OUTPUT
@FORMAT
@TEMPLATES
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    help="'extractive' works offline with no model; 'auto' is 'openai' when OPENAI_API_KEY "
    "is set. [default: auto]",
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
    type=Fraction(),
    help="After writing the brief, exit with status 4 when fewer than this fraction of its "
    "claims are supported (0-1).",
)
@click.option(
    "--allow-fallback",
    is_flag=True,
    help="Exit 0, not 5, when the model could not be used and the offline engine's brief "
    "was written instead.",
)
@CI
@VERBOSITY
@JUDGE
@INPUT_LIMITS
@LLM_OPTIONS
@click.pass_context
def generate(  # noqa: PLR0913 - one parameter per option
    ctx: click.Context,
    /,
    paths: tuple[str, ...],
    output: Path | None,
    fmt: str | None,
    templates: Path | None,
    engine: str,
    title: str | None,
    review: Path | None,
    fail_under: float | None,
    allow_fallback: bool,
    ci: str,
    quiet: bool,
    verbose: bool,
    judge: str | None,
    dry_run: bool,
    **llm: Any,  # noqa: ANN401 - the model options (see llm_options()) and input limits
) -> None:
    """Write a brief from PATHS: files, folders or globs of .txt, .md, .html, .json,
    .jsonl and RSS/Atom feeds, and http(s) URLs of feeds and pages (fetched with
    conditional GET). Unusable inputs are skipped with a warning.

    --engine openai (the default when OPENAI_API_KEY is set) works with any
    OpenAI-compatible server: set OPENAI_BASE_URL or --base-url."""
    _verbosity(ctx, quiet, verbose)
    with _errors(ctx):
        from briefing import pipeline  # noqa: PLC0415 - loaded when a command runs
        from briefing.ci import in_github  # noqa: PLC0415
        from briefing.ingest.fetch_settings import FETCH_OPTIONS  # noqa: PLC0415
        from briefing.ingest.limits import LIMIT_OPTIONS  # noqa: PLC0415
        from briefing.progress import stage  # noqa: PLC0415
        from briefing.render import format_for  # noqa: PLC0415
        from briefing.render.locate import in_output  # noqa: PLC0415

        shared = _layered(
            {"engine": engine, "fail_under": fail_under, "judge": judge, "templates": templates}
            | llm
            | {"fetch_timeout": None, "fetch_retries": None}
        )
        engine = shared.pop("engine") or "auto"
        fail_under, judge, templates = (shared.pop(k) for k in ("fail_under", "judge", "templates"))
        reading = {n: shared.pop(n) for n in (*LIMIT_OPTIONS, *FETCH_OPTIONS) if n in shared}
        options = {**llm_options(**shared), **reading}
        _model_without_key(engine, options, judge)
        _refuse_input_as_output(output, pipeline.input_files(list(paths)), review, llm)
        if dry_run:
            if engine == "extractive":
                raise ConfigError("--dry-run plans model calls; the extractive engine makes none")
            click.echo(pipeline.plan(list(paths), **options).render())
            return
        out_format = format_for(output, fmt)
        pipeline.preflight(output, out_format, templates)
        with _working():
            brief = pipeline.generate(
                list(paths), engine=engine, title=title, review=review, judge=judge, **options
            )
            with stage("rendering"):
                text = pipeline.render(brief, out_format, templates=templates)
            with stage("writing the output"):
                wrote = _write(text, output)
        _skipped(brief)
        _inputs_detail(brief)
        if wrote:
            _note(f"wrote {output}")
        if brief.review is not None and brief.review.unmatched_decisions:
            count = len(brief.review.unmatched_decisions)
            _warn(
                f"{count} decision(s) in {review} match no claim of this run (the inputs or "
                "the engine changed); they were not applied"
            )
        if brief.review is None:
            return
        located = (
            in_output(brief.review, text, out_format, output) if wrote and in_github(ci) else None
        )
        report = _Report(brief.review, brief.title, located, ci, str(output) if wrote else "")
        empty = pipeline.nothing_survived(brief)
        if empty is not None:
            _report(report, None)
            _warn(empty)
            ctx.exit(NoUsableInputError.exit_code)
        refused = _fell_back(brief, allowed=allow_fallback)
        _report(report, None if refused else fail_under)
        if refused:
            _fail_on_fallback(brief)


def DAILY_OPTIONS(command: F) -> F:  # noqa: N802 - a decorator, like LLM_OPTIONS
    """One option per key of briefing.toml, as text: daily/config.py parses every source
    alike (CLI > BRIEFING_* > config file > default)."""
    from briefing.daily.config import KEYS  # noqa: PLC0415 - only the key table

    for key in reversed(KEYS[1:]):  # the first, inputs, is the argument
        if key.default is False:  # a switch
            command = click.option(key.option, is_flag=True, default=None, help=key.help)(command)
        elif key.default is True:  # a switch that is on unless turned off
            pair = f"{key.option}/--no-{key.option[2:]}"
            command = click.option(pair, default=None, help=key.help)(command)
        else:
            command = click.option(key.option, metavar=key.metavar, help=key.help)(command)
    return command


@cli.command(short_help="Write the day's brief, index and feed into a folder (cron).")
@click.argument("inputs", nargs=-1)
@click.option(
    "--config",
    "config_file",
    metavar="FILE",
    help="The TOML config file. [default: BRIEFING_CONFIG, else briefing.toml if present]",
)
@click.option(
    "--date",
    metavar="YYYY-MM-DD",
    help="The day, YYYY-MM-DD. [default: today in the configured timezone]",
)
@click.option(
    "--force", is_flag=True, help="Replace the brief of a past day that was already written."
)
@DAILY_OPTIONS
@CI
@VERBOSITY
@click.pass_context
def daily(  # noqa: PLR0913 - one parameter per option
    ctx: click.Context,
    /,
    inputs: tuple[str, ...],
    config_file: str | None,
    date: str | None,
    force: bool,
    ci: str,
    quiet: bool,
    verbose: bool,
    **given: Any,  # noqa: ANN401 - the keys of briefing.toml, as text
) -> None:
    """Write the day's brief into the output folder as DATE.md, DATE.json and DATE.html,
    with latest.*, index.md, index.html and feed.xml (Atom) kept up to date.

    Settings come from the command line, then BRIEFING_* environment variables, then the
    config file (briefing.toml), then the defaults. INPUTS, when given, replace the
    config's inputs. Items published outside the window are left out."""
    _verbosity(ctx, quiet, verbose)
    with _errors(ctx):
        from briefing import pipeline  # noqa: PLC0415 - loaded when a command runs
        from briefing.ci import in_github  # noqa: PLC0415
        from briefing.daily.config import resolve  # noqa: PLC0415
        from briefing.daily.run import run_day  # noqa: PLC0415
        from briefing.render.locate import in_written  # noqa: PLC0415

        given["inputs"] = inputs or None
        settings = resolve(given, config=config_file, date=date)
        for fmt in settings["formats"]:  # before any paid call: the templates load
            pipeline.preflight(None, fmt, settings["templates"])
        with _working():
            result = run_day(settings, force=force)
        brief = result.brief
        _skipped(brief)
        _inputs_detail(brief)
        for path in [*result.written.dated, *result.written.latest, *result.listings]:
            _note(f"wrote {path}")
        empty = pipeline.nothing_survived(brief)
        if empty is not None:
            _warn(empty)
            ctx.exit(NoUsableInputError.exit_code)
        refused = _fell_back(brief, allowed=settings["allow_fallback"])
        if brief.review is not None:
            located = in_written(brief.review, result.written.dated) if in_github(ci) else None
            output = located.path if located else ""
            gate = None if refused else settings["fail_under"]
            _report(_Report(brief.review, brief.title, located, ci, output), gate)
        if refused:
            _fail_on_fallback(brief)


@cli.command(short_help="Check a saved brief's claims against their sources.")
@click.argument("brief_json", type=FILE_OR_DASH)
@click.option(
    "-o",
    "--output",
    type=FILE_OR_DASH,
    help="Write the review report here (.md, .json or .sarif; - for standard output). "
    "Default: markdown to stdout.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(REPORTS),
    help="Report format, overriding -o: sarif is SARIF 2.1.0 for code scanning.",
)
@click.option(
    "--fail-under",
    type=Fraction(),
    help="Exit with status 4 when fewer than this fraction of claims are supported (0-1).",
)
@click.option(
    "--markdown",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The markdown brief that SARIF results and GitHub annotations point at. Default: "
    "BRIEF_JSON's name with .md, when that file exists; else BRIEF_JSON itself.",
)
@CI
@VERBOSITY
@TEMPLATES
@JUDGE
@MODEL
@BASE_URL
@PROMPTS
@NO_CACHE
@TIMEOUT
@click.pass_context
def verify(  # noqa: PLR0913 - one parameter per option
    ctx: click.Context,
    /,
    brief_json: Path,
    output: Path | None,
    fmt: str | None,
    fail_under: float | None,
    markdown: Path | None,
    ci: str,
    quiet: bool,
    verbose: bool,
    templates: Path | None,
    judge: str | None,
    **llm: Any,  # noqa: ANN401 - the model options, see llm_options()
) -> None:
    """Check every claim of BRIEF_JSON against the passages it cites: citations resolve,
    quotes are verbatim, numbers, dates and names appear, and enough words match.

    --judge openai adds a language model's second opinion on each claim (any
    OpenAI-compatible server: OPENAI_API_KEY, or --base-url / OPENAI_BASE_URL); it never
    changes the verdicts."""
    _verbosity(ctx, quiet, verbose)
    with _errors(ctx):
        from briefing import pipeline  # noqa: PLC0415 - loaded when a command runs
        from briefing.ci import in_github  # noqa: PLC0415
        from briefing.progress import stage  # noqa: PLC0415
        from briefing.render import render_report, report_format_for  # noqa: PLC0415
        from briefing.render.locate import in_brief_files  # noqa: PLC0415

        shared = _layered({"fail_under": fail_under, "judge": judge, "templates": templates} | llm)
        fail_under, judge, templates = (shared.pop(k) for k in ("fail_under", "judge", "templates"))
        options = llm_options(**shared)
        report_format = report_format_for(output, fmt)
        _refuse_input_as_output(output, [brief_json], markdown, llm)
        pipeline.preflight(output, "review" if report_format == "md" else report_format, templates)
        with _working():
            with stage("loading the brief"):
                brief = pipeline.load(brief_json, allow_unknown_citations=True)
            review = pipeline.verify(brief, judge=judge, **options)
            located = None
            if in_github(ci) or report_format == "sarif":
                located = in_brief_files(review, brief_json, markdown)
            with stage("rendering"):
                text = render_report(review, brief.title, report_format, templates, located)
            with stage("writing the output"):
                wrote = _write(text, output)
        if wrote:
            _note(f"wrote {output}")
        _report(_Report(review, brief.title, located, ci, str(output) if wrote else ""), fail_under)


class _Report(NamedTuple):
    """What a command hands to _report: the review and where its claims stand."""

    review: Review
    title: str
    located: Located | None
    ci: str
    output: str  # the file the command wrote, if any


def _report(report: _Report, fail_under: float | None) -> None:
    """The review's summary on stderr, the CI's summary, annotations and outputs, then
    the --fail-under gate."""
    from briefing.ci import in_github, publish  # noqa: PLC0415
    from briefing.verify.gate import enforce_threshold, judge_summary, summary_line  # noqa: PLC0415

    review = report.review
    _note(f"review: {summary_line(review)}")
    if review.judged_by:
        _note(f"judge: {judge_summary(review)}")
    if in_github(report.ci):
        published = publish(
            review,
            report.title,
            located=report.located,
            fail_under=fail_under,
            outputs={"output": report.output},
        )
        for line in published.commands:  # escaped already: workflow commands, one line each
            click.echo(line, err=True)
        for warning in published.warnings:
            _warn(warning)
    enforce_threshold(review, fail_under)


@cli.command("diff", short_help="What changed between two saved briefs.")
@click.argument("older", type=FILE_OR_DASH)
@click.argument("newer", type=FILE_OR_DASH)
@click.option(
    "-o",
    "--output",
    type=FILE_OR_DASH,
    help="Write the comparison here (.md or .json; - for standard output). Default: "
    "markdown to stdout.",
)
@TEMPLATES
@VERBOSITY
@click.pass_context
def diff(  # noqa: PLR0913 - one parameter per option
    ctx: click.Context,
    /,
    older: Path,
    newer: Path,
    output: Path | None,
    templates: Path | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """What changed from OLDER to NEWER, two briefs saved as JSON: the stories that are
    new, updated (new articles, the claims resting on them, figures whose value changed:
    old -> new, both cited), continuing (nothing new) and no longer reported. Stories are
    matched by id, then by shared articles (URL or content)."""
    _verbosity(ctx, quiet, verbose)
    with _errors(ctx):
        from briefing import pipeline  # noqa: PLC0415 - loaded when a command runs
        from briefing.render import render_diff, report_format_for  # noqa: PLC0415

        if str(older) == str(newer) == "-":
            raise ConfigError("only one of OLDER and NEWER can be standard input (-)")
        templates = _layered({"templates": templates})["templates"]
        report_format = report_format_for(output, writes=("md", "json"), format_option=False)
        _refuse_input_as_output(output, [older, newer], None, {})
        comparison = pipeline.diff(
            pipeline.load(older),
            pipeline.load(newer),
            older_name=_brief_name(older),
            newer_name=_brief_name(newer),
        )
        if _write(render_diff(comparison, report_format, templates), output):
            _note(f"wrote {output}")


@cli.group("cache", short_help="Show or prune the model-reply and HTTP caches.")
def cache_group() -> None:
    """The caches under the user's cache folder (XDG_CACHE_HOME/briefing, else the
    platform's): responses/ (model replies) and http/ (fetched feeds and pages). A run
    that used one prunes it once a day by the default limits."""


@cache_group.command("info", short_help="Where the caches are and how big.")
def cache_info() -> None:
    """Each cache's folder, entries, size, and its oldest and newest use, with the
    limits that pruning keeps it to."""
    from briefing import caches  # noqa: PLC0415 - loaded when a command runs

    for name, folder in caches.folders().items():
        used = caches.usage(name, folder)
        span = (
            f"; used {_day(used.oldest)} to {_day(used.newest)}"
            if used.oldest is not None and used.newest is not None
            else ""
        )
        click.echo(
            f"{name}: {folder}: {used.entries:,} entries, {_megabytes(used.size)}{span} "
            f"(limits: {caches.LIMITS_MB[name]:g} MB, {caches.LIMITS_DAYS[name]:g} days unused)"
        )


@cache_group.command("prune", short_help="Remove old entries, down to a size.")
@click.option(
    "--max-mb",
    type=click.FloatRange(min=0),
    metavar="MB",
    help="Keep at most this many MB in each cache (least recently used go first). "
    "[default: responses 500, http 200]",
)
@click.option(
    "--max-days",
    type=click.FloatRange(min=0),
    metavar="DAYS",
    help="Remove entries unused for longer. [default: responses 90, http 30]",
)
@click.option("--all", "everything", is_flag=True, help="Empty both caches.")
@VERBOSITY
@click.pass_context
def cache_prune(  # noqa: PLR0913 - one parameter per option
    ctx: click.Context,
    /,
    max_mb: float | None,
    max_days: float | None,
    everything: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Remove the entries unused for longer than --max-days, then the least recently used
    until each cache is within --max-mb. The next run asks or fetches them again."""
    _verbosity(ctx, quiet, verbose)
    from briefing import caches  # noqa: PLC0415 - loaded when a command runs

    if everything:
        max_mb, max_days = 0.0, 0.0
    for name, folder in caches.folders().items():
        done = caches.prune(name, folder, max_mb=max_mb, max_days=max_days)
        _note(
            f"{name}: removed {done.removed:,} entries ({_megabytes(done.freed)}); "
            f"{done.left:,} left ({_megabytes(done.size)})"
        )


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"


def _day(moment: float) -> str:
    from datetime import UTC, datetime  # noqa: PLC0415

    return datetime.fromtimestamp(moment, tz=UTC).strftime("%Y-%m-%d")


def _brief_name(path: Path) -> str:
    """How a diff names a brief: DATE for a dated brief (DATE.json), else its file name."""
    return (
        "standard input" if str(path) == "-" else path.stem if _DAY.match(path.stem) else path.name
    )


@cli.command("render", short_help="Render a saved brief as markdown, JSON or HTML.")
@click.argument("brief_json", type=FILE_OR_DASH)
@OUTPUT
@FORMAT
@TEMPLATES
@VERBOSITY
@click.pass_context
def render_command(  # noqa: PLR0913 - one parameter per option
    ctx: click.Context,
    /,
    brief_json: Path,
    output: Path | None,
    fmt: str | None,
    templates: Path | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Render a brief saved as JSON again, with no sources and no network.
    BRIEF_JSON - reads it from standard input."""
    _verbosity(ctx, quiet, verbose)
    with _errors(ctx):
        from briefing import pipeline  # noqa: PLC0415 - loaded when a command runs
        from briefing.progress import stage  # noqa: PLC0415
        from briefing.render import format_for  # noqa: PLC0415

        templates = _layered({"templates": templates})["templates"]
        out_format = format_for(output, fmt)
        _refuse_input_as_output(output, [brief_json], None, {})
        with _working():
            with stage("loading the brief"):
                brief = pipeline.load(brief_json)
            with stage("rendering"):
                text = pipeline.render(brief, out_format, templates=templates)
            with stage("writing the output"):
                wrote = _write(text, output)
        if wrote:
            _note(f"wrote {output}")


# The CLI's names of the keys of briefing.toml that other commands share with `daily`.
_CLI_NAMES = {"prompts": "prompts_dir", "prices": "prices_file"}


def _layered(given: dict[str, Any]) -> dict[str, Any]:
    """A command's options by the one precedence every command has (daily/config.py):
    the command line, then BRIEFING_*, then briefing.toml, then the default (None here)."""
    from briefing.daily.config import layered  # noqa: PLC0415 - loaded when a command runs

    keys = {_CLI_NAMES.get(name, name): name for name in _key_names()}
    table_names = {keys[n]: (None if v is False else v) for n, v in given.items() if n in keys}
    resolved = layered(table_names)
    out = {n: v for n, v in given.items() if n not in keys}
    out.update({_CLI_NAMES.get(name, name): value for name, value in resolved.items()})
    if "no_cache" in out:
        out["no_cache"] = bool(out["no_cache"])
    return out


def _key_names() -> list[str]:
    from briefing.daily.config import KEYS  # noqa: PLC0415

    return [key.name for key in KEYS]


def _model_without_key(engine: str, options: dict[str, Any], judge: str | None) -> None:
    """--model or --base-url asks for a language model: without --judge (which uses them),
    --engine extractive refuses them, and 'auto' without OPENAI_API_KEY (which runs the
    offline engine) says so in one line. --engine openai without a key or a server is an
    error before any work (open_backend)."""
    from briefing import config  # noqa: PLC0415

    asked = [o for o in ("model", "base_url") if options.get(o)]
    if not asked or judge is not None:
        return
    named = " and ".join("--" + o.replace("_", "-") for o in asked)
    if engine == "extractive":
        raise click.UsageError(f"{named}: --engine extractive uses no language model")
    if engine == "auto" and config.openai_api_key() is None:
        _warn(
            f"{named} given but no OPENAI_API_KEY, so --engine auto writes with the offline "
            "extractive engine; set OPENAI_API_KEY, or pass --engine openai (a local server "
            "needs no key)"
        )


def _refuse_input_as_output(
    output: Path | None, inputs: list[Path], other: Path | None, llm: dict[str, Any]
) -> None:
    """Before anything runs: the output must not be one of the files the run reads."""
    from briefing.output import refuse_input_as_output  # noqa: PLC0415

    files = [*inputs, other, llm.get("prices_file")]
    refuse_input_as_output(output, [f for f in files if f is not None])


def _write(text: str, output: Path | None) -> bool:
    """Write `text` to `output` (standard output when none or -); whether a file was
    written (rather than standard output)."""
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
        return False
    from briefing.output import write_output  # noqa: PLC0415

    write_output(output, text)
    return True


def _fell_back(brief: Brief, *, allowed: bool) -> bool:
    """Warn when the offline engine wrote the brief because the model failed; whether the
    run must then exit with the fallback's code (the brief is written either way)."""
    from briefing import fallback  # noqa: PLC0415 - loaded when a command runs

    reason = brief.engine.fallback
    if reason is None:
        return False
    if allowed:
        _warn(fallback.warning(reason))
    return not allowed


def _fail_on_fallback(brief: Brief) -> NoReturn:
    from briefing import fallback  # noqa: PLC0415 - loaded when a command runs

    _fail(fallback.refusal(brief.engine.fallback or ""), fallback.EXIT_CODE)


def _skipped(brief: Brief) -> None:
    """A warning per input left out; with -q only those that need a person, not the ones
    every cron run has (items outside the window, duplicates)."""
    for item in brief.skipped_inputs:
        if not (item.routine and _setting("quiet")):
            _warn(f"skipped {item.path}: {item.reason}")


def _inputs_detail(brief: Brief) -> None:
    """-v: what each input gave."""
    if not _setting("verbose"):
        return
    for source in brief.sources:
        _note(f"{source.id} {source.origin}: {len(source.passages):,} sentences")
    if brief.run is not None:  # what the run spent is not in the brief (models.RunStats)
        _note(f"run: {brief.run.line()}")


def _verbosity(ctx: click.Context, quiet: bool, verbose: bool) -> None:
    if quiet and verbose:
        raise click.UsageError("-q and -v contradict each other; give one of them", ctx)
    ctx.ensure_object(dict)
    ctx.obj.update(quiet=quiet, verbose=verbose)


def _setting(name: str) -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.obj and ctx.obj.get(name))


@contextmanager
def _working() -> Iterator[None]:
    """While the run works: each stage's time with -v, a progress bar on a terminal."""
    from briefing.progress import reporting  # noqa: PLC0415
    from briefing.terminal import Terminal  # noqa: PLC0415

    stream = sys.stderr
    bar = not _setting("quiet") and stream.isatty()
    verbose = _setting("verbose")
    with (
        Terminal(stream, verbose=verbose, bar=bar) as terminal,
        reporting(terminal if verbose or bar else None),
    ):
        yield


def _warn(message: str) -> None:
    _say(f"warning: {message}")


def _note(line: str) -> None:
    """An informational line: none with -q (cron mails whatever a job prints)."""
    if not _setting("quiet"):
        _say(line)


def _say(line: str) -> None:
    """One line on stderr, whatever the message holds (a file name with a newline)."""
    from briefing.render.escape import printable  # noqa: PLC0415

    click.echo(printable(line), err=True)


@contextmanager
def _errors(ctx: click.Context) -> Iterator[None]:
    """Typed errors become one line and their exit code; Ctrl-C, one line and 130;
    anything else is a bug report."""
    debug = bool(ctx.obj and ctx.obj.get("debug"))
    try:
        yield
    except (click.exceptions.Exit, click.ClickException):
        raise
    except BriefingError as err:
        if debug:
            traceback.print_exc()
        _fail(str(err), err.exit_code)
    except KeyboardInterrupt:
        # Ctrl-C where the signal handler is not installed (the Python API's callers, tests)
        _fail("interrupted", interrupts.exit_code())
    except Exception as err:  # noqa: BLE001 - the last line of defence: one message, not a traceback
        if debug:
            traceback.print_exc()
        _fail(f"unexpected {type(err).__name__}: {err}; rerun with --debug and report it", 1)


def _fail(message: str, code: int) -> NoReturn:
    _say(f"error: {message}")
    sys.exit(code)


def main() -> None:
    interrupts.install()
    cli()
