"""One network namespace's kernel: devices, addresses, routes, neighbour tables.

A ``Netns`` owns what ``ip`` shows for one namespace and the entry points through which
packets reach its stack (``receive`` for a frame on a device, ``loopback_input``,
``neigh_timer``).  Protocol work lives in ``arp.py``, ``ipv4.py`` and ``icmp.py``; this
module is the bookkeeping they share.  Moving devices between namespaces and everything
else that spans namespaces is ``backends/simulated/world.py``.
"""
from __future__ import annotations

import ipaddress
import random

from sim.model import Address, Neighbour, NetnsState, Route
from sim.trace import Event
from sim.wire import (BROADCAST, ETH_P_ARP, ETH_P_IP, EthernetFrame, WireError)

from backends.simulated.stack import neighbour as nd
from backends.simulated.stack.actions import Action, ArmTimer, Emit
from backends.simulated.stack.bridge import fdb_snapshot, ports_snapshot
from backends.simulated.stack.route import IfAddr, connected_routes, lookup
from backends.simulated.stack.veth import Device, loopback

#: Linux's ifindex space (xa_limit_31b).
IFINDEX_MAX = 2**31 - 1


class Netns:
    """The kernel state of one namespace.  ``name`` is the script's name."""

    def __init__(self, name: str, rng: random.Random):
        self.name = name
        self.rng = rng
        self.devices: dict[int, Device] = {}
        self._by_name: dict[str, Device] = {}
        #: Set by the ``World``: a cell it bumps after every configuration command.  With
        #: it, addresses and routes (which only configuration changes) are computed once
        #: per change instead of once per packet; without it (a bare ``Netns`` in a
        #: test, edited by hand) nothing is cached.
        self.epoch: list[int] | None = None
        self._cache: dict[str, object] = {}
        self._cache_epoch = -1
        #: net->ifindex: where the cyclic allocator looks next (lo took 1).
        self.ifindex_next = 1
        self.addrs: dict[str, list[IfAddr]] = {}
        self.neigh: dict[str, nd.NeighbourTable] = {}
        self.ip_ids: dict[tuple[str, str, int], list[float]] = {}
        self.dropped: dict[str, int] = {}
        #: net.ipv4.ip_forward (== conf.all.forwarding); see stack/devconf.py.
        self.sysctl_ip_forward = 0
        #: net.ipv4.conf values written: "all", "default", device name -> {key: value}.
        self.devconf: dict[str, dict[str, int]] = {}
        #: Routes added with ``ip route add|replace`` (``stack/rtable.py``).
        self.static_routes: list[Route] = []
        self.attach(loopback(name))

    # ---- devices -----------------------------------------------------------------------
    def dev(self, name: str) -> Device | None:
        # A name index in front of the scan: a node with 250 ports looks its devices up
        # by name for every frame.  The index is only a hint, checked against
        # ``devices`` on every use, so nothing that edits ``devices`` can make it lie.
        d = self._by_name.get(name)
        if d is not None and d.name == name and self.devices.get(d.index) is d:
            return d
        if d is None and len(self._by_name) == len(self.devices):
            return None  # attach/detach keep the index complete: the name is not here
        d = next((d for d in self.devices.values() if d.name == name), None)
        if d is not None:
            self._by_name[name] = d
        return d

    @property
    def lo(self) -> Device:
        return self.devices[1]

    def alloc_index(self) -> int:
        """dev_index_reserve(net, 0): the next free index at or after ``ifindex_next``."""
        i = self.ifindex_next
        while i in self.devices:
            i = i + 1 if i < IFINDEX_MAX else 1
        self.ifindex_next = i + 1
        return i

    def attach(self, dev: Device, keep_index: bool = False) -> None:
        """Register ``dev`` here: keep its index if asked and free, else allocate one."""
        if not (keep_index and dev.index and dev.index not in self.devices):
            dev.index = self.alloc_index()
        dev.netns = self.name
        self.devices[dev.index] = dev
        self._by_name[dev.name] = dev
        self.addrs[dev.name] = []
        self.neigh[dev.name] = nd.NeighbourTable(self.name, dev.name,
                                                 nd.rand_reach_time(self.rng))

    def detach(self, dev: Device) -> None:
        """Unregister ``dev``: its addresses, routes and neighbour entries go with it."""
        del self.devices[dev.index]
        if self._by_name.get(dev.name) is dev:
            del self._by_name[dev.name]
        self.addrs.pop(dev.name, None)
        self.neigh.pop(dev.name, None)
        self.devconf.pop(dev.name, None)

    # ---- addresses and routes ----------------------------------------------------------
    def _cached(self, key: str, compute):  # type: ignore[no-untyped-def]
        """``compute()``, remembered until the World's next configuration change."""
        if self.epoch is None or self.epoch[0] < 0:  # -1: a command is being carried out
            return compute()
        if self._cache_epoch != self.epoch[0]:
            self._cache.clear()
            self._cache_epoch = self.epoch[0]
        try:
            return self._cache[key]
        except KeyError:
            value = self._cache[key] = compute()
            return value

    def all_addrs(self) -> list[IfAddr]:
        return list(self._cached("addrs", self._all_addrs))

    def _all_addrs(self) -> list[IfAddr]:
        return [a for d in sorted(self.devices) for a in self.addrs[self.devices[d].name]]

    def _local_set(self) -> tuple[frozenset[str], tuple[ipaddress.IPv4Network, ...]]:
        addrs = self._all_addrs()
        return (frozenset(a.local for a in addrs),
                tuple(a.network for a in addrs if a.dev == "lo"))

    def is_local(self, ip: str) -> bool:
        """inet_addr_type() == RTN_LOCAL: any address on any device here (weak host)."""
        own, lo_nets = self._cached("local", self._local_set)
        if ip in own:
            return True
        if not lo_nets:
            return False
        # lo's prefix routes are local routes too: 127.0.0.0/8 is all ours once lo has it.
        addr = ipaddress.IPv4Address(ip)
        return any(addr in net for net in lo_nets)

    def routes(self) -> list[Route]:
        """The main table: connected routes and the ones added with ``ip route``, in
        ``ip route`` order (by network, longer prefix first, then metric)."""
        return list(self._cached("routes", self._routes))

    def _routes(self) -> list[Route]:
        from backends.simulated.stack.rtable import with_linkdown

        devs = list(self.devices.values())
        connected = connected_routes(self.all_addrs(), {d.name: d.up for d in devs},
                                     {d.name: d.carrier for d in devs},
                                     {d.name for d in devs if d.kind == "loopback"})
        if not self.static_routes:
            return connected

        def key(r: Route) -> tuple[int, int, int]:
            net = ipaddress.IPv4Network("0.0.0.0/0" if r.dst == "default" else r.dst)
            return int(net.network_address), -net.prefixlen, r.metric or 0

        return sorted(connected + with_linkdown(self), key=key)

    def route(self, dst: str) -> Route | None:
        return lookup(self.routes(), dst)

    def select_addr(self, dev: str, dst: str | None = None) -> str | None:
        """inet_select_addr(): a primary address of ``dev`` (one in ``dst``'s subnet
        first), else a global address of any other device."""
        own = [a for a in self.addrs.get(dev, []) if not a.secondary and a.scope != "host"]
        if dst is not None:
            ip = ipaddress.IPv4Address(dst)
            for a in own:
                if ip in a.network:
                    return a.local
        if own:
            return own[0].local
        for a in self.all_addrs():
            if a.scope == "global" and not a.secondary:
                return a.local
        return None

    def source_for(self, dst: str) -> str | None:
        """The source address a socket sending to ``dst`` gets (None: unreachable)."""
        if self.is_local(dst):
            return dst
        r = self.route(dst)
        if r is None:
            return None
        return r.src or self.select_addr(r.dev, r.via or dst)

    def ip_ident(self, src: str, dst: str, proto: int, now: float) -> int:
        """ip_idents_reserve(): a per-flow counter that jumps by a random amount below
        the jiffies elapsed since its last use (so IDs look random but increase)."""
        from backends.simulated.stack.ipv4 import IP_IDENT_HZ

        key = (src, dst, proto)
        slot = self.ip_ids.get(key)
        if slot is None:
            slot = self.ip_ids[key] = [float(self.rng.randrange(0x10000)), now]
            delta = 0
        else:
            ticks = int((now - slot[1]) * IP_IDENT_HZ)
            delta = self.rng.randrange(ticks) if ticks > 0 else 0
            slot[1] = now
        ident = (int(slot[0]) + delta) & 0xFFFF
        slot[0] = float(ident + 1)
        return ident

    # ---- packets in ----------------------------------------------------------------------
    def drop(self, why: str) -> list[Action]:
        """Count a dropped packet, like the kernel's drop reasons (nothing is sent)."""
        self.dropped[why] = self.dropped.get(why, 0) + 1
        return []

    def receive(self, dev_name: str, data: bytes, now: float) -> list[Action]:
        """A frame arrived on ``dev_name``: Ethernet filtering, then ARP or IPv4."""
        from backends.simulated.stack.arp import handle_arp
        from backends.simulated.stack.ipv4 import ip_input

        dev = self.dev(dev_name)
        if dev is None or not dev.up:
            return self.drop("device down")
        try:
            eth = EthernetFrame.parse(data)
        except WireError:
            return self.drop("bad ethernet")
        if eth.dst not in (dev.mac, BROADCAST):
            return self.drop("otherhost")  # PACKET_OTHERHOST: not for us
        if eth.ethertype == ETH_P_ARP:
            return handle_arp(self, dev, eth, now)
        if eth.ethertype == ETH_P_IP:
            return ip_input(self, dev, eth, now)
        return self.drop("unknown ethertype")

    def loopback_input(self, packet: bytes, now: float) -> list[Action]:
        from backends.simulated.stack.ipv4 import local_deliver
        from sim.wire import Ipv4Packet

        if not self.lo.up:
            return self.drop("lo down")
        try:
            return local_deliver(self, Ipv4Packet.parse(packet), now)
        except WireError:
            return self.drop("bad ipv4")

    # ---- neighbour glue ----------------------------------------------------------------
    def neigh_actions(self, dev: Device, acts: list[nd.NeighAction],
                      now: float) -> list[Action]:
        """Turn a neighbour table's requests into frames, timers and ICMP errors."""
        from backends.simulated.stack.arp import arp_request, solicit_source
        from backends.simulated.stack.icmp import host_unreachable

        out: list[Action] = []
        for a in acts:
            if isinstance(a, nd.Send):
                out.append(Emit(dev.name, EthernetFrame(a.lladdr, dev.mac, ETH_P_IP,
                                                        a.packet).emit()))
            elif isinstance(a, nd.Solicit):
                saddr = solicit_source(self, dev, a.ip, a.saddr)
                out.append(Emit(dev.name, arp_request(dev, a.ip, saddr, a.lladdr)))
            elif isinstance(a, nd.Timer):
                out.append(ArmTimer(at=a.at, dev=dev.name, ip=a.ip, gen=a.gen))
            elif isinstance(a, nd.Unreachable):
                out.extend(host_unreachable(self, a.packet, now))
            elif isinstance(a, Event):
                out.append(a)
        return out

    def neigh_timer(self, dev_name: str, ip: str, gen: int, now: float) -> list[Action]:
        dev = self.dev(dev_name)
        table = self.neigh.get(dev_name)
        if dev is None or table is None:
            return []
        return self.neigh_actions(dev, table.timer(ip, gen, now), now)

    def flush_neigh(self, dev_name: str, now: float, reason: str,
                    skip_perm: bool = False) -> list[Action]:
        """neigh_flush_dev(): device down or address changed (everything goes), or
        carrier lost (``skip_perm``: PERMANENT entries stay)."""
        table = self.neigh.get(dev_name)
        dev = self.dev(dev_name)
        if table is None or dev is None:
            return []
        return self.neigh_actions(dev, table.flush(now, reason, skip_perm=skip_perm), now)

    # ---- the snapshot ------------------------------------------------------------------
    def snapshot(self, nsids: dict[str, int] | None = None) -> NetnsState:
        """What ``ip link/addr/route/neigh`` would list; ``nsids`` is this namespace's
        id table (namespace name -> nsid) for ``link-netnsid``."""
        nsids = nsids or {}
        devs = [self.devices[i] for i in sorted(self.devices)]
        addresses = tuple(Address(dev=a.dev, local=a.local, prefixlen=a.prefixlen,
                                  scope=a.scope) for a in self.all_addrs())
        neighbours = tuple(
            Neighbour(dst=e.ip, dev=d.name, state=e.state,
                      lladdr=e.lladdr if e.state in nd.VALID else None)
            for d in devs for e in self.neigh[d.name].listing())
        return NetnsState(netns=self.name, links=tuple(
            d.to_link(nsids.get(d.peer.netns) if d.peer else None, self.devices) for d in devs),
                          addresses=addresses, routes=tuple(self.routes()),
                          neighbours=neighbours, fdb=fdb_snapshot(devs),
                          bridge_ports=ports_snapshot(devs))
