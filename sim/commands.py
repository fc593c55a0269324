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

    def _render(self) -> str:
        parts = [f"ip link set {self.dev}"]
        if self.address:
            parts.append(f"address {self.address}")
        if self.to_netns:
            parts.append(f"netns {self.to_netns}")
        if self.up is not None:
            parts.append("up" if self.up else "down")
        return self._wrap(" ".join(parts))


@dataclass(frozen=True, kw_only=True)
class LinkDel(Command):
    dev: str

    def _render(self) -> str:
        return self._wrap(f"ip link del {self.dev}")


@dataclass(frozen=True, kw_only=True)
class LinkShow(Command):
    dev: str | None = None

    def _render(self) -> str:
        return self._wrap("ip link show" + (f" dev {self.dev}" if self.dev else ""))


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
class AddrShow(Command):
    dev: str | None = None

    def _render(self) -> str:
        return self._wrap("ip addr show" + (f" dev {self.dev}" if self.dev else ""))


@dataclass(frozen=True, kw_only=True)
class RouteShow(Command):
    def _render(self) -> str:
        return self._wrap("ip route show")


@dataclass(frozen=True, kw_only=True)
class NeighShow(Command):
    dev: str | None = None

    def _render(self) -> str:
        return self._wrap("ip neigh show" + (f" dev {self.dev}" if self.dev else ""))


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

    @property
    def effective_count(self) -> int:
        return self.count if self.count is not None else DEFAULT_PING_COUNT

    @property
    def interrupted(self) -> bool:
        """True when the lab, not ``-c``, ends this ping (as Ctrl-C would)."""
        return self.count is None

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
        parts.append(self.dest)
        return self._wrap(" ".join(parts))


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
