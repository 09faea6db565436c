"""The CLI's LLM options: engine choice, dry run, and a full run with a fake backend."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from llm_fixtures import FakeBackend, points_merged, well_behaved_map

from briefing import pipeline
from briefing.cli import cli
from briefing.engines.extractive import ExtractiveEngine
from briefing.engines.llm import LLMEngine
from briefing.llm import calls
from briefing.llm.settings import LLMSettings
from tests.conftest import EXAMPLES

if TYPE_CHECKING:
    from pathlib import Path


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_dry_run_needs_no_key_and_no_network():
    result = run("generate", str(EXAMPLES), "--dry-run", "--model", "gpt-4o-mini")
    assert result.exit_code == 0, result.output
    assert "Dry run for model gpt-4o-mini: no request is sent." in result.stdout
    assert "2 calls in 2 sequential rounds" in result.stdout
    assert re.search(r"estimated cost: \$0\.\d{4}", result.stdout)


def test_dry_run_with_the_extractive_engine_is_an_error():
    result = run("generate", str(EXAMPLES), "--dry-run", "--engine", "extractive")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: --dry-run plans model calls")


def test_openai_engine_without_key_or_server_says_what_to_do():
    result = run("generate", str(EXAMPLES), "--engine", "openai")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no OPENAI_API_KEY: set it, or point OPENAI_BASE_URL")


def test_auto_is_the_llm_engine_when_a_key_is_set(monkeypatch):
    assert isinstance(pipeline.choose_engine("auto"), ExtractiveEngine)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-real")
    engine = pipeline.choose_engine("auto", LLMSettings.from_environment(model="gpt-4o"))
    assert isinstance(engine, LLMEngine)
    assert engine.settings.model == "gpt-4o"


@pytest.fixture
def fake_server(monkeypatch):
    backends: list[FakeBackend] = []

    def make(settings):
        backends.append(FakeBackend(maps=well_behaved_map, reduces=points_merged))
        return backends[-1]

    monkeypatch.setattr(calls, "make_backend", make)
    return backends


def test_generate_with_the_llm_engine_then_rerun_from_the_cache(fake_server, tmp_path: Path):
    out = tmp_path / "brief.json"
    args = ["generate", str(EXAMPLES), "--engine", "openai", "--base-url", "http://x/v1"]
    result = run(*args, "-o", str(out))
    assert result.exit_code == 0, result.output
    brief = json.loads(out.read_text(encoding="utf-8"))
    assert brief["engine"] == {
        "name": "openai",
        "model": "gpt-4.1-mini",
        "note": brief["engine"]["note"],
    }
    # What the run spent is not the brief's: a rerun from the cache must give its bytes.
    assert "calls" not in brief["stats"]
    assert "seconds" not in brief["stats"]
    assert brief["stats"]["dropped_citations"] == []
    # The model's five points: the first leads the bottom line, beside the offline bottom
    # line's other fact; of the other four, the one on a sentence the offline draft shows
    # comes first, then the offline draft's developments (the model never pushes them out).
    assert len(brief["stories"][0]["bottom_line"]) == 2
    assert len(brief["stories"][0]["key_developments"]) == 7
    assert (
        "the model wrote the headline, 1 of 2 bottom line and 1 of 7 key developments;"
        in (brief["engine"]["note"])
    )
    assert len(fake_server[0].requests) == 2
    first = out.read_bytes()
    # Same inputs again: every reply comes from the cache, nothing is sent.
    again = run(*args, "-o", str(out))
    assert again.exit_code == 0, again.output
    assert len(fake_server) == 1  # no backend was even made: the client is not imported
    assert out.read_bytes() == first
    # --no-cache sends again; markdown renders through the same templates.
    third = run(*args, "--no-cache", "--format", "md")
    assert third.exit_code == 0, third.output
    assert len(fake_server[1].requests) == 2
    assert third.stdout.startswith("# 2 stories, led by: Harrowgate dam breach on the Velka")


def test_sampling_options_reach_the_request(fake_server):
    args = ["generate", str(EXAMPLES), "--engine", "openai", "--base-url", "http://x/v1"]
    result = run(*args, "--temperature", "0", "--frequency-penalty", "1", "--model", "local")
    assert result.exit_code == 0, result.output
    sent = fake_server[0].requests[0]
    assert (sent.model, sent.temperature, sent.frequency_penalty) == ("local", 0.0, 1.0)
