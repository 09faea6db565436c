"""The public Python API: briefing.generate / agenerate / verify / render / load."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

import briefing
from briefing.review import Decision, Decisions
from briefing.verify import checks, claim_key
from tests.conftest import EXAMPLES, ROOT

if TYPE_CHECKING:
    from pathlib import Path

README = ROOT / "README.md"
DOCS = ROOT / "docs" / "python-api.md"


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.DOTALL)


def run_python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and our README's code
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_the_readme_example_runs_from_any_directory(tmp_path: Path) -> None:
    (example,) = python_blocks(README)
    # The example reads "examples/" beside the checkout; run it from elsewhere.
    result = run_python(example.replace('"examples/"', repr(str(EXAMPLES))), tmp_path)
    assert result.returncode == 0, result.stderr
    assert "## Bottom line" in result.stdout
    assert "claims supported" in result.stdout


def test_every_docs_example_runs(tmp_path: Path) -> None:
    blocks = python_blocks(DOCS)
    assert len(blocks) >= 4
    setup = f"import os; os.chdir({str(ROOT)!r})\n"
    for block in blocks:
        result = run_python(setup + block.replace("brief.json", str(tmp_path / "b.json")), ROOT)
        assert result.returncode == 0, f"{block}\n{result.stderr}"


def test_generate_accepts_paths_and_articles_in_memory() -> None:
    note = briefing.Article(
        title="Ferry service to Oster Mill resumes",
        text="The ferry to Oster Mill ran again on Wednesday.\n\nIt carried 140 passengers.",
        url="https://www.valley-notes.example/ferry",
    )
    brief = briefing.generate([EXAMPLES / "eastmark-wire.md", note], engine="extractive")
    assert [s.origin.rsplit("/", 1)[-1] for s in brief.sources] == [
        "eastmark-wire.md",
        "ferry",
    ]
    ferry = brief.sources[1]
    assert ferry.outlet == "valley-notes.example"  # the URL's domain, as for files
    assert [p.paragraph for p in ferry.passages] == [1, 2]
    assert brief.review is not None
    assert brief.review.total > 0


def test_a_single_path_needs_no_list() -> None:
    assert briefing.generate(EXAMPLES, engine="extractive").stats.sources == 5


def test_agenerate_works_inside_a_running_event_loop() -> None:
    async def in_an_app() -> tuple[briefing.Brief, briefing.Brief]:
        awaited = await briefing.agenerate([EXAMPLES], engine="extractive")
        # The sync form too: it runs on a worker thread when a loop is already running.
        called = briefing.generate([EXAMPLES], engine="extractive")
        return awaited, called

    awaited, called = asyncio.run(in_an_app())
    assert awaited.model_dump(exclude={"stats"}) == called.model_dump(exclude={"stats"})


def test_verify_render_and_load_round_trip(tmp_path: Path) -> None:
    brief = briefing.generate([EXAMPLES], engine="extractive")
    path = tmp_path / "brief.json"
    path.write_text(briefing.render(brief, "json"), encoding="utf-8")
    loaded = briefing.load(path)
    assert briefing.render(loaded, "md") == briefing.render(brief, "md")
    review = briefing.verify(loaded)
    assert review == brief.review


def test_verify_applies_decisions() -> None:
    brief = briefing.generate([EXAMPLES], engine="extractive")
    first, second = brief.cited_objects()[:2]
    decisions = Decisions(
        decisions=[
            Decision(key=claim_key(first), decision="accepted"),
            Decision(key=claim_key(second), decision="rejected"),
        ]
    )
    review = briefing.verify(brief, decisions=decisions)
    assert review.rejected == [second.text]
    assert [c.key for c in review.claims if c.reviewed] == [claim_key(first)]
    assert brief.review is not None
    assert review.total == brief.review.total - 1


def test_rendering_never_verifies(monkeypatch: pytest.MonkeyPatch) -> None:
    brief = briefing.generate([EXAMPLES], engine="extractive")
    unchecked = brief.model_copy(update={"review": None})

    def verifier_called(*_: object, **__: object) -> None:
        pytest.fail("rendering ran the verifier")

    monkeypatch.setattr(checks, "check", verifier_called)  # every claim check goes through it
    page = briefing.render(unchecked, "html")
    assert "Not verified" in page
    assert "## Review" not in briefing.render(unchecked, "md")


def test_unknown_options_and_engines_say_what_is_allowed() -> None:
    with pytest.raises(briefing.ConfigError, match="unknown option modle; use one of: model"):
        briefing.generate([EXAMPLES], modle="gpt-4.1-mini")
    with pytest.raises(briefing.ConfigError, match="unknown engine 'gpt'"):
        briefing.generate([EXAMPLES], engine="gpt")
    with pytest.raises(briefing.ConfigError, match="unknown judge 'maybe'"):
        briefing.verify(briefing.generate([EXAMPLES], engine="extractive"), judge="maybe")


def test_one_error_hierarchy() -> None:
    from briefing.ingest.article import UnusableInputError  # noqa: PLC0415

    for error in (
        briefing.InputError,
        briefing.ConfigError,
        briefing.NoUsableInputError,
        briefing.TemplateError,
        briefing.ResourceError,
        briefing.ModelCallError,
        briefing.VerificationFailedError,
        briefing.OverBudgetError,
        UnusableInputError,
    ):
        assert issubclass(error, briefing.BriefingError)
    with pytest.raises(briefing.InputError, match="no such file or directory"):
        briefing.generate(["no/such/folder"])
    with pytest.raises(briefing.NoUsableInputError):
        briefing.generate([briefing.Article(title="Only a title", text="")])


def test_api_names_stay_functions_after_their_subpackages_load() -> None:
    import briefing.render.html  # noqa: PLC0415 - loads the subpackages
    import briefing.verify.checks  # noqa: PLC0415

    assert callable(briefing.verify)
    assert callable(briefing.render)
    assert briefing.verify.__module__ == "briefing.pipeline"


def test_importing_briefing_loads_nothing_heavy() -> None:
    heavy = [
        "openai",
        "trafilatura",
        "feedparser",
        "pydantic",
        "briefing.engines",
        "tiktoken",
        "httpx2",
    ]
    code = (
        "import sys, json, briefing, briefing.cli\n"
        f"print(json.dumps([m for m in {heavy!r} if m in sys.modules]))"
    )
    result = run_python(code, ROOT)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
