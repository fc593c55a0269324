"""A lab built up cell by cell, like typing into a terminal.

Every run of a lab starts from nothing, so a notebook that wants to explain one command
per cell keeps the lines typed so far and re-runs all of them, showing only what the new
lines printed.  On the simulator a run is deterministic (seeded), so earlier outputs do
not change under the reader's eyes; on the kernel each re-run is a fresh sandbox.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from sim.notebook.magic import Terminal

if TYPE_CHECKING:
    from sim.result import Run


class Session:
    """``s = Session(); s("ip netns add ns1")`` shows ``$ ip netns add ns1`` and its output."""

    def __init__(self, backend: str = "sim", *, seed: int = 0):
        self.backend = backend
        self.seed = seed
        self.lines: list[str] = []
        self.run: "Run | None" = None

    @property
    def script(self) -> str:
        return "\n".join(self.lines) + ("\n" if self.lines else "")

    def __call__(self, text: str) -> Terminal:
        """Add ``text``'s lines to the lab, run it all, and return the new part's session.

        A line that does not parse is not kept, so the reader can fix it and go on.
        """
        import sim
        from sim.notebook.html import terminal_html

        new = [ln.strip() for ln in text.strip().splitlines()
               if ln.strip() and not ln.strip().startswith("#")]
        run = sim.run("\n".join(self.lines + new) + "\n", backend=self.backend,
                      path="<session>", seed=self.seed)
        self.lines += new
        self.run = run
        from copy import copy

        part = copy(run)
        part.commands = run.commands[len(run.commands) - len(new):] if new else []
        return Terminal(part.transcript(), terminal_html(part))
