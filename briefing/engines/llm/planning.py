"""How a day's sources become model calls: split long sources on paragraph boundaries,
pack small ones together up to a token budget, and group summaries for a tree reduce.
Also the dry-run plan: calls, tokens and estimated cost, without sending anything."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING

from briefing.llm import pricing
from briefing.llm.prompts import Prompts, Unit
from briefing.llm.tokens import TokenCounter

if TYPE_CHECKING:
    from collections.abc import Sequence

    from briefing.llm.settings import LLMSettings
    from briefing.models import Passage, Source


def _passage_tokens(counter: TokenCounter, passages: Sequence[Passage]) -> int:
    return counter.count("".join(f"[{p.id}] {p.text}\n" for p in passages))


def split_source(source: Source, counter: TokenCounter, budget: int) -> list[Unit]:
    paragraphs = [tuple(g) for _, g in groupby(source.passages, key=lambda p: p.paragraph)]
    chunks: list[tuple[Passage, ...]] = []
    current: tuple[Passage, ...] = ()
    for paragraph in paragraphs:
        candidate = current + paragraph
        if current and _passage_tokens(counter, candidate) > budget:
            chunks.append(current)
            current = paragraph
        else:
            current = candidate
    if current:
        chunks.append(current)
    return [
        Unit(source, chunk, i, len(chunks), _passage_tokens(counter, chunk))
        for i, chunk in enumerate(chunks, start=1)
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
    """A rough guess of the reply's size: summaries run to about half their input."""
    return min(ceiling, 150 + input_tokens // 2)


@dataclass(frozen=True)
class PlannedCall:
    step: str
    label: str
    prompt_tokens: int
    completion_tokens: int


@dataclass(frozen=True)
class RunPlan:
    model: str
    calls: list[PlannedCall]
    rounds: int
    exact_tokens: bool
    cost_usd: float | None

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
            for c in self.calls
        )
        cost = "unknown (model not in the price table)"
        if self.cost_usd is not None:
            cost = f"${self.cost_usd:.4f}"
        counted = "counted with tiktoken" if self.exact_tokens else "ESTIMATED (no tiktoken)"
        lines += [
            (
                f"{len(self.calls)} calls in {self.rounds} sequential rounds; prompt tokens "
                f"{self.prompt_tokens:,} ({counted}), completion tokens "
                f"~{self.completion_tokens:,}"
            ),
            f"estimated cost: {cost}",
        ]
        return "\n".join(lines)


def plan_run(sources: Sequence[Source], settings: LLMSettings) -> RunPlan:
    counter = TokenCounter(settings.model)
    prompts = Prompts(settings.prompts_dir)
    ceiling = settings.max_completion_tokens
    calls: list[PlannedCall] = []
    outputs: list[int] = []
    for pack in plan_map(sources, counter, settings.map_budget_tokens):
        prompt = counter.count_messages(prompts.map_messages(pack))
        out = expected_completion(sum(u.tokens for u in pack), ceiling)
        label = "+".join(dict.fromkeys(u.source.id for u in pack))
        calls.append(PlannedCall("map", label, prompt, out))
        outputs.append(out)
    rounds = 1
    static = counter.count_messages(prompts.reduce_messages([]))
    while outputs:
        rounds += 1
        groups = group_by_budget(outputs, settings.reduce_budget_tokens)
        next_outputs = []
        for group in groups:
            size = sum(outputs[i] for i in group)
            out = expected_completion(size, ceiling)
            n = len(group)
            if rounds == 2:
                label = f"{n} map {'reply' if n == 1 else 'replies'}"
            else:
                label = f"{n} partial {'merge' if n == 1 else 'merges'}"
            calls.append(PlannedCall("reduce", label, static + size, out))
            next_outputs.append(out)
        outputs = next_outputs if len(groups) > 1 else []
    price = pricing.price_for(settings.model, pricing.load_prices(settings.prices_file))
    total_prompt = sum(c.prompt_tokens for c in calls)
    total_completion = sum(c.completion_tokens for c in calls)
    return RunPlan(
        model=settings.model,
        calls=calls,
        rounds=rounds,
        exact_tokens=counter.exact,
        cost_usd=pricing.cost(price, total_prompt, total_completion),
    )
