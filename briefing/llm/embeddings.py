"""Embeddings of the day's sources for grouping them into stories (`--embeddings MODEL`).

Each source is represented by its title and opening passages, at most TEXT_TOKENS tokens,
sent in batches of at most BATCH texts to the same OpenAI-compatible server as the LLM
engine (client.py sends them, with the chat calls' retries, timeouts and messages). Vectors
are cached text by text, like replies (cache.py): a rerun sends nothing, and a day that
adds one article embeds that article alone.

Embedding is an aid to grouping, never a condition of the run: whatever goes wrong (no
embeddings endpoint, a model that does not embed, a server that fails after the retries)
leaves the vectors out, the stories are grouped by their words, a warning says why, and so
does the brief's engine note.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, ValidationError

from briefing.errors import BriefingError, ModelCallError
from briefing.llm import calls, pricing
from briefing.llm.cache import ResponseCache, content_key
from briefing.llm.embedding_wire import EmbeddingBackend, EmbeddingRequest, Vector
from briefing.llm.tokens import TRUNCATE_CHARS, TokenCounter
from briefing.models import RunReport

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np
    from numpy.typing import NDArray

    from briefing.llm.settings import LLMSettings
    from briefing.models import Brief, Source

log = logging.getLogger(__name__)

# Tokens of a source's text to embed: its title and opening, which say what the story is.
# Far below the 8,191 OpenAI's embedding models take, and below the 512 of many local ones
# (bge, nomic under llama.cpp's default batch) even when their tokenizer counts a fifth more
# than tiktoken does.
TEXT_TOKENS = 400
# Texts per request: OpenAI takes up to 2,048 inputs and 300,000 tokens a request; 256 of
# at most TEXT_TOKENS stay well under both, and under what local servers batch.
BATCH = 256

NEEDS_LLM_ENGINE = (
    "--embeddings asks the LLM engine's server for embeddings; add --engine openai (with "
    "OPENAI_API_KEY or --base-url), or drop --embeddings"
)


def embedding_text(source: Source, counter: TokenCounter, tokens: int = TEXT_TOKENS) -> str:
    """What represents `source`: its title, then its passages in reading order, cut to
    `tokens` tokens. Only as many passages are joined as could fit."""
    parts, length = [source.title], len(source.title)
    for passage in source.passages:
        if length > tokens * TRUNCATE_CHARS:  # the rest would be cut anyway
            break
        parts.append(passage.text)
        length += len(passage.text) + 1
    text = f"{parts[0]}\n{' '.join(parts[1:])}".strip()
    return counter.truncate(text, tokens)


class _Stored(BaseModel):
    """A cache entry: one text's vector."""

    model_config = ConfigDict(extra="forbid")

    vector: Vector


class Embedder:
    """Vectors for texts from one embedding model: from the cache when it has them, the
    rest from the server in batches of BATCH, sent one after another (a day of up to BATCH
    sources is one request). Counts the requests and tokens it sends."""

    def __init__(
        self, model: str, settings: LLMSettings, backend: EmbeddingBackend | None = None
    ) -> None:
        self.model = model
        self.backend = backend if backend is not None else _backend(settings)
        self.cache = ResponseCache(settings.response_cache_dir()) if settings.use_cache else None
        # As for replies: the same model name on two servers is two models.
        self.server = settings.base_url or ""
        self.calls = 0
        self.prompt_tokens = 0

    def _key(self, text: str) -> str:
        return content_key(
            {"embedding": {"server": self.server, "model": self.model}, "input": text}
        )

    async def vectors(self, texts: Sequence[str]) -> list[tuple[float, ...]]:
        """One vector per text, in order; a ModelCallError (or ConfigError) when the
        server cannot give them."""
        unique = list(dict.fromkeys(texts))
        cached = {text: vector for text in unique if (vector := self._cached(text)) is not None}
        vectors = {**cached, **await self._embed([t for t in unique if t not in cached])}
        if cached and len({len(v) for v in vectors.values()}) > 1:
            # Cached vectors of another length: the model behind the name has changed.
            log.info("cached embeddings are of another length; embedding every text again")
            vectors = await self._embed(unique)
        lengths = sorted({len(v) for v in vectors.values()})
        if len(lengths) > 1:
            raise ModelCallError(
                f"{self.model} gave embeddings of different lengths ({lengths}); check --embeddings"
            )
        return [vectors[text] for text in texts]

    async def _embed(self, texts: list[str]) -> dict[str, tuple[float, ...]]:
        found: dict[str, tuple[float, ...]] = {}
        for start in range(0, len(texts), BATCH):
            batch = tuple(texts[start : start + BATCH])
            reply = await self.backend.embed(EmbeddingRequest(self.model, batch))
            self.calls += 1
            self.prompt_tokens += reply.prompt_tokens
            for text, vector in zip(batch, reply.vectors, strict=True):
                found[text] = vector
                if self.cache is not None:
                    self.cache.put(self._key(text), _Stored(vector=vector).model_dump_json())
        return found

    def _cached(self, text: str) -> tuple[float, ...] | None:
        if self.cache is None:
            return None
        key = self._key(text)
        stored = self.cache.get(key)
        if stored is None:
            return None
        try:
            return _Stored.model_validate_json(stored).vector
        except ValidationError as err:
            log.warning("ignoring cache entry %s: not an embedding (%s)", key, err.error_count())
            self.cache.discard(key)
            return None

    async def aclose(self) -> None:
        await self.backend.aclose()


