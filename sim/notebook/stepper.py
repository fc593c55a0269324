"""Step through a run one frame crossing at a time: the state model behind the widget.

Pure Python, no widgets: the buttons, the slider and the player of ``sim.notebook.widget``
only call ``step``/``back``/``at``/``set_protocol`` and render ``current()``, so every
transition is testable without a browser.  A step is one frame crossing (the ``out`` on
the sender paired with the ``in`` on the peer, as in the ladder).  For it the model
offers the dissection layer by layer, why it was sent (the reasons of the neighbour
events leading up to it) and every namespace's neighbour table at that moment.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.model import Neighbour
from sim.plot.ladder import Arrow, arrows
from sim.plot.labels import protocol

if TYPE_CHECKING:
    from sim.result import Run
    from sim.trace import Event

#: The filters the step-through offers; "all" keeps every frame.
PROTOCOLS = ("all", "ARP", "ICMP")
#: Events this close after a frame's time still count as "before" it: the simulator
#: records the decision and the frame it caused at the same instant.
EPSILON = 1e-9


def neighbour_tables(events: "list[Event]", t: float) -> dict[str, list[Neighbour]]:
    """Every namespace's neighbour table at time ``t``, replayed from the events.

    An entry exists from its first event to one whose new state is ``NONE``; its state
    and link-layer address are the latest ones.  Namespaces whose table is empty at
    ``t`` (but had entries before or after) are kept with an empty list.
    """
    tables: dict[str, dict[tuple[str, str], Neighbour]] = {}
    for e in sorted((e for e in events if e.kind == "neigh"), key=lambda e: e.t):
        table = tables.setdefault(e.netns, {})
        if e.t > t + EPSILON:
            continue
        key = (e.dev, e.subject)
        if e.new in ("NONE", ""):
            table.pop(key, None)
            continue
        old = table.get(key)
        lladdr = e.lladdr or (old.lladdr if old else None)
        table[key] = Neighbour(dst=e.subject, dev=e.dev, lladdr=lladdr, state=e.new)
    return {ns: list(tbl.values()) for ns, tbl in tables.items()}


def table_text(entries: list[Neighbour]) -> str:
    """``ip neigh`` style lines for one table (empty string for an empty table)."""
    lines = []
    for n in entries:
        ll = f" lladdr {n.lladdr}" if n.lladdr and n.state not in ("INCOMPLETE", "FAILED") else ""
        lines.append(f"{n.dst} dev {n.dev}{ll} {n.state}")
    return "\n".join(lines)


def dissect(data: bytes) -> str:
    """Scapy's layer-by-layer view (``Ether(data).show(dump=True)``); scapy loads lazily
    because importing it takes a second and most runs are never dissected."""
    try:
        import scapy.layers.inet  # noqa: F401 - binds IPv4/ICMP under Ether
        from scapy.layers.l2 import Ether
    except ImportError:  # pragma: no cover - scapy is a dependency
        from sim.dissect import summarize

        return summarize(data) + "\n(install scapy for the layer-by-layer view)"
    return Ether(data).show(dump=True)


@dataclass(frozen=True)
class StepView:
    """Everything the view shows for one step."""

    index: int
    total: int
    arrow: Arrow
    summary: str
    reasons: tuple[str, ...]
    events: tuple["Event", ...]
    tables: dict[str, list[Neighbour]]

    @property
    def t(self) -> float:
        return self.arrow.t

    @property
    def heading(self) -> str:
        src = "/".join(self.arrow.src) if self.arrow.src else "outside"
        dst = "/".join(self.arrow.dst) if self.arrow.dst else "nobody"
        return (f"step {self.index + 1} of {self.total} — t={self.t:.6f} s — {src} → {dst}: "
                f"{self.arrow.label}")

    def dissection(self) -> str:
        return dissect(self.arrow.data)


class Stepper:
    """A cursor over a run's frame crossings, optionally filtered by protocol."""

    def __init__(self, run: "Run", protocols: str | set[str] | None = None):
        self.run = run
        self._all = arrows(run.frames)
        self._events = sorted(run.events, key=lambda e: e.t)
        self.protocol = "all"
        self.steps: list[Arrow] = list(self._all)
        self.index = 0
        self.set_protocol(protocols or "all")

    # ---- navigation --------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.steps)

    def set_protocol(self, protocols: str | set[str]) -> None:
        """Keep only ``"ARP"``, ``"ICMP"`` (or a set of such), or ``"all"``.

        The cursor stays on the same frame if it survives the filter, otherwise moves to
        the first kept frame after it (or the last one).
        """
        wanted = {protocols} if isinstance(protocols, str) else set(protocols)
        unknown = wanted - set(PROTOCOLS) - {"IPv4", "other"}
        if unknown:
            raise ValueError(f"unknown protocol {sorted(unknown)[0]!r} "
                             f"(choose from {', '.join(PROTOCOLS)})")
        current = self.steps[self.index] if self.steps else None
        self.protocol = "all" if "all" in wanted else ",".join(sorted(wanted))
        self.steps = [a for a in self._all if "all" in wanted or protocol(a.data) in wanted]
        if current is None or not self.steps:
            self.index = 0
        elif current in self.steps:
            self.index = self.steps.index(current)
        else:
            later = [i for i, a in enumerate(self.steps) if a.t >= current.t]
            self.index = later[0] if later else len(self.steps) - 1

    def at(self, i: int) -> "StepView | None":
        """Jump to step ``i`` (clamped to the range), as a slider or a player does."""
        if not self.steps:
            self.index = 0
            return None
        self.index = max(0, min(int(i), len(self.steps) - 1))
        return self.current()

    def step(self) -> "StepView | None":
        """Forward one frame; stays on the last one at the end."""
        return self.at(self.index + 1)

    def back(self) -> "StepView | None":
        """Back one frame; stays on the first one at the start."""
        return self.at(self.index - 1)

    @property
    def at_end(self) -> bool:
        return not self.steps or self.index == len(self.steps) - 1

    # ---- what the view shows -------------------------------------------------------------
    def current(self) -> "StepView | None":
        if not self.steps:
            return None
        a = self.steps[self.index]
        pos = self._all.index(a)
        prev_t = self._all[pos - 1].t if pos > 0 else float("-inf")
        since = tuple(e for e in self._events
                      if prev_t + EPSILON < e.t <= a.t + EPSILON)
        reasons = tuple(dict.fromkeys(e.reason for e in since if e.reason))
        if not reasons:  # nothing new since the last frame: the latest explanation stands
            earlier = [e for e in self._events if e.t <= a.t + EPSILON and e.reason]
            reasons = (earlier[-1].reason,) if earlier else ()
        from sim.dissect import summarize

        return StepView(index=self.index, total=len(self.steps), arrow=a,
                        summary=summarize(a.data), reasons=reasons, events=since,
                        tables=neighbour_tables(self._events, a.t))

    def text(self) -> str:
        """The current step as plain text (what a terminal or a test reads)."""
        v = self.current()
        if v is None:
            return f"no {self.protocol} frames in this run"
        out = [v.heading, v.summary, ""]
        out += ["why:"] + [f"  {r}" for r in v.reasons or ("(the backend gave no reason)",)]
        out.append("neighbour tables now:")
        for ns, entries in v.tables.items():
            body = table_text(entries) or "(empty)"
            out.append(f"  {ns}: " + body.replace("\n", "\n  " + " " * (len(ns) + 2)))
        return "\n".join(out) + "\n"
