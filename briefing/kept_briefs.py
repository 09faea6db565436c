"""Whole verified briefs kept across runs, so that a rerun with nothing changed reads its
inputs, makes the key and renders, instead of drafting, combining and verifying again.

The key is made of everything that decides the brief: the sources and skipped inputs as
read (their full content, ids and order), the reading options, the title, the reviewer's
decisions, the LLM settings (model, server, sampling, budgets, embeddings, the prompt
templates in use by their text: kept_settings), and the code
itself: a hash of every file of the `briefing` package and the versions of Python and of
the installed packages it requires, so that a new version never serves a brief an older
one wrote. A day with one new article is a new key: the run drafts again, and the model's
per-source summaries and per-story merges come from their own caches (engines/llm/reuse.py).

Only a brief the engine says a rerun would write again byte for byte is kept
(`replayable`: every request answered whole, nothing refused, no fallback). A hit is the
kept brief with this run's time (`generated_at`: SOURCE_DATE_EPOCH pins it) and a run
report of no model calls, as a rerun answered from the reply cache reports. Entries live
beside the reply cache (`briefs/` in it), follow --no-cache and are pruned with it.

Inputs given as files are keyed by their names and bytes instead (`files_key`), before
they are read as articles: a hit then reads nothing more. URLs and articles given in
memory are keyed by the sources read from them.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.metadata
import logging
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from pydantic import TypeAdapter, ValidationError

from briefing import config
from briefing.llm.cache import ResponseCache, content_key
from briefing.models import Brief, RunReport, SkippedInput, Source
from briefing.resources import DataDir, builtin_dir
from briefing.templating import make_environment, template_texts

if TYPE_CHECKING:
    from collections.abc import Sequence

    from briefing.llm.settings import LLMSettings

log = logging.getLogger(__name__)

_PACKAGE = Path(__file__).resolve().parent
_SOURCES = TypeAdapter(list[Source])
_SKIPPED = TypeAdapter(list[SkippedInput])
_REQUIREMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@functools.cache
def code_version() -> str:
    """A hash of the package's files (code, data, the built-in prompts and templates) and
    of the versions of Python and of the packages it requires: what the same inputs give
    depends on them."""
    digest = hashlib.sha256(sys.version.encode())
    # The built-in prompts and templates are in the package in a wheel, beside it in a
    # checkout (resources.py).
    for root in (_PACKAGE, *(builtin_dir(kind) for kind in get_args(DataDir))):
        files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        for path in files:
            digest.update(f"{root.name}/{path.relative_to(root).as_posix()}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    for name, version in sorted(_required_versions().items()):
        digest.update(f"{name}=={version}\0".encode())
    return digest.hexdigest()


def _required_versions() -> dict[str, str]:
    """The installed version of each package `briefing` requires (extras included: the
    LLM client, the tokenizer); "" for one not installed."""
    try:
        requirements = importlib.metadata.requires("briefing") or []
    except importlib.metadata.PackageNotFoundError:  # run from a source tree
        return {}
    versions: dict[str, str] = {}
    for requirement in requirements:
        found = _REQUIREMENT_NAME.match(requirement)
        if found is None:
            continue
        try:
            versions[found[0].lower()] = importlib.metadata.version(found[0])
        except importlib.metadata.PackageNotFoundError:
            versions[found[0].lower()] = ""
    return versions


def kept_settings(settings: LLMSettings) -> dict[str, Any]:
    """The LLM settings as a brief's key holds them: the prompt templates in use (the
    user's overrides) by their text, whether a key was given but not the key, the rest as
    they are (a setting that changes nothing in the brief, such as the concurrency, only
    costs a miss)."""
    fields = {f.name: getattr(settings, f.name) for f in dataclasses.fields(settings)}
    fields["api_key"] = settings.api_key is not None
    fields["prompts_dir"] = template_texts(make_environment("prompts", settings.prompts_dir))
    return {name: str(v) if isinstance(v, Path) else v for name, v in fields.items()}


class KeptBriefs:
    """Whole briefs made with `made_with` (the options, the engine's asking, the decisions:
    JSON-serializable), by brief_key, in `directory`."""

    def __init__(self, directory: Path, made_with: dict[str, Any]) -> None:
        self.cache = ResponseCache(directory)
        self.made_with = made_with

    def key(self, sources: Sequence[Source], skipped: Sequence[SkippedInput], files: int) -> str:
        """The key of the brief of `sources`, `skipped` and `files` as read."""
        return content_key(
            {
                "kept": "brief/1",
                "code": code_version(),
                "sources": hashlib.sha256(_SOURCES.dump_json(list(sources))).hexdigest(),
                "skipped": hashlib.sha256(_SKIPPED.dump_json(list(skipped))).hexdigest(),
                "files": files,
                "made_with": self.made_with,
            }
        )

    def get(self, key: str, seconds: float) -> Brief | None:
        """The kept brief, dated now and with a run report of `seconds` and no calls; None
        when there is none, or one this version cannot read (then it is made again)."""
        text = self.cache.get(key)
        if text is None:
            return None
        try:
            kept = Brief.model_validate_json(text)
        except ValidationError as err:
            log.warning("ignoring kept brief %s: not one this version wrote (%s)", key, err)
            return None
        brief = kept.model_copy(update={"generated_at": config.now()})
        return brief.with_run(RunReport(seconds=seconds, cost_usd=0.0, kept=True))

    def files_key(self, files: Sequence[Path]) -> str | None:
        """The key of the brief of these input files, made of their names and bytes (what
        the sources read from them are made of) without reading them as articles; None
        when one cannot be read (the run reads them and says why)."""
        named = []
        for path in files:
            try:
                named.append((str(path), hashlib.sha256(path.read_bytes()).hexdigest()))
            except OSError:
                return None
        return content_key(
            {
                "kept": "files/1",
                "code": code_version(),
                "folder": str(Path.cwd()),  # a relative name is read from here
                "files": named,
                "made_with": self.made_with,
            }
        )

    def put(self, key: str, brief: Brief) -> None:
        self.cache.put(key, brief.model_dump_json())