def _backend(settings: LLMSettings) -> EmbeddingBackend:
    """The backend the settings describe, if it can embed (a test's replacement may not)."""
    backend = calls.make_backend(settings)
    if not isinstance(backend, EmbeddingBackend):
        raise ModelCallError(f"{type(backend).__name__} cannot embed")
    return backend


@dataclass(frozen=True)
class Embedded:
    """What embedding the day's sources gave: the vectors (one row per source, in source
    order), or None when none were asked for or embedding failed (`problem` says why);
    and the requests, tokens and cost it took."""

    model: str | None = None
    vectors: NDArray[np.float64] | None = None
    problem: str = ""
    calls: int = 0
    prompt_tokens: int = 0
    cost_usd: float | None = 0.0

    def note(self) -> str:
        if self.vectors is not None:
            return f"Stories were grouped by {self.model} embeddings of each source's opening."
        return (
            f"Stories were grouped by their words: {self.model} embeddings failed ({self.problem})."
        )

    def added_to(self, brief: Brief) -> Brief:
        """`brief` with this run's embedding requests, tokens and cost in its run report
        and a sentence in its engine note; unchanged when no embeddings were asked for."""
        if self.model is None:
            return brief
        run = brief.run or RunReport(seconds=0.0)
        costs = (run.cost_usd, self.cost_usd)
        counts = {
            "calls": run.calls + self.calls,
            "prompt_tokens": run.prompt_tokens + self.prompt_tokens,
            "cost_usd": None if None in costs else sum(c or 0.0 for c in costs),
        }
        engine = brief.engine.model_copy(update={"note": f"{brief.engine.note} {self.note()}"})
        return brief.model_copy(update={"engine": engine}).with_run(run.model_copy(update=counts))


async def embed_sources(
    sources: Sequence[Source], settings: LLMSettings, backend: EmbeddingBackend | None = None
) -> Embedded:
    """The sources' embeddings from `settings.embeddings`, or an Embedded without vectors
    saying why (never raising for a server that cannot embed); an empty Embedded when no
    model is set. A price table that cannot be read is still an error."""
    model = settings.embeddings
    if model is None:
        return Embedded()
    price = pricing.price_for(model, pricing.load_prices(settings.prices_file))
    counter = TokenCounter(model)
    texts = [embedding_text(s, counter) for s in sources]
    embedder: Embedder | None = None
    try:
        embedder = Embedder(model, settings, backend)
        rows = await embedder.vectors(texts)
    except BriefingError as err:
        log.warning("embeddings failed (%s); stories are grouped by their words", err)
        used = (embedder.calls, embedder.prompt_tokens) if embedder else (0, 0)
        return Embedded(model, None, str(err), *used, _cost(price, *used))
    finally:
        if embedder is not None:
            await embedder.aclose()
    import numpy as np  # noqa: PLC0415 - loaded only when embeddings are asked for

    used = (embedder.calls, embedder.prompt_tokens)
    return Embedded(model, np.asarray(rows, dtype=np.float64), "", *used, _cost(price, *used))


def _cost(price: pricing.Price | None, calls: int, tokens: int) -> float | None:
    """Nothing sent costs nothing; otherwise unknown without a price (prices.json lists
    no embedding model: add one with --prices)."""
    return 0.0 if calls == 0 else pricing.cost(price, tokens, 0)
