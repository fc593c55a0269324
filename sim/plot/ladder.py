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


#: A frame leaving a port this long after the same frame came in on another device of
#: the namespace is taken to be that frame forwarded (a bridge or router takes µs).
HOP = 1e-3
End = tuple[str, str]


@dataclass(frozen=True)
class Arrow:
    """One hop of a frame: from the interface that sent it to the one that received it.

    ``kind`` is ``"veth"`` for a crossing of a veth pair (two namespaces, usually),
    ``"bridged"`` for a bridge moving a frame between its ports (or up to itself) and
    ``"forwarded"`` for a router namespace sending an IPv4 packet on (TTL one less).
    """

    t: float
    src: End | None
    dst: End | None
    data: bytes
    t_in: float | None = None  # when the receiving end saw it
    kind: str = "veth"

    @property
    def protocol(self) -> str:
        return protocol(self.data)

    @property
    def label(self) -> str:
        return label(self.data)


def _ip_key(data: bytes) -> bytes | None:
    """The IPv4 packet with TTL and header checksum blanked: what a router keeps."""
    if len(data) < 34 or data[12:14] != b"\x08\x00":
        return None
    ip = bytearray(data[14:])
    ip[8] = 0
    ip[10:12] = b"\0\0"
    return bytes(ip)


def infer_pairs(frames: list[Frame]) -> dict[End, End]:
    """Veth pairs guessed from the frames, for runs whose commands cannot say.

    ``b`` is a candidate peer of ``a`` if every frame ``a`` sent was received on ``b``
    within ``HOP``; a pair is two ends that are each other's candidate, or (for an end
    that never sends) the one end whose sole candidate it is.  A bridge sends the same
    frame out of itself and of a port, so "first receiver" would pair the bridge.
    """
    fs = sorted(frames, key=lambda f: f.t)
    cand: dict[End, set[End]] = {}
    for i, f in enumerate(fs):
        if f.dir != "out":
            continue
        got = {(g.netns, g.dev) for g in fs[i + 1:]
               if g.t - f.t <= HOP and g.dir == "in" and g.data == f.data
               and (g.netns, g.dev) != (f.netns, f.dev)}
        end = (f.netns, f.dev)
        cand[end] = cand[end] & got if end in cand else got
    pairs: dict[End, End] = {}
    for a, bs in cand.items():
        for b in bs:
            if a in cand.get(b, ()) and a not in pairs and b not in pairs:
                pairs[a], pairs[b] = b, a
    for a, bs in cand.items():
        free = [b for b in bs if b not in pairs and b not in cand]
        if a not in pairs and len(free) == 1 and len(bs - set(pairs)) == 1:
            pairs[a], pairs[free[0]] = free[0], a
    return pairs


