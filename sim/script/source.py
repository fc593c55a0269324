"""Lab files as bytes: decoding them, and the lines no parser should ever see.

Labs come from students and from the internet, so a file may be Latin-1, carry a NUL or
an escape sequence, or hold a megabyte on one line.  Each is a ``FILE:LINE:`` error here,
before any tool parser runs: bad bytes are reported at the line and column where they
are (a traceback from the codec would name neither), control characters are refused
because a terminal would hide them in the echoed command, and a line longer than a
terminal accepts is refused rather than tokenized.

Lines are counted at ``\\n`` only (a trailing ``\\r`` of a CRLF file is dropped), as an
editor counts them, so the line number in an error is the one the user sees.
"""
from __future__ import annotations

import unicodedata

from sim.errors import ScriptError
from sim.script.validate import LineError

#: The Linux terminal's line buffer (N_TTY_BUF_SIZE): no one typed a longer command.
MAX_LINE_BYTES = 4096
_BOM = "\ufeff"


def decode(data: bytes, path: str) -> str:
    """The text of a lab file; a leading byte-order mark is dropped.

    Raises ``ScriptError`` at the line of the first byte that is not UTF-8.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ScriptError(path, line, (
            f"vethlab: byte 0x{data[exc.start]:02x} at column {column} is not UTF-8 text "
            "(save the lab as UTF-8)")) from None
    return text[1:] if text.startswith(_BOM) else text


def split_lines(text: str) -> list[str]:
    """Physical lines, split at ``\\n`` only; a CRLF file's ``\\r`` is dropped."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [ln[:-1] if ln.endswith("\r") else ln for ln in lines]


def check_line(text: str) -> None:
    """Refuse a command line that is too long or carries a control character."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_LINE_BYTES:
        raise LineError(f"vethlab: this line is {size} bytes long; a lab line may have at "
                        f"most {MAX_LINE_BYTES}")
    if text.isascii() and text.isprintable():
        return  # no control character, no undecodable byte: the common case, in C
    for column, c in enumerate(text, 1):
        if 0xDC80 <= ord(c) <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
            raise LineError(f"vethlab: byte 0x{ord(c) - 0xDC00:02x} at column {column} is "
                            "not UTF-8 text")
        if c != "\t" and unicodedata.category(c) in ("Cc", "Cs"):
            raise LineError(f"vethlab: control character U+{ord(c):04X} at column {column} "
                            "(a lab line holds printable text only)")
