"""The typed commands a lab is made of.

A lab script is parsed into these (``sim.script``) before anything runs; ``sim.Lab``
builds the same objects from Python.  Each command knows the namespace it runs in
(``netns``: ``ROOT_NS`` unless the line used ``ip netns exec NS`` or ``ip -n NS``) and
the source position it came from, so errors can name ``FILE:LINE``.

Every command can print itself back as the script line that makes it (``to_script``);
for parsed commands that is the line as written.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sim.model import ROOT_NS


@dataclass(frozen=True, kw_only=True)
class Command:
    """Base: where the command runs and where it came from."""

    netns: str = ROOT_NS
    line: int = 0  # 1-based line in the script; 0 when built from Python
    text: str = ""  # the line as written, without a "$ " prompt

    def to_script(self) -> str:
        """The script line that makes this command."""
        return self.text or self._render()

    def _render(self) -> str:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def _wrap(self, body: str) -> str:
        """Prefix ``ip netns exec NS`` when the command runs in a named namespace."""
        return body if self.netns == ROOT_NS else f"ip netns exec {self.netns} {body}"


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


# ---- programs -------------------------------------------------------------------------

#: How many echo requests a ``ping`` without ``-c`` sends before the lab stops it, as if
#: the user pressed Ctrl-C after the last reply.
DEFAULT_PING_COUNT = 4


@dataclass(frozen=True, kw_only=True)
class Ping(Command):
    """``ping [-c N] [-i SEC] [-W SEC] [-s SIZE] [-t TTL] ADDR`` as iputils has them.

    ``count`` is ``None`` when the line gave no ``-c``: the lab then stops the ping after
    ``DEFAULT_PING_COUNT`` requests (see ``effective_count``).
    """

    dest: str
    count: int | None = None
    interval: float = 1.0
    timeout: float | None = None  # -W: seconds to wait for a reply after the last request
    size: int = 56
    ttl: int | None = None
    quiet: bool = False  # -q: only the header and the statistics
    numeric: bool = False  # -n: no reverse lookups (the lab has none anyway)
    deadline: int | None = None  # -w: seconds after which ping stops, whatever -c says
    interface: str | None = None  # -I: a device name or a source address
    timestamps: bool = False  # -D: "[unix time] " before each line
    outstanding: bool = False  # -O: "no answer yet for icmp_seq=N"

    @property
    def effective_count(self) -> int:
        return self.count if self.count is not None else DEFAULT_PING_COUNT

    @property
    def interrupted(self) -> bool:
        """True when the lab, not ``-c`` or ``-w``, ends this ping (as Ctrl-C would)."""
        return self.count is None and not self.deadline

    def _render(self) -> str:
        parts = ["ping"]
        if self.count is not None:
            parts.append(f"-c {self.count}")
        if self.interval != 1.0:
            parts.append(f"-i {self.interval:g}")
        if self.timeout is not None:
            parts.append(f"-W {self.timeout:g}")
        if self.size != 56:
            parts.append(f"-s {self.size}")
        if self.ttl is not None:
            parts.append(f"-t {self.ttl}")
        for flag, on in (("-q", self.quiet), ("-n", self.numeric), ("-D", self.timestamps),
                         ("-O", self.outstanding)):
            if on:
                parts.append(flag)
        if self.deadline is not None:
            parts.append(f"-w {self.deadline}")
        if self.interface is not None:
            parts.append(f"-I {self.interface}")
        parts.append(self.dest)
        return self._wrap(" ".join(parts))


@dataclass(frozen=True, kw_only=True)
class Arping(Command):
    """``arping [-c N] [-w SEC] [-I DEV] [-s SRC] [-U] [-A] [-D] ADDR`` as iputils has it.

    ``count`` is ``None`` without ``-c`` (the lab stops it after ``DEFAULT_PING_COUNT``
    probes, as for ping).
    """

    dest: str
    count: int | None = None
    deadline: float | None = None  # -w
    interface: str | None = None  # -I
    source: str | None = None  # -s
    unsolicited: bool = False  # -U
    answer: bool = False  # -A
    dad: bool = False  # -D
    first_reply: bool = False  # -f: stop at the first answer
    quiet: bool = False  # -q: print nothing
    broadcast_only: bool = False  # -b: keep broadcasting after an answer

    @property
    def effective_count(self) -> int:
        return self.count if self.count is not None else DEFAULT_PING_COUNT

    @property
    def interrupted(self) -> bool:
        return self.count is None and self.deadline is None

    def _render(self) -> str:
        parts = ["arping"]
        for flag, on in (("-U", self.unsolicited), ("-A", self.answer), ("-D", self.dad),
                         ("-f", self.first_reply), ("-q", self.quiet),
                         ("-b", self.broadcast_only)):
            if on:
                parts.append(flag)
        if self.count is not None:
            parts.append(f"-c {self.count}")
        if self.deadline is not None:
            parts.append(f"-w {self.deadline:g}")
        if self.interface:
            parts.append(f"-I {self.interface}")
        if self.source:
            parts.append(f"-s {self.source}")
        parts.append(self.dest)
        return self._wrap(" ".join(parts))


@dataclass(frozen=True, kw_only=True)
class Sysctl(Command):
    """``sysctl [-q] [-w] KEY[=VALUE]``: read or write one key under ``net.``.

    Keys are written with dots (``net.ipv4.neigh.veth1.retrans_time_ms``); ``value`` is
    ``None`` for a read.
    """

    key: str
    value: str | None = None
    quiet: bool = False

    def _render(self) -> str:
        q = "-q " if self.quiet else ""
        if self.value is None:
            return self._wrap(f"sysctl {q}{self.key}")
        return self._wrap(f"sysctl {q}-w {self.key}={self.value}")


@dataclass(frozen=True, kw_only=True)
class BridgeFdbShow(Command):
    """``bridge fdb show [br BR] [dev DEV]``."""

    br: str | None = None
    dev: str | None = None

    def _render(self) -> str:
        return self._wrap("bridge fdb show" + (f" br {self.br}" if self.br else "")
                          + (f" dev {self.dev}" if self.dev else ""))


@dataclass(frozen=True, kw_only=True)
class BridgeLinkShow(Command):
    """``bridge link [show] [dev DEV]``."""

    dev: str | None = None

    def _render(self) -> str:
        return self._wrap("bridge link show" + (f" dev {self.dev}" if self.dev else ""))


@dataclass(frozen=True, kw_only=True)
class Sleep(Command):
    seconds: float

    def _render(self) -> str:
        return f"sleep {self.seconds:g}"


@dataclass(frozen=True)
class Script:
    """A parsed lab: its commands in order and the file they came from."""

    path: str
    commands: tuple[Command, ...] = field(default_factory=tuple)
