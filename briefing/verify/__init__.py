"""The deterministic verifier: checks every claim of a brief against the passages it cites.

Pure and offline: nothing here imports `openai` or the engines (the LLM judge's second
opinion lives in briefing.llm.judge)."""

from briefing.verify.checks import claim_key, verify_brief

__all__ = ["claim_key", "verify_brief"]
