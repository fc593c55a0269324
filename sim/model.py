"""State snapshots: what a namespace's kernel holds, independent of the backend.

Both backends produce these (the simulator from its model, the kernel backend from
netlink dumps) and ``sim.show`` renders them as iproute2 text, so the two outputs can
differ only where the state itself differs.  Names are always the script's names.
"""
from __future__ import annotations

from dataclasses import dataclass, field

#: The script's own "root" namespace: where ``ip link add`` without ``netns`` puts links.
#: On the kernel backend it is a private namespace, never the host's.
ROOT_NS = "root"

#: The broadcast Ethernet address.
BROADCAST_MAC = "ff:ff:ff:ff:ff:ff"


@dataclass(frozen=True)
class Link:
    """One network device as ``ip link`` sees it.

    ``flags`` are the kernel's IFF_* names in iproute2's order (e.g. ``("BROADCAST",
    "MULTICAST", "UP", "LOWER_UP")``); ``operstate`` is iproute2's word (``UP``, ``DOWN``,
    ``LOWERLAYERDOWN``, ``UNKNOWN``).  ``peer_ifindex`` is the veth peer's index (printed as
    ``@ifN`` when the peer is in another namespace, ``@NAME`` when in the same one);
    ``link_netns`` names the peer's namespace when it differs from this one.
    """

    index: int
    name: str
    kind: str  # "loopback" | "veth" | "bridge"
    mac: str
    flags: tuple[str, ...]
    operstate: str
    mtu: int = 1500
    qdisc: str = "noop"
    qlen: int = 1000
    brd: str = BROADCAST_MAC
    peer_ifindex: int | None = None
    peer_name: str | None = None
    link_netns: str | None = None
    master: str | None = None
    group: str = "default"
    #: The nsid the peer's namespace has as seen from this one (iproute2 prints
    #: ``link-netnsid N`` when that namespace has no name, e.g. the script's root).
    link_netnsid: int | None = None


@dataclass(frozen=True)
class Address:
    """An IPv4 address on a device (``ip addr``)."""

    dev: str
    local: str
    prefixlen: int
    scope: str = "global"
    broadcast: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class Route:
    """A route in the main table (``ip route``)."""

    dst: str  # "default" or "172.16.0.0/24"
    dev: str
    via: str | None = None
    proto: str | None = None  # "kernel" for connected routes
    scope: str | None = None  # "link" for connected routes
    src: str | None = None
    metric: int | None = None
    linkdown: bool = False


@dataclass(frozen=True)
class Neighbour:
    """A neighbour (ARP) entry (``ip neigh``); ``state`` is the NUD state name."""

    dst: str
    dev: str
    lladdr: str | None
    state: str  # "REACHABLE", "STALE", "DELAY", "PROBE", "FAILED", "INCOMPLETE", "PERMANENT", "NOARP"
    router: bool = False
    proxy: bool = False


@dataclass(frozen=True)
class FdbEntry:
    """One forwarding-database entry as ``bridge fdb show`` lists it.

    ``dev`` is the port (or the bridge itself for its own address); ``master`` the
    bridge when the entry lives in the bridge's table; ``vlan`` when set; ``flags``
    iproute2's words in its order (``"permanent"``, ``"self"``, ``"extern_learn"`` …);
    ``state``: ``"permanent"`` | ``"static"`` | ``""`` (dynamic, aged).
    """

    mac: str
    dev: str
    master: str | None = None
    vlan: int | None = None
    state: str = ""
    self_: bool = False
    ageing: float | None = None  # seconds since last seen (not printed without -s)


@dataclass(frozen=True)
class BridgePort:
    """A bridge port as ``bridge link`` shows it."""

    index: int
    name: str
    master: str
    state: str = "forwarding"  # STP port state
    priority: int = 32
    cost: int = 2


@dataclass(frozen=True)
class RouteLookup:
    """The answer of ``ip route get ADDR``: where a packet to ``dst`` would go."""

    dst: str
    dev: str
    src: str | None = None
    via: str | None = None
    kind: str = "unicast"  # "unicast" | "local" | "broadcast" | "unreachable"


@dataclass(frozen=True)
class NetnsState:
    """Everything the listings need about one namespace at one moment."""

    netns: str
    links: tuple[Link, ...] = ()
    addresses: tuple[Address, ...] = ()
    routes: tuple[Route, ...] = ()
    neighbours: tuple[Neighbour, ...] = ()
    fdb: tuple[FdbEntry, ...] = ()
    bridge_ports: tuple[BridgePort, ...] = ()

    def link(self, name: str) -> Link | None:
        """The link called ``name`` in this namespace, if any."""
        return next((l for l in self.links if l.name == name), None)


@dataclass(frozen=True)
class NetnsEntry:
    """One line of ``ip netns list``: a namespace's name and, if assigned, its nsid."""

    name: str
    nsid: int | None = None


@dataclass(frozen=True)
class NetnsListing:
    entries: tuple[NetnsEntry, ...] = field(default_factory=tuple)
