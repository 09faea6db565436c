"""Token counts for prompts, before anything is sent.

tiktoken downloads its encoding files on first use; briefing ships the two it needs in
`briefing/data/tiktoken/` and points tiktoken there (see config.use_tiktoken_files), so
counting works offline. If the files cannot be loaded, counts fall back to an estimate of
one token per four characters, and `TokenCounter.exact` says so.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from briefing import config

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    import tiktoken

log = logging.getLogger(__name__)

VENDORED_DIR = Path(__file__).resolve().parent.parent / "data" / "tiktoken"
DEFAULT_ENCODING = "o200k_base"
# Chat formatting overhead per message and per reply, as in OpenAI's cookbook.
TOKENS_PER_MESSAGE = 3
TOKENS_PER_REPLY = 3
CHARS_PER_TOKEN = 4


@cache
def _load(name: str) -> tiktoken.Encoding | None:
    config.use_tiktoken_files(VENDORED_DIR)
    try:
        import tiktoken  # noqa: PLC0415 - loaded lazily: importing it is slow

        return tiktoken.get_encoding(name)
    except Exception as err:  # noqa: BLE001 - any failure (network, hash, file) means: estimate
        log.warning(
            "token counts are estimates (4 characters a token): tiktoken could not load %s "
            "(%s); reinstall briefing or set TIKTOKEN_CACHE_DIR to a folder holding it",
            name,
            err,
        )
        return None


def encoding_name_for(model: str) -> str:
    """tiktoken's encoding for an OpenAI model; o200k_base for any other model."""
    try:
        import tiktoken.model  # noqa: PLC0415

        return tiktoken.model.encoding_name_for_model(model)
    except KeyError:
        return DEFAULT_ENCODING


@dataclass
class TokenCounter:
    model: str
    encoding_name: str = field(init=False)
    exact: bool = field(init=False)

    def __post_init__(self) -> None:
        self.encoding_name = encoding_name_for(self.model)
        self.exact = _load(self.encoding_name) is not None

    def count(self, text: str) -> int:
        encoding = _load(self.encoding_name)
        if encoding is None:
            return math.ceil(len(text) / CHARS_PER_TOKEN)
        return len(encoding.encode(text, disallowed_special=()))

    def count_messages(self, messages: Iterable[Mapping[str, str]]) -> int:
        total = TOKENS_PER_REPLY
        for message in messages:
            total += TOKENS_PER_MESSAGE + sum(self.count(v) for v in message.values())
        return total
