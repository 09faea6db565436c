"""Bytes to text: a byte order mark first (UTF-8, UTF-16, UTF-32), then UTF-8, then a
charset guess; binary files are refused.

A UTF-8 text with a few stray bytes (a byte of another encoding pasted in, a file cut
mid-character) is read with each run of them replaced by U+FFFD, and the warning says how
many: refusing a whole article for one byte loses it for nothing.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from briefing.ingest.article import UnusableInputError

_SNIFF = 8192
# UTF-32's little-endian mark starts with UTF-16's, so it is tried first.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Decoded with surrogateescape, each byte that is not UTF-8 becomes one of these.
_STRAY = re.compile("[\udc80-\udcff]+")
# "A few": at most this share of the bytes, or this many, whichever is more.
_FEW_SHARE, _FEW_BYTES = 0.01, 8


@dataclass(frozen=True)
class Decoded:
    text: str
    replaced: int = 0  # how many stray bytes (UTF-8) or bad sequences (others) became U+FFFD
    encoding: str = "utf-8"

    def warning(self, label: str) -> tuple[str, str]:
        """(path, reason) for the brief's skipped inputs: what was left out of `label`."""
        unit = "byte" if self.encoding == "utf-8" else "sequence"
        plural = "" if self.replaced == 1 else "s"
        reason = (
            f"not valid {self.encoding.upper()}, replaced by U+FFFD; the rest of the file "
            "was read; save it as UTF-8 to keep those characters"
        )
        return f"{label} ({self.replaced} stray {unit}{plural})", reason


def decode(data: bytes) -> Decoded:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _with_bom(data, codec)
    if b"\x00" in data[:_SNIFF]:
        raise UnusableInputError("binary file, not text; pass text, Markdown, HTML, JSON or a feed")
    try:
        return Decoded(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    escaped = data.decode("utf-8", "surrogateescape")
    text = _STRAY.sub("\ufffd", escaped)
    stray = len(escaped) - len(_STRAY.sub("", escaped))
    non_ascii = len(escaped) - len(escaped.encode("ascii", "ignore")) - stray
    few = stray <= max(_FEW_BYTES, _FEW_SHARE * len(data))
    # Characters beyond ASCII that are valid UTF-8 show the file is UTF-8, so the other
    # bytes are strays, not a legacy encoding (cp1252 text almost never forms valid UTF-8).
    if few and non_ascii > 0:
        return Decoded(text, stray)
    guess = from_bytes(data).best()
    if guess is not None:
        return Decoded(str(guess), encoding=guess.encoding)
    if few:
        return Decoded(text, stray)
    raise UnusableInputError("cannot tell the text encoding; save the file as UTF-8")


def _with_bom(data: bytes, codec: str) -> Decoded:
    name = "utf-8" if codec == "utf-8-sig" else codec
    try:
        return Decoded(data.decode(codec), encoding=name)
    except UnicodeDecodeError:
        pass
    text = data.decode(codec, "replace")
    # U+FFFD the file itself holds survives "ignore": count only the replacements.
    replaced = text.count("\ufffd") - data.decode(codec, "ignore").count("\ufffd")
    return Decoded(text, replaced, name)


def require_text(text: str) -> str:
    if not text.strip():
        raise UnusableInputError("empty file; remove it or add the article text")
    return text
