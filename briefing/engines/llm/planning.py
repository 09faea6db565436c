"""How a day's sources become model calls: split long sources on paragraph boundaries,
pack small ones together up to a token budget, and group summaries for a tree reduce.
Also the dry-run plan: calls, tokens and estimated cost, without sending anything."""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING

from briefing.engines.llm.reuse import Reuse
from briefing.llm import pricing
from briefing.llm.prompts import Prompts, Unit
from briefing.llm.schemas import MapResult, ReduceResult
from briefing.llm.strict import response_format
from briefing.llm.tokens import TokenCounter

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from briefing.llm.schemas import SourceSummary
    from briefing.llm.settings import LLMSettings
    from briefing.models import Passage, Source


def _passage_tokens(counter: TokenCounter, passages: Sequence[Passage]) -> int:
    return counter.count("".join(f"[{p.id}] {p.text}\n" for p in passages))


def split_source(source: Source, counter: TokenCounter, budget: int) -> list[Unit]:
    """The source whole, or in runs of paragraphs of at most `budget` tokens each (a longer
    paragraph alone). Each paragraph is counted once: passage lines end in a line break,
    where the tokenizer always cuts, so a run's count is the sum of its paragraphs'."""
    paragraphs = [tuple(g) for _, g in groupby(source.passages, key=lambda p: p.paragraph)]
    chunks: list[tuple[tuple[Passage, ...], int]] = []
    current: tuple[Passage, ...] = ()
    tokens = 0
    for paragraph in paragraphs:
        size = _passage_tokens(counter, paragraph)
        if current and tokens + size > budget:
            chunks.append((current, tokens))
            current, tokens = paragraph, size
        else:
            current, tokens = current + paragraph, tokens + size
    if current:
        chunks.append((current, tokens))
    return [
        Unit(source, chunk, i, len(chunks), size) for i, (chunk, size) in enumerate(chunks, start=1)
    ]


def group_by_budget(sizes: Sequence[int], budget: int) -> list[list[int]]:
    """Indices grouped in order so each group's sizes sum to at most `budget` where
    possible; when there is more than one group none is a singleton, so a tree of such
    groupings always shrinks."""
    groups: list[list[int]] = []
    total = 0
    for index, size in enumerate(sizes):
        if groups and total + size <= budget:
            groups[-1].append(index)
            total += size
        else:
            groups.append([index])
            total = size
    if len(groups) == 1:
        return groups
    merged: list[list[int]] = []
    for number, group in enumerate(groups, start=1):
        last_singleton = len(group) == 1 and number == len(groups)
        if merged and (len(merged[-1]) == 1 or last_singleton):
            merged[-1].extend(group)
        else:
            merged.append(group)
    return merged


def pack_units(units: Sequence[Unit], budget: int) -> list[list[Unit]]:
    return [[units[i] for i in g] for g in _greedy(units, budget)]


def _greedy(units: Sequence[Unit], budget: int) -> list[list[int]]:
    groups: list[list[int]] = []
    total = 0
    for index, unit in enumerate(units):
        if groups and total + unit.tokens <= budget:
            groups[-1].append(index)
            total += unit.tokens
        else:
            groups.append([index])
            total = unit.tokens
    return groups


def halve(pack: Sequence[Unit], counter: TokenCounter) -> list[list[Unit]] | None:
    """A smaller retry after a truncated reply: split the pack, or its one unit on a
    paragraph boundary; None when there is nothing left to split."""
    if len(pack) > 1:
        middle = len(pack) // 2
        return [list(pack[:middle]), list(pack[middle:])]
    unit = pack[0]
    paragraphs = [tuple(g) for _, g in groupby(unit.passages, key=lambda p: p.paragraph)]
    if len(paragraphs) < 2:
        return None
    middle = len(paragraphs) // 2
    halves = [sum(paragraphs[:middle], ()), sum(paragraphs[middle:], ())]
    return [
        [Unit(unit.source, h, unit.part, unit.parts, _passage_tokens(counter, h))] for h in halves
    ]


def plan_map(sources: Sequence[Source], counter: TokenCounter, budget: int) -> list[list[Unit]]:
    units = [unit for source in sources for unit in split_source(source, counter, budget)]
    return pack_units(units, budget)


# --- the dry run -------------------------------------------------------------------


