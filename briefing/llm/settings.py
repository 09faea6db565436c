"""Everything the LLM engine can be told, with its defaults."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefing import config
from briefing.choices import DEFAULT_MODEL
from briefing.errors import ConfigError

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True)
class LLMSettings:
    model: str = DEFAULT_MODEL
    api_key: str | None = None
    base_url: str | None = None
    prompts_dir: Path | None = None
    use_cache: bool = True
    cache_dir: Path | None = None
    max_concurrency: int = 4
    max_retries: int = 2
    timeout: float = 120.0
    # Source text (passage lines) per map call: small sources are packed up to this,
    # longer ones are split on paragraph boundaries.
    map_budget_tokens: int = 6000
    # Summary text per reduce call; more than this is reduced in a tree.
    reduce_budget_tokens: int = 12000
    max_completion_tokens: int = 4096
    # Sampling; None leaves the server's default (some models accept no other value).
    temperature: float | None = None
    frequency_penalty: float | None = None
    prices_file: Path | None = None
    # An embedding model on the same server (`--embeddings`): stories are grouped by its
    # vectors of each source's opening instead of by their words (briefing/llm/embeddings.py).
    embeddings: str | None = None
    # Most the run may spend, in US dollars (`--max-cost`): a plan over it is refused before
    # any request, and a run that would go over it stops sending (engines/llm/budget.py).
    max_cost: float | None = None
    # Map and merge requests go to OpenAI's Batch API, at half the price (llm/batch.py).
    batch: bool = False

    def __post_init__(self) -> None:
        for name in ("max_concurrency", "map_budget_tokens", "reduce_budget_tokens"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, not {getattr(self, name)}")
        if self.max_completion_tokens < 16:
            raise ConfigError("max completion tokens must be at least 16")
        if self.max_retries < 0:
            raise ConfigError("--max-retries cannot be negative")
        if self.max_cost is not None and not 0 <= self.max_cost < math.inf:
            raise ConfigError(f"--max-cost must be US dollars, 0 or more, not {self.max_cost}")
        if self.embeddings is not None and not self.embeddings.strip():
            raise ConfigError("--embeddings needs a model name, e.g. text-embedding-3-small")

    @classmethod
    def from_environment(cls, **overrides: object) -> LLMSettings:
        """Settings from OPENAI_API_KEY / OPENAI_BASE_URL / OPENAI_MODEL, then explicit
        overrides (None means 'not given' and keeps the environment's or default value)."""
        values: dict[str, object] = {
            "api_key": config.openai_api_key(),
            "base_url": config.openai_base_url(),
        }
        if (model := config.openai_model()) is not None:
            values["model"] = model
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def response_cache_dir(self) -> Path:
        return self.cache_dir or config.cache_root() / "responses"
