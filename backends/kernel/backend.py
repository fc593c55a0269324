"""``KernelBackend``: a lab on real namespaces and veth pairs, driven over netlink.

Each lab namespace (the script's ``root`` included) is made by ``Sandbox`` together with
the three sockets that must live inside it: a verified rtnetlink socket for changes and
dumps, an AF_PACKET socket for capture and a netlink socket for neighbour events.  All
later work goes through those sockets, so no thread of ours ever sits in a lab
namespace except briefly to open ping's sockets.  Names cross this edge untranslated
except namespaces: the script says ``ns1``, the kernel holds ``<prefix>ns1``, and every
message we produce uses the script's name.
"""
from __future__ import annotations

import ipaddress
import os
import time

from backends.base import Backend
from backends.kernel import capture as capture_mod
from backends.kernel import events as events_mod
from backends.kernel import programs, sandbox, state
from backends.kernel import bridge as bridge_mod
from backends.kernel import routes as routes_mod
from backends.kernel import arping as arping_mod
from backends.kernel import linkwatch
from backends.kernel import loops as loops_mod
from backends.kernel import macs as macs_mod
from backends.kernel import neigh as neigh_mod
from backends.kernel import nsids
from backends.kernel import sysctl as sysctl_mod
from backends.kernel.caps import (CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_ADMIN, NEEDS_ROOT,
                                  effective_caps)
from backends.kernel.links import (NetlinkError, NetlinkSocket, iproute_error,
                                   parse_mac)
from sim.commands import (AddrAdd, AddrDel, Command, LinkAddVeth, LinkDel, LinkSet, NetnsAdd,
                          NetnsDel, Ping)
from sim.commands import LinkAddBridge, RouteGet, RouteModify
from sim.commands import Arping, NeighDel, NeighFlush, NeighModify, Sleep, Sysctl
from sim.errors import BackendUnavailable, CommandError
from sim.limits import DEFAULT_LIMITS, Limits, program_refusal, too_many_namespaces
from sim.model import ROOT_NS, NetnsEntry, NetnsListing, NetnsState, RouteLookup
from sim.programs import ArpingReport, PingReport
from sim.trace import Event, Frame


def _renames(cmd: Command) -> set[str] | None:
    """The namespaces whose devices ``cmd`` may add, remove or rename; None: any."""
    if isinstance(cmd, (LinkDel, NetnsDel)):
        return None  # a veth's peer goes with it, wherever it is
    if isinstance(cmd, LinkAddVeth):
        return {cmd.netns, cmd.name_netns or cmd.netns, cmd.peer_netns or cmd.netns}
    if isinstance(cmd, LinkSet):
        return {cmd.netns} | ({cmd.to_netns} if cmd.to_netns else set())
    if isinstance(cmd, (LinkAddBridge, NetnsAdd)):
        return {cmd.netns}
    return set()


def _no_netns(name: str) -> CommandError:
    return CommandError(f'Cannot open network namespace "{name}": No such file or directory',
                        rc=255)


