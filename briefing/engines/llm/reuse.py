"""What the LLM engine keeps across runs, named by what it was made from rather than by
source ids, which follow input order (a new article at the top of a feed renumbers every
source after it):

- a source's summaries (the map step), under a key made of what its map request is made
  of: the server, the model, the sampling, the token budgets, the schema, the prompt
  templates and the source's own content (its fingerprint, whatever its id). Whatever pack
  it was sent in, a source summarized once is not sent again;
- a story's merge (the reduce step), under a key made of the same settings, its summaries
  with story-local ids, and its sources' fingerprints.

Keys are made without rendering a prompt or counting a token: the settings' part once
per run, each source's and story's once.

An entry holds the ids it was made with and each source's fingerprint; a hit renames them
to the ids of the day, and is a miss when one of its sources is not among the day's. It
also holds what the run reported about it (citations dropped, notes), so a run answered
from here writes the same brief as the run that made the entries. Only whole results are
kept: a source some part of which was not summarized, and a failed merge, are asked for
again next time. Entries live beside the reply cache (`results/` in it) and follow
--no-cache.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import ValidationError

from briefing.llm.cache import ResponseCache, content_key
from briefing.llm.schemas import Cited, MapResult, Out, ReduceResult, SourceSummary
from briefing.llm.strict import json_schema

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from briefing.llm.prompts import Prompts
    from briefing.llm.schemas import ReduceBase
    from briefing.llm.settings import LLMSettings
    from briefing.models import Source

log = logging.getLogger(__name__)

M = TypeVar("M", bound=Out)

_SOURCE_ID = re.compile(r"\bS\d+\b")


def fingerprint(source: Source) -> str:
    """The source's content, whatever its id: what its summaries are made from."""
    material = {
        "title": source.title,
        "outlet": source.outlet,
        "url": source.url,
        "published": source.published,
        "passages": [(p.paragraph, p.text) for p in source.passages],
    }
    return content_key(material)


def renamed(model: M, ids: Mapping[str, str]) -> M:
    """A copy of `model` whose source ids (`source_id`) and passage ids (`citations`) are
    renamed by `ids` (source id -> source id), at any depth."""
    updates: dict[str, Any] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        if name == "source_id" and isinstance(value, str):
            updates[name] = ids.get(value, value)
        elif name == "citations" and isinstance(model, Cited):
            updates[name] = [_passage(pid, ids) for pid in value]
        elif isinstance(value, list):
            updates[name] = [renamed(v, ids) if isinstance(v, Out) else v for v in value]
    return model.model_copy(update=updates)


def renamed_text(text: str, ids: Mapping[str, str]) -> str:
    """A message (a dropped citation, a note) with the source ids it names renamed."""
    return _SOURCE_ID.sub(lambda m: ids.get(m[0], m[0]), text)


def _passage(pid: str, ids: Mapping[str, str]) -> str:
    source, dot, number = pid.partition(".")
    return f"{ids.get(source, source)}{dot}{number}"


