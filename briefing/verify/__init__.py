"""The deterministic verifier: checks every claim of a brief against the passages it cites.

Pure and offline: nothing here imports `openai` or the engines (the LLM judge's second
opinion lives in briefing.llm.judge). The checks load on first use: rendering a brief
(which needs only `verify.gate`) does not load them, nor the word lists they stand on."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefing.verify.checks import claim_key, verify_brief

__all__ = ["claim_key", "verify_brief"]


def __getattr__(name: str) -> object:
    if name not in __all__:
        raise AttributeError(f"module 'briefing.verify' has no attribute {name!r}")
    return getattr(importlib.import_module("briefing.verify.checks"), name)
