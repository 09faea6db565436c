from __future__ import annotations

import contextlib
import gzip
import os
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import cassette_yaml
import pytest
from cassette_yaml import normalize_json

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from briefing.models import Brief

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ROOT / "tests" / "fixtures" / "inputs"
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
FIXED_EPOCH = "1795000000"  # 2026-11-18 UTC: generated_at is part of golden output


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No real keys, servers or user caches leak into a test (simonw/llm style)."""
    for name in list(os.environ):
        # GITHUB_*: run inside GitHub Actions, the CLI would report to the runner.
        if name.startswith(("OPENAI_", "BRIEFING_", "GITHUB_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """pytest-httpserver on the loopback address the suite's network block lets through."""
    return ("127.0.0.1", 0)


@pytest.fixture
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the checkout")
    return SHARED


@pytest.fixture(scope="session")
def offline_brief_of() -> Callable[[Path], Brief]:
    """The offline engine's brief of one input, written once a session: several files check
    different things of the same briefs of ../shared's clusters (a test copies what it
    edits, never changes the brief it is given)."""
    from briefing import pipeline  # noqa: PLC0415 - the engines load with it

    written: dict[Path, Brief] = {}

    def brief_of(path: Path) -> Brief:
        if path not in written:
            written[path] = pipeline.generate([str(path)], engine="extractive")
        return written[path]

    return brief_of


# --- cassettes (pytest-recording / vcrpy) for the LLM engine's wire tests ---


def _decoded(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    return body


def _clean_response(response: dict[str, Any]) -> dict[str, Any]:
    # Bodies are re-serialized on replay (see cassette_yaml), so their length is not kept;
    # identifying headers are dropped when the cassette is written (cassette_yaml too).
    headers = {k: v for k, v in response["headers"].items() if k.lower() != "content-length"}
    encoding = next((v[0] for k, v in headers.items() if k.lower() == "content-encoding"), "")
    body = response["body"]["string"]
    if encoding and isinstance(body, bytes):
        response["body"]["string"] = _decoded(body, encoding)
        headers = {k: v for k, v in headers.items() if k.lower() != "content-encoding"}
    response["headers"] = headers
    return response


def _pretty_json_body(request: Any) -> Any:
    """Request bodies are stored as sorted, indented JSON so cassettes stay reviewable.
    vcrpy applies this to live requests before matching too, so "body" matching compares
    the normalized JSON: any change to a prompt, schema or parameter fails the match."""
    if request.body:
        with contextlib.suppress(ValueError):
            request.body = normalize_json(request.body).encode()
    return request


def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    vcr.register_serializer("yaml", cassette_yaml)


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    # No "record_mode" here: it would override --record-mode. pytest-recording's default
    # is "none", so a missing or stale cassette fails instead of reaching the network.
    return {
        "match_on": ["method", "scheme", "host", "port", "path", "query", "body"],
        "before_record_request": _pretty_json_body,
        "before_record_response": _clean_response,
        "decode_compressed_response": True,
        "allow_playback_repeats": False,
    }


@pytest.fixture(autouse=True)
def _all_interactions_played(request: pytest.FixtureRequest) -> Iterator[None]:
    """A cassette test fails if any recorded interaction went unplayed."""
    if request.node.get_closest_marker("vcr") is None:
        yield
        return
    cassette = request.getfixturevalue("vcr")
    yield
    if cassette is not None and cassette.record_mode == "none" and not cassette.all_played:
        unplayed = len(cassette.data) - cassette.play_count
        pytest.fail(f"{unplayed} recorded interactions were not played; re-record the cassette")
