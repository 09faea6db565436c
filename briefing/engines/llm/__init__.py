"""The LLM engine: map each pack of sources to cited summaries (concurrently), then reduce
the summaries into the brief (in a tree when they do not fit one call).

Each call's reply is validated against the real passages (pydantic validation context). A
reply that fails gets one re-ask stating the exact errors; what is still wrong after it is
dropped and listed in the run report. A pack whose reply is cut off or does not fit the
context window is retried in smaller packs (one source is split on a paragraph boundary);
so is a pack of several sources whose reply is refused or still invalid after the re-ask,
so that one source cannot cost the others. Each source, or part of a long source, takes
part in at most MAP_REQUESTS map requests; after that, or when nothing smaller is left to
try, its sources are marked not summarized and the run goes on.
"""

from __future__ import annotations

import asyncio
import enum
import inspect
import logging
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from pydantic import ValidationError

from briefing.engines.llm.budget import Budget, refuse_over
from briefing.engines.llm.planning import group_by_budget, halve, plan_map, plan_run
from briefing.engines.llm.reuse import Kept, Reuse
from briefing.engines.llm.scheduling import Slots
from briefing.errors import ModelCallError, validation_problems
from briefing.llm import pricing, salvage
from briefing.llm.calls import NoAnswer, Outcome, load_client, open_backend, send
from briefing.llm.chat import ChatBackend, ChatRequest, Message, Usage
from briefing.llm.prompts import Prompts
from briefing.llm.schemas import (
    CitationContext,
    Cited,
    MapResult,
    Out,
    ReduceResult,
    SourceSummary,
    without_dropped,
)
from briefing.llm.tokens import TokenCounter

if TYPE_CHECKING:
    from collections.abc import Awaitable, Iterable, Mapping, Sequence

    from briefing.engines import Draft
    from briefing.ingest.limits import InputLimits
    from briefing.llm.prompts import Unit
    from briefing.llm.schemas import ReduceBase
    from briefing.llm.settings import LLMSettings
    from briefing.models import Source

log = logging.getLogger(__name__)

T = TypeVar("T", bound=Out)

# Map requests each source, or each part of a source too long for one call, may take part
# in: first try, re-ask, smaller retries and asking again for a skipped source all count.
# (Each request is sent at most 1 + --max-retries times; see briefing/llm/client.py.)
MAP_REQUESTS = 4
TOO_BIG = "the reply was cut off at the token limit, or did not fit the context window"


class Failure(enum.Enum):
    """Why an exchange gave no answer."""

    TOO_BIG = "too big"  # cut off at the token limit, or too long for the context window
    REFUSED = "refused"  # refused, or stopped by the provider's content filter
    INVALID = "invalid"  # still not valid after the re-ask
    SPENT = "spent"  # its sources' map requests are used up
    OVER_BUDGET = "over budget"  # sending it would take the run over --max-cost


@dataclass
class Answer(Generic[T]):
    value: T | None
    problem: str = ""
    failure: Failure | None = None
    dropped: list[str] = field(default_factory=list)
    # The dropped citations by the source id of the summary they were dropped from.
    dropped_by: dict[str, list[str]] = field(default_factory=dict)
    # The requests of a failed exchange, whose replies were not cached: the caller keeps
    # them (CachingBackend.keep) when it gets around the failure completely.
    failed: list[ChatRequest] = field(default_factory=list)
    # Only the complete items of a reply cut off at the token limit.
    partial: bool = False


class RequestBudget:
    """How many map requests each source, or part of a long source, has taken part in."""

    def __init__(self, limit: int = MAP_REQUESTS) -> None:
        self.limit = limit
        self.used: Counter[str] = Counter()

    def allows(self, needs: Mapping[str, int]) -> bool:
        return all(self.used[key] + more <= self.limit for key, more in needs.items())

    def spend(self, keys: Iterable[str]) -> bool:
        """Count one request for each of `keys`; False, counting nothing, if one is spent."""
        wanted = Counter(set(keys))
        if not self.allows(wanted):
            return False
        self.used.update(wanted)
        return True


