"""--batch: the map and merge requests go through the Batch API (JSONL file, custom_id,
/v1/files, /v1/batches, 24h window, results in any order) at half the price; what a batch
did not answer is sent directly; an interrupted run resumes its batch without starting
another (briefing/llm/batch.py). The real engine and SDK against the local fake of the
files and batches endpoints in tests/fake_server.py."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING

import pytest
from fake_server import STRIKE, Reply, engine_options, first, schema_name, serving, write_articles

import briefing
from briefing.llm import batch, pricing

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from fake_server import FakeServer

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

# Our own writing: the strike in three short reports, and a fire in two.
ARTICLES = {
    **STRIKE,
    "d.txt": [
        "Fire closes the Harrowgate library",
        "A fire closed the Harrowgate library on Sunday night.",
    ],
    "e.txt": [
        "Harrowgate library fire was electrical",
        "Inspectors said a faulty cable started the Harrowgate library fire.",
    ],
}


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServer]:
    monkeypatch.setattr(batch, "POLL_FIRST", 0.01)
    monkeypatch.setattr(batch, "POLL_MAX", 0.02)
    monkeypatch.setattr(batch, "QUIET", 0.05)
    yield from serving()


def options(server: FakeServer, tmp_path: Path) -> dict[str, object]:
    return engine_options(server, tmp_path / "cache", batch=True)


def batch_lines(server: FakeServer, batch_id: str) -> list[dict[str, object]]:
    text = server.files[str(server.batches[batch_id]["input_file_id"])].decode()
    return [json.loads(line) for line in text.splitlines()]


def test_a_day_goes_by_batch_at_half_the_price(server: FakeServer, tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "in", ARTICLES)
    brief = briefing.generate([folder], engine="openai", **options(server, tmp_path))
    # The maps in one batch; the two stories' merges, made of its replies, in the next.
    assert list(server.batches) == ["batch-1", "batch-2"]
    maps, merges = batch_lines(server, "batch-1"), batch_lines(server, "batch-2")
    assert [schema_name(line["body"]) for line in maps] == ["MapResult"]  # type: ignore[arg-type]
    assert [schema_name(line["body"]) for line in merges] == ["ReduceResult"] * 2  # type: ignore[arg-type]
    assert all(line["url"] == "/v1/chat/completions" for line in maps + merges)
    assert server.batches["batch-1"]["completion_window"] == "24h"
    assert len(server.sent()) == 3  # nothing was sent directly
    assert brief.cited_objects()
    assert len(brief.stories) == 2
    assert brief.run is not None
    # Each call was billed 100 prompt and 20 completion tokens: half the standard price.
    price = pricing.price_for("gpt-4.1-mini", pricing.load_prices(None))
    assert brief.run.cost_usd == pytest.approx(pricing.cost(price, 300, 60) * 0.5)  # type: ignore[operator]
    plan = briefing.plan([folder], **{**options(server, tmp_path), "cache_dir": tmp_path / "empty"})
    unbatched = briefing.plan(
        [folder], **{**options(server, tmp_path), "cache_dir": tmp_path / "empty", "batch": False}
    )
    assert plan.cost_usd == pytest.approx(unbatched.cost_usd * 0.5)  # type: ignore[operator]
    # A rerun is answered by the cache: no batch, no request.
    briefing.generate([folder], engine="openai", **options(server, tmp_path))
    assert len(server.batches) == 2
    assert len(server.sent()) == 3


def test_what_a_batch_did_not_answer_is_sent_directly(server: FakeServer, tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "in", ARTICLES)
    server.fault = first(1, Reply(500, {"error": {"message": "overloaded"}}))
    brief = briefing.generate([folder], engine="openai", **options(server, tmp_path))
    assert server.batches["batch-1"]["error_file_id"] is not None
    # The failed map line, then the same request sent directly, then the two merges.
    assert [schema_name(b) for b in server.sent()] == [
        "MapResult",
        "MapResult",
        "ReduceResult",
        "ReduceResult",
    ]
    assert len(server.batches) == 2
    assert "not summarized" not in brief.engine.note


def test_an_interrupted_run_resumes_its_batch_and_sends_nothing_twice(
    server: FakeServer, tmp_path: Path
) -> None:
    folder = write_articles(tmp_path / "in", ARTICLES)
    server.batch_polls = None  # the batch stays in progress
    with pytest.raises(TimeoutError):
        asyncio.run(
            asyncio.wait_for(
                briefing.agenerate([folder], engine="openai", **options(server, tmp_path)), 2.0
            )
        )
    assert list(server.batches) == ["batch-1"]
    assert server.sent() == []  # no line was answered yet
    # Run again, and the batch is done: it is polled, not started again.
    server.batch_polls = 0
    brief = briefing.generate([folder], engine="openai", **options(server, tmp_path))
    assert list(server.batches) == ["batch-1", "batch-2"]
    assert [schema_name(line["body"]) for line in batch_lines(server, "batch-2")] == [
        "ReduceResult"
    ] * 2  # type: ignore[arg-type]
    assert [schema_name(b) for b in server.sent()] == ["MapResult", "ReduceResult", "ReduceResult"]
    assert len(brief.stories) == 2
    records = json.loads((tmp_path / "cache" / "batches" / "batches.json").read_text())
    assert sorted(records) == ["batch-1", "batch-2"]
