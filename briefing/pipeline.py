"""The one orchestrator, and the Python API it offers (re-exported by `briefing`).

generate: inputs -> articles -> sources and passages -> engine -> Brief -> verify
(reviewer decisions, optional judge) -> the Brief with its review. render and load work on
a brief alone. The CLI only parses options, calls these and prints.

Every step that can wait on a model is async (`agenerate`, `averify`); `generate` and
`verify` run them to completion, in a worker thread when the caller's own event loop is
already running (Jupyter, an async web app), so both forms work everywhere.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import inspect
import os
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from briefing import caches, config
from briefing.choices import ENGINES, JUDGES
from briefing.errors import BriefingError, ConfigError, ModelCallError, NoUsableInputError
from briefing.fallback import fallen_back
from briefing.ingest import FetchSettings, InputLimits, PublishedWindow, ingest, is_url
from briefing.ingest.article import Article, domain_of
from briefing.ingest.dates import iso_date
from briefing.ingest.fetch_settings import FETCH_OPTIONS
from briefing.ingest.limits import LIMIT_OPTIONS
from briefing.ingest.paths import expand
from briefing.kept_briefs import KeptBriefs, kept_settings
from briefing.llm.settings import LLMSettings
from briefing.models import SkippedInput
from briefing.passages import build_sources
from briefing.progress import stage
from briefing.render import Format
from briefing.render import render as render_brief

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Coroutine, Sequence

    from briefing.daily.diff import BriefDiff
    from briefing.engines import Draft, Engine
    from briefing.engines.llm.planning import RunPlan
    from briefing.llm.embeddings import Embedded
    from briefing.llm.judge import Judge
    from briefing.models import Brief, Review, Source
    from briefing.review import Decisions
    from briefing.stories.grouping import StoryGroup

    DecisionsLike = Decisions | str | os.PathLike[str]

# The steps after reading (grouping, drafting, verifying) import their modules when they
# run: a rerun answered by a kept brief (briefing/kept_briefs.py) never loads them.

Input = str | os.PathLike[str] | Article
Inputs = Input | Iterable[Input]
T = TypeVar("T")
P = ParamSpec("P")

LLM_OPTIONS = tuple(f.name for f in dataclasses.fields(LLMSettings))
WINDOW_OPTIONS = ("published_after", "published_before")
READ_OPTIONS = LIMIT_OPTIONS + FETCH_OPTIONS + WINDOW_OPTIONS


@dataclass(frozen=True)
class Reading:
    """How inputs are read: the limits, how URLs are fetched, the publication window."""

    limits: InputLimits = dataclasses.field(default_factory=InputLimits)
    fetch: FetchSettings = dataclasses.field(default_factory=FetchSettings)
    window: PublishedWindow | None = None

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> Reading:
        return cls(
            InputLimits.from_options(**_picked(options, LIMIT_OPTIONS)),
            FetchSettings.from_options(**_picked(options, FETCH_OPTIONS)),
            PublishedWindow.from_options(**_picked(options, WINDOW_OPTIONS)),
        )


async def agenerate(  # noqa: PLR0913 - the API's keywords, documented below
    inputs: Inputs,
    *,
    engine: str | Engine = "auto",
    title: str | None = None,
    review: DecisionsLike | None = None,
    judge: str | Judge | None = None,
    fallback: bool = True,
    **options: Any,  # noqa: ANN401 - LLMSettings fields and input limits, checked here
) -> Brief:
    """Write a verified brief.

    engine: "auto" (the LLM engine when OPENAI_API_KEY is set), "extractive", "openai", or
    an object with `async awrite(sources) -> Draft`. review: reviewer decisions (a file
    exported from the HTML brief, or `Decisions`): rejected claims are left out, accepted
    ones marked reviewed. judge: "openai" (or a `Judge`) adds a model's second opinion.
    fallback: when the model cannot be used after the retries (unreachable, failing every
    request), the offline engine writes the brief and `brief.engine.fallback` says why
    (briefing/fallback.py); False raises the ModelCallError instead.
    options: the LLM settings (model, base_url, api_key, prompts_dir, use_cache, timeout,
    max_concurrency, max_retries, temperature, frequency_penalty, prices_file, embeddings,
    ...), the input limits (max_input_mb, max_title_chars, max_json_depth,
    max_figures_per_sentence), how URLs are fetched (fetch_timeout, fetch_retries,
    http_cache_dir, use_http_cache) and the publication window (published_after,
    published_before: aware datetimes; articles dated outside are left out).
    """
    reading, settings = _reading_and_settings(options)
    if settings.embeddings is not None and _engine_name(engine) != "openai":
        from briefing.llm.embeddings import NEEDS_LLM_ENGINE  # noqa: PLC0415 - see above

        raise ConfigError(NEEDS_LLM_ENGINE)
    second = choose_judge(judge, settings)
    decisions, decisions_file = _decisions(review)
    started = time.perf_counter()
    keeping = _keeping(engine, settings, reading, title, (decisions, decisions_file))
    # Files given: a rerun with nothing changed is answered before they are read, and
    # before the LLM engine loads (a missing key or prompt folder cannot have made a brief).
    in_files = _input_files(inputs) if keeping else None
    key = keeping.files_key(in_files) if keeping and in_files is not None else None
    found = keeping.get(key, _since(started)) if keeping and key else None
    if found is not None:
        return await _judged(second, found, found.review, settings, reading)
    chosen = choose_engine(engine, settings, reading.limits)
    # A model engine gets ready (tokenizer, client) while the inputs are read.
    prepare = getattr(chosen, "prepare", None)
    preparing = asyncio.create_task(asyncio.to_thread(prepare)) if callable(prepare) else None
    files, sources, skipped = await asyncio.to_thread(load_sources, inputs, reading)
    if keeping and key is None:  # URLs, articles given: keyed by what was read
        key = keeping.key(sources, skipped, files)
        found = keeping.get(key, _since(started))
        if found is not None:
            if preparing is not None:
                preparing.cancel()
            return await _judged(second, found, found.review, settings, reading)
    if preparing is not None:
        await preparing
    # The LLM engine sends its map requests while the stories are being grouped.
    grouping = asyncio.create_task(_grouped(sources, settings))
    groups_only = asyncio.create_task(_groups(grouping))
    try:
        with stage("drafting the brief"):
            drafts = await _drafts(chosen, sources, groups_only, reading.limits, fallback=fallback)
        embedded, groups = await grouping
    finally:
        grouping.cancel()
        groups_only.cancel()
    from briefing.assemble import brief_from_drafts  # noqa: PLC0415 - see above

    brief = brief_from_drafts(
        drafts,
        groups,
        sources,
        skipped=skipped,
        files=files,
        seconds=round(time.perf_counter() - started, 3),
        title=title,
    )
    brief = embedded.added_to(brief)
    brief, checked = _checked(brief, decisions, decisions_file)
    # Kept only when a rerun would write it again: the engine's every request answered
    # whole, no fallback, and the stories grouped as asked (embeddings that failed are
    # asked for again next time).
    replayable = getattr(chosen, "replayable", False) and not drafts[0].engine.fallback
    # The files, read again, are as they were when keyed (not changed meanwhile).
    unchanged = in_files is None or (keeping and keeping.files_key(in_files) == key)
    if keeping and key and replayable and not embedded.problem and unchanged:
        keeping.put(key, brief.model_copy(update={"review": checked}))
    return await _judged(second, brief, checked, settings, reading)


async def _judged(
    second: Judge | None,
    brief: Brief,
    checked: Review | None,
    settings: LLMSettings,
    reading: Reading,
) -> Brief:
    """The brief with its review, and the judge's opinions when one was asked for; the
    caches the run used pruned when due."""
    if second is not None and checked is not None:
        with stage("asking the judge"):
            checked = await second.areview(brief, checked)
    _prune_caches(settings, reading)
    return brief.model_copy(update={"review": checked})


def _since(started: float) -> float:
    return round(time.perf_counter() - started, 3)


def _input_files(inputs: Inputs) -> list[Path] | None:
    """The files `inputs` name, whose bytes key a kept brief before they are read; None
    when there are URLs or articles given in memory among them."""
    items = [inputs] if isinstance(inputs, str | os.PathLike | Article) else list(inputs)
    paths = [os.fspath(i) for i in items if not isinstance(i, Article)]
    if len(paths) < len(items) or any(is_url(p) for p in paths):
        return None
    try:
        entries = expand(paths)
    except BriefingError:
        return None
    return [entry.path for entry in entries]


def _keeping(
    engine: str | Engine,
    settings: LLMSettings,
    reading: Reading,
    title: str | None,
    decisions: tuple[Decisions | None, str | None],
) -> KeptBriefs | None:
    """Where the LLM engine's whole brief is kept (with the cache on), and what besides
    the inputs and the code decides it (briefing/kept_briefs.py)."""
    if _engine_name(engine) != "openai" or not settings.use_cache:
        return None
    given, given_file = decisions
    made_with = {
        "settings": kept_settings(settings),
        "reading": repr(reading),
        "title": title,
        "decisions": given.model_dump(mode="json") if given is not None else None,
        "decisions_file": given_file,
    }
    return KeptBriefs(settings.response_cache_dir() / "briefs", made_with)


def _prune_caches(settings: LLMSettings, reading: Reading) -> None:
    """The caches a run may have written to stay within their limits (once a day)."""
    if settings.use_cache and settings.response_cache_dir().is_dir():
        caches.prune_if_due("responses", settings.response_cache_dir())
    if reading.fetch.use_cache and reading.fetch.cache_directory().is_dir():
        caches.prune_if_due("http", reading.fetch.cache_directory())


async def averify(
    brief: Brief,
    *,
    decisions: DecisionsLike | None = None,
    judge: str | Judge | None = None,
    **options: Any,  # noqa: ANN401 - LLMSettings fields for the judge
) -> Review:
    """The deterministic review of `brief`. With `decisions`, rejected claims are left out
    and accepted ones marked reviewed; without, what a reviewer accepted in the brief's
    earlier review stays marked. `judge` adds a second opinion and changes no status."""
    second = choose_judge(judge, llm_settings(**options))
    loaded, decisions_file = _decisions(decisions)
    brief, checked = _checked(brief, loaded, decisions_file)
    if second is not None:
        with stage("asking the judge"):
            checked = await second.areview(brief, checked)
    return checked


def blocking(function: Callable[P, Coroutine[Any, Any, T]], name: str) -> Callable[P, T]:
    """The synchronous form of an async API function (see run_sync)."""

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        return run_sync(function(*args, **kwargs))

    run.__name__ = run.__qualname__ = name
    return run


generate = blocking(agenerate, "generate")
verify = blocking(averify, "verify")


def reviewed(brief: Brief, decisions: DecisionsLike | None = None) -> Brief:
    """The brief less the claims `decisions` reject, with its review attached."""
    loaded, decisions_file = _decisions(decisions)
    brief, checked = _checked(brief, loaded, decisions_file)
    return brief.model_copy(update={"review": checked})


def render(brief: Brief, fmt: Format = "md", *, templates: Path | None = None) -> str:
    """The brief as markdown, JSON or a self-contained HTML page; it never re-checks."""
    return render_brief(brief, fmt, templates)


def load(path: str | os.PathLike[str], *, allow_unknown_citations: bool = False) -> Brief:
    """A brief saved as JSON; with `allow_unknown_citations`, citations to passages the
    brief does not embed are kept (for `verify` to report) instead of refused."""
    from briefing.brief_file import load_brief  # noqa: PLC0415 - see above

    return load_brief(Path(path), allow_unknown_citations=allow_unknown_citations)


def diff(older: Brief, newer: Brief, *, older_name: str, newer_name: str) -> BriefDiff:
    """Which stories of `newer` are new, updated (new articles, new claims, changed
    figures) or continuing since `older`, and which of `older` are no longer reported: the
    rule `briefing daily` marks its briefs with (briefing/daily/diff.py). A name that is a
    day (YYYY-MM-DD) links to that day's brief when rendered."""
    from briefing.daily.diff import compare  # noqa: PLC0415 - only for this command

    return compare(older, newer, older_name=older_name, newer_name=newer_name)