def arrows(frames: list[Frame], protocols: set[str] | None = None, *,
           pairs: dict[End, End] | None = None) -> list[Arrow]:
    """Turn the sightings of frames into hops, in order.

    - An ``out`` on a veth end pairs with the next ``in`` of the same bytes on its peer
      (``pairs``; guessed from the frames when not given): a ``veth`` arrow.  An ``out``
      on a device without a peer pairs with the next ``in`` elsewhere (another
      namespace preferred); one with no ``in`` at all (dropped) points nowhere.
    - An ``out`` on a port that another device of its namespace saw within ``HOP``
      before it — came in with the same bytes, or was sent by a bridge device itself —
      also gets a dashed ``bridged`` arrow from that device; a routed IPv4 packet (same
      packet but TTL and checksum) a ``forwarded`` one.
    - An ``in`` nobody sent to it is drawn from where the same bytes last came in in
      its own namespace: a bridge handing a frame up to its own address.
    """
    fs: list[Frame] = sorted(frames, key=lambda f: f.t)
    if pairs is None:
        pairs = infer_pairs(fs)
    used: set[int] = set()
    consumed: set[int] = set()  # a bridge device's own out, drawn as bridge -> port
    hops: list[tuple[float, int, Arrow]] = []
    for i, f in enumerate(fs):
        end = (f.netns, f.dev)
        if f.dir != "out" or end not in pairs:
            continue
        # the hop through the namespace that brought this frame to this port
        back = [k for k in range(i - 1, -1, -1) if f.t - fs[k].t <= HOP
                and fs[k].netns == f.netns and fs[k].dev != f.dev
                and (fs[k].dir == "in" or (fs[k].netns, fs[k].dev) not in pairs)]
        k = next((k for k in back if fs[k].data == f.data), None)
        kind = "bridged"
        if k is None and (key := _ip_key(f.data)) is not None:
            k = next((k for k in back if fs[k].dir == "in" and _ip_key(fs[k].data) == key),
                     None)
            kind = "forwarded"
        if k is not None:
            if fs[k].dir == "out":
                consumed.add(k)
            hops.append((f.t, i * 2, Arrow(f.t, (fs[k].netns, fs[k].dev), end, f.data, f.t,
                                           kind)))
    for i, f in enumerate(fs):
        if i in used or i in consumed:
            continue
        used.add(i)
        end = (f.netns, f.dev)
        if f.dir == "out":
            cands = [k for k in range(i + 1, len(fs)) if k not in used and fs[k].dir == "in"
                     and fs[k].data == f.data and (fs[k].netns, fs[k].dev) != end]
            if end in pairs:
                j = next((k for k in cands if (fs[k].netns, fs[k].dev) == pairs[end]), None)
            else:
                j = next((k for k in cands if fs[k].netns != f.netns
                          and (fs[k].netns, fs[k].dev) not in pairs),
                         cands[0] if cands else None)
            dst, t_in = None, None
            if j is not None:
                used.add(j)
                dst, t_in = (fs[j].netns, fs[j].dev), fs[j].t
            hops.append((f.t, i * 2 + 1, Arrow(f.t, end, dst, f.data, t_in)))
        else:
            src = next(((p.netns, p.dev) for p in reversed(fs[:i])
                        if p.dir == "in" and p.data == f.data and p.netns == f.netns
                        and p.dev != f.dev), None)
            hops.append((f.t, i * 2 + 1, Arrow(f.t, src, end, f.data, f.t,
                                               "bridged" if src else "veth")))
    result = [a for _, _, a in sorted(hops, key=lambda h: h[:2])]
    if protocols:
        result = [a for a in result if a.protocol in protocols]
    return result


def run_pairs(run: "Run") -> dict[End, End]:
    """The veth pairs of a run, from its commands when they say (``topology.from_run``)."""
    from sim.plot.topology import from_run

    pairs: dict[End, End] = {}
    for a, b in from_run(run).cables:
        pairs[a], pairs[b] = b, a
    return pairs


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
    every = arrows(run.frames, protocols, pairs=run_pairs(run))
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
        if xs is not None and xd is not None and a.kind != "veth":
            # a hop inside one namespace: dashed, and named by what did it
            ax.annotate("", xy=(xd, row), xytext=(xs, row), zorder=3,
                        arrowprops=dict(arrowstyle="-|>", color=colour, lw=lw * 0.8,
                                        ls=(0, (4, 2)), shrinkA=0, shrinkB=0))
            ax.text((xs + xd) / 2, row - 0.16, f"{a.kind}: {a.label}", ha="center",
                    va="bottom", fontsize=7.5, style="italic", color=colour, bbox=_BOX,
                    zorder=4)
        elif xs is not None and xd is not None:
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
    inner = sum(1 for a in arrs if a.kind != "veth")
    hops = f", {inner} hops through a bridge or router" if inner else ""
    ax.set_title(f"{run.script or 'lab'} on the {run.backend} backend: {len(arrs) - inner} "
                 f"frame crossings{hops}{more}", fontsize=10, pad=14)
    return arrs


def ladder(run: "Run", *, protocols: set[str] | None = None, max_arrows: int = 120,
           highlight: int | None = None) -> "Figure":
    """Draw the run's frames as a ladder diagram and return the Figure.

    The Figure is made without pyplot, so nothing is shown twice in a notebook and no
    GUI backend is needed; Jupyter displays a returned Figure by itself.
    """
    from matplotlib.figure import Figure

    cols = columns(run)
    n = min(len(arrows(run.frames, protocols, pairs=run_pairs(run))), max_arrows)
    fig = Figure(figsize=(max(6.5, 2.3 * len(cols) + 3.0), max(3.0, 0.42 * n + 1.9)))
    draw_ladder(fig.add_subplot(), run, protocols=protocols, max_arrows=max_arrows,
                highlight=highlight)
    fig.tight_layout()
    return fig
