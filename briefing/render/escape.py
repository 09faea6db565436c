"""Making text from inputs inert in the markdown brief, and URLs safe in any format.

Everything a brief holds came from an input or from a brief JSON someone may have edited:
titles, URLs, outlets, file names, claims, ids, notes. In markdown each such value is one
line of plain text, whatever it contains:

- `escape_markdown` (the templates' `md` filter) folds line breaks and other control
  characters into spaces, backslash-escapes every character that could start a link,
  image, emphasis, code span, HTML tag, entity, table cell or math, and escapes the first
  character when it could open a block (a heading, list item, block quote, fence, link
  definition), so the value is safe at the start of a line or of a list item too;
- `code_span` (the `code` filter) shows file names as code, with a fence longer than any
  run of backticks in them and control characters written out (`\\n`);
- `markdown_link` (the `link` filter) links http(s) URLs only, percent-encoding whatever
  could end the link's destination early; any other URL gives plain text.

Ordinary text comes out unchanged except for a backslash before these characters.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlsplit

# Line breaks, tabs, other C0/C1 controls, DEL and the Unicode line/paragraph separators
# become one space: a value can never start a new line (and so a new block).
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
# Inline syntax: escapes, code, emphasis, strike-through, links and images, HTML and
# autolinks, table cells, math (`$`).
_INLINE = re.compile(r"([\\`*_~\[\]<>|$])")
# `&amp;`, `&#123;`: an entity would show as the character it names.
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# At the start of a line (or of a list item), once the inline characters are escaped:
# a heading, a bullet, a thematic break or setext underline, a definition list; and an
# ordered list item ("1. ", "2) ").
_BLOCK_START = re.compile(r"^[#+\-=:]")
_ORDERED_MARKER = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
# "Title #" in a heading: the closing hashes would be dropped as heading syntax.
_CLOSING_HASHES = re.compile(r"(?<=\s)(#+)$")
_BACKTICKS = re.compile(r"`+")
# Bidirectional embeddings, overrides and isolates: they can make a file name or a message
# read differently from what it is.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# RFC 3986 reserved and unreserved characters that cannot end a markdown link destination
# or break out of it; everything else (spaces, parentheses, <, >, quotes, backslashes,
# backticks, braces, controls, non-ASCII) is percent-encoded.
_URL_SAFE = "-._~:/?#[]@!$&'*+,;=%"


def one_line(text: str) -> str:
    """`text` on one line: control characters and line breaks become spaces, lone
    surrogates (from undecodable file names) U+FFFD, and the ends are stripped (leading
    spaces would make an indented code block)."""
    return _BREAKS.sub(" ", _SURROGATES.sub("\ufffd", text)).strip()


def escape_markdown(text: str) -> str:
    """Source text is data: it must not turn into links, emphasis, HTML or a new block."""
    text = one_line(text)
    text = _ENTITY.sub(r"\\&", _INLINE.sub(r"\\\1", text))
    text = _CLOSING_HASHES.sub(r"\\\1", text)
    if _ORDERED_MARKER.match(text):
        return _ORDERED_MARKER.sub(r"\1\\\2", text, count=1)
    if _BLOCK_START.match(text):
        return "\\" + text
    return text


def code_span(text: str) -> str:
    """`text` as an inline code span (file names): inert, on one line, control
    characters shown as escapes."""
    shown = printable(text)
    if not shown:
        return ""
    longest = max((len(run) for run in _BACKTICKS.findall(shown)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if shown[0] in "` " or shown[-1] in "` " else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def printable(text: str) -> str:
    """`text` as one line for a terminal: control characters (escape sequences, line
    breaks) and bidirectional overrides written out as escapes (`\\n`, `\\x1b`)."""
    return "".join(_visible(c) for c in _SURROGATES.sub("\ufffd", text))


def _visible(char: str) -> str:
    if unicodedata.category(char) in {"Cc", "Zl", "Zp"} or char in _BIDI:
        return char.encode("unicode_escape").decode("ascii")
    return char


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s) with a host; anything else (javascript:, data:, a URL
    that does not parse) is dropped."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # an unbalanced IPv6 bracket, for one
        return None
    if parts.scheme.lower() in {"http", "https"} and parts.netloc:
        return url
    return None


def link_destination(url: str) -> str:
    """A URL as a markdown link destination that cannot end early or carry markup."""
    encoded = quote(_SURROGATES.sub("\ufffd", url), safe=_URL_SAFE)
    return _ENTITY.sub(r"\\&", encoded)


def markdown_link(text: str, url: str | None) -> str:
    """`[text](url)` for an http(s) URL, else the text alone; the text is escaped."""
    label = escape_markdown(text)
    target = safe_url(url)
    if target is None or not label:
        return label
    return f"[{label}]({link_destination(target)})"