def nothing_survived(brief: Brief) -> str | None:
    """Why a brief holds no claim, figure or quote, or None when it holds some. The CLI
    still writes such a brief (its engine note and Run section say what happened), warns
    with this line and exits 3, as when nothing in the inputs was usable."""
    if brief.cited_objects():
        return None
    dropped = len(brief.stats.dropped_citations)
    why = (
        f"{dropped} claim(s) or citation(s) the engine gave did not check out and were "
        "dropped (listed in the brief's Run section)"
        if dropped
        else "the engine found nothing in the sources to cite"
    )
    return f"no claim survived: {why}; the brief was written with none"


def preflight(output: Path | None, fmt: str, templates: Path | None) -> None:
    """The cheap checks, before the first paid call: the output can be written there and
    the templates that will render it load."""
    from briefing.output import check_writable  # noqa: PLC0415
    from briefing.render import check_renderable  # noqa: PLC0415

    check_writable(output)
    check_renderable(fmt, templates)


def input_files(paths: list[str]) -> list[Path]:
    """The files `generate` would read for these paths (folders and globs expanded), or
    the paths themselves when they cannot be expanded (the run then says why). URLs are
    not files."""
    paths = [p for p in paths if not is_url(p)]
    try:
        return [entry.path for entry in expand(paths) if entry.problem is None]
    except BriefingError:
        return [Path(p) for p in paths]