@dataclass
class Kept:
    """Summaries of one source, or a story's merge, with what the run said about them."""

    summaries: list[SourceSummary] = field(default_factory=list)
    merged: ReduceBase | None = None
    dropped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Reuse:
    """Lookups and stores for one run over `sources`."""

    def __init__(
        self,
        settings: LLMSettings,
        prompts: Prompts,
        sources: Sequence[Source],
    ) -> None:
        # Written in the background (the event loop does not wait): flush() at the end.
        self.cache = ResponseCache(settings.response_cache_dir() / "results", background=True)
        self.prints = {s.id: fingerprint(s) for s in sources}
        self._asked = {
            "map": _asked_with(settings, prompts, MapResult),
            "reduce": _asked_with(settings, prompts, ReduceResult),
        }
        self._story_keys: dict[tuple[str, ...], str] = {}
        self.today: dict[str, str] = {}
        for source_id, printed in self.prints.items():
            self.today.setdefault(printed, source_id)

    # --- a source's summaries -----------------------------------------------------------

    def summaries(self, source: Source) -> Kept | None:
        entry = self._get(self._source_key(source))
        if entry is None:
            return None
        try:
            summaries = [SourceSummary.model_validate(s) for s in entry["summaries"]]
        except (ValidationError, TypeError, KeyError):
            return None
        return self._renamed(entry, Kept(summaries=summaries))

    def keep_summaries(
        self, source: Source, summaries: Sequence[SourceSummary], dropped: Sequence[str]
    ) -> None:
        entry = {"summaries": [s.model_dump(mode="json") for s in summaries]}
        self._put(self._source_key(source), entry, dropped, [], summaries)

    def _source_key(self, source: Source) -> str:
        return self._key("map", self.prints[source.id])

    # --- a story's merge ----------------------------------------------------------------

    def merge(self, sources: Sequence[Source], summaries: Sequence[SourceSummary]) -> Kept | None:
        entry = self._get(self._story_key(sources, summaries))
        if entry is None:
            return None
        try:
            merged = ReduceResult.model_validate(entry["merged"])
        except (ValidationError, TypeError, KeyError):
            return None
        return self._renamed(entry, Kept(merged=merged))

    def keep_merge(
        self,
        sources: Sequence[Source],
        summaries: Sequence[SourceSummary],
        kept: Kept,
    ) -> None:
        if kept.merged is None:
            return
        entry = {"merged": kept.merged.model_dump(mode="json")}
        key = self._story_key(sources, summaries)
        self._put(key, entry, kept.dropped, kept.notes, [kept.merged])

    def _story_key(self, sources: Sequence[Source], summaries: Sequence[SourceSummary]) -> str:
        """Made once per story: looking a merge up and keeping it ask for the same key."""
        ids = tuple(s.id for s in sources)
        if ids not in self._story_keys:
            local = {s.id: f"S{n}" for n, s in enumerate(sources, start=1)}
            inputs = [renamed(s, local).model_dump_json() for s in summaries]
            self._story_keys[ids] = self._key("reduce", [inputs, [self.prints[i] for i in ids]])
        return self._story_keys[ids]

    # --- entries ------------------------------------------------------------------------

    def _key(self, step: str, material: object) -> str:
        return content_key({"kept": f"{step}/2", "asked": self._asked[step], "material": material})

    def _get(self, key: str) -> dict[str, Any] | None:
        text = self.cache.get(key)
        if text is None:
            return None
        entry = json.loads(text)
        if not isinstance(entry, dict) or not isinstance(entry.get("sources"), dict):
            log.warning("ignoring kept result %s: not one this version wrote", key)
            return None
        return entry

    def _put(
        self,
        key: str,
        entry: dict[str, Any],
        dropped: Sequence[str],
        notes: Sequence[str],
        made: Sequence[Out],
    ) -> None:
        named = _source_ids(made) | {
            m[0] for text in [*dropped, *notes] for m in _SOURCE_ID.finditer(text)
        }
        sources = {i: self.prints[i] for i in sorted(named) if i in self.prints}
        entry = {**entry, "sources": sources, "dropped": list(dropped), "notes": list(notes)}
        self.cache.put(key, json.dumps(entry, ensure_ascii=False, sort_keys=True))

    def _renamed(self, entry: dict[str, Any], kept: Kept) -> Kept | None:
        """`kept` with the entry's source ids renamed to today's; None when one of its
        sources is not among today's (then it is asked for again)."""
        ids: dict[str, str] = {}
        for old, printed in entry["sources"].items():
            if printed not in self.today:
                return None
            ids[old] = self.today[printed]
        dropped, notes = entry.get("dropped", []), entry.get("notes", [])
        if not all(isinstance(t, str) for t in [*dropped, *notes]):
            return None
        return Kept(
            summaries=[renamed(s, ids) for s in kept.summaries],
            merged=renamed(kept.merged, ids) if kept.merged is not None else None,
            dropped=[renamed_text(t, ids) for t in dropped],
            notes=[renamed_text(t, ids) for t in notes],
        )


def _asked_with(settings: LLMSettings, prompts: Prompts, schema: type[Out]) -> str:
    """What every request of one step is asked with, short of its data, as a key."""
    return content_key(
        {
            "server": settings.base_url or "",
            "model": settings.model,
            "schema": {schema.__name__: json_schema(schema)},
            "prompts": prompts.fingerprint(),
            "params": {
                "max_completion_tokens": settings.max_completion_tokens,
                "temperature": settings.temperature,
                "frequency_penalty": settings.frequency_penalty,
                "map_budget_tokens": settings.map_budget_tokens,
                "reduce_budget_tokens": settings.reduce_budget_tokens,
            },
        }
    )


def _source_ids(made: Sequence[Out]) -> set[str]:
    """The source ids `made` names: its summaries' and every citation's source."""
    found: set[str] = set()
    for model in made:
        for name in type(model).model_fields:
            value = getattr(model, name)
            if name == "source_id" and isinstance(value, str):
                found.add(value)
            elif name == "citations" and isinstance(model, Cited):
                found.update(pid.partition(".")[0] for pid in value)
            elif isinstance(value, list):
                found |= _source_ids([v for v in value if isinstance(v, Out)])
    return found
