"""A day's sources grouped into stories (one event or development each):
`group_stories(sources) -> list[StoryGroup]`.

Pure and offline: grouping (clustering.py, on the terms of terms.py and vectors.py),
syndicated copies (syndication.py) and stable story ids (ids.py). The grouping loads on
first use: reading a source's date (`stories.dates`) does not load it, nor scipy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefing.stories.grouping import StoryGroup, group_stories, one_story

__all__ = ["StoryGroup", "group_stories", "one_story"]


def __getattr__(name: str) -> object:
    if name not in __all__:
        raise AttributeError(f"module 'briefing.stories' has no attribute {name!r}")
    return getattr(importlib.import_module("briefing.stories.grouping"), name)
