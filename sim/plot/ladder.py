"""The ladder (sequence) diagram: one column per interface, one arrow per frame crossing.

A frame crossing a veth pair is seen twice (``out`` on one end, ``in`` on the other); the
ladder pairs the two into one arrow.  Rows are evenly spaced in the order things happened,
each labelled with its time, and a long quiet stretch (ping's 1 s interval) is marked
between rows — a linear time axis would squash a burst of microseconds into one line.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.plot.labels import label, protocol
from sim.trace import Frame

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.result import Run

COLOURS = {"ARP": "#d9730d", "ICMP": "#2f6fb3", "IPv4": "#6a6a6a", "other": "#9a9a9a"}
#: A pause longer than this between two rows is drawn as a break in the time axis.
GAP = 0.05


@dataclass(frozen=True)
class Arrow:
    """One frame's journey: from the interface that sent it to the one that received it."""

    t: float
    src: tuple[str, str] | None
    dst: tuple[str, str] | None
    data: bytes

    @property
    def protocol(self) -> str:
        return protocol(self.data)

    @property
    def label(self) -> str:
        return label(self.data)


def arrows(frames: list[Frame], protocols: set[str] | None = None) -> list[Arrow]:
    """Pair each ``out`` frame with the ``in`` frame carrying the same bytes next.

    An ``out`` with no matching ``in`` (dropped, no carrier) becomes an arrow to nowhere;
    an ``in`` with no ``out`` (sent from outside the lab) one from nowhere.
    """
    pending: list[Frame] = sorted(frames, key=lambda f: f.t)
    used: set[int] = set()
    result: list[Arrow] = []
    for i, f in enumerate(pending):
        if i in used:
            continue
        used.add(i)
        if f.dir == "out":
            j = next((k for k in range(i + 1, len(pending)) if k not in used
                      and pending[k].dir == "in" and pending[k].data == f.data
                      and (pending[k].netns, pending[k].dev) != (f.netns, f.dev)), None)
            dst = None
            if j is not None:
                used.add(j)
                dst = (pending[j].netns, pending[j].dev)
            result.append(Arrow(f.t, (f.netns, f.dev), dst, f.data))
        else:
            result.append(Arrow(f.t, None, (f.netns, f.dev), f.data))
    if protocols:
        result = [a for a in result if a.protocol in protocols]
    return result


def columns(run: "Run") -> list[tuple[str, str]]:
    """Interfaces in the order they first carried a frame, grouped by namespace."""
    order = run.interfaces
    ns_order: list[str] = []
    for ns, _ in order:
        if ns not in ns_order:
            ns_order.append(ns)
    return sorted(order, key=lambda c: (ns_order.index(c[0]), order.index(c)))


def ladder(run: "Run", *, protocols: set[str] | None = None, max_arrows: int = 120) -> "Figure":
    """Draw the run's frames as a ladder diagram and return the Figure."""
    from matplotlib.figure import Figure

    cols = columns(run)
    arrs = arrows(run.frames, protocols)[:max_arrows]
    x = {c: i for i, c in enumerate(cols)}
    height = max(3.0, 0.42 * len(arrs) + 1.6)
    fig = Figure(figsize=(max(6.0, 2.6 * len(cols) + 2.5), height))
    ax = fig.add_subplot()
    n = len(arrs)
    for c, i in x.items():
        ax.plot([i, i], [-0.5, n - 0.2], color="#444", lw=1)
        ax.text(i, -0.9, f"{c[0]}\n{c[1]}", ha="center", va="bottom", fontsize=9, weight="bold")
    prev_t = None
    for row, a in enumerate(arrs):
        colour = COLOURS[a.protocol]
        xs = x[a.src] if a.src in x else None
        xd = x[a.dst] if a.dst in x else None
        if xs is not None and xd is not None:
            ax.annotate("", xy=(xd, row), xytext=(xs, row),
                        arrowprops=dict(arrowstyle="-|>", color=colour, lw=1.6))
            ax.text((xs + xd) / 2, row - 0.12, a.label, ha="center", va="bottom", fontsize=8,
                    color=colour)
        else:
            at = xs if xs is not None else xd
            ax.plot([at], [row], marker="x" if xs is not None else "o", color=colour)
            ax.text(at + 0.05, row - 0.12, a.label + (" (not received)" if xs is not None else ""),
                    ha="left", va="bottom", fontsize=8, color=colour)
        if prev_t is not None and a.t - prev_t > GAP:
            ax.axhline(row - 0.5, color="#bbb", lw=0.8, ls=":")
            ax.text(len(cols) - 0.5, row - 0.5, f"{a.t - prev_t:.3f} s later", fontsize=7,
                    color="#888", va="center", ha="left")
        ax.text(-0.6, row, f"{a.t:.6f} s", ha="right", va="center", fontsize=7, color="#555")
        prev_t = a.t
    ax.set_xlim(-1.6, max(len(cols) - 0.5, 0.5) + 0.9)
    ax.set_ylim(n + 0.2, -1.4)
    ax.axis("off")
    ax.set_title(f"{run.script or 'lab'} on the {run.backend} backend: {n} frames", fontsize=10)
    return fig
