"""`--embeddings MODEL`: the real SDK, client, cache and pipeline against the local
OpenAI-compatible server (tests/fake_server.py), which embeds each text as its hashed words.

What is checked: the vectors reach the story grouping, one row per source in source order;
texts go in batches of embeddings.BATCH; a rerun embeds nothing and a day with one more
article embeds that article alone; a server that cannot embed (404, a chat model, broken
replies) leaves the grouping to words with a note and never stops the run; the option
without the LLM engine is an error naming the fix; the stats count the requests and tokens.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import shutil
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from click.testing import CliRunner
from fake_server import (
    EMBEDDINGS,
    NO_WAIT,
    Reply,
    Reset,
    always,
    embedded,
    fake_vector,
    first,
    serving,
    word_tokens,
    write_articles,
)

import briefing
from briefing import config
from briefing.cli import cli
from briefing.errors import ConfigError
from briefing.llm import client, embeddings
from briefing.llm.client import read_embeddings
from briefing.llm.embeddings import TEXT_TOKENS, Embedder, embedding_text
from briefing.llm.settings import LLMSettings
from briefing.llm.tokens import TokenCounter
from briefing.models import Passage, Source

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from fake_server import FakeServer

    from briefing.models import Brief

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

# Our own writing: two stories of one fictional day, two reports each.
ARTICLES = {
    "a.txt": [
        "Ferry crews in Port Elsin strike for a third day",
        "Ferry crews in Port Elsin stayed off work on Tuesday for the third day running.",
        "The crews' union wants a new rota and an 8 percent pay rise.",
    ],
    "b.txt": [
        "Fire closes the Harl Island library",
        "A fire in the roof of the Harl Island library closed it on Tuesday night.",
        "No one was hurt, the island council said.",
    ],
    "c.txt": [
        "Operator offers talks to end Port Elsin ferry strike",
        "Elsin Sound Lines said it would meet the ferry crews' union on Thursday.",
        "Its chief executive called the pay demand unaffordable.",
    ],
    "d.txt": [
        "Harl Island library books saved from the fire",
        "Volunteers carried most of the Harl Island library's books out before the roof fell.",
        "The council expects the library to reopen in a temporary hall next month.",
    ],
}
EMBEDDER = "fake-embedder"
MODEL = "gpt-4.1-mini"  # priced, so the chat calls have a cost


@pytest.fixture(autouse=True)
def instant_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client, "RETRY_DELAY", 0.0)


@pytest.fixture
def server() -> Iterator[FakeServer]:
    yield from serving()


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    return write_articles(tmp_path / "inputs", ARTICLES)


@pytest.fixture
def grouped(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """What the pipeline passes to the story grouping as `vectors`, run by run."""
    grouping = importlib.import_module("briefing.stories.grouping")
    real = grouping.group_stories
    seen: list[Any] = []

    def spy(sources: Any, vectors: Any = None) -> Any:
        seen.append(vectors)
        return real(sources, vectors)

    monkeypatch.setattr(grouping, "group_stories", spy)
    return seen


def generate(inputs: Path, server: FakeServer, **options: Any) -> Brief:
    values: dict[str, Any] = {"max_retries": 1, "timeout": 10.0, "embeddings": EMBEDDER}
    values.update(options)
    return briefing.generate([inputs], engine="openai", base_url=server.url, model=MODEL, **values)


def forget_kept_briefs() -> None:
    """A rerun with nothing changed is answered by the brief kept whole (kept_briefs.py),
    without grouping: removing it shows what the embeddings' own cache does."""
    shutil.rmtree(config.cache_root() / "responses" / "briefs")


def embedding_inputs(server: FakeServer) -> list[list[str]]:
    return [body["input"] for body in server.sent(EMBEDDINGS)]


# --- the vectors reach the grouping ---------------------------------------------------------


