"""What a lab's topology is: namespaces, their devices, veth pairs, bridge ports, addresses.

Derived from state snapshots or, for a ``Run`` (which holds no state), by replaying the
lab's successful commands; ``sim.plot.topology`` draws it and ``sim.plot.ladder`` uses its
veth pairs to know which ``out`` frame arrives as which ``in``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

from sim.model import ROOT_NS, NetnsState

if TYPE_CHECKING:
    from sim.result import Run

End = tuple[str, str]  # (netns, dev)


@dataclass
class Iface:
    """One interface as the picture shows it."""

    netns: str
    dev: str
    addresses: list[str] = field(default_factory=list)  # "172.16.0.1/24"
    mac: str | None = None
    kind: str = ""  # "veth", "bridge", ... ("" when only the frames told us about it)
    master: str | None = None  # the bridge (same namespace) this device is a port of


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

    def bridges(self, netns: str | None = None) -> list[End]:
        """The bridge devices (of one namespace, or all)."""
        return [e for e, it in self.ifaces.items()
                if it.kind == "bridge" and netns in (None, e[0])]

    def ports(self, bridge: End) -> list[End]:
        """The devices enslaved to ``bridge``, in the order they were added."""
        return [e for e, it in self.ifaces.items()
                if e[0] == bridge[0] and it.master == bridge[1]]

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
            it.kind = link.kind
            it.master = getattr(link, "master", None)
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


def from_commands(run: "Run") -> Topology:
    """Replay the run's successful ``ip`` commands into a model (see the module docstring).

    A line that does not parse (another tool, a typo the run already reported) is skipped:
    the picture should still show what the lab did build.
    """
    from sim import commands as C
    from sim.script import parse_line

    topo = Topology()
    pairs: dict[End, End] = {}

    def move(old: End, new: End) -> None:
        it = topo.ifaces.pop(old, None) or Iface(*new)
        it.netns, it.master = new[0], None
        topo.iface(*new).__dict__.update({k: v for k, v in it.__dict__.items()
                                          if k not in ("netns", "dev")})
        if old in pairs:
            other = pairs.pop(old)
            pairs[new], pairs[other] = other, new

    def drop(end: End) -> None:
        topo.ifaces.pop(end, None)
        other = pairs.pop(end, None)
        if other:
            pairs.pop(other, None)
            topo.ifaces.pop(other, None)
        for it in topo.ifaces.values():  # a deleted bridge frees its ports
            if it.netns == end[0] and it.master == end[1]:
                it.master = None

    for c in run.commands:
        if c.rc != 0:
            continue
        try:
            cmd = parse_line(c.cmd, line=c.line)
        except Exception:  # noqa: BLE001 - not a lab line we can replay
            continue
        ns = getattr(cmd, "netns", ROOT_NS)
        if isinstance(cmd, C.NetnsAdd) and cmd.name not in topo.namespaces:
            topo.namespaces.append(cmd.name)
        elif isinstance(cmd, C.NetnsDel):
            for end in [e for e in topo.ifaces if e[0] == cmd.name]:
                drop(end)
            if cmd.name in topo.namespaces:
                topo.namespaces.remove(cmd.name)
        elif isinstance(cmd, C.LinkAddVeth):
            a, b = (cmd.name_netns or ns, cmd.name), (cmd.peer_netns or ns, cmd.peer)
            topo.iface(*a).kind = topo.iface(*b).kind = "veth"
            topo.ifaces[a].mac, topo.ifaces[b].mac = cmd.address, cmd.peer_address
            pairs[a], pairs[b] = b, a
        elif isinstance(cmd, C.LinkAddBridge):
            topo.iface(ns, cmd.name).kind = "bridge"
            topo.ifaces[(ns, cmd.name)].mac = cmd.address
        elif isinstance(cmd, C.LinkSet) and (ns, cmd.dev) in topo.ifaces:
            it = topo.ifaces[(ns, cmd.dev)]
            if cmd.address:
                it.mac = cmd.address
            if cmd.master:
                it.master = cmd.master
            if cmd.nomaster:
                it.master = None
            if cmd.to_netns and cmd.to_netns != ns:
                move((ns, cmd.dev), (cmd.to_netns, cmd.dev))
        elif isinstance(cmd, C.LinkDel):
            drop((ns, cmd.dev))
        elif isinstance(cmd, C.AddrAdd):
            cidr = cmd.cidr if "/" in cmd.cidr else cmd.cidr + "/32"
            it = topo.iface(ns, cmd.dev)
            if cidr not in it.addresses:
                it.addresses.append(cidr)
        elif isinstance(cmd, C.AddrDel):
            it = topo.ifaces.get((ns, cmd.dev))
            cidr = cmd.cidr if "/" in cmd.cidr else cmd.cidr + "/32"
            if it and cidr in it.addresses:
                it.addresses.remove(cidr)
        elif isinstance(cmd, C.AddrFlush):
            it = topo.ifaces.get((ns, cmd.dev))
            if it:
                it.addresses.clear()
    # a namespace that ends up empty (root, once the veth ends moved out) is not drawn,
    # unless the lab made it on purpose
    used = {e[0] for e in topo.ifaces}
    topo.namespaces = [n for n in topo.namespaces if n in used or n != ROOT_NS]
    for n in [e[0] for e in topo.ifaces]:
        if n not in topo.namespaces:
            topo.namespaces.append(n)
    for a, b in pairs.items():
        topo.add_cable(a, b)
    return topo


def from_run(run: "Run") -> Topology:
    """Rebuild the picture's model from what a Run holds (see the module docstring)."""
    from sim.plot.ladder import infer_pairs
    from sim.wire import ETH_P_ARP, ETH_P_IP, ArpPacket, EthernetFrame, Ipv4Packet, WireError

    topo = from_commands(run)
    for mac, owner in run.macs.items():  # first owner wins: a bridge reuses a port's MAC
        ns, _, dev = owner.partition("/")
        it = topo.iface(ns, dev)
        if it.mac is None:
            it.mac = mac
    for ns, dev in run.interfaces:
        topo.iface(ns, dev)
    if not topo.cables:  # no commands to tell: pairs from the frames
        for a, b in infer_pairs(run.frames).items():
            topo.add_cable(a, b)
    told = any(i.addresses for i in topo.ifaces.values())
    for f in run.frames:  # no address commands: the addresses each end sends from
        it = topo.ifaces[(f.netns, f.dev)]
        if told or f.dir != "out" or it.addresses or it.master or it.kind == "bridge":
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