def plan(inputs: Inputs, **options: Any) -> RunPlan:  # noqa: ANN401 - as for generate
    """The LLM engine's calls, rounds, tokens and cost for these inputs, story by story,
    with what the cache already holds left out; sends nothing."""
    from briefing.engines.llm.planning import plan_run  # noqa: PLC0415 - tiktoken is slow
    from briefing.stories.grouping import group_stories  # noqa: PLC0415 - see above

    reading, settings = _reading_and_settings(options)
    _, sources, _ = load_sources(inputs, reading)
    # Grouped by their words: grouping by embeddings (--embeddings) would take calls.
    groups = group_stories(sources)
    return plan_run(sources, settings, [g.source_ids for g in groups])


# --- the steps ---------------------------------------------------------------------


def llm_settings(**options: Any) -> LLMSettings:  # noqa: ANN401 - checked here
    """Settings from the environment and `options` (None means "not given")."""
    return _settings(options, LLM_OPTIONS)


def _settings(options: dict[str, Any], known: tuple[str, ...]) -> LLMSettings:
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise ConfigError(f"unknown option {', '.join(unknown)}; use one of: {', '.join(known)}")
    return LLMSettings.from_environment(**{k: v for k, v in options.items() if k in LLM_OPTIONS})


def _reading_and_settings(options: dict[str, Any]) -> tuple[Reading, LLMSettings]:
    """generate's and plan's options: how inputs are read and the LLM settings."""
    settings = _settings(options, LLM_OPTIONS + READ_OPTIONS)
    return Reading.from_options(options), settings


