"""``sysctl`` as procps-ng 4.0 reads its command line, for one ``net.`` key.

``sysctl [-q] [-w] KEY`` reads, ``sysctl [-q] [-w] KEY=VALUE`` writes (procps writes on
``=`` with or without ``-w``); ``-w KEY`` without a value is procps' "invalid syntax".
Keys may be written with slashes (``net/ipv4/ip_forward``) and are kept with dots, as
procps prints them.  The lab models ``net.`` keys only, one per line.
"""
from __future__ import annotations

from sim.commands import Command, Sysctl
from sim.script.context import Context
from sim.script.validate import LineError, unsupported

_SUPPORTED = "sysctl [-q] [-w] net.KEY[=VALUE]"
_LONG = {"--quiet": "q", "--write": "w"}


def _key(text: str) -> str:
    """procps' normalisation: a key with slashes has them turned into dots."""
    return text.replace("/", ".") if "/" in text else text


def parse_sysctl(argv: list[str], ctx: Context) -> Command:
    quiet = write = False
    operands: list[str] = []
    for word in argv[1:]:
        if word in _LONG:
            word = "-" + _LONG[word]
        if word.startswith("-") and len(word) > 1 and not operands:
            for c in word[1:]:
                if c == "q":
                    quiet = True
                elif c == "w":
                    write = True
                else:
                    raise unsupported(f'the sysctl option "-{c}"', _SUPPORTED)
            continue
        operands.append(word)
    if not operands:
        if write:
            raise LineError("sysctl: no variables specified")
        raise unsupported('"sysctl" without a key', _SUPPORTED)
    if len(operands) > 1:
        raise unsupported("more than one key on a sysctl line", _SUPPORTED)
    text = operands[0]
    key, eq, value = text.partition("=")
    key = _key(key.strip())
    if write and not eq:
        raise LineError("sysctl: command line(0): invalid syntax, continuing...")
    if not key.startswith("net.") or key == "net.":
        raise unsupported(f'the sysctl key "{key}" (only net.* keys are modelled)', _SUPPORTED)
    return ctx.make(Sysctl, key=key, value=value if eq else None, quiet=quiet)
