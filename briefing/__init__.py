"""briefing: cited situation briefs from a day's source articles.

The Python API (see docs/python-api.md)::

    import briefing
    brief = briefing.generate(["examples/"])           # or await briefing.agenerate(...)
    print(briefing.render(brief, "md"))
    review = briefing.verify(briefing.load("brief.json"))

Names are loaded on first use, so `import briefing` (and the CLI's start) stays quick.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING

from briefing.errors import (
    BriefingError,
    ConfigError,
    InputError,
    ModelCallError,
    NoUsableInputError,
    OverBudgetError,
    ResourceError,
    TemplateError,
    VerificationFailedError,
)
from briefing.version import __version__

if TYPE_CHECKING:
    from briefing.ingest.article import Article
    from briefing.models import Brief, Review, Story
    from briefing.pipeline import agenerate, averify, diff, generate, load, plan, render, verify
    from briefing.review import Decisions

_LAZY = {
    "generate": "briefing.pipeline",
    "agenerate": "briefing.pipeline",
    "verify": "briefing.pipeline",
    "averify": "briefing.pipeline",
    "render": "briefing.pipeline",
    "load": "briefing.pipeline",
    "plan": "briefing.pipeline",
    "diff": "briefing.pipeline",
    "Article": "briefing.ingest.article",
    "Brief": "briefing.models",
    "Review": "briefing.models",
    "Story": "briefing.models",
    "Decisions": "briefing.review",
}

__all__ = [
    "Article",
    "Brief",
    "BriefingError",
    "ConfigError",
    "Decisions",
    "InputError",
    "ModelCallError",
    "NoUsableInputError",
    "OverBudgetError",
    "ResourceError",
    "Review",
    "Story",
    "TemplateError",
    "VerificationFailedError",
    "__version__",
    "agenerate",
    "averify",
    "diff",
    "generate",
    "load",
    "plan",
    "render",
    "verify",
]


class _Package(types.ModuleType):
    """`briefing.verify` and `briefing.render` name both API functions and subpackages.
    The import system sets a subpackage on its parent when it is first imported, which
    would hide the function; here the API names keep their functions (the subpackages
    stay importable as `from briefing.verify import ...`)."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in _LAZY and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'briefing' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