def _picked(options: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in options.items() if k in names}


def choose_engine(
    engine: str | Engine, llm: LLMSettings | None = None, limits: InputLimits | None = None
) -> Engine:
    """'auto' is the LLM engine when OPENAI_API_KEY is set, else the offline one."""
    if not isinstance(engine, str):
        return engine
    name = _engine_name(engine)
    if name == "extractive":
        from briefing.engines.extractive import ExtractiveEngine  # noqa: PLC0415

        return ExtractiveEngine(limits or InputLimits())
    if name == "openai":
        from briefing.engines.llm import LLMEngine  # noqa: PLC0415 - imports openai, slow

        return LLMEngine(llm or LLMSettings.from_environment(), limits=limits)
    raise ConfigError(f"unknown engine '{name}'; use one of: {', '.join(ENGINES)}")


def _engine_name(engine: str | Engine) -> str | None:
    """The engine's name, 'auto' resolved; None for an engine object."""
    if not isinstance(engine, str):
        return None
    if engine == "auto":
        return "openai" if config.openai_api_key() else "extractive"
    return engine


def choose_judge(judge: str | Judge | None, llm: LLMSettings) -> Judge | None:
    if judge is None or not isinstance(judge, str):
        return judge
    if judge not in JUDGES:
        raise ConfigError(f"unknown judge '{judge}'; use one of: {', '.join(JUDGES)}")
    from briefing.llm.judge import Judge  # noqa: PLC0415 - the model client is slow to load

    return Judge(llm)


