"""Find the command lines of a lab text: plain scripts, and pasted terminal sessions.

Two shapes of text are labs:

* a plain script — every non-blank line that is not a ``#`` comment is a command;
* a terminal transcript (a book section, a markdown file) — as soon as any line starts
  with a ``$ `` prompt, only prompted lines are commands.  The other lines are what the
  commands printed (or prose around them): in *lenient* mode they are skipped, otherwise
  each one is reported so that a pasted ``13: veth1@if12: ...`` is not silently dropped.

``# `` is never a prompt: a root prompt and a comment cannot be told apart, and treating
it as a comment is the safe reading.  A line ending in a backslash continues on the next
line, as in ``sh``; the command keeps the number of its first line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sim.script.source import split_lines

_PROMPT = re.compile(r"^\s*\$(?: |$)")


@dataclass(frozen=True)
class SourceLine:
    """One command (or, in strict transcript mode, one stray output line) of a lab text."""

    line: int  # 1-based number of the first physical line
    text: str  # without the "$ " prompt, stripped; continuations joined
    is_output: bool = False  # a non-prompted line in a transcript (strict mode reports it)


def _continues(text: str) -> bool:
    """An odd number of trailing backslashes escapes the newline."""
    return (len(text) - len(text.rstrip("\\"))) % 2 == 1


def has_prompt(text: str) -> bool:
    """True when the text is a transcript: some line starts with a ``$ `` prompt."""
    return any(_PROMPT.match(raw) for raw in split_lines(text))


def source_lines(text: str, *, lenient_output: bool = False) -> list[SourceLine]:
    """The command lines of ``text`` in order (see the module docstring for the rules)."""
    raw_lines = split_lines(text)
    prompted = has_prompt(text)
    out: list[SourceLine] = []
    i = 0
    while i < len(raw_lines):
        start = i
        raw = raw_lines[i]
        i += 1
        m = _PROMPT.match(raw)
        if prompted and not m:
            body = raw.strip()
            if body and not body.startswith("#") and not lenient_output:
                out.append(SourceLine(start + 1, body, is_output=True))
            continue
        body = raw[m.end():] if m else raw
        while _continues(body) and i < len(raw_lines):
            body = body[:-1] + " " + raw_lines[i]
            i += 1
        body = body.strip()
        if not body or body.startswith("#"):
            continue
        out.append(SourceLine(start + 1, body))
    return out
