"""The topology picture: namespaces as boxes, veth pairs as cables between their ends.

The picture can come from state snapshots (``sim.model.NetnsState``, which know each
veth's peer) or from a ``Run``, which holds no state: there the interfaces come from
``run.macs`` ("netns/dev") and the frames, the pairs from frames that leave one end and
arrive on the other with the same bytes, and the addresses from the lab's own
``ip addr add`` lines (or, failing those, from the sender addresses seen on the wire).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

from sim.model import NetnsState

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from sim.result import Run

End = tuple[str, str]  # (netns, dev)


@dataclass
class Iface:
    """One interface as the picture shows it."""

    netns: str
    dev: str
    addresses: list[str] = field(default_factory=list)  # "172.16.0.1/24"
    mac: str | None = None


@dataclass
class Topology:
    """Namespaces, their interfaces and the cables (veth pairs) between interfaces."""

    namespaces: list[str] = field(default_factory=list)
    ifaces: dict[End, Iface] = field(default_factory=dict)
    cables: list[tuple[End, End]] = field(default_factory=list)

    def iface(self, netns: str, dev: str) -> Iface:
        if netns not in self.namespaces:
            self.namespaces.append(netns)
        return self.ifaces.setdefault((netns, dev), Iface(netns, dev))

    def add_cable(self, a: End, b: End) -> None:
        if a != b and (a, b) not in self.cables and (b, a) not in self.cables:
            self.cables.append((a, b))

    def peer(self, end: End) -> End | None:
        for a, b in self.cables:
            if a == end:
                return b
            if b == end:
                return a
        return None


# ------------------------------------------------------------------- building the model

def from_states(states: Iterable[NetnsState]) -> Topology:
    """Interfaces and addresses from snapshots; cables from each veth's peer fields."""
    topo = Topology()
    states = list(states)
    for st in states:
        topo.namespaces.append(st.netns)
        for link in st.links:
            if link.kind == "loopback":
                continue
            it = topo.iface(st.netns, link.name)
            it.mac = link.mac
            it.addresses += [f"{a.local}/{a.prefixlen}" for a in st.addresses
                             if a.dev == link.name]
    for st in states:
        for link in st.links:
            if link.kind != "veth" or not link.peer_name:
                continue
            ns = link.link_netns or st.netns
            if (ns, link.peer_name) in topo.ifaces:
                topo.add_cable((st.netns, link.name), (ns, link.peer_name))
    return topo


_NETNS = re.compile(r"^(?:ip\s+netns\s+exec\s+(\S+)\s+)?ip\s+(?:-n\s+(\S+)\s+)?(.*)$")
_ADDR_ADD = re.compile(r"^a(?:d(?:d(?:r(?:e(?:s(?:s)?)?)?)?)?)?\s+add\s+(\S+)\s+dev\s+(\S+)")


def _addr_commands(run: "Run") -> list[tuple[str, str, str]]:
    """``(netns, dev, cidr)`` for every ``ip addr add`` line of the lab that succeeded."""
    found = []
    for c in run.commands:
        m = _NETNS.match(c.cmd.strip())
        if c.rc != 0 or not m:
            continue
        ns = m.group(1) or m.group(2) or (c.netns if c.netns != "root" else "root")
        am = _ADDR_ADD.match(m.group(3))
        if am:
            cidr = am.group(1) if "/" in am.group(1) else am.group(1) + "/32"
            found.append((ns, am.group(2), cidr))
    return found


def from_run(run: "Run") -> Topology:
    """Rebuild the picture's model from what a Run holds (see the module docstring)."""
    from sim.plot.ladder import arrows
    from sim.wire import ETH_P_ARP, ETH_P_IP, ArpPacket, EthernetFrame, Ipv4Packet, WireError

    topo = Topology()
    for mac, owner in run.macs.items():
        ns, _, dev = owner.partition("/")
        topo.iface(ns, dev).mac = mac
    for ns, dev in run.interfaces:
        topo.iface(ns, dev)
    for a in arrows(run.frames):
        if a.src and a.dst:
            topo.add_cable(a.src, a.dst)
    for ns, dev, cidr in _addr_commands(run):
        it = topo.iface(ns, dev)
        if cidr not in it.addresses:
            it.addresses.append(cidr)
    for f in run.frames:  # fall back to the addresses each end sends from
        it = topo.ifaces[(f.netns, f.dev)]
        if f.dir != "out" or it.addresses:
            continue
        try:
            eth = EthernetFrame.parse(f.data)
            if eth.ethertype == ETH_P_ARP:
                it.addresses.append(ArpPacket.parse(eth.payload).spa)
            elif eth.ethertype == ETH_P_IP:
                it.addresses.append(Ipv4Packet.parse(eth.payload).src)
        except WireError:
            continue
    return topo


def build(obj: "Run | Iterable[NetnsState] | Topology") -> Topology:
    if isinstance(obj, Topology):
        return obj
    if hasattr(obj, "frames") and hasattr(obj, "macs"):
        return from_run(obj)  # type: ignore[arg-type]
    return from_states(obj)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ layout

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
    return W * f, H * f


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


def draw_topology(ax: "Axes", obj: "Run | Iterable[NetnsState] | Topology") -> Topology:
    """Draw on ``ax``; returns the model drawn (handy for tests and captions)."""
    from matplotlib.patches import FancyBboxPatch

    topo = build(obj)
    pos = layout(topo)
    sizes = {ns: box_size(topo, ns) for ns in pos}
    ports: dict[End, tuple[float, float]] = {}
    for ns, centre in pos.items():
        w, h = sizes[ns]
        ends = [e for e in topo.ifaces if e[0] == ns]
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
        if above and below:  # ports all round (a hub): the name goes in the middle
            where = (cx, cy, "center", "center")
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
    ax.set_title(f"{title}: {len(topo.namespaces)} namespaces, {len(topo.cables)} veth pairs",
                 fontsize=10)
    fig.tight_layout()
    return fig
