"""Progress bars for long work: a big simulation, or the kernel backend setting up.

A class lab runs in a blink and needs no bar; a 10,000-namespace lab or a hundred pods on
real namespaces take seconds, and a silent terminal looks hung.  ``tqdm.auto`` draws a
text bar on a terminal and a widget in a notebook.  Bars go to stderr, are off unless
asked for (the CLI asks when stderr is a terminal and ``--no-progress`` was not given;
tests never ask), and appear only once the work has taken ``DELAY`` seconds, so short
runs print nothing at all.
"""
from __future__ import annotations

import sys
from typing import Any

#: Seconds before a bar appears: short runs stay silent.
DELAY = 1.0


class NoBar:
    """What ``bar()`` returns when no bar is wanted: every call does nothing."""

    def update(self, n: int = 1) -> None:
        pass

    def set_postfix_str(self, s: str, refresh: bool = True) -> None:
        pass

    def close(self) -> None:
        pass


def wanted(flag: bool | None, stream: Any = None) -> bool:
    """``flag`` if given, else whether ``stream`` (stderr) is an interactive terminal."""
    if flag is not None:
        return flag
    stream = stream if stream is not None else sys.stderr
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def bar(total: int, desc: str, enabled: bool, unit: str = "cmd") -> Any:
    """A tqdm bar on stderr (or a notebook widget), or a ``NoBar`` when not enabled."""
    if not enabled:
        return NoBar()
    try:
        from tqdm.auto import tqdm
    except ImportError:  # tqdm is a dependency, but a bar is never worth failing for
        return NoBar()
    return tqdm(total=total, desc=desc, unit=unit, delay=DELAY, file=sys.stderr,
                leave=False, dynamic_ncols=True)