def unit_keys(pack: Sequence[Unit]) -> list[str]:
    """What the request budget counts: a source, or a part of a long source."""
    return list(dict.fromkeys(f"{u.source.id}#{u.part}" for u in pack))


class LLMEngine:
    # awrite_stories takes the stories as an awaitable: map requests go out first.
    writes_while_grouping = True

    def __init__(
        self,
        settings: LLMSettings,
        backend: ChatBackend | None = None,
        limits: InputLimits | None = None,
    ) -> None:
        self.settings = settings
        self.limits = limits
        # The replies are written in a thread of their own: the event loop goes on sending.
        self.backend = open_backend(
            settings, backend, instead="use --engine extractive", background_writes=True
        )
        self.prompts = Prompts(settings.prompts_dir)
        self.counter = TokenCounter(settings.model)
        self.usage = Usage()
        self._limit = Slots(settings.max_concurrency)
        self._budget = RequestBudget()
        self._spending: Budget | None = None
        self._log = MapLog()
        self._answered = False  # whether any exchange gave a reply of the asked shape
        # Whether the last run's drafts are what a rerun would write from the caches: every
        # request answered whole, nothing refused or left out (briefing/kept_briefs.py).
        self.replayable = False

    def prepare(self) -> None:
        """Load the tokenizer and the client library now (they take seconds): the pipeline
        calls this in a worker thread while the inputs are read, so that the first map
        request goes out sooner once they are. No backend is made: a run answered from
        the cache makes none."""
        self.counter.count("")
        load_client()

    async def awrite(self, sources: Sequence[Source]) -> Draft:
        """The draft of a brief of one story made of all `sources`."""
        (draft,) = await self.awrite_stories(sources, [[s.id for s in sources]])
        return draft

    async def awrite_stories(
        self,
        sources: Sequence[Source],
        stories: Sequence[Sequence[str]] | Awaitable[Sequence[Sequence[str]]],
    ) -> list[Draft]:
        """One draft per story (given as its source ids), in order. The stories may be
        given as an awaitable (the grouping still running): map requests go out first.
        The connection is closed at the end, and opened again by the next call (each may
        run in its own event loop)."""
        try:
            return await self._write(sources, stories)
        finally:
            await self.backend.aclose()

    async def _write(
        self,
        sources: Sequence[Source],
        stories: Sequence[Sequence[str]] | Awaitable[Sequence[Sequence[str]]],
    ) -> list[Draft]:
        """Map every source (packed across stories: one round when the day fits), and
        reduce each story as soon as its own sources are summarized: two rounds of calls,
        plus a tree round for a story whose summaries do not fit one merge call. A source
        or story done before (reuse.py) is not sent again. What the run reports (dropped
        citations, notes) is listed in source and story order, whatever order the replies
        come in."""
        # A batch takes every request at once: the API, not the client, paces them.
        self._limit = Slots(sys.maxsize if self.settings.batch else self.settings.max_concurrency)
        self.usage = Usage()
        self._budget = RequestBudget()
        self._answered = False
        self.replayable = False
        self._log = MapLog({s.id: n for n, s in enumerate(sources)})
        reuse = Reuse(self.settings, self.prompts, sources) if self.settings.use_cache else None
        by_id = {s.id: s for s in sources}
        started: list[asyncio.Task[object]] = []
        self._spending = None
        if self.settings.max_cost is not None:  # the plan needs the stories: wait for them
            stories = await stories if inspect.isawaitable(stories) else stories
            self._spending = self._budget_for(sources, stories, self.settings.max_cost)
        try:
            summaries = self._map_all(sources, reuse, started)
            if inspect.isawaitable(stories):
                stories = await stories
            groups = [list(ids) for ids in stories]
            # The offline drafts (no model) are written in a worker thread meanwhile: each
            # story's model output is held to their rules and filled from them. The
            # offline engine loads now, with the map requests sent, not before them.
            from briefing.engines.extractive import ExtractiveEngine  # noqa: PLC0415

            offline_engine = ExtractiveEngine(self.limits)
            drafting = asyncio.create_task(offline_engine.awrite_stories(list(sources), groups))
            started.append(drafting)
            merging = [
                asyncio.create_task(
                    self._story_when_mapped([by_id[i] for i in ids], summaries, reuse)
                )
                for ids in groups
            ]
            started += merging
            results = await asyncio.gather(*merging)
        except BaseException:
            for task in started:
                task.cancel()
            await asyncio.gather(*started, return_exceptions=True)
            raise
        finally:
            if reuse is not None:  # what was kept is on disk before the run ends
                await asyncio.to_thread(reuse.cache.flush)
        if self._spending is not None and self._spending.refused:
            log.warning(
                "%s: %d model calls were not sent (see the brief's notes for what was left "
                "out); what was answered is kept in the cache",
                self._spending.reached(),
                self._spending.refused,
            )
        found = [s for ids in groups for s in await _summaries(ids, summaries)]
        if not found and not self._answered:  # the model never answered in the asked shape
            drafting.cancel()
            await asyncio.gather(drafting, return_exceptions=True)
            raise ModelCallError(
                "no source could be summarized: "
                + "; ".join(self._log.notes())
                + "; try another --model or --engine extractive"
            )
        offline = await drafting
        price = pricing.price_for(
            self.settings.model, pricing.load_prices(self.settings.prices_file)
        )
        cost = self.usage.cost(price)
        usage = {
            "calls": self.usage.calls,
            "cached_calls": self.usage.cached_calls,
            "prompt_tokens": self.usage.prompt_tokens,
            "completion_tokens": self.usage.completion_tokens,
            "cached_tokens": self.usage.cached_tokens,
            "cost_usd": cost,
            "dropped_citations": [
                *self._log.dropped([s.id for s in sources]),
                *(d for _, story in results for d in story.dropped),
            ],
        }
        notes = [*self._log.notes(), *(n for _, story in results for n in story.notes)]
        self.replayable = not notes and not (self._spending and self._spending.refused)
        from briefing.engines.llm.draft import to_draft  # noqa: PLC0415 - see _write

        # The run's usage goes with the first draft: the pipeline adds the drafts' up.
        return [
            to_draft(
                merged,
                [by_id[i] for i in ids],
                drafted,
                model=self.settings.model,
                usage=usage if n == 0 else {},
                notes=notes,
            )
            for n, ((merged, _), ids, drafted) in enumerate(
                zip(results, groups, offline, strict=True)
            )
        ]

    def _budget_for(
        self, sources: Sequence[Source], stories: Sequence[Sequence[str]], limit: float
    ) -> Budget:
        """The run's budget, once its plan was found to fit (else OverBudgetError)."""
        plan = plan_run(sources, self.settings, stories)
        refuse_over(plan, limit)
        price = pricing.price_for(
            self.settings.model, pricing.load_prices(self.settings.prices_file)
        )
        assert price is not None  # noqa: S101 - refuse_over refuses a plan of unknown cost
        return Budget(limit, price, self.counter, self.usage)

    def _map_all(
        self,
        sources: Sequence[Source],
        reuse: Reuse | None,
        started: list[asyncio.Task[object]],
    ) -> dict[str, Summaries]:
        """Every source's summaries, by source id: kept ones as they were kept, the others
        as tasks (their packs are sent at once) that keep them for the next run when whole.
        The tasks started are added to `started`."""
        kept = {s.id: k for s in sources if reuse and (k := reuse.summaries(s)) is not None}
        summaries: dict[str, Summaries] = {}
        for source_id, found in kept.items():
            self._log.add_dropped(source_id, found.dropped)
            summaries[source_id] = found.summaries
        todo = [s for s in sources if s.id not in kept]
        passages = {p.id: p.text for s in todo for p in s.passages}
        covering: dict[str, list[asyncio.Task[tuple[list[SourceSummary], bool]]]] = {}
        packs = plan_map(todo, self.counter, self.settings.map_budget_tokens)
        if packs:  # before the first await: see CachingBackend.ready
            self.backend.ready()
        for pack in packs:
            task = asyncio.create_task(self._map(pack, passages))
            started.append(task)
            for source_id in dict.fromkeys(u.source.id for u in pack):
                covering.setdefault(source_id, []).append(task)
        for source in todo:
            own = asyncio.create_task(self._mapped(source, covering[source.id], reuse))
            started.append(own)
            summaries[source.id] = own
        return summaries

    async def _mapped(
        self,
        source: Source,
        packs: Sequence[Awaitable[tuple[list[SourceSummary], bool]]],
        reuse: Reuse | None,
    ) -> list[SourceSummary]:
        """The source's summaries from the packs it was sent in, in pack order; kept for
        the next run when the source was wholly summarized."""
        own = [s for pack in packs for s in (await pack)[0] if s.source_id == source.id]
        if reuse is not None and own and source.id not in self._log.unsummarized:
            reuse.keep_summaries(source, own, self._log.dropped([source.id]))
        return own

    async def _story_when_mapped(
        self, sources: list[Source], summaries: Mapping[str, Summaries], reuse: Reuse | None
    ) -> tuple[ReduceBase, Kept]:
        """The story once its own sources are summarized; its summaries in source order."""
        ids = sorted((s.id for s in sources), key=self._log.order.__getitem__)
        return await self._story(sources, await _summaries(ids, summaries), reuse)

    async def _story(
        self, sources: list[Source], summaries: list[SourceSummary], reuse: Reuse | None
    ) -> tuple[ReduceBase, Kept]:
        """One story's content, with the citations dropped and the notes made on the way:
        its summaries merged by the model (or a merge kept from an earlier run), or, for a
        story of one source or when every merge fails, the summaries side by side."""
        story = Kept()
        if len(sources) > 1 and summaries:
            found = reuse.merge(sources, summaries) if reuse is not None else None
            if found is not None and found.merged is not None:
                return found.merged, found
            passages = {p.id: p.text for s in sources for p in s.passages}
            context = CitationContext(passages, {s.id for s in sources})
            result = await self._reduce([s.model_dump_json() for s in summaries], context, story)
            if result is not None:
                story.merged = without_dropped(result)
                if reuse is not None and not story.notes:  # a failed partial merge is asked again
                    reuse.keep_merge(sources, summaries, story)
                return story.merged, story
        from briefing.engines.llm.draft import fallback_reduce  # noqa: PLC0415 - see _write

        unmerged, left_out = fallback_reduce(summaries)
        if len(sources) > 1 and summaries:
            beyond = f", {left_out} items beyond the sections' limits left out" if left_out else ""
            story.notes.append(f"so the summaries are listed unmerged{beyond}")
        return unmerged, story

    # --- one structured call, with one re-ask ------------------------------------------

    def _request(self, messages: list[Message], schema: type[Out]) -> ChatRequest:
        return ChatRequest(
            model=self.settings.model,
            messages=messages,
            schema=schema,
            max_completion_tokens=self.settings.max_completion_tokens,
            temperature=self.settings.temperature,
            frequency_penalty=self.settings.frequency_penalty,
        )

    async def _send(
        self, request: ChatRequest, keys: Sequence[str]
    ) -> tuple[str | None, Failure | None, str]:
        """The reply's content, or why there is none and the problem in words, counting the
        call (and, for a map call, the request against its sources' budget). A reply cut
        off at the token limit comes with what it had written (Failure.TOO_BIG)."""
        if not self._budget.spend(keys):
            return None, Failure.SPENT, f"no requests left: at most {MAP_REQUESTS} per source"
        if log.isEnabledFor(logging.DEBUG):  # counting tokens takes time; only when shown
            tokens = self.counter.count_messages(request.messages)
            log.debug("sending %s call, %d prompt tokens", request.schema.__name__, tokens)
        # A merge waiting for a slot goes before a map request (see scheduling.py).
        async with self._limit.take(0 if request.schema is MapResult else -1):
            # Checked once it can go: the replies that came meanwhile have been counted.
            reserved = 0.0
            if self._spending is not None and not self.backend.answered(request):
                reserved = self._spending.estimate(request, batch=self.settings.batch)
                if not self._spending.reserve(reserved):
                    return None, Failure.OVER_BUDGET, self._spending.reached()
            try:
                outcome = await send(self.backend, request, self.usage)
            finally:
                if self._spending is not None:
                    self._spending.release(reserved)
        return _read(outcome)

    async def ask(
        self,
        messages: list[Message],
        schema: type[T],
        context: CitationContext,
        keys: Sequence[str] = (),
    ) -> Answer[T]:
        """The reply, checked. A reply cut off at the token limit keeps its complete items
        that check out (partial). Any other reply with problems keeps its good items and is
        asked once more, naming every problem; what the second reply gets right is added
        (partial acceptance) and what is still wrong is dropped and reported."""
        first = self._request(messages, schema)
        content, failure, problem = await self._send(first, keys)
        if failure is not None or content is None:
            cut = salvage.salvaged(schema, content, context, cut_off=True) if content else None
            if cut is not None and _holds_anything(without_dropped(cut[0])):
                self._answered = True
                self.backend.keep(first)  # an identical rerun salvages the same
                return Answer(
                    cut[0], dropped=cut[1].dropped, dropped_by=cut[1].by_summary, partial=True
                )
            return Answer(None, problem, failure, failed=[first])
        try:
            value = schema.model_validate_json(content, context=context)
        except ValidationError as err:
            errors = validation_problems(err, whole="reply")
        else:
            self._answered = True
            return Answer(value)
        log.info("re-asking %s: %d problems", schema.__name__, len(errors))
        kept = salvage.salvaged(schema, content, context)
        again = self._request(
            [
                *messages,
                {"role": "assistant", "content": content},
                self.prompts.reask_message(errors),
            ],
            schema,
        )
        content, failure, problem = await self._send(again, keys)
        cut_off = failure is Failure.TOO_BIG
        fixed = salvage.salvaged(schema, content, context, cut_off=cut_off) if content else None
        replies = [r for r in (kept, fixed) if r is not None]
        if not replies:
            if failure is None:
                why = f"invalid reply after a re-ask ({_first_problem(schema, content or '')})"
                return Answer(None, why, Failure.INVALID, failed=[first, again])
            return Answer(None, problem, failure, failed=[first, again])
        value = without_dropped(replies[0][0])
        for more, _ in replies[1:]:
            value = salvage.merged(value, without_dropped(more))
        self._answered = True
        self.backend.keep(first)  # the re-ask got around it, if it was a failure
        # What is still wrong: the re-ask's drops (it was asked to fix or leave out the
        # first reply's), or the first reply's when the re-ask gave nothing to read.
        _, repair = replies[-1]
        return Answer(value, dropped=repair.dropped, dropped_by=repair.by_summary)

    # --- map ----------------------------------------------------------------------------

    async def _map(
        self, pack: list[Unit], passages: dict[str, str]
    ) -> tuple[list[SourceSummary], bool]:
        """The pack's summaries, and whether all of every source in it was summarized."""
        ids = list(dict.fromkeys(u.source.id for u in pack))
        context = CitationContext(passages, set(ids))
        messages = self.prompts.map_messages(pack)
        try:
            answer = await self.ask(messages, MapResult, context, unit_keys(pack))
        except ModelCallError as err:  # after the retries: give up on this pack only
            self._not_summarized(ids, str(err))
            return [], False
        if answer.value is None:
            return await self._map_smaller(pack, passages, answer)
        for source_id, dropped in answer.dropped_by.items():
            # A summary labelled with a source outside the pack: its pack's first source.
            self._log.add_dropped(source_id if source_id in ids else ids[0], dropped)
        summaries = [without_dropped(s) for s in answer.value.summaries]
        if len(ids) == 1:
            # One source in the pack: a wrong label cannot mislead (citations are checked).
            summaries = [s.model_copy(update={"source_id": ids[0]}) for s in summaries]
        summaries = [s for s in summaries if s.source_id in ids]
        missing = [i for i in ids if i not in {s.source_id for s in summaries}]
        rest = [u for u in pack if u.source.id in missing]
        partly = [i for i in ids if i not in missing] if answer.partial else []
        if partly:  # a reply cut off at the token limit: its complete items are kept
            self._log.not_summarized(partly, f"{', '.join(partly)} summarized in part ({TOO_BIG})")
        if rest and len(rest) < len(pack):
            # The model skipped some sources of the pack: ask again for them alone.
            log.info("no summary for %s; asking again for them alone", ", ".join(missing))
            more, whole = await self._map(rest, passages)
            return summaries + more, whole and not partly
        if missing:
            self._not_summarized(missing, "no summary given")
        return summaries, not missing and not partly

    async def _map_smaller(
        self, pack: list[Unit], passages: dict[str, str], answer: Answer[MapResult]
    ) -> tuple[list[SourceSummary], bool]:
        """After a failed exchange, the pack again in smaller packs where that may help and
        its sources have requests left; else they are marked not summarized."""
        ids = list(dict.fromkeys(u.source.id for u in pack))
        smaller = None
        if answer.failure is Failure.TOO_BIG or (
            answer.failure in {Failure.REFUSED, Failure.INVALID} and len(pack) > 1
        ):
            smaller = halve(pack, self.counter)
        problem = answer.problem
        if smaller is not None and not self._budget.allows(
            Counter(key for part in smaller for key in unit_keys(part))
        ):
            smaller = None
            problem += f"; no requests left for smaller retries: at most {MAP_REQUESTS} per source"
        elif smaller is None and answer.failure is Failure.TOO_BIG:
            problem += ", even for one paragraph"
        if smaller is None:
            self._not_summarized(ids, problem)
            return [], False
        log.info("no answer for %s (%s); retrying in smaller packs", "+".join(ids), problem)
        parts = await asyncio.gather(*(self._map(part, passages) for part in smaller))
        whole = all(done for _, done in parts)
        if whole:  # every smaller pack made it: an identical rerun may replay this failure
            for request in answer.failed:
                self.backend.keep(request)
        return [s for found, _ in parts for s in found], whole

    def _not_summarized(self, ids: Sequence[str], why: str) -> None:
        self._log.not_summarized(ids, f"{', '.join(ids)} not summarized ({why})")

    # --- reduce -------------------------------------------------------------------------

    async def _reduce(
        self, inputs: list[str], context: CitationContext, story: Kept
    ) -> ReduceResult | None:
        sizes = [self.counter.count(text) for text in inputs]
        groups = group_by_budget(sizes, self.settings.reduce_budget_tokens)
        if len(groups) == 1:
            return await self._merge(inputs, context, story)
        log.info("reducing %d summaries in %d groups", len(inputs), len(groups))
        logs = [Kept() for _ in groups]  # each group's own, added up in group order
        partial = await asyncio.gather(
            *(
                self._merge([inputs[i] for i in group], context, own)
                for group, own in zip(groups, logs, strict=True)
            )
        )
        for own in logs:
            story.dropped += own.dropped
            story.notes += own.notes
        if all(p is None for p in partial):
            return None
        # A group that failed passes its inputs on unmerged; each merged group of two or
        # more became one, so the next round is smaller and the tree ends.
        carried: list[str] = []
        for group, merged in zip(groups, partial, strict=True):
            carried.extend([merged.model_dump_json()] if merged else [inputs[i] for i in group])
        return await self._reduce(carried, context, story)

    async def _merge(
        self, inputs: list[str], context: CitationContext, story: Kept
    ) -> ReduceResult | None:
        try:
            answer = await self.ask(self.prompts.reduce_messages(inputs), ReduceResult, context)
        except ModelCallError as err:
            story.notes.append(f"a merge call failed ({err})")
            return None
        if answer.failure is Failure.OVER_BUDGET:
            story.notes.append(f"a merge call was not sent ({answer.problem})")
            return None
        if answer.value is None:
            story.notes.append(f"a merge call failed ({answer.problem})")
            return None
        story.dropped += answer.dropped
        if answer.partial:  # not kept for the next run (notes), which asks again
            story.notes.append(
                f"a merge reply was cut off ({TOO_BIG}); its complete items were kept"
            )
        return answer.value


