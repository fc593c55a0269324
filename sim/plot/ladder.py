"""The ladder (sequence) diagram: one column per interface, one arrow per frame crossing.

A frame crossing a veth pair is seen twice (``out`` on one end, ``in`` on the other); the
ladder pairs the two into one arrow.  Rows are evenly spaced in the order things happened,
each labelled with its time, and a long quiet stretch (ping's 1 s interval) is marked
between rows — a linear time axis would squash a burst of microseconds into one line.
Columns of one namespace share a shaded band, so "which kernel saw this" reads at a glance.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.plot.labels import label, protocol
from sim.trace import Frame

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from sim.result import Run

COLOURS = {"ARP": "#d9730d", "ICMP": "#2f6fb3", "IPv4": "#6a6a6a", "other": "#9a9a9a"}
#: A pause longer than this between two rows is drawn as a break in the time axis.
GAP = 0.05
_BAND = ("#f3f6fa", "#fbf6ef")  # alternating namespace shading
_BOX = dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.9)


@dataclass(frozen=True)
class Arrow:
    """One frame's journey: from the interface that sent it to the one that received it."""

    t: float
    src: tuple[str, str] | None
    dst: tuple[str, str] | None
    data: bytes
    t_in: float | None = None  # when the receiving end saw it

    @property
    def protocol(self) -> str:
        return protocol(self.data)

    @property
    def label(self) -> str:
        return label(self.data)


def arrows(frames: list[Frame], protocols: set[str] | None = None) -> list[Arrow]:
    """Pair each ``out`` frame with the ``in`` frame carrying the same bytes next.

    A veth pair usually joins two namespaces, so an ``in`` in another namespace is
    preferred to one in the same namespace (a bridge floods the same bytes out of several
    ports and up to itself within microseconds).  An ``in`` with no ``out`` in another
    namespace is drawn from where the same bytes last came in in its own namespace — a
    bridge handing a frame up to its own address.  An ``out`` with no matching ``in``
    (dropped, no carrier) becomes an arrow to nowhere.
    """
    pending: list[Frame] = sorted(frames, key=lambda f: f.t)
    used: set[int] = set()
    result: list[Arrow] = []
    for i, f in enumerate(pending):
        if i in used:
            continue
        used.add(i)
        if f.dir == "out":
            cands = [k for k in range(i + 1, len(pending)) if k not in used
                     and pending[k].dir == "in" and pending[k].data == f.data
                     and (pending[k].netns, pending[k].dev) != (f.netns, f.dev)]
            j = next((k for k in cands if pending[k].netns != f.netns),
                     cands[0] if cands else None)
            dst, t_in = None, None
            if j is not None:
                used.add(j)
                dst, t_in = (pending[j].netns, pending[j].dev), pending[j].t
            result.append(Arrow(f.t, (f.netns, f.dev), dst, f.data, t_in))
        else:
            src = next(((p.netns, p.dev) for p in reversed(pending[:i])
                        if p.dir == "in" and p.data == f.data and p.netns == f.netns
                        and p.dev != f.dev), None)
            result.append(Arrow(f.t, src, (f.netns, f.dev), f.data, f.t))
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


def _headers(ax: "Axes", cols: list[tuple[str, str]], bottom: float) -> None:
    """Shade each namespace's columns and name the namespace once, above its devices."""
    start = 0
    band = 0
    for i in range(1, len(cols) + 1):
        if i < len(cols) and cols[i][0] == cols[start][0]:
            continue
        ax.axvspan(start - 0.45, i - 1 + 0.45, ymin=0, ymax=1, color=_BAND[band % 2], zorder=0)
        ax.text((start + i - 1) / 2, -1.45, cols[start][0], ha="center", va="center",
                fontsize=10, weight="bold")
        band += 1
        start = i
    for i, c in enumerate(cols):
        ax.text(i, -0.95, c[1], ha="center", va="center", fontsize=9, family="monospace")
        ax.plot([i, i], [-0.6, bottom], color="#444", lw=1, zorder=1)


