"""Defences applied while reading inputs, before any decoding or parsing (no spaCy here).

- `open_input`: regular files only (a FIFO, a device or a socket is refused, never opened for a
  blocking read), and a byte cap checked on the open file before a single byte is read.
- `guard_markup`: a `<` that does not open a complete tag before the next `<` is escaped, so an
  HTML parser never rescans an unterminated tag ("<a<a<a...", "<!--<!--...") for each later one.
- `clean_text`: invisible format characters (soft hyphens, zero-width spaces and joiners, bidi
  marks, BOMs) and control characters are removed: "£4\u200b50 million" is £450 million, never £4.
"""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path

BYTES_PER_CHAR = 4  # UTF-8 needs at most 4 bytes a character: a bigger text file is over max_chars
MARKUP_BYTES_PER_CHAR = 8  # an HTML page carries markup around its text; beyond this it is refused

_STRAY_LT = re.compile(r"<(?![A-Za-z/!?][^<>]*>)")
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
                        "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb"
                        "\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_LINE_SEPARATORS = re.compile("[\x85\u2028\u2029]")


class InputRefused(Exception):
    """An input is not a regular file, or is over its byte cap (code and fields for InputError)."""

    def __init__(self, code: str, **fields: object) -> None:
        super().__init__(code)
        self.code = code
        self.fields = fields


def byte_cap(suffix: str, max_chars: int) -> int:
    """The most bytes a file of this type may have to hold at most `max_chars` characters of text."""
    per_char = MARKUP_BYTES_PER_CHAR if suffix in (".html", ".htm") else BYTES_PER_CHAR
    return max_chars * per_char + 4  # + a BOM


def read_capped(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most `max_bytes` bytes. Opened without blocking (a FIFO
    would block an ordinary open), then checked with fstat before reading, and read with a bound
    so a file that grows meanwhile cannot exceed the cap."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputRefused("E013")
        if info.st_size > max_bytes:
            raise InputRefused("E015", size=info.st_size, limit=max_bytes)
        os.set_blocking(fd, True)
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise InputRefused("E015", size=total, limit=max_bytes)
        return b"".join(chunks)
    finally:
        os.close(fd)


def guard_markup(markup: str) -> str:
    """Every `<` that does not start a complete tag before the next `<` (linear: each test scans
    only to the next angle bracket): one that opens a broken tag ('<a<a<a', '<!--' with no end),
    which a browser would not show, is dropped; any other ('x < 5') is escaped and stays text."""
    return _STRAY_LT.sub(lambda m: "" if markup[m.end():m.end() + 1][:1].isalpha() or markup[m.end():m.end() + 1] in "/!?"
                         and markup[m.end():m.end() + 1] else "&lt;", markup)


def clean_text(text: str) -> str:
    """Text without invisible format and control characters; NEL and Unicode line and paragraph
    separators become line breaks."""
    return _INVISIBLE.sub("", _LINE_SEPARATORS.sub("\n", text))
