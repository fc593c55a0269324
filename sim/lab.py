"""Build a lab from Python: the same Commands a script makes, one chainable method each.

``Lab`` is the Python face of the lab language: ``Lab().netns("ns1").veth(...)`` appends
exactly the Command that ``ip netns add ns1`` would parse to, validated by the parser's
own checks (a bad value raises ``ValueError`` with the message the script would report),
so a lab built in a notebook and one written as a script are interchangeable:
``Lab.to_script()`` prints the script, and ``Lab.from_script()`` reads one back.

Methods that act inside a namespace take it first (``lab.up("ns1", "veth1")``);
``"root"`` (``sim.model.ROOT_NS``) is the lab's own root namespace.
"""
from __future__ import annotations

from sim.commands import (
    AddrAdd,
    AddrDel,
    AddrShow,
    Command,
    LinkAddVeth,
    LinkDel,
    LinkSet,
    LinkShow,
    NeighShow,
    NetnsAdd,
    NetnsDel,
    NetnsList,
    Ping,
    RouteShow,
    Script,
    Sleep,
)
from sim.model import ROOT_NS
from sim.script.parser import parse
from sim.script.ping import (
    check_count,
    check_deadline,
    check_dest,
    check_interface,
    check_interval,
    check_size,
    check_timeout,
    check_ttl,
)
from sim.script.sleep import check_seconds
from sim.script.validate import (
    check_cidr,
    check_dev,
    check_ifname,
    check_mac,
    check_netns_name,
    check_netns_value,
    check_run_netns,
)