def _read(outcome: Outcome) -> tuple[str | None, Failure | None, str]:
    """The reply's content, or why there is none and the problem in words; a reply cut
    off at the token limit comes with what it had written."""
    match outcome.failure:
        case None:
            return outcome.content, None, ""
        case NoAnswer.REFUSED:
            return None, Failure.REFUSED, f"refused: {outcome.refusal}"
        case NoAnswer.FILTERED:
            return None, Failure.REFUSED, "refused: the provider's content filter stopped it"
        case NoAnswer.CUT_OFF:
            return outcome.content or None, Failure.TOO_BIG, TOO_BIG
        case NoAnswer.TOO_LONG:
            return None, Failure.TOO_BIG, TOO_BIG


def _holds_anything(value: Out) -> bool:
    """Whether a reply holds any cited item (a claim, a figure, a quote), at any depth: a
    summary with empty lists is nothing."""
    for name in type(value).model_fields:
        for item in found if isinstance(found := getattr(value, name), list) else []:
            if isinstance(item, Cited) or (isinstance(item, Out) and _holds_anything(item)):
                return True
    return False


def _first_problem(schema: type[Out], content: str) -> str:
    """What is wrong with a reply nothing could be kept of, in pydantic's words."""
    try:
        schema.model_validate_json(content)
    except ValidationError as err:
        return validation_problems(err, whole="reply")[0]
    return "nothing in it checked out"


