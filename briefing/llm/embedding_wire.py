"""What an embedding request and its reply hold: shared by the client that sends them
(client.py) and the embedder that caches the vectors (embeddings.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Protocol, runtime_checkable

from pydantic import Field, TypeAdapter, ValidationError

FiniteFloat = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Vector = Annotated[tuple[FiniteFloat, ...], Field(min_length=1)]
_VECTOR: TypeAdapter[tuple[float, ...]] = TypeAdapter(Vector)


def as_vector(value: object) -> tuple[float, ...] | None:
    """`value` as an embedding (a non-empty list of finite numbers), or None if it is not
    one. The one definition of a usable vector, for replies and cache entries alike."""
    try:
        return _VECTOR.validate_python(value)
    except ValidationError:
        return None


@dataclass(frozen=True)
class EmbeddingRequest:
    model: str
    inputs: tuple[str, ...]


@dataclass(frozen=True)
class EmbeddingReply:
    vectors: tuple[tuple[float, ...], ...]  # one per input, in order, all of one length
    prompt_tokens: int = 0


@runtime_checkable
class EmbeddingBackend(Protocol):
    async def embed(self, request: EmbeddingRequest) -> EmbeddingReply: ...

    async def aclose(self) -> None: ...