def expected_completion(input_tokens: int, ceiling: int) -> int:
    """A rough guess of the reply's size when nothing better is known: summaries run to
    about half their input."""
    return min(ceiling, 150 + input_tokens // 2)


@dataclass(frozen=True)
class PlannedCall:
    step: str
    label: str
    prompt_tokens: int
    completion_tokens: int
    round: int = 1


# Calls listed one a line in the plan; the rest are counted.
LISTED = 30


@dataclass(frozen=True)
class RunPlan:
    model: str
    calls: list[PlannedCall]
    rounds: int
    exact_tokens: bool
    cost_usd: float | None
    # The response format's schema, sent with every call and billed as prompt tokens
    # (included in prompt_tokens; shown apart).
    schema_tokens: int = 0
    # Summaries and merges kept from earlier runs: not sent again.
    kept_summaries: int = 0
    kept_merges: int = 0
    # How the replies' sizes were estimated: from this cache's kept replies, or a guess.
    completion_basis: str = "a guess (half the input)"

    @property
    def prompt_tokens(self) -> int:
        return sum(c.prompt_tokens for c in self.calls)

    @property
    def completion_tokens(self) -> int:
        return sum(c.completion_tokens for c in self.calls)

    def render(self) -> str:
        lines = [f"Dry run for model {self.model}: no request is sent."]
        lines.extend(
            f"  {c.step:<7} {c.label:<24} prompt {c.prompt_tokens:>7,}  "
            f"completion ~{c.completion_tokens:>6,}"
            for c in self.calls[:LISTED]
        )
        if len(self.calls) > LISTED:
            lines.append(f"  ... and {len(self.calls) - LISTED:,} more calls")
        cost = "unknown (model not in the price table)"
        if self.cost_usd is not None:
            cost = f"${self.cost_usd:.4f}"
        counted = "counted with tiktoken" if self.exact_tokens else "ESTIMATED (no tiktoken)"
        if self.kept_summaries or self.kept_merges:
            lines.append(
                f"kept from earlier runs, not sent: {self.kept_summaries:,} sources' summaries, "
                f"{self.kept_merges:,} stories' merges"
            )
        lines += [
            (
                f"{len(self.calls)} calls in {self.rounds} sequential rounds; prompt tokens "
                f"{self.prompt_tokens:,} ({counted}; {self.schema_tokens:,} of them the "
                f"response schema), completion tokens ~{self.completion_tokens:,} "
                f"(estimated from {self.completion_basis})"
            ),
            f"estimated cost: {cost}",
        ]
        return "\n".join(lines)


class _Sizes:
    """Replies' sizes as a share of their input: measured on the summaries and merges
    this cache kept for the day's sources, else guessed (`expected_completion`)."""

    def __init__(self) -> None:
        self.inputs = {"map": 0, "reduce": 0}
        self.replies = {"map": 0, "reduce": 0}

    def seen(self, step: str, input_tokens: int, reply_tokens: int) -> None:
        self.inputs[step] += input_tokens
        self.replies[step] += reply_tokens

    def reply(self, step: str, input_tokens: int, ceiling: int) -> int:
        if self.inputs[step] == 0:
            return expected_completion(input_tokens, ceiling)
        return min(ceiling, round(input_tokens * self.replies[step] / self.inputs[step]))

    def basis(self) -> str:
        measured = [step for step in ("map", "reduce") if self.inputs[step]]
        if not measured:
            return "a guess (half the input)"
        return "the replies kept in the cache (" + ", ".join(measured) + ")"


class _Planner:
    """The calls the engine would make for a day, step by step as the engine takes them
    (engines/llm/__init__.py): kept summaries and merges are not sent; the rest of the
    sources are packed into map calls; each story of two or more sources is merged, in a
    tree when its summaries exceed the reduce budget."""

    def __init__(self, sources: Sequence[Source], settings: LLMSettings) -> None:
        self.settings = settings
        self.counter = TokenCounter(settings.model)
        self.prompts = Prompts(settings.prompts_dir)
        self.reuse = Reuse(settings, self.prompts, sources) if settings.use_cache else None
        self.order = {s.id: n for n, s in enumerate(sources)}
        self.sizes = _Sizes()
        self.calls: list[PlannedCall] = []
        self.schema = {
            step: self.counter.count(json.dumps(response_format(schema)))
            for step, schema in (("map", MapResult), ("reduce", ReduceResult))
        }
        static = self.counter.count_messages(self.prompts.reduce_messages([]))
        self.static_reduce = static
        # What each summary adds around itself (its <summary> lines).
        self.per_input = self.counter.count_messages(self.prompts.reduce_messages([""])) - static
        self.kept_merges = 0

    def kept(self, sources: Sequence[Source]) -> dict[str, list[SourceSummary]]:
        found: dict[str, list[SourceSummary]] = {}
        for source in sources:
            kept = self.reuse.summaries(source) if self.reuse is not None else None
            if kept is None:
                continue
            found[source.id] = kept.summaries
            budget = self.settings.map_budget_tokens
            source_tokens = sum(u.tokens for u in split_source(source, self.counter, budget))
            replies = sum(self.counter.count(s.model_dump_json()) for s in kept.summaries)
            self.sizes.seen("map", source_tokens, replies)
        return found

    def maps(self, todo: Sequence[Source]) -> dict[str, list[int]]:
        """Plan the map calls; each source's summaries' estimated sizes, one per unit."""
        ceiling = self.settings.max_completion_tokens
        summary_sizes: dict[str, list[int]] = {}
        for pack in plan_map(todo, self.counter, self.settings.map_budget_tokens):
            tokens = sum(u.tokens for u in pack)
            prompt = self.counter.count_messages(self.prompts.map_messages(pack))
            out = self.sizes.reply("map", tokens, ceiling)
            label = "+".join(dict.fromkeys(u.source.id for u in pack))
            self.calls.append(PlannedCall("map", label, prompt + self.schema["map"], out))
            for unit in pack:
                share = out * unit.tokens // max(tokens, 1)
                summary_sizes.setdefault(unit.source.id, []).append(share)
        return summary_sizes

    def merge(self, story: Sequence[Source], kept: Mapping[str, list[SourceSummary]]) -> bool:
        """Whether the story's merge is kept (then it is not sent); counts its size."""
        if self.reuse is None or not all(s.id in kept for s in story):
            return False
        # The story's sources in its own order, their summaries in the day's order, as the
        # engine keys a merge.
        summaries = [x for s in sorted(story, key=lambda s: self.order[s.id]) for x in kept[s.id]]
        found = self.reuse.merge(story, summaries) if summaries else None
        if found is None or found.merged is None:
            return False
        inputs = sum(self.counter.count(s.model_dump_json()) for s in summaries)
        self.sizes.seen("reduce", inputs, self.counter.count(found.merged.model_dump_json()))
        self.kept_merges += 1
        return True

    def reduce(self, label: str, sizes: list[int], first_round: int) -> int:
        """Plan a story's merge calls (a tree when need be); the round of the last."""
        ceiling = self.settings.max_completion_tokens
        level = first_round
        while True:
            groups = group_by_budget(sizes, self.settings.reduce_budget_tokens)
            outputs = []
            for group in groups:
                size = sum(sizes[i] for i in group)
                prompt = self.static_reduce + size + self.per_input * len(group)
                out = self.sizes.reply("reduce", size, ceiling)
                self.calls.append(
                    PlannedCall("reduce", label, prompt + self.schema["reduce"], out, level)
                )
                outputs.append(out)
            if len(groups) == 1:
                return level
            sizes, level = outputs, level + 1


def plan_run(
    sources: Sequence[Source],
    settings: LLMSettings,
    stories: Sequence[Sequence[str]] | None = None,
) -> RunPlan:
    """The calls, rounds, tokens and cost a run of the LLM engine over `sources` (in
    `stories`, given as source ids; one story of all by default) would take with this
    cache, sending nothing. Re-asks and smaller retries, which only a reply can cause,
    are not foreseen."""
    planner = _Planner(sources, settings)
    by_id = {s.id: s for s in sources}
    groups = [list(ids) for ids in (stories or [list(by_id)])]
    kept = planner.kept(sources)
    stories_kept = {
        n for n, ids in enumerate(groups) if planner.merge([by_id[i] for i in ids], kept)
    }
    todo = [s for s in sources if s.id not in kept]
    estimated = planner.maps(todo)
    rounds = 1 if todo else 0
    for number, ids in enumerate(groups):
        if len(ids) < 2 or number in stories_kept:
            continue
        sizes = [
            size
            for i in sorted(ids, key=planner.order.__getitem__)
            for size in (
                [planner.counter.count(s.model_dump_json()) for s in kept[i]]
                if i in kept
                else estimated[i]
            )
        ]
        mapped_first = any(i not in kept for i in ids)
        label = f"story of {len(ids)} sources"
        rounds = max(rounds, planner.reduce(label, sizes, 2 if mapped_first else 1))
    price = pricing.price_for(settings.model, pricing.load_prices(settings.prices_file))
    prompt = sum(c.prompt_tokens for c in planner.calls)
    completion = sum(c.completion_tokens for c in planner.calls)
    return RunPlan(
        model=settings.model,
        calls=planner.calls,
        rounds=rounds,
        exact_tokens=planner.counter.exact,
        cost_usd=_discounted(pricing.cost(price, prompt, completion), settings.batch),
        schema_tokens=sum(planner.schema[c.step] for c in planner.calls),
        kept_summaries=len(kept),
        kept_merges=planner.kept_merges,
        completion_basis=planner.sizes.basis(),
    )


def _discounted(cost: float | None, batch: bool) -> float | None:
    """A cost at the Batch API's price when the run goes by batch."""
    return cost * pricing.BATCH_DISCOUNT if cost is not None and batch else cost
