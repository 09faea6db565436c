"""The deterministic verifier: checks every claim of a brief against the passages it cites."""

from briefing.verify.checks import claim_key, labelled_objects, verify_brief

__all__ = ["claim_key", "labelled_objects", "verify_brief"]
