"""Estimated cost of model calls, from the price list shipped in the package.

`briefing/data/prices.json` gives, per model, US dollars per million input, cached-input
and output tokens, with the date and the source they were checked against. A model not in
it costs "unknown", never zero. `--prices FILE` (JSON of the same shape; `checked` and
`source` may be left out) overrides or extends it:
{"model-name": {"input": 0.4, "cached_input": 0.1, "output": 1.6}}.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from briefing.errors import ConfigError, describe_validation_error

PER = 1_000_000
# The Batch API's tokens cost this share of the standard price (briefing/llm/batch.py).
BATCH_DISCOUNT = 0.5
SHIPPED_PRICES = Path(__file__).resolve().parent.parent / "data" / "prices.json"


class Price(BaseModel):
    model_config = ConfigDict(extra="forbid")

    input: float = Field(ge=0, description="USD per million prompt tokens.")
    cached_input: float = Field(ge=0, description="USD per million cached prompt tokens.")
    output: float = Field(ge=0, description="USD per million completion tokens.")
    checked: date | None = Field(default=None, description="When these were last checked.")
    source: str | None = Field(default=None, description="What they were checked against.")


_PriceTable = TypeAdapter(dict[str, Price])


def _read_table(path: Path, fix: str) -> dict[str, Price]:
    try:
        return _PriceTable.validate_json(path.read_bytes())
    except OSError as err:
        raise ConfigError(f"{path}: cannot read it ({err.strerror}); {fix}") from err
    except ValidationError as err:
        problems = describe_validation_error(err)
        raise ConfigError(f"{path}: not a usable price table ({problems}); {fix}") from err


@cache
def shipped_prices() -> dict[str, Price]:
    return _read_table(SHIPPED_PRICES, "reinstall briefing")


def load_prices(path: Path | None) -> dict[str, Price]:
    table = dict(shipped_prices())
    if path is not None:
        table.update(
            _read_table(
                path,
                'write JSON like {"my-model": {"input": 0.4, "cached_input": 0.1, "output": 1.6}}',
            )
        )
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