def load_sources(
    inputs: Inputs, reading: Reading | None = None
) -> tuple[int, list[Source], list[SkippedInput]]:
    """Inputs read, the sources made of them, and what was skipped. Files come first
    (sorted by path), then URLs, then articles given in memory, in the order given."""
    reading = reading or Reading()
    items = [inputs] if isinstance(inputs, str | os.PathLike | Article) else list(inputs)
    paths = [os.fspath(i) for i in items if not isinstance(i, Article)]
    ingested = ingest(paths, reading.limits, fetch=reading.fetch, window=reading.window)
    given = [_in_memory(a, n) for n, a in enumerate(_articles(items), start=1)]
    outside: list[SkippedInput] = []
    if reading.window is not None and given:
        given, notes = reading.window.split(given, "articles given")
        outside = [SkippedInput(path=p, reason=r, routine=True) for p, r in notes]
    sources, duplicates = build_sources([*ingested.articles, *given], reading.limits)
    skipped = ingested.skipped + outside + duplicates
    if not sources:
        reasons = "; ".join(f"{s.path}: {s.reason}" for s in skipped[:3]) or "no input files"
        raise NoUsableInputError(
            f"nothing usable in the inputs ({reasons}); pass article files, folders or feeds"
        )
    return ingested.files + len(given), sources, skipped


def brief_from_draft(draft: Draft, sources: list[Source]) -> Brief:
    """One engine draft of all `sources` as a brief of one story (tests, custom engines)."""
    from briefing.assemble import brief_from_drafts  # noqa: PLC0415 - see above
    from briefing.stories.grouping import one_story  # noqa: PLC0415

    return brief_from_drafts([draft], [one_story(sources)], sources)


async def _grouped(
    sources: list[Source], settings: LLMSettings
) -> tuple[Embedded, list[StoryGroup]]:
    """The stories, and the embeddings they were grouped by (none unless asked and given)."""
    from briefing.llm.embeddings import embed_sources  # noqa: PLC0415 - see above
    from briefing.stories.grouping import group_stories  # noqa: PLC0415
    from briefing.stories.ranking import by_reporting_outlets  # noqa: PLC0415

    with stage("grouping stories"):
        embedded = await embed_sources(sources, settings)
        groups = await asyncio.to_thread(group_stories, sources, embedded.vectors)
        return embedded, by_reporting_outlets(groups, sources)


async def _groups(grouping: Awaitable[tuple[Embedded, list[StoryGroup]]]) -> list[StoryGroup]:
    return (await grouping)[1]


async def _story_ids(grouping: Awaitable[list[StoryGroup]]) -> list[Sequence[str]]:
    return [g.source_ids for g in await grouping]