# A source's summaries: kept from an earlier run, or the task that maps it.
Summaries = list[SourceSummary] | asyncio.Task[list[SourceSummary]]


async def _summaries(ids: Sequence[str], summaries: Mapping[str, Summaries]) -> list[SourceSummary]:
    """The summaries of the sources `ids`, in that order, once they are there."""
    found: list[SourceSummary] = []
    for source_id in ids:
        own = summaries[source_id]
        found += own if isinstance(own, list) else await own
    return found


class MapLog:
    """What the map step reports, by source, so that it reads in source order: citations
    dropped from each source's summaries, and the sources not (wholly) summarized."""

    def __init__(self, order: Mapping[str, int] | None = None) -> None:
        self.order = dict(order or {})
        self.by_source: dict[str, list[str]] = {}
        self.unsummarized: set[str] = set()
        self._notes: list[tuple[int, str]] = []

    def add_dropped(self, source_id: str, dropped: Sequence[str]) -> None:
        self.by_source.setdefault(source_id, []).extend(dropped)

    def dropped(self, source_ids: Sequence[str]) -> list[str]:
        return [d for i in source_ids for d in self.by_source.get(i, [])]

    def not_summarized(self, ids: Sequence[str], note: str) -> None:
        self.unsummarized.update(ids)
        first = min((self.order.get(i, len(self.order)) for i in ids), default=0)
        self._notes.append((first, note))

    def notes(self) -> list[str]:
        return [note for _, note in sorted(self._notes)]
