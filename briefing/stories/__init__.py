"""A day's sources grouped into stories (one event or development each):
`group_stories(sources) -> list[StoryGroup]`.

Pure and offline: grouping (clustering.py, on the terms of terms.py and vectors.py),
syndicated copies (syndication.py) and stable story ids (ids.py).
"""

from briefing.stories.grouping import StoryGroup, group_stories, one_story

__all__ = ["StoryGroup", "group_stories", "one_story"]