def _legend(ax: "Axes", used: set[str]) -> None:
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=COLOURS[p], lw=2, label=p) for p in COLOURS if p in used]
    if handles:
        ax.legend(handles=handles, loc="upper right", fontsize=7, frameon=False,
                  bbox_to_anchor=(1.0, 1.02))


def draw_ladder(ax: "Axes", run: "Run", *, protocols: set[str] | None = None,
                max_arrows: int = 120, highlight: int | None = None) -> list[Arrow]:
    """Draw the ladder on ``ax`` (so a notebook widget can embed it); returns the arrows.

    ``highlight`` is the index of one arrow to emphasise (the step-through's current one).
    """
    cols = columns(run)
    every = arrows(run.frames, protocols)
    arrs = every[:max_arrows]
    x = {c: i for i, c in enumerate(cols)}
    n = len(arrs)
    _headers(ax, cols, n - 0.3)
    prev_t = None
    for row, a in enumerate(arrs):
        colour = COLOURS[a.protocol]
        lw = 2.8 if row == highlight else 1.6
        if row == highlight:
            ax.axhspan(row - 0.45, row + 0.45, color="#fff3b0", zorder=0.5)
        xs = x.get(a.src) if a.src else None
        xd = x.get(a.dst) if a.dst else None
        if xs is not None and xd is not None:
            ax.annotate("", xy=(xd, row), xytext=(xs, row), zorder=3,
                        arrowprops=dict(arrowstyle="-|>", color=colour, lw=lw,
                                        shrinkA=0, shrinkB=0))
            ax.text((xs + xd) / 2, row - 0.16, a.label, ha="center", va="bottom", fontsize=8,
                    color=colour, bbox=_BOX, zorder=4)
        else:
            at = xs if xs is not None else xd
            ax.plot([at], [row], marker="x" if xs is not None else "o", color=colour, zorder=3)
            note = " (nobody received it)" if xs is not None else " (from outside the lab)"
            ax.text(at + 0.08, row, a.label + note, ha="left", va="center", fontsize=8,
                    color=colour, bbox=_BOX, zorder=4)
        if prev_t is not None and a.t - prev_t > GAP:
            ax.plot([-1.5, len(cols) - 0.5], [row - 0.5, row - 0.5], color="#aaa", lw=0.8,
                    ls=(0, (2, 3)), zorder=2)
            ax.text(-0.6, row - 0.5, f"… {a.t - prev_t:.3f} s later", fontsize=7,
                    color="#777", va="center", ha="right", bbox=_BOX, zorder=4)
        ax.text(-0.6, row, f"{a.t:.6f} s", ha="right", va="center", fontsize=7, color="#555")
        prev_t = a.t
    if not arrs:
        ax.text(max(len(cols) - 1, 0) / 2, 0, "no frames", ha="center", color="#888")
    ax.set_xlim(-1.7, max(len(cols) - 0.5, 0.5) + 0.2)
    ax.set_ylim(max(n, 1) + 0.1, -1.9)
    ax.axis("off")
    _legend(ax, {a.protocol for a in arrs})
    more = f" (first {len(arrs)} of {len(every)})" if len(every) > len(arrs) else ""
    ax.set_title(f"{run.script or 'lab'} on the {run.backend} backend: {len(arrs)} frame "
                 f"crossings{more}", fontsize=10, pad=14)
    return arrs


def ladder(run: "Run", *, protocols: set[str] | None = None, max_arrows: int = 120,
           highlight: int | None = None) -> "Figure":
    """Draw the run's frames as a ladder diagram and return the Figure.

    The Figure is made without pyplot, so nothing is shown twice in a notebook and no
    GUI backend is needed; Jupyter displays a returned Figure by itself.
    """
    from matplotlib.figure import Figure

    cols = columns(run)
    n = min(len(arrows(run.frames, protocols)), max_arrows)
    fig = Figure(figsize=(max(6.5, 2.3 * len(cols) + 3.0), max(3.0, 0.42 * n + 1.9)))
    draw_ladder(fig.add_subplot(), run, protocols=protocols, max_arrows=max_arrows,
                highlight=highlight)
    fig.tight_layout()
    return fig
