"""The one place that reads the environment."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import platformdirs


def now() -> datetime:
    """The run's timestamp; SOURCE_DATE_EPOCH pins it for reproducible output and golden tests."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.now(tz=UTC).replace(microsecond=0)


def openai_api_key() -> str | None:
    return os.environ.get("OPENAI_API_KEY") or None


def openai_base_url() -> str | None:
    """OPENAI_BASE_URL: any OpenAI-compatible server (Ollama, vLLM, llama.cpp, Azure)."""
    return os.environ.get("OPENAI_BASE_URL") or None


def openai_model() -> str | None:
    """OPENAI_MODEL, the model name many OpenAI-compatible tools read; BRIEFING_MODEL,
    --model and briefing.toml's model come first."""
    return os.environ.get("OPENAI_MODEL", "").strip() or None


def cache_root() -> Path:
    """The user's cache directory for briefing; XDG_CACHE_HOME wins on every platform."""
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    if xdg:
        return Path(xdg) / "briefing"
    return Path(platformdirs.user_cache_dir("briefing", appauthor=False))


def briefing_variables() -> dict[str, str]:
    """The BRIEFING_* environment variables (`briefing daily`'s settings)."""
    return {k: v for k, v in os.environ.items() if k.startswith("BRIEFING_")}


def github_actions() -> bool:
    """Whether this runs as a GitHub Actions step (the runner sets GITHUB_ACTIONS=true)."""
    return os.environ.get("GITHUB_ACTIONS", "").strip() == "true"


def github_file(name: str) -> Path | None:
    """A file the Actions runner names in the environment for a step to append to:
    GITHUB_STEP_SUMMARY, GITHUB_OUTPUT."""
    value = os.environ.get(name, "").strip()
    return Path(value) if value else None


def workspace() -> Path:
    """The repository's root for file names in annotations and SARIF: GITHUB_WORKSPACE
    in Actions, else the current folder."""
    value = os.environ.get("GITHUB_WORKSPACE", "").strip()
    return Path(value) if value else Path.cwd()
