"""The optional second opinion (`--judge openai`): a language model says, claim by claim,
whether the cited passages entail the claim.

It is reported next to the deterministic verdict and never replaces it: the judge only
fills `ClaimCheck.judge` and `Review.judged_by`; statuses, counts and the --fail-under
gate stay the verifier's. Claims are sent in batches, one structured call per batch.
Verdicts for keys that were not asked about are ignored; a claim the reply leaves out, or a
batch whose reply is refused, cut off or malformed, or whose server fails after the
retries, gets "no verdict" with the reason: the judge never costs the brief.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from pydantic import ValidationError

from briefing.errors import BriefingError
from briefing.llm.calls import NoAnswer, Outcome, open_backend, send
from briefing.llm.chat import ChatBackend, ChatRequest, Usage
from briefing.llm.prompts import ClaimData, Prompts
from briefing.llm.schemas import JudgeResult
from briefing.models import ClaimCheck, JudgeVerdict
from briefing.verify.checks import claim_key

if TYPE_CHECKING:
    from briefing.llm.settings import LLMSettings
    from briefing.models import Brief, Review

log = logging.getLogger(__name__)

# Claims per call: small enough for a short reply, large enough to share the instructions.
BATCH = 20
# A verdict and a one-sentence reason per claim, with room to spare.
TOKENS_PER_CLAIM = 120


class Judge:
    def __init__(self, settings: LLMSettings, backend: ChatBackend | None = None) -> None:
        self.backend = open_backend(
            settings, backend, option="--judge openai", instead="drop --judge"
        )
        self.settings = settings
        self.prompts = Prompts(settings.prompts_dir)
        self.usage = Usage()

    async def areview(self, brief: Brief, review: Review) -> Review:
        """The same review with a second opinion on each claim; nothing else changes.
        The connection is closed at the end and opened again by the next call."""
        try:
            return await self._review(brief, review)
        finally:
            await self.backend.aclose()

    async def _review(self, brief: Brief, review: Review) -> Review:
        self.usage = Usage()
        index = {pid: passage.text for pid, (_, passage) in brief.passage_index().items()}
        cited = {claim_key(obj): obj.citations for obj in brief.cited_objects()}
        unique = list(dict.fromkeys(c.key for c in review.claims))
        batches = [unique[i : i + BATCH] for i in range(0, len(unique), BATCH)]
        limit = asyncio.Semaphore(self.settings.max_concurrency)

        async def one(keys: list[str]) -> dict[str, JudgeVerdict]:
            async with limit:
                return await self._judge(keys, review, cited, index)

        found: dict[str, JudgeVerdict] = {}
        for verdicts in await asyncio.gather(*(one(keys) for keys in batches)):
            found.update(verdicts)
        claims = [c.model_copy(update={"judge": found.get(c.key)}) for c in review.claims]
        return review.model_copy(update={"claims": claims, "judged_by": self.settings.model})

    async def _judge(
        self,
        keys: list[str],
        review: Review,
        cited: dict[str, list[str]],
        index: dict[str, str],
    ) -> dict[str, JudgeVerdict]:
        checks = {c.key: c for c in review.claims}
        claims = [_claim_data(checks[key], cited.get(key, []), index) for key in keys]
        request = ChatRequest(
            model=self.settings.model,
            messages=self.prompts.judge_messages(claims),
            schema=JudgeResult,
            max_completion_tokens=min(
                self.settings.max_completion_tokens, 200 + TOKENS_PER_CLAIM * len(keys)
            ),
            temperature=self.settings.temperature,
            frequency_penalty=self.settings.frequency_penalty,
        )
        try:
            outcome = await send(self.backend, request, self.usage)
        except BriefingError as err:  # the server is down or broken, or refuses the key
            log.warning("judge: no verdict for %d claims (%s)", len(keys), err)
            return _none(keys, f"the judge could not be asked: {err}")
        result = _read(outcome)
        if isinstance(result, str):
            return _none(keys, result)
        wanted = set(keys)
        verdicts: dict[str, JudgeVerdict] = {}
        for item in result.verdicts:
            if item.key in wanted and item.key not in verdicts:  # unknown keys are ignored
                verdicts[item.key] = JudgeVerdict(verdict=item.verdict, reason=item.reason)
        missing = _none([k for k in keys if k not in verdicts], "the judge gave none")
        return verdicts | missing


def _read(outcome: Outcome) -> JudgeResult | str:
    """The verdicts in a reply, or why there are none."""
    match outcome.failure:
        case NoAnswer.TOO_LONG:
            return "the claims and passages do not fit the judge's context window"
        case NoAnswer.REFUSED:
            return f"the judge refused ({outcome.refusal})"
        case NoAnswer.FILTERED:
            return "the judge refused (content filter)"
        case NoAnswer.CUT_OFF:
            return "the judge's reply was cut off at the token limit"
    try:
        return JudgeResult.model_validate_json(outcome.content)
    except ValidationError as err:
        log.info("judge reply does not parse: %s", err.error_count())
        return "the judge's reply did not match the verdict schema"


def _claim_data(check: ClaimCheck, citations: list[str], index: dict[str, str]) -> ClaimData:
    return {
        "key": check.key,
        "text": check.text,
        "passages": [{"id": pid, "text": index[pid]} for pid in citations if pid in index],
    }


def _none(keys: list[str], why: str) -> dict[str, JudgeVerdict]:
    return {key: JudgeVerdict(verdict=None, reason=why) for key in keys}
