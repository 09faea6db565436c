"""One run, in order: inputs -> sources and passages -> engine -> validated Brief."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from briefing import config
from briefing.engines.extractive import ExtractiveEngine
from briefing.errors import ConfigError, NoUsableInputError
from briefing.ingest import ingest
from briefing.llm.settings import LLMSettings
from briefing.models import Brief, RunStats, SkippedInput, Source
from briefing.passages import build_sources
from briefing.review import load_decisions, reviewed_brief

if TYPE_CHECKING:
    from pathlib import Path

    from briefing.engines import Draft, Engine
    from briefing.engines.llm.planning import RunPlan

ENGINES = ("auto", "extractive", "openai")


def choose_engine(name: str, llm: LLMSettings | None = None) -> Engine:
    """'auto' is the LLM engine when OPENAI_API_KEY is set, else the offline one."""
    if name == "auto":
        name = "openai" if config.openai_api_key() else "extractive"
    if name == "extractive":
        return ExtractiveEngine()
    if name == "openai":
        from briefing.engines.llm import LLMEngine  # noqa: PLC0415 - imports openai, slow

        return LLMEngine(llm or LLMSettings.from_environment())
    raise ConfigError(f"unknown engine '{name}'; use one of: {', '.join(ENGINES)}")


def load_sources(inputs: list[str]) -> tuple[int, list[Source], list[SkippedInput]]:
    """Input files read, the sources made of them, and what was skipped."""
    ingested = ingest(inputs)
    sources, duplicates = build_sources(ingested.articles)
    skipped = ingested.skipped + duplicates
    if not sources:
        reasons = "; ".join(f"{s.path}: {s.reason}" for s in skipped[:3]) or "no input files"
        raise NoUsableInputError(
            f"nothing usable in the inputs ({reasons}); pass article files, folders or feeds"
        )
    return ingested.files, sources, skipped


def plan(inputs: list[str], llm: LLMSettings) -> RunPlan:
    """The LLM engine's calls, tokens and cost for these inputs; sends nothing."""
    from briefing.engines.llm.planning import plan_run  # noqa: PLC0415

    _, sources, _ = load_sources(inputs)
    return plan_run(sources, llm)


def generate(
    inputs: list[str], engine: Engine, title: str | None = None, review: Path | None = None
) -> Brief:
    """Write and verify a brief; `review` is a reviewer decisions file to apply first."""
    started = time.perf_counter()
    decisions = load_decisions(review) if review is not None else None
    files, sources, skipped = load_sources(inputs)
    draft = engine.write(sources)
    brief = brief_from_draft(
        draft,
        sources,
        skipped=skipped,
        files=files,
        seconds=round(time.perf_counter() - started, 3),
        title=title,
    )
    return reviewed_brief(brief, decisions, str(review) if review is not None else None)


def brief_from_draft(  # noqa: PLR0913 - the run's facts, each named at the call site
    draft: Draft,
    sources: list[Source],
    *,
    skipped: list[SkippedInput] | None = None,
    files: int | None = None,
    seconds: float = 0.0,
    title: str | None = None,
) -> Brief:
    """An engine's draft, the sources and the run's numbers as one validated Brief
    (validation checks that every citation resolves to an embedded passage)."""
    skipped = skipped or []
    stats = RunStats(
        inputs=len(sources) if files is None else files,
        sources=len(sources),
        passages=sum(len(s.passages) for s in sources),
        skipped=len(skipped),
        seconds=seconds,
        calls=draft.calls,
        cached_calls=draft.cached_calls,
        prompt_tokens=draft.prompt_tokens,
        completion_tokens=draft.completion_tokens,
        cached_tokens=draft.cached_tokens,
        cost_usd=draft.cost_usd,
        dropped_citations=draft.dropped_citations,
    )
    return Brief(
        title=title or draft.title,
        generated_at=config.now(),
        engine=draft.engine,
        bottom_line=draft.bottom_line,
        key_developments=draft.key_developments,
        key_figures=draft.key_figures,
        unconfirmed=draft.unconfirmed,
        quotes=draft.quotes,
        what_to_watch=draft.what_to_watch,
        sources=sources,
        skipped_inputs=skipped,
        stats=stats,
    )
