"""The topology picture: namespaces as boxes, veth pairs as cables, bridges as bars.

The picture can come from state snapshots (``sim.model.NetnsState``, which know each
veth's peer and each port's master) or from a ``Run``, which holds no state.  For a Run
the lab's own successful commands are replayed (``sim.script.parse_line``): they say
exactly which device ended up in which namespace, which veth ends are paired, which
ports belong to which bridge and which addresses each device got.  Guessing from the
frames instead goes wrong on a bridge, whose ports forward other hosts' frames (their
source addresses are the pods', not the port's).  Frames and ``run.macs`` only fill in
what the commands cannot say: random MACs, and labs given without commands.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Iterable

from sim.model import NetnsState
from sim.plot.topomodel import (End, Iface, Topology, build, from_commands,  # noqa: F401
                                 from_run, from_states)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from sim.result import Run

def layout(topo: Topology) -> dict[str, tuple[float, float]]:
    """Centres for the namespace boxes.

    A chain (every namespace cabled to at most two others) is laid out left to right in
    cable order, like the book's figure; anything with a hub (a node and its pods) puts
    the busiest namespace in the middle and the rest on a circle around it.
    """
    nbrs: dict[str, set[str]] = {ns: set() for ns in topo.namespaces}
    for a, b in topo.cables:
        if a[0] != b[0]:
            nbrs[a[0]].add(b[0])
            nbrs[b[0]].add(a[0])
    if not topo.namespaces:
        return {}
    if max(len(v) for v in nbrs.values()) <= 2:
        order: list[str] = []
        for start in sorted(topo.namespaces, key=lambda n: (len(nbrs[n]) != 1,
                                                            topo.namespaces.index(n))):
            stack = [start]
            while stack:
                ns = stack.pop()
                if ns not in order:
                    order.append(ns)
                    stack += sorted(nbrs[ns] - set(order), key=topo.namespaces.index)
        return {ns: (i * 5.4, 0.0) for i, ns in enumerate(order)}
    hub = max(topo.namespaces, key=lambda n: (len(nbrs[n]), -topo.namespaces.index(n)))
    rest = [n for n in topo.namespaces if n != hub]
    radius = max(box_size(topo, hub)[0] / 2 + W / 2 + 2.4, len(rest) * (W + 1.0) / (2 * math.pi))
    pos = {hub: (0.0, 0.0)}
    for i, ns in enumerate(rest):
        angle = math.pi / 2 - 2 * math.pi * i / len(rest)
        pos[ns] = (radius * math.cos(angle), radius * math.sin(angle))
    return pos


def _port(centre: tuple[float, float], towards: tuple[float, float], w: float, h: float,
          slot: int, slots: int) -> tuple[float, float]:
    """Where an interface sits on its box's border: on the side facing its peer."""
    cx, cy = centre
    dx, dy = towards[0] - cx, towards[1] - cy
    scale = min(w / 2 / abs(dx) if dx else math.inf, h / 2 / abs(dy) if dy else math.inf)
    x, y = cx + dx * scale, cy + dy * scale
    if slots > 1:  # several on one side: spread them along it
        if abs(abs(x - cx) - w / 2) < 1e-9:
            y = cy + (slot - (slots - 1) / 2) * (h / (slots + 1))
        else:
            x = cx + (slot - (slots - 1) / 2) * (w / (slots + 1))
    return x, y


W, H = 3.3, 2.5  # a namespace box


def box_size(topo: Topology, ns: str) -> tuple[float, float]:
    """A box grows with its interfaces so that their labels fit inside it."""
    n = sum(1 for e in topo.ifaces if e[0] == ns)
    f = 1.0 + 0.3 * max(0, n - 2)
    return W * max(f, 1.25 if n >= 2 else 1.0), H * f


