"""What a tool parser knows about the line it is parsing.

Every tool parser is a function ``(argv, ctx) -> Command``.  The context carries where
the command runs (changed by ``ip netns exec NS`` / ``ip -n NS``), the source position
every Command records, and ``dispatch`` — the registry's entry point — so that
``ip netns exec`` can hand the rest of the line to whichever tool it names without the
``ip`` parser importing the registry.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, TypeVar

from sim.commands import Command
from sim.model import ROOT_NS
from sim.script.validate import duparg, incomplete

C = TypeVar("C", bound=Command)
T = TypeVar("T")


@dataclass(frozen=True)
class Context:
    netns: str = ROOT_NS
    line: int = 0
    text: str = ""
    #: True inside ``ip netns exec`` / ``ip -n``: namespace management is refused there.
    nested: bool = False
    #: Parses an inner command line (``ip netns exec NS <argv>``); set by the registry.
    dispatch: Callable[[list[str], "Context"], Command] | None = None

    def make(self, cls: type[C], **fields) -> C:
        """Build a Command that runs where this line runs and remembers its source."""
        return cls(netns=self.netns, line=self.line, text=self.text, **fields)

    def inside(self, netns: str) -> "Context":
        """The context of a command that ``ip netns exec NS`` / ``ip -n NS`` runs."""
        # Not dataclasses.replace(): this runs for every ``-n NS`` line of a big lab.
        return Context(netns, self.line, self.text, True, self.dispatch)


class Args:
    """An argv being consumed left to right, like iproute2's ``argc/argv`` with NEXT_ARG()."""

    def __init__(self, argv: list[str]):
        self._argv = list(argv)
        self._i = 0

    def __bool__(self) -> bool:
        return self._i < len(self._argv)

    def __len__(self) -> int:
        return len(self._argv) - self._i

    def peek(self, k: int = 0) -> str:
        """The word ``k`` places ahead, without consuming it."""
        return self._argv[self._i + k]

    def pop(self) -> str:
        """The next word (caller has checked there is one)."""
        word = self._argv[self._i]
        self._i += 1
        return word

    def value(self) -> str:
        """NEXT_ARG(): the value after a keyword, or iproute2's "not complete" error."""
        if not self:
            raise incomplete()
        return self.pop()

    def once(self, name: str, current: T | None, check: Callable[[str], T]) -> T:
        """The value after keyword ``name``, checked; iproute2's duparg() if it was given
        before (``current`` is not None)."""
        value = self.value()
        if current is not None:
            raise duparg(name, value)
        return check(value)

    def rest(self) -> list[str]:
        """Everything not consumed yet (and consume it)."""
        rest = self._argv[self._i:]
        self._i = len(self._argv)
        return rest
