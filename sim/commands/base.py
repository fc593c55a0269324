"""The base of every command, and ``Script``: a parsed lab.

Each command knows the namespace it runs in (``netns``: ``ROOT_NS`` unless the line used
``ip netns exec NS`` or ``ip -n NS``) and the source position it came from, so errors can
name ``FILE:LINE``; each prints itself back as the script line that makes it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sim.model import ROOT_NS


@dataclass(frozen=True, kw_only=True)
class Command:
    """Base: where the command runs and where it came from."""

    netns: str = ROOT_NS
    line: int = 0  # 1-based line in the script; 0 when built from Python
    text: str = ""  # the line as written, without a "$ " prompt

    def to_script(self) -> str:
        """The script line that makes this command."""
        return self.text or self._render()

    def _render(self) -> str:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def _wrap(self, body: str) -> str:
        """Prefix ``ip netns exec NS`` when the command runs in a named namespace."""
        return body if self.netns == ROOT_NS else f"ip netns exec {self.netns} {body}"


@dataclass(frozen=True)
class Script:
    """A parsed lab: its commands in order and the file they came from."""

    path: str
    commands: tuple[Command, ...] = field(default_factory=tuple)
