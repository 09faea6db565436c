"""Estimated cost of model calls, from a price table users can override.

Prices are US dollars per million tokens. The built-in table is an estimate taken from
OpenAI's published list prices; pass a JSON file of the same shape to override or extend
it: {"model-name": {"input": 0.4, "cached_input": 0.1, "output": 1.6}}.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from briefing.errors import ConfigError

if TYPE_CHECKING:
    from pathlib import Path

PER = 1_000_000


class Price(BaseModel):
    model_config = ConfigDict(extra="forbid")

    input: float = Field(ge=0, description="USD per million prompt tokens.")
    cached_input: float = Field(ge=0, description="USD per million cached prompt tokens.")
    output: float = Field(ge=0, description="USD per million completion tokens.")


DEFAULT_PRICES: dict[str, Price] = {
    "gpt-4o": Price(input=2.50, cached_input=1.25, output=10.00),
    "gpt-4o-mini": Price(input=0.15, cached_input=0.075, output=0.60),
    "gpt-4.1": Price(input=2.00, cached_input=0.50, output=8.00),
    "gpt-4.1-mini": Price(input=0.40, cached_input=0.10, output=1.60),
    "gpt-4.1-nano": Price(input=0.10, cached_input=0.025, output=0.40),
    "gpt-5": Price(input=1.25, cached_input=0.125, output=10.00),
    "gpt-5-mini": Price(input=0.25, cached_input=0.025, output=2.00),
    "gpt-5-nano": Price(input=0.05, cached_input=0.005, output=0.40),
}


_PriceTable = TypeAdapter(dict[str, Price])


def load_prices(path: Path | None) -> dict[str, Price]:
    table = dict(DEFAULT_PRICES)
    if path is None:
        return table
    try:
        raw = _PriceTable.validate_json(path.read_bytes())
    except (OSError, ValidationError) as err:
        raise ConfigError(
            f"{path}: not a usable price table ({err}); write JSON like "
            '{"my-model": {"input": 0.4, "cached_input": 0.1, "output": 1.6}}'
        ) from err
    table.update(raw)
    return table


def price_for(model: str, table: dict[str, Price]) -> Price | None:
    """Exact name first, then the longest listed name the model starts with
    ('gpt-4o-mini-2024-07-18' is priced as 'gpt-4o-mini')."""
    if model in table:
        return table[model]
    prefixes = [name for name in table if model.startswith(name + "-")]
    return table[max(prefixes, key=len)] if prefixes else None


def cost(
    price: Price | None, prompt_tokens: int, completion_tokens: int, cached_tokens: int = 0
) -> float | None:
    if price is None:
        return None
    fresh = max(prompt_tokens - cached_tokens, 0)
    total = fresh * price.input + cached_tokens * price.cached_input
    return (total + completion_tokens * price.output) / PER