def _label_inside(ax: "Axes", x: float, y: float, centre: tuple[float, float],
                  size: tuple[float, float], text: str) -> None:
    """Write an interface's name, addresses and MAC inside its namespace, by its port:
    the interface belongs to the namespace, the cable between two is the veth pair."""
    cx, cy = centre
    w, _ = size
    kw: dict = dict(fontsize=7.5, family="monospace", zorder=5,
                    bbox=dict(fc="white", ec="#e76f51", lw=0.6, pad=2))
    if abs(x - (cx - w / 2)) < 1e-6:
        ax.text(x + 0.18, y, text, ha="left", va="center", **kw)
    elif abs(x - (cx + w / 2)) < 1e-6:
        ax.text(x - 0.18, y, text, ha="right", va="center", **kw)
    elif y > cy:
        ax.text(x, y - 0.18, text, ha="center", va="top", **kw)
    else:
        ax.text(x, y + 0.18, text, ha="center", va="bottom", **kw)


def _bridge_bars(topo: Topology, pos: dict[str, tuple[float, float]],
                 sizes: dict[str, tuple[float, float]]) -> dict[End, tuple[float, ...]]:
    """Where each bridge's bar goes: across the middle of its namespace (stacked if many)."""
    bars: dict[End, tuple[float, ...]] = {}
    for ns, (cx, cy) in pos.items():
        brs = topo.bridges(ns)
        w, h = sizes[ns]
        for i, br in enumerate(brs):
            y = cy + (i - (len(brs) - 1) / 2) * (h / (len(brs) + 1))
            bars[br] = (cx, y, w * 0.42, 0.62)
    return bars


def _draw_bridge(ax: "Axes", topo: Topology, br: End, bar: tuple[float, ...],
                 ports: dict[End, tuple[float, float]]) -> None:
    """A bridge is a device of its namespace with ports plugged in: a bar in the box,
    a thin wire from each port to it, and its own name, addresses and MAC on the bar
    (a pod's address belongs on the pod's end, not on the node's port)."""
    from matplotlib.patches import FancyBboxPatch

    bx, by, bw, bh = bar
    ax.add_patch(FancyBboxPatch((bx - bw / 2, by - bh / 2), bw, bh,
                                boxstyle="round,pad=0.03,rounding_size=0.08",
                                fc="#ffe8a3", ec="#b8860b", lw=1.4, zorder=3))
    it = topo.ifaces[br]
    ax.text(bx, by, "\n".join([f"{br[1]} (bridge)"] + it.addresses
                               + ([it.mac] if it.mac else [])),
            ha="center", va="center", fontsize=7.5, family="monospace", zorder=6)
    for port in topo.ports(br):
        if port not in ports:
            continue
        px, py = ports[port]
        # join the bar at its nearest edge point
        jx = min(max(px, bx - bw / 2), bx + bw / 2)
        jy = min(max(py, by - bh / 2), by + bh / 2)
        ax.plot([px, jx], [py, jy], color="#b8860b", lw=1.6, zorder=2.5)
        ax.plot([jx], [jy], marker="o", ms=4, color="#b8860b", zorder=4)


