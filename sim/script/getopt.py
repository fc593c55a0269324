"""The command-line conventions iputils' tools share: GNU getopt and strtol_or_err.

ping and arping parse their words the same way and word their errors the same way
(``ping: invalid option -- 'x'``), so both parsers use this one implementation with
their own option string and program name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sim.script.validate import LineError


@dataclass(frozen=True)
class Getopt:
    """One tool's getopt string (a letter followed by ``:`` takes a value)."""

    program: str
    optstring: str

    @property
    def takes_value(self) -> set[str]:
        s = self.optstring
        return {c for i, c in enumerate(s) if s[i + 1:i + 2] == ":"}

    @property
    def known(self) -> set[str]:
        return set(self.optstring.replace(":", ""))

    def error(self, message: str) -> LineError:
        return LineError(f"{self.program}: {message}")

    def strtol(self, text: str, low: int, high: int) -> int:
        """iputils' strtol_or_err(): a whole decimal number within [low, high]."""
        if not re.fullmatch(r"\s*[+-]?\d+", text):
            raise self.error(f"invalid argument: '{text}'")
        value = int(text)
        if not low <= value <= high:
            raise self.error(f"invalid argument: '{text}': out of range: {low} <= value <= {high}")
        return value

    def parse(self, argv: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
        """GNU getopt with permutation: (option, value) pairs and the operands."""
        known, takes_value = self.known, self.takes_value
        opts: list[tuple[str, str]] = []
        operands: list[str] = []
        i = 0
        while i < len(argv):
            word = argv[i]
            i += 1
            if word == "--":
                operands.extend(argv[i:])
                break
            if not word.startswith("-") or word == "-":
                operands.append(word)
                continue
            j = 1
            while j < len(word):
                c = word[j]
                j += 1
                if c not in known:
                    raise self.error(f"invalid option -- '{c}'")
                if c not in takes_value:
                    opts.append((c, ""))
                    continue
                if j < len(word):
                    value, j = word[j:], len(word)
                elif i < len(argv):
                    value, i = argv[i], i + 1
                else:
                    raise self.error(f"option requires an argument -- '{c}'")
                opts.append((c, value))
        return opts, operands