class Lab:
    """An ordered list of validated Commands; every builder method returns ``self``."""

    def __init__(self, commands: tuple[Command, ...] | list[Command] = ()):
        self._commands: list[Command] = list(commands)

    # ---- reading and writing --------------------------------------------------------

    @property
    def commands(self) -> tuple[Command, ...]:
        return tuple(self._commands)

    def __len__(self) -> int:
        return len(self._commands)

    def __repr__(self) -> str:
        return f"Lab({len(self._commands)} commands)"

    def add(self, command: Command) -> "Lab":
        """Append an already-built Command (e.g. one a future tool parser made)."""
        self._commands.append(command)
        return self

    def to_script(self) -> str:
        """The lab as a script, one line per command; parsing it gives the same Commands."""
        return "".join(c.to_script() + "\n" for c in self._commands)

    def script(self, path: str = "<lab>") -> Script:
        """The lab as a ``Script``, what ``sim.script.parse`` would have returned."""
        return Script(path=path, commands=self.commands)

    @classmethod
    def from_script(cls, text: str, path: str = "<lab>", lenient_output: bool = False) -> "Lab":
        """Parse a script (raises ``ScriptError`` on the first bad line)."""
        return cls(parse(text, path, lenient_output=lenient_output).commands)

    # ---- ip netns -------------------------------------------------------------------

    def netns(self, name: str) -> "Lab":
        """``ip netns add NAME``."""
        return self.add(NetnsAdd(name=check_netns_name(name)))

    def netns_del(self, name: str) -> "Lab":
        """``ip netns del NAME``."""
        return self.add(NetnsDel(name=check_netns_name(name)))

    def netns_list(self) -> "Lab":
        """``ip netns list``."""
        return self.add(NetnsList())

    # ---- ip link --------------------------------------------------------------------

    def veth(
        self,
        name: str,
        peer: str,
        *,
        netns: str | None = None,
        peer_netns: str | None = None,
        address: str | None = None,
        peer_address: str | None = None,
        in_netns: str = ROOT_NS,
    ) -> "Lab":
        """``ip link add NAME type veth peer name PEER``, each end optionally placed in a
        namespace (``netns``/``peer_netns``) and given a MAC; run in ``in_netns``."""
        return self.add(
            LinkAddVeth(
                netns=check_run_netns(in_netns),
                name=check_ifname(name),
                peer=check_ifname(peer),
                name_netns=None if netns is None else check_netns_value(netns),
                peer_netns=None if peer_netns is None else check_netns_value(peer_netns),
                address=None if address is None else check_mac(address),
                peer_address=None if peer_address is None else check_mac(peer_address),
            )
        )

    def move(self, dev: str, to_netns: str, *, netns: str = ROOT_NS) -> "Lab":
        """``ip link set DEV netns TO_NETNS`` (run in ``netns``)."""
        return self.add(
            LinkSet(netns=check_run_netns(netns), dev=check_dev(dev), to_netns=check_netns_value(to_netns))
        )

    def up(self, netns: str, dev: str) -> "Lab":
        """``ip link set DEV up`` in ``netns``."""
        return self.add(LinkSet(netns=check_run_netns(netns), dev=check_dev(dev), up=True))

    def down(self, netns: str, dev: str) -> "Lab":
        """``ip link set DEV down`` in ``netns``."""
        return self.add(LinkSet(netns=check_run_netns(netns), dev=check_dev(dev), up=False))

    def set_address(self, netns: str, dev: str, mac: str) -> "Lab":
        """``ip link set DEV address MAC`` in ``netns``."""
        return self.add(
            LinkSet(netns=check_run_netns(netns), dev=check_dev(dev), address=check_mac(mac))
        )

    def link_del(self, netns: str, dev: str) -> "Lab":
        """``ip link del DEV`` in ``netns`` (deleting one end of a veth deletes both)."""
        return self.add(LinkDel(netns=check_run_netns(netns), dev=check_dev(dev)))

    def show_link(self, netns: str = ROOT_NS, dev: str | None = None) -> "Lab":
        """``ip link show [dev DEV]`` in ``netns``."""
        return self.add(LinkShow(netns=check_run_netns(netns), dev=_opt_dev(dev)))

    # ---- ip addr / route / neigh ----------------------------------------------------

    def addr(self, netns: str, dev: str, cidr: str) -> "Lab":
        """``ip addr add CIDR dev DEV`` in ``netns`` (a bare address means /32)."""
        return self.add(AddrAdd(netns=check_run_netns(netns), dev=check_dev(dev), cidr=check_cidr(cidr)))

    def addr_del(self, netns: str, dev: str, cidr: str) -> "Lab":
        """``ip addr del CIDR dev DEV`` in ``netns``."""
        return self.add(AddrDel(netns=check_run_netns(netns), dev=check_dev(dev), cidr=check_cidr(cidr)))

    def show_addr(self, netns: str = ROOT_NS, dev: str | None = None) -> "Lab":
        """``ip addr show [dev DEV]`` in ``netns``."""
        return self.add(AddrShow(netns=check_run_netns(netns), dev=_opt_dev(dev)))

    def show_route(self, netns: str = ROOT_NS) -> "Lab":
        """``ip route show`` in ``netns``."""
        return self.add(RouteShow(netns=check_run_netns(netns)))

    def show_neigh(self, netns: str = ROOT_NS, dev: str | None = None) -> "Lab":
        """``ip neigh show [dev DEV]`` in ``netns``."""
        return self.add(NeighShow(netns=check_run_netns(netns), dev=_opt_dev(dev)))

    # ---- programs -------------------------------------------------------------------

    def ping(
        self,
        netns: str,
        dest: str,
        count: int | None = None,
        interval: float = 1.0,
        timeout: float | None = None,
        size: int = 56,
        ttl: int | None = None,
        *,
        deadline: int | None = None,
        interface: str | None = None,
        quiet: bool = False,
        timestamps: bool = False,
        outstanding: bool = False,
    ) -> "Lab":
        """``ping [-c COUNT] [-i INTERVAL] [-W TIMEOUT] [-s SIZE] [-t TTL] [-w DEADLINE]
        [-I INTERFACE] [-q] [-D] [-O] DEST`` in ``netns``.

        Without ``count`` or ``deadline`` the lab stops the ping after
        ``DEFAULT_PING_COUNT`` requests, as a reader pressing Ctrl-C would.
        """
        return self.add(
            Ping(
                netns=check_run_netns(netns),
                dest=check_dest(dest),
                count=None if count is None else check_count(_int(count, "count")),
                interval=check_interval(_num(interval, "interval")),
                timeout=None if timeout is None else check_timeout(_num(timeout, "timeout")),
                size=check_size(_int(size, "size")),
                ttl=None if ttl is None else check_ttl(_int(ttl, "ttl")),
                deadline=None if deadline is None else check_deadline(
                    _int(deadline, "deadline")),
                interface=None if interface is None else check_interface(interface),
                quiet=bool(quiet),
                timestamps=bool(timestamps),
                outstanding=bool(outstanding),
            )
        )

    def sleep(self, seconds: float) -> "Lab":
        """``sleep SECONDS``: let the lab's timers run."""
        return self.add(Sleep(seconds=check_seconds(_num(seconds, "seconds"))))


def _opt_dev(dev: str | None) -> str | None:
    return None if dev is None else check_dev(dev)


def _int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be an integer, not {value!r}")
    return value


def _num(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{what} must be a number, not {value!r}")
    return float(value)
