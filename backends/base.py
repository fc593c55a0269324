"""The one interface both backends implement.

The generic runner (``sim.runner``) walks a lab's commands and calls these primitives;
it renders listings and program output through ``sim.show`` so that both backends'
text comes from one renderer.  A backend only has to *do* things and *report state*.

Every method takes and returns the script's names (``ns1``, ``veth1``); a backend that
renames things (the kernel backend prefixes its namespaces) translates at its edge.
Failures are ``sim.errors.CommandError`` carrying iproute2's exact message and status.
"""
from __future__ import annotations

from abc import ABC, abstractmethod

from sim.commands import Arping, Command, Ping, RouteGet, Sysctl
from sim.errors import CommandError
from sim.model import NetnsListing, NetnsState, RouteLookup
from sim.programs import ArpingReport, PingReport
from sim.trace import Event, Frame


class Backend(ABC):
    """A place to run a lab.  Use as a context manager: ``close()`` removes everything."""

    #: "sim" or "kernel"
    name: str = ""

    @abstractmethod
    def now(self) -> float:
        """Seconds since the run began, on this backend's clock."""

    @abstractmethod
    def apply(self, cmd: Command) -> None:
        """Carry out a configuration command: ``NetnsAdd``, ``NetnsDel``, ``LinkAddVeth``,
        ``LinkAddBridge``, ``LinkSet``, ``LinkDel``, ``AddrAdd``, ``AddrDel``,
        ``RouteModify``, ``NeighModify``, ``NeighDel``, ``NeighFlush``.
        Raises ``CommandError``."""

    @abstractmethod
    def netns_list(self) -> NetnsListing:
        """The lab's named namespaces (never ``root``), in ``ip netns list`` order."""

    @abstractmethod
    def snapshot(self, netns: str) -> NetnsState:
        """The state of one namespace now.  Raises ``CommandError`` if it does not exist."""

    @abstractmethod
    def ping(self, cmd: Ping) -> PingReport:
        """Run ``ping`` in ``cmd.netns`` to completion and report what it printed."""

    def arping(self, cmd: Arping) -> ArpingReport:
        """Run ``arping`` in ``cmd.netns`` to completion and report what it printed."""
        raise CommandError(f"vethlab: arping is not supported on the {self.name} backend", 1)

    def sysctl(self, cmd: Sysctl) -> str:
        """Read or write one sysctl in ``cmd.netns``; return its value (after a write).

        Raises ``CommandError`` with sysctl's own message for an unknown key, e.g.
        ``sysctl: cannot stat /proc/sys/net/ipv4/neigh/veth9/retrans_time_ms: No such
        file or directory`` (rc 255).
        """
        raise CommandError(f"vethlab: sysctl is not supported on the {self.name} backend", 1)

    def route_get(self, cmd: RouteGet) -> RouteLookup:
        """Where a packet to ``cmd.dst`` would go from ``cmd.netns`` (``ip route get``)."""
        raise CommandError(f"vethlab: ip route get is not supported on the {self.name} backend", 1)

    @abstractmethod
    def sleep(self, seconds: float) -> None:
        """Let time pass (timers fire, frames flow)."""

    @abstractmethod
    def frames(self) -> list[Frame]:
        """Every frame seen so far on every lab interface, in time order."""

    @abstractmethod
    def events(self) -> list[Event]:
        """Every state change seen so far, in time order."""

    def settle(self) -> None:
        """Let earlier configuration take effect before a listing or a program runs.

        A person types commands seconds apart; a script runs them microseconds apart.
        The kernel backend waits here for asynchronous kernel work (linkwatch) so that
        what it shows is what a person would see; the simulator has nothing to wait for.
        The runner calls it before starting the clock on a non-configuration command.
        """

    def mac_owners(self, netns: str) -> list[tuple[str, str]]:
        """``(mac, dev)`` of every non-loopback link in ``netns``, bridges last; ``[]`` if
        it does not exist.  Comparisons name MACs by their owner; a bridge takes one of
        its ports' MACs (the smallest, which depends on random MACs) and sends frames
        from it, so a shared MAC is named after the bridge.

        By default from a snapshot; a backend that knows its devices answers cheaper
        (the runner asks after every ``ip link set … master``: 250 times for a node).
        """
        self.settle()
        try:
            state = self.snapshot(netns)
        except CommandError:
            return []
        links = sorted(state.links, key=lambda link: link.kind == "bridge")
        return [(link.mac, link.name) for link in links if link.kind != "loopback" and link.mac]

    def has_netns(self, netns: str) -> bool:
        """Whether the lab namespace exists (``root`` always does)."""
        from sim.model import ROOT_NS

        return netns == ROOT_NS or any(e.name == netns for e in self.netns_list().entries)

    def close(self) -> None:
        """Remove everything the backend created.  Safe to call twice."""

    def __enter__(self) -> "Backend":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
