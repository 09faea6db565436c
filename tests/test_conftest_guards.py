"""The guards in tests/conftest.py and the project's pytest settings, each shown failing a
test that breaks it: a scratch suite runs under copies of them (pytester)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import yaml

from tests.conftest import ROOT

if TYPE_CHECKING:
    from pathlib import Path

pytest_plugins = ["pytester"]

SCRATCH_TESTS = """
import os
import socket
import urllib.request

import pytest


def fetch(url):
    with urllib.request.urlopen(url, timeout=5) as reply:
        return reply.read().decode()


def test_reaches_the_network():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.connect(("127.0.0.1", 9))


def test_relies_on_the_key_and_server_of_the_environment():
    assert os.environ.get("OPENAI_API_KEY") == "sk-real-looking-key"
    assert os.environ.get("OPENAI_BASE_URL") == "http://real-server.invalid/v1"


@pytest.mark.vcr
def test_plays_every_interaction():
    assert fetch("http://llm.invalid/one") == "one"


@pytest.mark.vcr
def test_plays_one_of_two_interactions():
    assert fetch("http://llm.invalid/one") == "one"


@pytest.mark.vcr
def test_has_no_cassette():
    assert fetch("http://llm.invalid/one") == "one"
"""


def interaction(path: str) -> dict[str, object]:
    return {
        "request": {
            "method": "GET",
            "uri": f"http://llm.invalid/{path}",
            "body": None,
            "headers": {},
        },
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"content-type": ["text/plain"]},
            "body": {"string": path},
        },
    }


def write_cassette(folder: Path, test: str, paths: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    cassette = {"version": 1, "interactions": [interaction(p) for p in paths]}
    (folder / f"{test}.yaml").write_text(yaml.safe_dump(cassette), encoding="utf-8")


def test_each_guard_fails_the_test_that_breaks_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The scratch suite runs under this project's own settings and conftest, in a fresh
    # interpreter, so this process's network block and environment play no part in it.
    pytester.makepyprojecttoml((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pytester.makeconftest((ROOT / "tests" / "conftest.py").read_text(encoding="utf-8"))
    pytester.makepyfile(cassette_yaml=(ROOT / "tests" / "cassette_yaml.py").read_text("utf-8"))
    pytester.makepyfile(test_scratch=SCRATCH_TESTS)
    cassettes = pytester.path / "cassettes" / "test_scratch"
    write_cassette(cassettes, "test_plays_every_interaction", ["one"])
    write_cassette(cassettes, "test_plays_one_of_two_interactions", ["one", "two"])
    monkeypatch.setenv("OPENAI_API_KEY", "sk-real-looking-key")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://real-server.invalid/v1")

    result = pytester.runpytest_subprocess("-rA", "-vv", "test_scratch.py")

    result.stdout.fnmatch_lines_random(
        [
            # --block-network: no connection leaves the test, not even to localhost.
            "FAILED test_scratch.py::test_reaches_the_network - RuntimeError: Network is disabled*",
            # isolated_env: a key and a server set outside the tests are not seen inside.
            "FAILED test_scratch.py::test_relies_on_the_key_and_server_of_the_environment - AssertionError: assert None == 'sk-real-looking-key'",
            # A cassette played in full passes: the failures below are the guards' doing.
            "PASSED test_scratch.py::test_plays_every_interaction",
            # _all_interactions_played: an interaction left unplayed fails the test.
            "ERROR test_scratch.py::test_plays_one_of_two_interactions - Failed: 1 recorded interactions were not played; re-record the cassette",
            # record mode "none": a missing cassette fails the request instead of recording.
            "FAILED test_scratch.py::test_has_no_cassette - vcr.errors.CannotOverwriteExistingCassetteException*",
        ]
    )
    result.assert_outcomes(passed=2, failed=3, errors=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert "Warning" not in result.stderr.str()  # the scratch suite itself is clean
    assert not (cassettes / "test_has_no_cassette.yaml").exists()
