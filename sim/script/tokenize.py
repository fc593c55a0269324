"""Split one command line into words the way a POSIX shell would, without running one.

A lab line is what a reader would type at a prompt, so quoting and backslashes work as
in ``sh``; but the lab runs each line itself, so shell *syntax* — pipes, lists,
redirections, substitutions, variables — has no meaning here and is refused with a clear
message rather than silently passed to a tool as an argument.
"""
from __future__ import annotations

import re
from sys import intern

from sim.script.validate import LineError

#: Characters that are shell operators when unquoted.
_OPERATORS = {
    "|": "|",
    ";": ";",
    "&": "&",
    "<": "<",
    ">": ">",
    "(": "(",
    ")": ")",
    "`": "`",
}


def _shell_syntax(what: str) -> LineError:
    return LineError(
        f'vethlab: shell syntax "{what}" is not supported '
        "(one command per line: no pipes, lists, redirections, substitutions or variables)"
    )


def _dollar(text: str, i: int) -> None:
    """Refuse ``$NAME``, ``${..}``, ``$(..)``, ``$?`` …; a ``$`` before anything else is literal."""
    nxt = text[i + 1] if i + 1 < len(text) else ""
    if nxt and (nxt.isalnum() or nxt in "_({?!@*#$-"):
        raise _shell_syntax("$(" if nxt == "(" else "$" + nxt)


#: A line with none of the characters the shell treats specially splits at whitespace
#: alone: the common case (a 10,000-namespace lab has 70,000 such lines), done in C.
_PLAIN = re.compile(r"[^\\'\"#$|;&<>()`]*")


def split(text: str) -> list[str]:
    """Words of ``text``; an unquoted ``#`` at the start of a word begins a comment."""
    if _PLAIN.fullmatch(text):
        # str.isspace() whitespace, as the loop below splits at.  Interned: a big lab
        # names the same namespaces and devices on thousands of lines, and its commands
        # keep the words.
        return [intern(w) for w in text.split()]
    words: list[str] = []
    word: list[str] = []
    in_word = False
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            if in_word:
                words.append("".join(word))
                word, in_word = [], False
            i += 1
        elif c == "#" and not in_word:
            break
        elif c == "\\":
            if i + 1 >= n:
                raise LineError("vethlab: a line cannot end with a lone backslash")
            word.append(text[i + 1])
            in_word = True
            i += 2
        elif c == "'":
            end = text.find("'", i + 1)
            if end < 0:
                raise LineError("vethlab: unterminated quote (')")
            word.append(text[i + 1 : end])
            in_word = True
            i = end + 1
        elif c == '"':
            i = _double_quoted(text, i + 1, word)
            in_word = True
        elif c in _OPERATORS:
            op = text[i : i + 2] if text[i : i + 2] in ("||", "&&", ">>", "<<") else c
            raise _shell_syntax(op)
        elif c == "$":
            _dollar(text, i)
            word.append(c)
            in_word = True
            i += 1
        else:
            word.append(c)
            in_word = True
            i += 1
    if in_word:
        words.append("".join(word))
    return words


def _double_quoted(text: str, i: int, word: list[str]) -> int:
    """Append the body of a ``"..."`` string starting at ``i``; return the index after it."""
    n = len(text)
    while i < n:
        c = text[i]
        if c == '"':
            return i + 1
        if c == "\\" and i + 1 < n and text[i + 1] in '$`"\\':
            word.append(text[i + 1])
            i += 2
            continue
        if c == "`":
            raise _shell_syntax("`")
        if c == "$":
            _dollar(text, i)
        word.append(c)
        i += 1
    raise LineError('vethlab: unterminated quote (")')
