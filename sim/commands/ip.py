"""The ``ip`` commands: namespaces, links, addresses, routes and neighbours."""
from __future__ import annotations

from dataclasses import dataclass

from sim.commands.base import Command


# ---- ip netns -------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class NetnsAdd(Command):
    name: str

    def _render(self) -> str:
        return f"ip netns add {self.name}"


@dataclass(frozen=True, kw_only=True)
class NetnsDel(Command):
    name: str

    def _render(self) -> str:
        return f"ip netns del {self.name}"


@dataclass(frozen=True, kw_only=True)
class NetnsList(Command):
    def _render(self) -> str:
        return "ip netns list"


# ---- listing options ------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class IpListing(Command):
    """``ip``'s global options that change how a listing prints (none change state).

    ``family``: ``"inet"`` for ``-4``/``-f inet`` (only IPv4 lines, and ``ip addr`` leaves
    out devices without an IPv4 address); ``brief``: ``-br``; ``oneline``: ``-o``;
    ``color``: ``-c``/``-color=always`` (the lab's output is never a terminal, so
    ``-color=auto`` means no colour, as it would in a pipe).
    """

    family: str | None = None
    brief: bool = False
    oneline: bool = False
    color: bool = False

    def _ip(self, rest: str) -> str:
        """``ip [OPTIONS] rest``, the options as iproute2 spells them in full."""
        opts = [o for o, on in (("-4", self.family == "inet"), ("-brief", self.brief),
                                ("-oneline", self.oneline), ("-color", self.color)) if on]
        return self._wrap(" ".join(["ip", *opts, rest]))


# ---- ip link --------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class LinkAddVeth(Command):
    """``ip link add NAME [address MAC] [netns NS] type veth peer name PEER [address MAC] [netns NS]``.

    ``name_netns``/``peer_netns`` are ``None`` when the line did not say: the link is then
    created in the namespace the command runs in (``netns``).
    """

    name: str
    peer: str
    address: str | None = None
    name_netns: str | None = None
    peer_address: str | None = None
    peer_netns: str | None = None

    def _render(self) -> str:
        def side(n: str, mac: str | None, ns: str | None) -> str:
            s = n
            if mac:
                s += f" address {mac}"
            if ns:
                s += f" netns {ns}"
            return s

        return self._wrap(
            f"ip link add {side(self.name, self.address, self.name_netns)} type veth "
            f"peer name {side(self.peer, self.peer_address, self.peer_netns)}"
        )


@dataclass(frozen=True, kw_only=True)
class LinkSet(Command):
    """``ip link set [dev] NAME [up|down] [netns NS] [address MAC]`` (any combination)."""

    dev: str
    up: bool | None = None
    to_netns: str | None = None
    address: str | None = None
    master: str | None = None  # ``master BR``: enslave to a bridge
    nomaster: bool = False  # ``nomaster``: release from its bridge

    def _render(self) -> str:
        parts = [f"ip link set {self.dev}"]
        if self.address:
            parts.append(f"address {self.address}")
        if self.to_netns:
            parts.append(f"netns {self.to_netns}")
        if self.master:
            parts.append(f"master {self.master}")
        if self.nomaster:
            parts.append("nomaster")
        if self.up is not None:
            parts.append("up" if self.up else "down")
        return self._wrap(" ".join(parts))


@dataclass(frozen=True, kw_only=True)
class LinkDel(Command):
    dev: str

    def _render(self) -> str:
        return self._wrap(f"ip link del {self.dev}")


@dataclass(frozen=True, kw_only=True)
class LinkShow(IpListing):
    dev: str | None = None
    master: str | None = None  # ``ip link show master BR``

    def _render(self) -> str:
        return self._ip("link show" + (f" dev {self.dev}" if self.dev else "")
                        + (f" master {self.master}" if self.master else ""))


@dataclass(frozen=True, kw_only=True)
class LinkAddBridge(Command):
    """``ip link add NAME [address MAC] type bridge``."""

    name: str
    address: str | None = None

    def _render(self) -> str:
        return self._wrap(f"ip link add {self.name}" + (f" address {self.address}" if self.address
                                                        else "") + " type bridge")


