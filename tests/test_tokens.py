"""Token counting works offline from the vendored encodings, and falls back clearly."""

from __future__ import annotations

import hashlib
import socket
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from briefing.llm import tokens

if TYPE_CHECKING:
    from pathlib import Path

URL = "https://openaipublic.blob.core.windows.net/encodings/{}.tiktoken"
HASHES = {
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
}


@pytest.mark.parametrize("name", sorted(HASHES))
def test_vendored_files_are_the_published_encodings(name):
    cache_name = hashlib.sha1(URL.format(name).encode()).hexdigest()  # noqa: S324 - tiktoken's naming
    data = (tokens.VENDORED_DIR / cache_name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == HASHES[name]


OFFLINE_SCRIPT = """
import os, socket, sys
from pathlib import Path
def refuse(*args, **kwargs):
    raise OSError("network blocked by the test")
socket.socket.connect = refuse
socket.create_connection = refuse
environment = dict(os.environ)
import briefing.cli
from briefing.llm import tokens
from briefing.llm.tokens import TokenCounter
if len(sys.argv) > 1:  # where the encodings are, instead of the vendored folder
    tokens.VENDORED_DIR = Path(sys.argv[1])
for model in ("gpt-4.1-mini", "gpt-4", "some-local-model", "gpt-oss-20b"):
    c = TokenCounter(model)
    print(model, c.encoding_name, c.exact, c.count("The Kessel dam breached on Monday."))
changed = {k for k in environment.keys() | os.environ.keys() if environment.get(k) != os.environ.get(k)}
print("environment changed:", sorted(changed))
"""


def run_offline(
    env: dict[str, str], encodings: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """A fresh interpreter (no tiktoken state) with every socket connect refused."""
    return subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", OFFLINE_SCRIPT, *([str(encodings)] if encodings else [])],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )


def test_counts_are_exact_offline_on_a_fresh_machine(tmp_path: Path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TMPDIR": str(tmp_path)}
    result = run_offline(env)
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "gpt-4.1-mini o200k_base True 8",
        "gpt-4 cl100k_base True 8",
        "some-local-model o200k_base True 8",
        "gpt-oss-20b o200k_harmony True 8",
    ]
    assert "estimates" not in result.stderr
    assert not list(tmp_path.rglob("data-gym-cache"))  # nothing downloaded or cached


def test_importing_briefing_and_counting_tokens_leaves_the_environment_alone(tmp_path: Path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TMPDIR": str(tmp_path)}
    result = run_offline(env)
    assert "gpt-4.1-mini o200k_base True 8" in result.stdout.splitlines()  # it did count
    assert result.stdout.splitlines()[-1] == "environment changed: []"


def test_without_encodings_counts_are_estimates_with_a_warning(tmp_path: Path):
    empty = tmp_path / "no-encodings"
    empty.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TMPDIR": str(tmp_path)}
    result = run_offline(env, empty)
    assert result.stdout.splitlines()[0] == "gpt-4.1-mini o200k_base False 9"
    assert "token counts are estimates" in result.stderr
    assert "could not load the o200k_base encoding" in result.stderr
    assert "reinstall briefing" in result.stderr
    assert result.stdout.splitlines()[-1] == "environment changed: []"


def test_a_damaged_encoding_file_fails_its_hash_and_counts_are_estimates(tmp_path: Path):
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    for original in tokens.VENDORED_DIR.iterdir():
        data = original.read_bytes()
        (damaged / original.name).write_bytes(data.replace(b" 1\n", b" 2\n", 1))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TMPDIR": str(tmp_path)}
    result = run_offline(env, damaged)
    assert result.stdout.splitlines()[:2] == [
        "gpt-4.1-mini o200k_base False 9",
        "gpt-4 cl100k_base False 9",
    ]
    assert "its sha256 differs" in result.stderr


def test_message_counts_add_the_chat_overhead():
    counter = tokens.TokenCounter("gpt-4.1-mini")
    text = counter.count("hello") + counter.count("user")
    messages = [{"role": "user", "content": "hello"}]
    assert counter.count_messages(messages) == text + 3 + 3


def test_this_test_process_cannot_reach_the_network_either():
    # The suite runs with --block-network (pyproject addopts).
    # (Without the block this is "connection refused", which does not match.)
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock,
        pytest.raises(RuntimeError, match="Network is disabled"),
    ):
        sock.connect(("127.0.0.1", 9))


def test_huge_text_is_counted_without_failing():
    # tiktoken's pattern gives up on a run of about a million spaces ("Max stack size
    # exceeded for backtracking"); a reply of 5 MB of padding must not end the run.
    counter = tokens.TokenCounter("gpt-4.1-mini")
    assert counter.exact
    assert counter.count(" " * 5_000_000) > 0
    assert counter.count("\u3000" * 2_000_000 + " x") > 0
    words = "The Kessel dam breached on Monday. " * 20_000  # 700,000 characters
    exact = tokens._load("o200k_base")  # noqa: SLF001 - tiktoken itself, in one piece
    assert exact is not None
    assert counter.count(words) == len(exact.encode(words))


def test_a_piece_tiktoken_cannot_encode_is_estimated(monkeypatch):
    class Refuses:
        def encode(self, text: str, **options: object) -> list[int]:  # noqa: ARG002
            raise ValueError("Regex error while tokenizing")

    monkeypatch.setattr(tokens, "_load", lambda _: Refuses())
    counter = tokens.TokenCounter("gpt-4.1-mini")
    assert counter.count("x" * 400) == 100