class KernelBackend(Backend):
    name = "kernel"

    def __init__(self, *, limits: Limits | None = None) -> None:
        #: Bounds checked again here (sim.run checks a whole script first): a shell
        #: session or a Lab built in Python reaches the backend one command at a time.
        self.limits = limits or DEFAULT_LIMITS
        #: Namespaces that may hold a bridge: only a link change there can close a loop.
        self._bridge_ns: set[str] = set()
        caps = effective_caps()
        if not all(caps & (1 << c) for c in (CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_NET_RAW)):
            raise BackendUnavailable(NEEDS_ROOT)
        self._t0_mono = time.monotonic()
        self._t0_real_ns = time.time_ns()
        self._closed = False
        self._unsettled = False  # link changes linkwatch may not have applied yet
        self._pid = os.getpid()  # a forked child must never remove its parent's lab
        self._nl: dict[str, NetlinkSocket] = {}
        self._ifnames: dict[str, dict[int, str]] = {}
        #: Namespaces whose ifindex -> name map may be out of date (re-read on demand).
        self._stale_names: set[str] = set()
        self._ids = nsids.NamespaceIds(self._nl, self._fds)
        self._pings = 0
        self._macs = macs_mod.MacBook(self._nl.get)
        self.capture = capture_mod.Capture(self._t0_real_ns)
        self.neigh = events_mod.NeighEvents(self.now, self._dev_name)
        try:
            self.sandbox = sandbox.Sandbox()
        except OSError as exc:
            self.capture.close()
            self.neigh.close()
            raise BackendUnavailable(f"cannot prepare {sandbox.NETNS_RUN_DIR}: {exc}") from exc
        sandbox.register(self.close)
        try:
            self._create(ROOT_NS)
        except BaseException:
            self.close()
            raise

    @property
    def prefix(self) -> str:
        """The run's namespace prefix (``vl<pid>-<tag>-``)."""
        return self.sandbox.prefix

    # ---- clock ----------------------------------------------------------------------

    def now(self) -> float:
        return time.monotonic() - self._t0_mono

    def sleep(self, seconds: float) -> None:
        why = program_refusal(Sleep(seconds=seconds), self.limits)
        if why is not None:
            raise CommandError(why, rc=1)
        time.sleep(seconds)

    # ---- namespaces -----------------------------------------------------------------

    def _create(self, name: str) -> None:
        def inside() -> tuple:
            nl = NetlinkSocket.here()
            try:
                nl.verify_fresh()
                return nl, capture_mod.open_socket_here(), events_mod.open_socket_here()
            except BaseException:
                nl.close()
                raise

        ns = self.sandbox.create(name, inside)
        nl, cap_sock, ev_sock = ns.extra.pop("setup")
        self._nl[name] = nl
        self._ifnames[name] = {1: "lo"}
        self.capture.add(name, cap_sock)
        self.neigh.add(name, ev_sock)

    def _remove(self, name: str) -> None:
        self.capture.remove(name)
        self.neigh.remove(name)
        nl = self._nl.pop(name, None)
        if nl is not None:
            nl.close()
        self._ifnames.pop(name, None)
        self.sandbox.remove(name)

    def _sock(self, netns: str) -> NetlinkSocket:
        nl = self._nl.get(netns)
        if nl is None:
            raise _no_netns(netns)
        return nl

    def _netns_fd(self, name: str) -> int:
        ns = self.sandbox.namespaces.get(name)
        if ns is None:
            raise CommandError(f'Error: argument "{name}" is wrong: Invalid "netns" value\n',
                               rc=255)
        return ns.fd

    def _dev_name(self, netns: str, index: int) -> str | None:
        """The name of device ``index`` in ``netns`` (for neighbour events).

        The map is re-read only when an event needs it after a command that may have
        renamed something: re-reading after every command cost a dump per command (and
        setting up N pods on one bridge N² decoded links).  Events are drained before
        every command, so the devices they name still exist when this runs; a name
        that has gone since is kept from the previous map.  Runs in the reader thread:
        the socket's lock orders it with the main thread's requests.
        """
        if netns in self._stale_names:
            self._stale_names.discard(netns)  # before the dump: a later change re-marks
            nl = self._nl.get(netns)
            if nl is not None:
                try:
                    fresh = {i.index: i.name for i in nl.link_infos()}
                    self._ifnames[netns] = {**self._ifnames.get(netns, {}), **fresh}
                except (OSError, NetlinkError):
                    pass
        return self._ifnames.get(netns, {}).get(index)

    def _mark_names(self, cmd: Command) -> None:
        """Note where ``cmd`` may have added, removed or renamed devices (all if unsure)."""
        affected = _renames(cmd)
        self._stale_names.update(self._nl if affected is None else
                                 (n for n in affected if n in self._nl))

    # ---- configuration --------------------------------------------------------------

    def apply(self, cmd: Command) -> None:
        # Read frames/events first: devices about to move or vanish are still named.
        self.capture.drain()
        self.neigh.drain()
        ok = False
        try:
            self._apply(cmd)
            ok = True
            if isinstance(cmd, (LinkSet, LinkAddVeth, LinkDel, NetnsDel, LinkAddBridge)):
                self._unsettled = True
        except NetlinkError as exc:
            raise iproute_error(exc) from None
        finally:
            self._mark_names(cmd)
            self._macs.applied(cmd, ok)

    def settle(self) -> None:
        """Before a listing or a program: let link changes take effect (see below).

        Only after link changes, and only once for a run of them: a lab that sets up a
        hundred pods waits for linkwatch once, not a hundred times.
        """
        if self._unsettled:
            self._settle_links()
            self._unsettled = False

    def _settle_links(self) -> None:
        linkwatch.wait(lambda: list(self._nl.values()))

    def _apply(self, cmd: Command) -> None:
        if isinstance(cmd, NetnsAdd):
            if cmd.name in self.sandbox.namespaces:
                raise CommandError(f'Cannot create namespace file "/run/netns/{cmd.name}": '
                                   "File exists", rc=1)
            why = too_many_namespaces(cmd.name, len(self.sandbox.namespaces), self.limits)
            if why is not None:  # the root namespace is not counted
                raise CommandError(why, rc=1)
            try:
                self._create(cmd.name)
            except FileExistsError:
                raise CommandError(f'Cannot create namespace file "/run/netns/{cmd.name}": '
                                   "File exists", rc=1) from None
            return
        if isinstance(cmd, NetnsDel):
            if cmd.name == ROOT_NS or cmd.name not in self.sandbox.namespaces:
                raise CommandError(f'Cannot remove namespace file "/run/netns/{cmd.name}": '
                                   "No such file or directory", rc=1)
            self._remove(cmd.name)
            self._ids.forget()
            self._bridge_ns.discard(cmd.name)
            return
        nl = self._sock(cmd.netns)
        if isinstance(cmd, LinkAddVeth):
            fd = self._netns_fd(cmd.name_netns) if cmd.name_netns else None
            mac = parse_mac(cmd.address) if cmd.address else None
            pfd = self._netns_fd(cmd.peer_netns) if cmd.peer_netns else None
            pmac = parse_mac(cmd.peer_address) if cmd.peer_address else None
            nl.add_veth(cmd.name, cmd.peer, address=mac, netns_fd=fd, peer_address=pmac,
                        peer_netns_fd=pfd)
        elif isinstance(cmd, LinkSet):
            if cmd.netns in self._bridge_ns and (cmd.up or cmd.master):
                self._refuse_bridge_loop(cmd)
            if cmd.to_netns and self._bridge_ns:
                self._bridge_ns.add(cmd.to_netns)  # it may be a bridge that moves
            fd = self._netns_fd(cmd.to_netns) if cmd.to_netns else None
            mac = parse_mac(cmd.address) if cmd.address else None
            master = self._master_index(nl, cmd)  # iproute2 resolves it before the device
            nl.set_link(self._index(nl, cmd.dev), up=cmd.up, netns_fd=fd, address=mac,
                        master=master)
        elif isinstance(cmd, LinkAddBridge):
            mac = parse_mac(cmd.address) if cmd.address else None
            bridge_mod.add_bridge(nl, cmd.name, ":".join(f"{b:02x}" for b in mac) if mac
                                  else None)
            self._bridge_ns.add(cmd.netns)
        elif isinstance(cmd, RouteModify):
            oif = self._index(nl, cmd.dev) if cmd.dev else None
            routes_mod.modify(nl, cmd.op, cmd.dst, via=cmd.via, oif=oif, src=cmd.src,
                              metric=cmd.metric)
        elif isinstance(cmd, LinkDel):
            nl.del_link(self._index(nl, cmd.dev))
        elif isinstance(cmd, (AddrAdd, AddrDel)):
            iface = ipaddress.IPv4Interface(cmd.cidr)
            index = self._index(nl, cmd.dev)
            nl.addr(isinstance(cmd, AddrAdd), index, str(iface.ip), iface.network.prefixlen)
        elif isinstance(cmd, NeighModify):
            neigh_mod.modify(nl, lambda dev: self._index(nl, dev), cmd)
        elif isinstance(cmd, NeighDel):
            neigh_mod.delete(nl, self._index(nl, cmd.dev), cmd)
        elif isinstance(cmd, NeighFlush):
            neigh_mod.flush(nl, self._index(nl, cmd.dev) if cmd.dev else None, cmd)
        else:
            raise CommandError(f"the kernel backend cannot apply {type(cmd).__name__}", rc=1)

    def _refuse_bridge_loop(self, cmd: LinkSet) -> None:
        """Refuse the change that would close a loop of bridges (see loops.py).

        Cheap for the usual case (a pod's veth joining its node's bridge): one lookup
        of the device, and its peer's namespace is only compared with the few that may
        hold a bridge.  The full check dumps just those namespaces.
        """
        info = self._sock(cmd.netns).link_info(cmd.dev)
        if info is None:
            return  # the command fails on its own
        dev = loops_mod.from_infos(cmd.netns, [info])[0]
        peer_ns = cmd.netns if dev.peer_nsid is None else self._ids.known_as(
            cmd.netns, dev.peer_nsid, self._bridge_ns)
        if not loops_mod.may_close(dev, cmd, peer_ns, self._bridge_ns):
            return
        devs = [d for name, nl in list(self._nl.items()) if name in self._bridge_ns
                for d in loops_mod.from_infos(name, linkwatch.links(nl))]
        why = loops_mod.loop_message(cmd, devs, self._ids.name_of)
        if why is not None:
            raise CommandError(why, rc=1)

    @staticmethod
    def _master_index(nl: NetlinkSocket, cmd: LinkSet) -> int | None:
        """IFLA_MASTER for ``master BR`` (its ifindex) / ``nomaster`` (0), else None."""
        if cmd.nomaster:
            return 0
        if not cmd.master:
            return None
        index = nl.index_of(cmd.master)
        if index is None:
            raise CommandError(f'Error: argument "{cmd.master}" is wrong: Device does not '
                               "exist\n", rc=255)
        return index

    @staticmethod
    def _index(nl: NetlinkSocket, dev: str) -> int:
        index = nl.index_of(dev)
        if index is None:
            raise CommandError(f'Cannot find device "{dev}"', rc=1)
        return index

    # ---- state ----------------------------------------------------------------------

    def _fds(self) -> dict[str, int]:
        return {name: ns.fd for name, ns in self.sandbox.namespaces.items()}

    def mac_owners(self, netns: str) -> list[tuple[str, str]]:
        """``(mac, dev)`` of every non-loopback link, bridges last: what the runner's MAC
        bookkeeping needs, kept current from the commands applied (see macs.py) instead
        of a snapshot or a dump per ``ip link set … master``."""
        return self._macs.owners(netns)

    def snapshot(self, netns: str) -> NetnsState:
        self.settle()
        nl = self._sock(netns)
        fds = {k: v for k, v in self._fds().items() if k != netns}
        try:
            return state.snapshot(netns, nl, state.nsid_map(nl, fds))
        except NetlinkError as exc:
            raise iproute_error(exc) from None

    def route_get(self, cmd: RouteGet) -> RouteLookup:
        nl = self._sock(cmd.netns)
        try:
            names = {i.index: i.name for i in nl.link_infos()}
            return routes_mod.get(nl, cmd.dst, names)
        except NetlinkError as exc:
            raise iproute_error(exc) from None

    def netns_list(self) -> NetnsListing:
        root = self._nl[ROOT_NS]
        entries = []
        for name, ns in self.sandbox.namespaces.items():
            if name == ROOT_NS:
                continue
            entries.append(NetnsEntry(name=name, nsid=root.nsid_of(ns.fd)))
        return NetnsListing(entries=tuple(entries))

    # ---- programs, results ----------------------------------------------------------

    def _program_start(self, cmd: Ping | Arping) -> None:
        """Before a program: its namespace exists, it is within the limits, links settled."""
        if cmd.netns not in self.sandbox.namespaces:
            raise _no_netns(cmd.netns)
        why = program_refusal(cmd, self.limits)
        if why is not None:
            raise CommandError(why, rc=1)
        self.settle()

    def ping(self, cmd: Ping) -> PingReport:
        self._program_start(cmd)
        index = self._pings
        self._pings += 1
        return programs.ping(cmd, index, lambda fn: self.sandbox.run_in(cmd.netns, fn),
                             self.now, nl=self._sock(cmd.netns))

    def arping(self, cmd: Arping) -> ArpingReport:
        self._program_start(cmd)
        return arping_mod.arping(cmd, self._sock(cmd.netns),
                                 lambda fn: self.sandbox.run_in(cmd.netns, fn), self.now)

    def sysctl(self, cmd: Sysctl) -> str:
        if cmd.netns not in self.sandbox.namespaces:
            raise _no_netns(cmd.netns)
        self.neigh.drain()
        return sysctl_mod.sysctl(cmd, lambda fn: self.sandbox.run_in(cmd.netns, fn))

    def frames(self) -> list[Frame]:
        return self.capture.frames()

    def events(self) -> list[Event]:
        return self.neigh.events()

    def close(self) -> None:
        """Stop readers, close every socket, remove every namespace.  Idempotent."""
        if self._closed:
            return
        self._closed = True
        if os.getpid() != self._pid:
            return
        sandbox.unregister(self.close)
        for part in (self.capture, self.neigh):
            try:
                part.close()
            except Exception:
                pass
        for nl in self._nl.values():
            try:
                nl.close()
            except OSError:
                pass
        self._nl.clear()
        self.sandbox.close()

    def __del__(self) -> None:  # last resort; close() is the contract
        try:
            if not getattr(self, "_closed", True):
                self.close()
        except Exception:
            pass
