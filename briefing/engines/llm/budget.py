"""A spending limit for the LLM engine (`--max-cost USD`).

Before any request, the run's plan (planning.plan_run: calls, tokens and cost with what
the cache holds left out) is held against the limit: a plan over it, or one whose cost
cannot be known (a model missing from the price table), is refused with one line. While
the run goes, each request not answered from the cache reserves its estimated cost
(its prompt counted, its reply estimated as in the plan) before it is sent and gives the
reservation back for what the reply really cost; a request that would take the spending
over the limit is not sent. Its sources are left unsummarized, or its story unmerged,
and the run's notes say so; whatever was answered is kept in the cache as always.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from briefing.engines.llm.planning import expected_completion
from briefing.errors import ConfigError, OverBudgetError
from briefing.llm import pricing
from briefing.llm.strict import response_format

if TYPE_CHECKING:
    from briefing.engines.llm.planning import RunPlan
    from briefing.llm.chat import ChatRequest, Usage
    from briefing.llm.tokens import TokenCounter


def dollars(amount: float) -> str:
    return f"${amount:.4f}"


def refuse_over(plan: RunPlan, limit: float) -> None:
    """Raise OverBudgetError (ConfigError for an unknown price) unless `plan` fits."""
    if plan.cost_usd is None:
        raise ConfigError(
            f"--max-cost needs the price of {plan.model}, which the price table lacks; "
            "add it with --prices FILE"
        )
    if plan.cost_usd > limit:
        raise OverBudgetError(
            f"the run would cost about {dollars(plan.cost_usd)} ({len(plan.calls)} calls), "
            f"over --max-cost {dollars(limit)}; nothing was sent: raise --max-cost, or see "
            "the plan with --dry-run"
        )


class Budget:
    """What the run has spent and reserved, against the limit."""

    def __init__(
        self, limit: float, price: pricing.Price, counter: TokenCounter, usage: Usage
    ) -> None:
        self.limit = limit
        self.price = price
        self.counter = counter
        self.usage = usage  # the run's own, filled in as replies come
        self.reserved = 0.0
        self.refused = 0

    def spent(self) -> float:
        return self.usage.cost(self.price) or 0.0

    def estimate(self, request: ChatRequest, batch: bool = False) -> float:
        prompt = self.counter.count_messages(request.messages)
        prompt += self.counter.count(json.dumps(response_format(request.schema)))
        reply = expected_completion(prompt, request.max_completion_tokens)
        cost = pricing.cost(self.price, prompt, reply) or 0.0
        return cost * pricing.BATCH_DISCOUNT if batch else cost

    def reserve(self, estimate: float) -> bool:
        """Reserve `estimate`, or False (reserving nothing) if it would go over the limit."""
        if self.spent() + self.reserved + estimate > self.limit:
            self.refused += 1
            return False
        self.reserved += estimate
        return True

    def release(self, estimate: float) -> None:
        self.reserved = max(0.0, self.reserved - estimate)

    def reached(self) -> str:
        return f"--max-cost {dollars(self.limit)} would be exceeded"
