"""Token counts for prompts, before anything is sent.

tiktoken downloads its encoding files on first use; briefing ships the two it needs in
`briefing/data/tiktoken/` and builds those encodings with tiktoken's own constructors,
reading the vendored file (sha256 still checked) where they would download. So counting
works offline, and nothing global changes: no environment variable, no file in tiktoken's
cache. If an encoding cannot be loaded, counts fall back to an estimate of one token per
four characters, with a warning, and `TokenCounter.exact` says so.

Counting never fails: long text is counted in pieces (tiktoken's pattern gives up on a run
of about a million spaces), and a piece tiktoken cannot encode is estimated the same way.
"""

from __future__ import annotations

import binascii
import hashlib
import logging
import math
import types
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping

    import tiktoken

log = logging.getLogger(__name__)

VENDORED_DIR = Path(__file__).resolve().parent.parent / "data" / "tiktoken"
VENDORED = ("o200k_base", "cl100k_base")
DEFAULT_ENCODING = "o200k_base"
# o200k_harmony (gpt-oss) is o200k_base plus special tokens, which counting never encodes
# as special (disallowed_special=() reads them as text): its counts are o200k_base's.
COUNTED_AS = {"o200k_harmony": "o200k_base"}
# Chat formatting overhead per message and per reply, as in OpenAI's cookbook.
TOKENS_PER_MESSAGE = 3
TOKENS_PER_REPLY = 3
CHARS_PER_TOKEN = 4
# Text longer than this is counted piece by piece, each cut before a line break or a space
# where there is one; ordinary prompts are far shorter, so their counts are exact.
PIECE_CHARS = 100_000
# truncate() reads at most this many characters a token: far more than any text averages
# (English is about 4), so the cut falls where the token count says.
TRUNCATE_CHARS = 16


def read_vendored(url: str, expected_hash: str) -> dict[bytes, int]:
    """What tiktoken's `load_tiktoken_bpe(url, expected_hash)` returns, from the vendored
    copy of `url` (named as tiktoken's cache names it: the sha1 of the URL)."""
    path = VENDORED_DIR / hashlib.sha1(url.encode()).hexdigest()  # noqa: S324 - a name, not security
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != expected_hash:
        raise ValueError(f"{path} is not the published {url} (its sha256 differs)")
    # Lines of "token rank", the token in base64: decoded in one pass (binascii is what
    # base64.b64decode calls, less its per-call checks), the slowest part of a cold run's
    # wait for its first request.
    fields = data.split()
    if len(fields) % 2:
        raise ValueError(f"{path} is not a list of tokens and ranks")
    return dict(zip(map(binascii.a2b_base64, fields[0::2]), map(int, fields[1::2]), strict=True))


def offline_constructor(name: str) -> Callable[[], dict[str, Any]]:
    """tiktoken's constructor for `name` (its pattern, special tokens and file hash), with
    its download replaced by `read_vendored`: the same code run against a copy of its
    module's globals, so tiktoken itself is left as it was."""
    if name not in VENDORED:
        raise LookupError(f"briefing ships only {' and '.join(VENDORED)}")
    from tiktoken_ext import openai_public  # noqa: PLC0415 - loaded lazily, with tiktoken

    constructor = openai_public.ENCODING_CONSTRUCTORS[name]
    namespace = {**constructor.__globals__, "load_tiktoken_bpe": read_vendored}
    built: Callable[[], dict[str, Any]] = types.FunctionType(
        constructor.__code__, namespace, constructor.__name__
    )
    return built


@cache
def _load(name: str) -> tiktoken.Encoding | None:
    try:
        import tiktoken  # noqa: PLC0415 - loaded lazily: importing it is slow

        return tiktoken.Encoding(**offline_constructor(COUNTED_AS.get(name, name))())
    except Exception as err:  # noqa: BLE001 - any failure (file, hash, tiktoken) means: estimate
        log.warning(
            "token counts are estimates (4 characters a token): could not load the %s "
            "encoding (%s); reinstall briefing to restore %s",
            name,
            err,
            VENDORED_DIR,
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
    """Counts for `model`'s encoding, loaded on the first count (a run answered from the
    cache counts nothing, and loading takes a while)."""

    model: str
    encoding_name: str = field(init=False)

    def __post_init__(self) -> None:
        self.encoding_name = encoding_name_for(self.model)

    @property
    def exact(self) -> bool:
        return _load(self.encoding_name) is not None

    def count(self, text: str) -> int:
        encoding = _load(self.encoding_name)
        if encoding is None:
            return _estimate(text)
        return sum(_encoded_length(encoding, piece) for piece in _pieces(text))

    def truncate(self, text: str, tokens: int) -> str:
        """The start of `text` that is at most `tokens` tokens, cut before a space when
        there is one (so no word is cut in two). Only the first `tokens` * TRUNCATE_CHARS
        characters are read, so a huge text costs no more than a short one."""
        head = text[: tokens * TRUNCATE_CHARS]
        encoding = _load(self.encoding_name)
        cut = head[: tokens * CHARS_PER_TOKEN]
        if encoding is not None:
            try:
                encoded = encoding.encode(head, disallowed_special=())
                if len(encoded) > tokens:  # a character cut in two at the end is dropped
                    cut = encoding.decode_bytes(encoded[:tokens]).decode(errors="ignore")
                else:
                    cut = head
            except Exception:  # noqa: BLE001 - as in _encoded_length: fall back to the estimate
                log.debug("estimating where to cut %d characters", len(head))
        if len(cut) < len(text):
            space = cut.rfind(" ")
            cut = cut[:space] if space > 0 else cut
        # A cut can re-encode a token or two longer; shorten until it fits.
        while cut and self.count(cut) > tokens:
            cut = cut[: len(cut) * 9 // 10]
        return cut.rstrip()

    def count_messages(self, messages: Iterable[Mapping[str, str]]) -> int:
        total = TOKENS_PER_REPLY
        for message in messages:
            total += TOKENS_PER_MESSAGE + sum(self.count(v) for v in message.values())
        return total


def _estimate(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def _pieces(text: str) -> Iterator[str]:
    """`text` in pieces of at most PIECE_CHARS, each cut before its last line break or space
    (tiktoken starts a word with the space before it)."""
    start = 0
    while len(text) - start > PIECE_CHARS:
        end = start + PIECE_CHARS
        cut = max(text.rfind("\n", start, end), text.rfind(" ", start, end))
        end = cut if cut > start else end
        yield text[start:end]
        start = end
    yield text[start:]


def _encoded_length(encoding: tiktoken.Encoding, piece: str) -> int:
    try:
        return len(encoding.encode(piece, disallowed_special=()))
    except Exception:  # noqa: BLE001 - tiktoken's pattern or merges gave up: estimate this piece
        log.debug("estimating the tokens of %d characters tiktoken cannot encode", len(piece))
        return _estimate(piece)
