"""The neighbour-state timeline: each ARP entry as a bar that changes colour with its state.

One panel per namespace, one row per entry (``dev`` and address).  Reading along a row
shows the life of an entry — INCOMPLETE while the request is out, REACHABLE once
answered, STALE after ``base_reachable_time``, DELAY/PROBE when traffic needs it again —
which is the part of ARP that a packet list hides.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.result import Run
    from sim.trace import Event

STATE_COLOURS = {
    "INCOMPLETE": "#f4a261", "REACHABLE": "#2a9d8f", "STALE": "#b8b8b8", "DELAY": "#e9c46a",
    "PROBE": "#e76f51", "FAILED": "#c1121f", "PERMANENT": "#264653", "NOARP": "#8d99ae",
}
#: States that mean the entry does not exist.
GONE = {"NONE", ""}


@dataclass(frozen=True)
class Span:
    """One stretch of an entry's life in one state."""

    netns: str
    dev: str
    subject: str
    state: str
    start: float
    end: float
    lladdr: str | None = None
    reason: str = ""


def end_time(run: "Run") -> float:
    """When the run ended: its last frame, event or command."""
    ts = [f.t for f in run.frames] + [e.t for e in run.events]
    ts += [c.t + c.duration for c in run.commands]
    return max(ts, default=0.0)


def spans(run: "Run") -> list[Span]:
    """Every neighbour entry's states as time spans, the last one open until the run ends."""
    end = end_time(run)
    open_: dict[tuple[str, str, str], "Event"] = {}
    out: list[Span] = []
    for e in sorted((e for e in run.events if e.kind == "neigh"), key=lambda e: e.t):
        key = (e.netns, e.dev, e.subject)
        prev = open_.pop(key, None)
        if prev is not None and prev.new not in GONE:
            out.append(Span(*key, prev.new, prev.t, e.t, prev.lladdr, prev.reason))
        if e.new not in GONE:
            open_[key] = e
    for key, prev in open_.items():
        out.append(Span(*key, prev.new, prev.t, max(end, prev.t), prev.lladdr, prev.reason))
    return sorted(out, key=lambda s: (s.netns, s.start))


def neighbours(run: "Run", *, until: float | None = None) -> "Figure":
    """A Figure with one timeline panel per namespace that had neighbour entries.

    ``until`` cuts the time axis (e.g. to the first seconds of a long run).
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    sp = spans(run)
    if until is not None:
        sp = [Span(s.netns, s.dev, s.subject, s.state, s.start, min(s.end, until), s.lladdr,
                   s.reason) for s in sp if s.start <= until]
    namespaces = list(dict.fromkeys(s.netns for s in sp))
    rows = {ns: list(dict.fromkeys((s.dev, s.subject) for s in sp if s.netns == ns))
            for ns in namespaces}
    heights = [max(1, len(rows[ns])) for ns in namespaces] or [1]
    fig = Figure(figsize=(10, 1.0 + 0.55 * sum(heights) + 0.5 * len(heights)))
    if not sp:
        ax = fig.add_subplot()
        ax.text(0.5, 0.5, "no neighbour events in this run", ha="center", va="center")
        ax.axis("off")
        return fig
    axes = fig.subplots(len(namespaces), 1, sharex=True, squeeze=False,
                        gridspec_kw={"height_ratios": heights})[:, 0]
    stop = max(s.end for s in sp)
    span_len = max(stop, 1e-6)
    for ax, ns in zip(axes, namespaces):
        keys = rows[ns]
        for s in (s for s in sp if s.netns == ns):
            y = keys.index((s.dev, s.subject))
            width = max(s.end - s.start, span_len * 0.004)
            ax.barh(y, width, left=s.start, height=0.6, color=STATE_COLOURS.get(s.state, "#999"),
                    edgecolor="white", lw=0.8)
            if width > span_len * 0.08:
                ax.text(s.start + width / 2, y, s.state, ha="center", va="center", fontsize=7,
                        color="white" if s.state in ("REACHABLE", "FAILED", "PERMANENT",
                                                     "PROBE") else "black")
        ax.set_yticks(range(len(keys)), [f"{ip} dev {dev}" for dev, ip in keys], fontsize=8)
        ax.set_ylim(len(keys) - 0.4, -0.6)
        ax.set_title(f"netns {ns}", loc="left", fontsize=9, weight="bold")
        ax.grid(axis="x", color="#eee")
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    axes[-1].set_xlabel("seconds since the run began")
    axes[-1].set_xlim(0, span_len * 1.02)
    used = [st for st in STATE_COLOURS if any(s.state == st for s in sp)]
    fig.legend(handles=[Patch(color=STATE_COLOURS[st], label=st) for st in used],
               loc="upper right", ncol=len(used), fontsize=8, frameon=False,
               bbox_to_anchor=(1.0, 1.0))
    fig.suptitle(f"neighbour (ARP) entries over time — {run.script or 'lab'}", fontsize=10,
                 x=0.02, ha="left", y=0.985)
    top = 1 - 0.55 / fig.get_figheight()
    fig.tight_layout(rect=(0, 0, 1, top))
    return fig