# ---- ip addr / route / neigh ----------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class AddrAdd(Command):
    dev: str
    cidr: str  # "172.16.0.1/24" (a bare address means /32)

    def _render(self) -> str:
        return self._wrap(f"ip addr add {self.cidr} dev {self.dev}")


@dataclass(frozen=True, kw_only=True)
class AddrDel(Command):
    dev: str
    cidr: str

    def _render(self) -> str:
        return self._wrap(f"ip addr del {self.cidr} dev {self.dev}")


@dataclass(frozen=True, kw_only=True)
class AddrShow(IpListing):
    dev: str | None = None

    def _render(self) -> str:
        return self._ip("addr show" + (f" dev {self.dev}" if self.dev else ""))


@dataclass(frozen=True, kw_only=True)
class AddrFlush(Command):
    """``ip addr flush dev DEV``: remove every IPv4 address of one device (and, as in
    Linux, the routes that go with them)."""

    dev: str

    def _render(self) -> str:
        return self._wrap(f"ip addr flush dev {self.dev}")


@dataclass(frozen=True, kw_only=True)
class RouteShow(IpListing):
    def _render(self) -> str:
        return self._ip("route show")


@dataclass(frozen=True, kw_only=True)
class RouteModify(Command):
    """``ip route add|del|replace DST [via GW] [dev DEV] [src ADDR] [metric N]``.

    ``dst`` is ``"default"`` or a prefix (``"10.0.0.0/24"``; a bare address means /32).
    """

    op: str  # "add" | "del" | "replace"
    dst: str
    via: str | None = None
    dev: str | None = None
    src: str | None = None
    metric: int | None = None

    def _render(self) -> str:
        parts = [f"ip route {self.op} {self.dst}"]
        if self.via:
            parts.append(f"via {self.via}")
        if self.dev:
            parts.append(f"dev {self.dev}")
        if self.src:
            parts.append(f"src {self.src}")
        if self.metric is not None:
            parts.append(f"metric {self.metric}")
        return self._wrap(" ".join(parts))


@dataclass(frozen=True, kw_only=True)
class RouteGet(Command):
    """``ip route get ADDR``."""

    dst: str

    def _render(self) -> str:
        return self._wrap(f"ip route get {self.dst}")


@dataclass(frozen=True, kw_only=True)
class NeighModify(Command):
    """``ip neigh add|replace|change ADDR [lladdr MAC] dev DEV [nud STATE]``.

    ``nud`` is the state name in lower case as iproute2 takes it (``permanent`` — the
    default for add/replace —, ``noarp``, ``reachable``, ``stale``, ``none``, ``delay``,
    ``probe``, ``failed``, ``incomplete``).
    """

    op: str  # "add" | "replace" | "change"
    dst: str
    dev: str
    lladdr: str | None = None
    nud: str = "permanent"

    def _render(self) -> str:
        parts = [f"ip neigh {self.op} {self.dst}"]
        if self.lladdr:
            parts.append(f"lladdr {self.lladdr}")
        parts.append(f"dev {self.dev}")
        if self.nud != "permanent":
            parts.append(f"nud {self.nud}")
        return self._wrap(" ".join(parts))


@dataclass(frozen=True, kw_only=True)
class NeighDel(Command):
    """``ip neigh del ADDR dev DEV``."""

    dst: str
    dev: str

    def _render(self) -> str:
        return self._wrap(f"ip neigh del {self.dst} dev {self.dev}")


@dataclass(frozen=True, kw_only=True)
class NeighFlush(Command):
    """``ip neigh flush [dev DEV] [nud STATE]`` (``flush all`` when neither is given)."""

    dev: str | None = None
    nud: str | None = None

    def _render(self) -> str:
        parts = ["ip neigh flush"]
        if self.dev:
            parts.append(f"dev {self.dev}")
        if self.nud:
            parts.append(f"nud {self.nud}")
        if not self.dev and not self.nud:
            parts.append("all")
        return self._wrap(" ".join(parts))


@dataclass(frozen=True, kw_only=True)
class NeighShow(IpListing):
    dev: str | None = None

    def _render(self) -> str:
        return self._ip("neigh show" + (f" dev {self.dev}" if self.dev else ""))