def draw_topology(ax: "Axes", obj: "Run | Iterable[NetnsState] | Topology") -> Topology:
    """Draw on ``ax``; returns the model drawn (handy for tests and captions)."""
    from matplotlib.patches import FancyBboxPatch

    topo = build(obj)
    pos = layout(topo)
    sizes = {ns: box_size(topo, ns) for ns in pos}
    ports: dict[End, tuple[float, float]] = {}
    bars = _bridge_bars(topo, pos, sizes)
    for ns, centre in pos.items():
        w, h = sizes[ns]
        ends = [e for e in topo.ifaces if e[0] == ns and e not in bars]
        loose = [e for e in ends if (p := topo.peer(e)) is None or p[0] == ns]
        for end in ends:
            peer = topo.peer(end)
            if end in loose:
                target = (centre[0], centre[1] - 1)
                slot, slots = loose.index(end), len(loose)
            else:
                target = pos[peer[0]]  # type: ignore[index]
                same_side = [e for e in ends if e not in loose and topo.peer(e)[0] == peer[0]]
                slot, slots = same_side.index(end), len(same_side)
            ports[end] = _port(centre, target, w, h, slot, slots)
    for ns, (cx, cy) in pos.items():
        w, h = sizes[ns]
        ax.add_patch(FancyBboxPatch((cx - w / 2, cy - h / 2), w, h,
                                    boxstyle="round,pad=0.05,rounding_size=0.15",
                                    fc="#eef3fa", ec="#3d5a80", lw=1.5, zorder=1))
        ys = [p[1] for e, p in ports.items() if e[0] == ns]
        above, below = any(y > cy + 0.05 for y in ys), any(y < cy - 0.05 for y in ys)
        if above and below and not any(b[0] == ns for b in bars):
            where = (cx, cy, "center", "center")  # ports all round (a hub): in the middle
        elif above and below:
            where = (cx - w / 2 + 0.12, cy + h / 2 - 0.1, "left", "top")
        elif above:
            where = (cx - w / 2 + 0.12, cy - h / 2 + 0.1, "left", "bottom")
        else:
            where = (cx - w / 2 + 0.12, cy + h / 2 - 0.1, "left", "top")
        ax.text(where[0], where[1], f"netns {ns}", ha=where[2], va=where[3],
                fontsize=10, weight="bold", color="#3d5a80", zorder=2)
    for a, b in topo.cables:
        (xa, ya), (xb, yb) = ports[a], ports[b]
        ax.plot([xa, xb], [ya, yb], color="#2a9d8f", lw=3, solid_capstyle="round", zorder=0)
        if a[0] != b[0]:
            ax.text((xa + xb) / 2, (ya + yb) / 2, "veth\npair", ha="center", va="center",
                    fontsize=7, color="#2a9d8f", style="italic",
                    bbox=dict(fc="white", ec="none", pad=0.5), zorder=3)
    for br, (bx, by, bw, bh) in bars.items():
        _draw_bridge(ax, topo, br, (bx, by, bw, bh), ports)
    for end, (x, y) in ports.items():
        it = topo.ifaces[end]
        ax.plot([x], [y], marker="s", ms=9, color="#e76f51", zorder=4)
        text = "\n".join([it.dev] + it.addresses + ([it.mac] if it.mac else []))
        _label_inside(ax, x, y, pos[end[0]], sizes[end[0]], text)
    if not pos:
        ax.text(0.5, 0.5, "no interfaces in this run", ha="center", va="center",
                transform=ax.transAxes)
        ax.axis("off")
        return topo
    ax.set_xlim(min(p[0] - sizes[n][0] / 2 for n, p in pos.items()) - 0.3,
                max(p[0] + sizes[n][0] / 2 for n, p in pos.items()) + 0.3)
    ax.set_ylim(min(p[1] - sizes[n][1] / 2 for n, p in pos.items()) - 0.3,
                max(p[1] + sizes[n][1] / 2 for n, p in pos.items()) + 0.3)
    ax.set_aspect("equal")
    ax.axis("off")
    return topo


def topology(obj: "Run | Iterable[NetnsState] | Topology") -> "Figure":
    """A Figure of the namespaces and the veth pairs between them."""
    from matplotlib.figure import Figure

    topo = build(obj)
    pos = layout(topo)
    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    span_x, span_y = max(xs) - min(xs) + W + 0.6, max(ys) - min(ys) + H + 0.9
    scale = min(1.1, max(0.8, min(13 / span_x, 11 / span_y)))
    fig = Figure(figsize=(max(5.0, span_x * scale), max(3.0, span_y * scale)))
    ax = fig.add_subplot()
    draw_topology(ax, topo)
    title = getattr(obj, "script", "") or "lab"
    nbr = len(topo.bridges())
    bridges = f", {nbr} bridge{'s' if nbr > 1 else ''}" if nbr else ""
    ax.set_title(f"{title}: {len(topo.namespaces)} namespaces, {len(topo.cables)} veth "
                 f"pair{'' if len(topo.cables) == 1 else 's'}{bridges}", fontsize=10)
    fig.tight_layout()
    return fig
