"""The LLM engine: map each pack of sources to cited summaries (concurrently), then reduce
the summaries into the brief (in a tree when they do not fit one call).

Each call's reply is validated against the real passages (pydantic validation context). A
reply that fails gets one re-ask stating the exact errors; what is still wrong after it is
dropped and listed in the run report. A refusal or a reply that stays truncated marks its
sources not summarized; a truncated reply is first retried with a smaller pack.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from pydantic import ValidationError

from briefing.engines.llm.draft import fallback_reduce, to_draft
from briefing.engines.llm.planning import group_by_budget, halve, plan_map
from briefing.errors import ModelCallError, validation_problems
from briefing.llm import pricing
from briefing.llm.calls import NoAnswer, open_backend, send
from briefing.llm.chat import ChatBackend, ChatRequest, Message, Usage
from briefing.llm.prompts import Prompts
from briefing.llm.schemas import (
    CitationContext,
    MapResult,
    Out,
    ReduceResult,
    SourceSummary,
    without_dropped,
)
from briefing.llm.tokens import TokenCounter

if TYPE_CHECKING:
    from collections.abc import Sequence

    from briefing.engines import Draft
    from briefing.engines.llm.planning import Unit
    from briefing.llm.settings import LLMSettings
    from briefing.models import Source

log = logging.getLogger(__name__)

T = TypeVar("T", bound=Out)


@dataclass
class Answer(Generic[T]):
    value: T | None
    problem: str | None = None
    truncated: bool = False
    dropped: list[str] = field(default_factory=list)


class LLMEngine:
    def __init__(self, settings: LLMSettings, backend: ChatBackend | None = None) -> None:
        self.settings = settings
        self.backend = open_backend(settings, backend, instead="use --engine extractive")
        self.prompts = Prompts(settings.prompts_dir)
        self.counter = TokenCounter(settings.model)
        self.usage = Usage()
        self.dropped: list[str] = []
        self._limit = asyncio.Semaphore(settings.max_concurrency)

    async def awrite(self, sources: Sequence[Source]) -> Draft:
        """The draft of a brief; the connection is closed at the end, and opened again by
        the next call (each may run in its own event loop)."""
        try:
            return await self._write(sources)
        finally:
            await self.backend.aclose()

    async def _write(self, sources: Sequence[Source]) -> Draft:
        self._limit = asyncio.Semaphore(self.settings.max_concurrency)
        self.usage = Usage()
        self.dropped = []
        passages = {p.id: p.text for s in sources for p in s.passages}
        packs = plan_map(sources, self.counter, self.settings.map_budget_tokens)
        mapped = await asyncio.gather(*(self._map(pack, passages) for pack in packs))
        summaries = [summary for group in mapped for summary in group]
        if not summaries:
            raise ModelCallError(
                "no source could be summarized: "
                + "; ".join(self.usage.notes)
                + "; try another --model or --engine extractive"
            )
        context = CitationContext(passages, {s.id for s in sources})
        result = await self._reduce([s.model_dump_json() for s in summaries], context)
        if result is None:
            self.usage.notes.append("so the summaries are listed unmerged")
            result = fallback_reduce(summaries, sources)
        price = pricing.price_for(
            self.settings.model, pricing.load_prices(self.settings.prices_file)
        )
        cost = pricing.cost(
            price, self.usage.prompt_tokens, self.usage.completion_tokens, self.usage.cached_tokens
        )
        usage = {
            "calls": self.usage.calls,
            "cached_calls": self.usage.cached_calls,
            "prompt_tokens": self.usage.prompt_tokens,
            "completion_tokens": self.usage.completion_tokens,
            "cached_tokens": self.usage.cached_tokens,
            "cost_usd": cost,
            "dropped_citations": list(self.dropped),
        }
        return to_draft(result, sources, self.settings.model, usage, self.usage.notes)

    # --- one structured call, with one re-ask ------------------------------------------

    async def _send(self, messages: list[Message], schema: type[Out]) -> tuple[str | None, str]:
        """The reply's content and a problem ('' if none), counting the call."""
        request = ChatRequest(
            model=self.settings.model,
            messages=messages,
            schema=schema,
            max_completion_tokens=self.settings.max_completion_tokens,
            temperature=self.settings.temperature,
            frequency_penalty=self.settings.frequency_penalty,
        )
        log.debug(
            "sending %s call, %d prompt tokens",
            schema.__name__,
            self.counter.count_messages(messages),
        )
        async with self._limit:
            outcome = await send(self.backend, request, self.usage)
        match outcome.failure:
            case None:
                return outcome.content, ""
            case NoAnswer.REFUSED:
                return None, f"refused: {outcome.refusal}"
            case NoAnswer.FILTERED:
                return None, "refused: the provider's content filter stopped the reply"
            case NoAnswer.CUT_OFF | NoAnswer.TOO_LONG:
                # Both mean: this pack is too big for one call; ask() marks it truncated.
                return None, "length"

    async def ask(
        self, messages: list[Message], schema: type[T], context: CitationContext
    ) -> Answer[T]:
        content, problem = await self._send(messages, schema)
        if content is None:
            return Answer(None, problem, truncated=problem == "length")
        try:
            return Answer(schema.model_validate_json(content, context=context))
        except ValidationError as err:
            errors = validation_problems(err, whole="reply")
        log.info("re-asking %s: %d problems", schema.__name__, len(errors))
        again = [
            *messages,
            {"role": "assistant", "content": content},
            self.prompts.reask_message(errors),
        ]
        content, problem = await self._send(again, schema)
        if content is None:
            return Answer(None, problem, truncated=problem == "length")
        repair = CitationContext(context.passages, context.source_ids, repair=True)
        try:
            value = schema.model_validate_json(content, context=repair)
        except ValidationError as err:
            first = validation_problems(err, whole="reply")[0]
            return Answer(None, f"invalid reply after a re-ask ({first})")
        return Answer(value, dropped=repair.dropped)

    # --- map ----------------------------------------------------------------------------

    async def _map(self, pack: list[Unit], passages: dict[str, str]) -> list[SourceSummary]:
        ids = list(dict.fromkeys(u.source.id for u in pack))
        context = CitationContext(passages, set(ids))
        try:
            answer = await self.ask(self.prompts.map_messages(pack), MapResult, context)
        except ModelCallError as err:  # after the SDK's retries: give up on this pack only
            self.usage.notes.append(f"{', '.join(ids)} not summarized ({err})")
            return []
        if answer.truncated:
            smaller = halve(pack, self.counter)
            if smaller is not None:
                log.info("reply for %s truncated; retrying in smaller packs", "+".join(ids))
                parts = await asyncio.gather(*(self._map(p, passages) for p in smaller))
                return [s for part in parts for s in part]
            answer.problem = (
                "the reply was cut off at the token limit, or did not fit the context window, "
                "even for one paragraph"
            )
        if answer.value is None:
            self.usage.notes.append(f"{', '.join(ids)} not summarized ({answer.problem})")
            return []
        self.dropped.extend(answer.dropped)
        summaries = [without_dropped(s) for s in answer.value.summaries]
        if len(ids) == 1:
            # One source in the pack: a wrong label cannot mislead (citations are checked).
            summaries = [s.model_copy(update={"source_id": ids[0]}) for s in summaries]
        summaries = [s for s in summaries if s.source_id in ids]
        missing = [i for i in ids if i not in {s.source_id for s in summaries}]
        rest = [u for u in pack if u.source.id in missing]
        if rest and len(rest) < len(pack):
            # The model skipped some sources of the pack: ask again for them alone.
            log.info("no summary for %s; asking again for them alone", ", ".join(missing))
            return summaries + await self._map(rest, passages)
        if missing:
            self.usage.notes.append(f"{', '.join(missing)} not summarized (no summary given)")
        return summaries

    # --- reduce -------------------------------------------------------------------------

    async def _reduce(self, inputs: list[str], context: CitationContext) -> ReduceResult | None:
        sizes = [self.counter.count(text) for text in inputs]
        groups = group_by_budget(sizes, self.settings.reduce_budget_tokens)
        if len(groups) == 1:
            return await self._merge(inputs, context)
        log.info("reducing %d summaries in %d groups", len(inputs), len(groups))
        partial = await asyncio.gather(
            *(self._merge([inputs[i] for i in group], context) for group in groups)
        )
        if all(p is None for p in partial):
            return None
        # A group that failed passes its inputs on unmerged; each merged group of two or
        # more became one, so the next round is smaller and the tree ends.
        carried: list[str] = []
        for group, merged in zip(groups, partial, strict=True):
            carried.extend([merged.model_dump_json()] if merged else [inputs[i] for i in group])
        return await self._reduce(carried, context)

    async def _merge(self, inputs: list[str], context: CitationContext) -> ReduceResult | None:
        try:
            answer = await self.ask(self.prompts.reduce_messages(inputs), ReduceResult, context)
        except ModelCallError as err:
            self.usage.notes.append(f"a merge call failed ({err})")
            return None
        if answer.value is None:
            problem = "cut off at the token limit" if answer.truncated else answer.problem
            self.usage.notes.append(f"a merge call failed ({problem})")
            return None
        self.dropped.extend(answer.dropped)
        return answer.value
