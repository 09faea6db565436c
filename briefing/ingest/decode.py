"""Bytes to text: UTF-8 first, then a charset guess; binary files are refused."""

from __future__ import annotations

from charset_normalizer import from_bytes

from briefing.ingest.article import UnusableInputError

_SNIFF = 8192


def decode(data: bytes) -> str:
    if b"\x00" in data[:_SNIFF]:
        raise UnusableInputError("binary file, not text; pass text, Markdown, HTML, JSON or a feed")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    guess = from_bytes(data).best()
    if guess is None:
        raise UnusableInputError("cannot tell the text encoding; save the file as UTF-8")
    return str(guess)


def require_text(text: str) -> str:
    if not text.strip():
        raise UnusableInputError("empty file; remove it or add the article text")
    return text