def test_vectors_reach_the_grouping_one_row_per_source_in_order(inputs, server, grouped):
    brief = generate(inputs, server)
    (sent,) = server.sent(EMBEDDINGS)
    assert (sent["model"], sent["encoding_format"]) == (EMBEDDER, "float")
    texts = sent["input"]
    assert [t.split("\n")[0] for t in texts] == [lines[0] for lines in ARTICLES.values()]
    (vectors,) = grouped
    assert isinstance(vectors, np.ndarray)
    assert vectors.dtype == np.float64
    assert vectors.shape == (4, 64)
    assert vectors.tolist() == [fake_vector(t) for t in texts]
    assert "Stories were grouped by fake-embedder embeddings" in brief.engine.note
    assert brief.review is not None
    assert brief.review.supported == brief.review.total > 0


def test_without_the_option_no_vectors_and_no_embedding_request(inputs, server, grouped):
    brief = generate(inputs, server, embeddings=None)
    assert grouped == [None]
    assert server.sent(EMBEDDINGS) == []
    assert "embeddings" not in brief.engine.note


def test_the_cli_option_reaches_the_server(inputs, server, tmp_path, grouped):
    out = tmp_path / "brief.json"
    args = ["generate", str(inputs), "--engine", "openai", "--base-url", server.url]
    result = CliRunner().invoke(cli, [*args, "--embeddings", EMBEDDER, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [b["model"] for b in server.sent(EMBEDDINGS)] == [EMBEDDER]
    assert grouped[0].shape == (4, 64)
    assert "Stories were grouped by fake-embedder" in json.loads(out.read_text())["engine"]["note"]


# --- batches, cache, stats ------------------------------------------------------------------


def test_texts_go_in_batches_in_order(inputs, server, grouped, monkeypatch):
    monkeypatch.setattr(embeddings, "BATCH", 3)
    brief = generate(inputs, server)
    batches = embedding_inputs(server)
    assert [len(b) for b in batches] == [3, 1]
    texts = [t for batch in batches for t in batch]
    assert grouped[0].tolist() == [fake_vector(t) for t in texts]
    assert brief.run.calls == len(server.sent())


def test_300_texts_take_two_requests_of_at_most_256(server):
    texts = [f"report number {n} on the ferry strike" for n in range(300)]
    settings = LLMSettings(base_url=server.url, max_retries=0, timeout=10.0)

    async def run() -> list[tuple[float, ...]]:
        embedder = Embedder(EMBEDDER, settings)
        try:
            return await embedder.vectors(texts)
        finally:
            await embedder.aclose()

    vectors = asyncio.run(run())
    assert [len(b) for b in embedding_inputs(server)] == [256, 44]
    assert [list(v) for v in vectors] == [fake_vector(t) for t in texts]


def test_a_rerun_embeds_nothing_and_a_new_article_alone(inputs, server, grouped):
    first_brief = generate(inputs, server)
    texts = embedding_inputs(server)[0]
    chat = len(server.sent()) - 1
    # Stats: the embedding request is a call, its tokens are prompt tokens; the embedding
    # model has no price, so the run's cost is unknown.
    assert first_brief.run.calls == chat + 1
    assert first_brief.run.prompt_tokens == 100 * chat + word_tokens(texts)
    assert first_brief.run.cost_usd is None

    server.requests.clear()
    forget_kept_briefs()
    again = generate(inputs, server)
    assert server.sent() == []
    assert (again.run.calls, again.run.prompt_tokens) == (0, 0)
    assert again.run.cost_usd == 0.0  # nothing was sent
    assert grouped[1].tolist() == grouped[0].tolist()

    new = ["Harl Island library fire was electrical", "An electrician found a faulty cable."]
    write_articles(inputs, {"e.txt": new})
    generate(inputs, server)
    ((only,),) = embedding_inputs(server)
    assert only.startswith(new[0])
    assert grouped[2].shape == (5, 64)
    assert grouped[2][:4].tolist() == grouped[0].tolist()


def test_no_cache_embeds_again(inputs, server):
    generate(inputs, server)
    generate(inputs, server, use_cache=False)
    assert len(embedding_inputs(server)) == 2


def test_a_priced_embedding_model_adds_its_cost(inputs, server, tmp_path):
    table = tmp_path / "prices.json"
    price = {"input": 0.02, "cached_input": 0.02, "output": 0.0}
    table.write_text(json.dumps({EMBEDDER: price}), encoding="utf-8")
    priced = generate(inputs, server, prices_file=table)
    unpriced_chat = generate(inputs, server, use_cache=False, embeddings=None)
    tokens = word_tokens(embedding_inputs(server)[0])
    assert priced.run.cost_usd is not None
    assert unpriced_chat.run.cost_usd is not None
    assert priced.run.cost_usd == pytest.approx(unpriced_chat.run.cost_usd + tokens * 0.02e-6)


def test_a_corrupt_cache_entry_is_embedded_again(inputs, server, tmp_path, caplog):
    generate(inputs, server)
    entries = sorted((tmp_path / "cache").rglob("*.json"))
    corrupted = 0
    for path in entries:
        if '"vector"' in path.read_text(encoding="utf-8"):
            path.write_text('{"vector": []}', encoding="utf-8")
            corrupted += 1
            break
    assert corrupted == 1
    server.requests.clear()
    forget_kept_briefs()
    with caplog.at_level(logging.WARNING):
        generate(inputs, server)
    assert [len(b) for b in embedding_inputs(server)] == [1]
    assert any("not an embedding" in r.getMessage() for r in caplog.records)


def test_cached_vectors_of_another_length_are_embedded_again(inputs, server, grouped):
    generate(inputs, server)
    write_articles(inputs, {"e.txt": ["Ferry strike ends", "The crews voted to go back."]})

    def longer(body: dict[str, Any], _: int) -> Reply | None:
        if "input" not in body:
            return None
        answer = embedded(body["input"])
        for item in answer["data"]:
            item["embedding"] = [*item["embedding"], 1.0]
        return Reply(body=answer)

    server.fault = longer
    server.requests.clear()
    generate(inputs, server)
    assert [len(b) for b in embedding_inputs(server)] == [1, 5]
    assert grouped[-1].shape == (5, 65)


# --- failures fall back to words ---------------------------------------------------------------

NOT_FOUND = Reply(404, {"error": {"message": "Not Found"}})
# OpenAI's answer for a chat model at /embeddings, roughly; llama-server's without --embeddings.
NOT_AN_EMBEDDER = Reply(
    400, {"error": {"message": "This model does not support embeddings.", "type": "invalid"}}
)
LLAMA_SERVER = Reply(
    501,
    {"error": {"message": "This server does not support embeddings. Start it with `--embeddings`"}},
    NO_WAIT,
)
WRONG_COUNT = Reply(body={"object": "list", "data": [], "usage": {"prompt_tokens": 1}})


# Each: what the server answers every embeddings request, and what the note then says.
CANNOT_EMBED = {
    "404": (NOT_FOUND, "answered HTTP 404: Not Found; check --embeddings"),
    "not an embedding model": (
        NOT_AN_EMBEDDER,
        "answered HTTP 400: This model does not support embeddings.",
    ),
    "llama-server 501": (
        LLAMA_SERVER,
        "answered HTTP 501: This server does not support embeddings.",
    ),
    "wrong count": (WRONG_COUNT, "not an embeddings reply (0 embeddings for 4 inputs)"),
    "error": (Reply(body={"error": "busy"}), "not an embeddings reply (an error: busy)"),
    "html": (
        Reply(body=b"<html>\nnope</html>"),
        "not an embeddings reply (a body that is not JSON",
    ),
    "reset": (Reset(), "cannot reach"),
}


@pytest.mark.parametrize("case", CANNOT_EMBED)
def test_a_server_that_cannot_embed_falls_back_to_words(inputs, server, grouped, caplog, case):
    fault, said = CANNOT_EMBED[case]
    server.fault = always(fault, EMBEDDINGS)
    with caplog.at_level(logging.WARNING):
        brief = generate(inputs, server)
    assert grouped == [None]
    note = brief.engine.note
    assert "Stories were grouped by their words: fake-embedder embeddings failed (" in note
    assert said in note
    assert "\n" not in note
    (warning,) = [r.getMessage() for r in caplog.records if "embeddings failed" in r.getMessage()]
    assert said in warning
    assert "\n" not in warning
    # The rest of the run is whole: every source in the brief, every claim supported.
    assert brief.review is not None
    assert brief.review.supported == brief.review.total > 0
    assert {s.id for s in brief.sources} == {"S1", "S2", "S3", "S4"}
    # Nothing was cached: a server that can embed is asked next time.
    server.fault = None
    server.requests.clear()
    generate(inputs, server)
    assert [len(b) for b in embedding_inputs(server)] == [4]
    assert grouped[-1].shape == (4, 64)


def test_a_broken_reply_is_retried_then_used(inputs, server, grouped):
    server.fault = first(1, WRONG_COUNT)
    brief = generate(inputs, server)
    assert len(embedding_inputs(server)) == 2
    assert grouped[0].shape == (4, 64)
    assert "grouped by fake-embedder embeddings" in brief.engine.note


def test_a_backend_that_cannot_embed_falls_back(monkeypatch, inputs, server, grouped):
    """A backend without `embed` (a test's fake chat backend) is a failure like any other."""
    from briefing.llm import calls  # noqa: PLC0415

    real = calls.make_backend

    class ChatOnly:
        def __init__(self, settings: LLMSettings) -> None:
            self.inner = real(settings)

        async def complete(self, request: Any) -> Any:
            return await self.inner.complete(request)

        async def aclose(self) -> None:
            await self.inner.aclose()

    monkeypatch.setattr(calls, "make_backend", ChatOnly)
    brief = generate(inputs, server)
    assert grouped == [None]
    assert "failed (ChatOnly cannot embed)" in brief.engine.note


# --- usage ----------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["extractive", "auto"])
def test_embeddings_without_the_llm_engine_is_an_error_naming_the_fix(inputs, engine):
    with pytest.raises(ConfigError, match=r"^--embeddings asks the LLM engine's server") as err:
        briefing.generate([inputs], engine=engine, embeddings=EMBEDDER)
    assert "add --engine openai" in str(err.value)
    result = CliRunner().invoke(
        cli, ["generate", str(inputs), "--engine", engine, "--embeddings", EMBEDDER]
    )
    assert result.exit_code == 1
    assert result.stderr == f"error: {err.value}\n"


def test_daily_takes_it_as_a_key_an_option_and_a_variable():
    from briefing.daily.config import resolve  # noqa: PLC0415

    environ = {"BRIEFING_EMBEDDINGS": EMBEDDER}
    assert resolve({"inputs": ("x",)}, environ=environ).generate_options()["embeddings"] == EMBEDDER
    given = {"inputs": ("x",), "embeddings": "other"}
    assert resolve(given, environ=environ).generate_options()["embeddings"] == "other"


def test_a_blank_model_name_is_an_error(inputs):
    with pytest.raises(ConfigError, match="--embeddings needs a model name"):
        briefing.generate(
            [inputs], engine="openai", base_url="http://127.0.0.1:9/v1", embeddings=" "
        )


def test_embeddings_with_auto_and_a_key_is_the_llm_engine(inputs, server, grouped, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-real")
    brief = briefing.generate([inputs], base_url=server.url, embeddings=EMBEDDER, model=MODEL)
    assert brief.engine.name == "openai"
    assert grouped[0].shape == (4, 64)


# --- what is sent, and how replies are read ---------------------------------------------------


def _source(title: str, sentences: list[str]) -> Source:
    passages = [Passage(id=f"S1.{n}", text=t, paragraph=1) for n, t in enumerate(sentences, 1)]
    return Source(id="S1", title=title, origin="a.txt", passages=passages)


def test_the_text_is_the_title_and_opening_within_the_token_bound():
    counter = TokenCounter("text-embedding-3-small")
    short = _source("Ferry strike", ["Crews stayed off work.", "Talks on Thursday."])
    assert (
        embedding_text(short, counter) == "Ferry strike\nCrews stayed off work. Talks on Thursday."
    )
    sentences = [f"Sentence number {n} says something about the ferry strike." for n in range(5000)]
    text = embedding_text(_source("Ferry strike", sentences), counter)
    whole = "Ferry strike\n" + " ".join(sentences)
    assert whole.startswith(text)
    assert whole[len(text)] == " "  # cut between words
    assert TEXT_TOKENS - 15 <= counter.count(text) <= TEXT_TOKENS


@pytest.mark.parametrize(
    "text",
    [
        "word " * 10_000,
        "漢字" * 5_000,  # no spaces: cut between characters, never inside one
        "🙂" * 3_000,  # several tokens a character
        " " * 1_000_000,
    ],
)
def test_truncate_keeps_a_prefix_within_the_bound(text):
    counter = TokenCounter("text-embedding-3-small")
    cut = counter.truncate(text, 400)
    assert counter.count(cut) <= 400
    assert text.startswith(cut)
    assert "\ufffd" not in cut


def test_truncate_leaves_a_short_text_alone():
    counter = TokenCounter("text-embedding-3-small")
    assert counter.truncate("Ferry crews strike.", 400) == "Ferry crews strike."


def body(data: Any, usage: Any = None) -> bytes:
    return json.dumps({"object": "list", "data": data, "usage": usage}).encode()


def test_replies_are_read_by_index():
    items = [{"index": 1, "embedding": [0, 1]}, {"index": 0, "embedding": [2.5, 3]}]
    reply = read_embeddings(body(items, {"prompt_tokens": 7}), 2)
    assert not isinstance(reply, str)
    assert reply.vectors == ((2.5, 3.0), (0.0, 1.0))
    assert reply.prompt_tokens == 7


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (body([{"index": 0, "embedding": [1.0]}]), "1 embeddings for 2 inputs"),
        (body([{"index": 0, "embedding": [1.0]}] * 2), "indexes are missing, repeated"),
        (
            body([{"index": 0, "embedding": [1.0]}, {"index": 5, "embedding": [1.0]}]),
            "out of range",
        ),
        (body([{"embedding": [1.0]}, {"embedding": [1.0, 2.0]}]), "of different lengths"),
        (body([{"embedding": []}, {"embedding": [1.0]}]), "not a list of finite numbers"),
        (body([{"embedding": ["1"]}, {"embedding": [1.0]}]), "not a list of finite numbers"),
        (body([{"embedding": [True]}, {"embedding": [1.0]}]), "not a list of finite numbers"),
        (b'{"data": [{"embedding": [1e400]}, {"embedding": [1]}]}', "finite numbers"),
        (b'{"data": [{"embedding": [NaN]}, {"embedding": [1]}]}', "finite numbers"),
        (body(None), "no embeddings for 2 inputs"),
        (b"[1, 2]", "JSON that is not an embeddings reply"),
        (b'{"error": {"message": "overloaded"}}', "an error: overloaded"),
    ],
)
def test_what_is_wrong_with_a_reply_is_said(raw, problem):
    reply = read_embeddings(raw, 2)
    assert isinstance(reply, str)
    assert problem in reply


def test_absurd_usage_counts_as_no_tokens():
    items = [{"embedding": [1.0]}]
    reply = read_embeddings(body(items, {"prompt_tokens": 10**12}), 1)
    assert not isinstance(reply, str)
    assert reply.prompt_tokens == 0