async def write_stories(
    engine: Engine, sources: list[Source], groups: list[StoryGroup] | Awaitable[list[StoryGroup]]
) -> list[Draft]:
    """One draft per story group, in the groups' order. An engine that writes a whole day
    at once (`awrite_stories`: the LLM engine maps every source in one round, then reduces
    the stories concurrently) does; any other writes one story after another. The groups
    may still be on their way: an engine that says it `writes_while_grouping` gets them
    as an awaitable and starts without them."""
    whole_day = getattr(engine, "awrite_stories", None)
    if whole_day is not None and getattr(engine, "writes_while_grouping", False):
        early: list[Draft] = await whole_day(
            sources, _story_ids(groups) if inspect.isawaitable(groups) else groups
        )
        return early
    if inspect.isawaitable(groups):
        groups = await groups
    if whole_day is not None:
        drafts: list[Draft] = await whole_day(sources, [g.source_ids for g in groups])
        return drafts
    by_id = {s.id: s for s in sources}
    return [await engine.awrite([by_id[i] for i in g.source_ids]) for g in groups]


async def _drafts(
    engine: Engine,
    sources: list[Source],
    groups: list[StoryGroup] | Awaitable[list[StoryGroup]],
    limits: InputLimits,
    *,
    fallback: bool,
) -> list[Draft]:
    """The engine's drafts or, when a model engine gives up after its retries and
    `fallback` allows, the offline engine's, marked as such (briefing/fallback.py)."""
    try:
        return await write_stories(engine, sources, groups)
    except ModelCallError as err:
        if not fallback:
            raise
        offline = choose_engine("extractive", limits=limits)
        # `groups` may be the grouping task the model engine was given: a task can be
        # awaited again once done.
        ready = groups if isinstance(groups, list) else await groups
        return fallen_back(await write_stories(offline, sources, ready), str(err))


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run to completion from synchronous code, even inside a running event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _run_to_end(coroutine)
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(_run_to_end, coroutine).result()


def _run_to_end(coroutine: Coroutine[Any, Any, T]) -> T:
    """asyncio.run, with the result kept out of the main task: Python 3.11's runner, when it
    restores the SIGINT handler, formats that task's repr (result included) into an error it
    discards, and the repr of a whole brief took a second."""
    kept: list[T] = []

    async def keeping() -> None:
        kept.append(await coroutine)

    asyncio.run(keeping())
    return kept[0]


def _checked(
    brief: Brief, decisions: Decisions | None, decisions_file: str | None
) -> tuple[Brief, Review]:
    """The brief (less its rejected claims) and its review."""
    with stage("checking claims"):
        return _checked_now(brief, decisions, decisions_file)


def _checked_now(
    brief: Brief, decisions: Decisions | None, decisions_file: str | None
) -> tuple[Brief, Review]:
    from briefing.review import apply_decisions, with_decisions  # noqa: PLC0415 - see above
    from briefing.verify import claim_key, verify_brief  # noqa: PLC0415

    if decisions is None:
        review = verify_brief(brief)
        earlier = brief.review
        if earlier is None:
            return brief, review
        accepted = {c.key for c in earlier.claims if c.reviewed}
        return brief, with_decisions(
            review, accepted, decisions_file=earlier.decisions_file, rejected=earlier.rejected
        )
    present = {claim_key(obj) for obj in brief.cited_objects()}
    unmatched = [d.key for d in decisions.decisions if d.key not in present]
    brief, dropped = apply_decisions(brief, decisions)
    review = with_decisions(
        verify_brief(brief),
        decisions.keys("accepted"),
        decisions_file=decisions_file,
        rejected=dropped,
        unmatched=unmatched,
    )
    return brief, review


def _decisions(given: DecisionsLike | None) -> tuple[Decisions | None, str | None]:
    if given is None:
        return None, None
    from briefing.review import Decisions, load_decisions  # noqa: PLC0415 - see above

    if isinstance(given, Decisions):
        return given, None
    return load_decisions(Path(given)), os.fspath(given)


def _articles(items: list[Input]) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


def _in_memory(article: Article, number: int) -> Article:
    """An article given in memory, tidied as the file readers tidy theirs."""
    return Article(
        " ".join(article.title.split()),
        article.text,
        url=article.url,
        outlet=article.outlet or domain_of(article.url),
        published=iso_date(article.published),
        origin=article.origin or article.url or f"article {number}",
    )
