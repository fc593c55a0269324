"""The machine: every namespace, their nsids, and the configuration commands.

Pure like ``stack/``: each command takes ``now`` and returns the stack actions it caused
(neighbour entries flushed when a device goes down, for instance).  Failures are
``CommandError`` with iproute2 6.1's own text and exit status, as measured with the
real ``ip`` inside ``unshare --net --mount``.
"""
from __future__ import annotations

import ipaddress
import random

from sim.commands import (AddrAdd, AddrDel, Command, LinkAddVeth, LinkDel, LinkSet, NetnsAdd,
                          NetnsDel)
from sim.errors import CommandError
from sim.model import ROOT_NS, NetnsEntry, NetnsListing, NetnsState

from backends.simulated.stack.actions import Action
from backends.simulated.stack.netns import Netns
from backends.simulated.stack.route import IfAddr, insert_addr
from backends.simulated.stack.veth import Device, random_mac, valid_ether, veth_pair

#: ``ip netns list`` reads /run/netns, a tmpfs; on the reference kernel (6.18) its
#: readdir returns the newest entry first, so ``ip netns list`` prints ns2 before ns1.
NETNS_LIST_NEWEST_FIRST = True

FILE_EXISTS = "RTNETLINK answers: File exists"
ADDR_NOT_AVAIL = "RTNETLINK answers: Cannot assign requested address"


def no_netns(name: str) -> CommandError:
    """Any command run in (``ip netns exec``/``ip -n``) a namespace that does not exist."""
    return CommandError(f'Cannot open network namespace "{name}": No such file or directory',
                        rc=255)


def no_device(name: str) -> CommandError:
    return CommandError(f'Cannot find device "{name}"', rc=1)


def bad_netns_arg(name: str) -> CommandError:
    """iproute2 resolves ``netns NAME`` while parsing, before any device lookup."""
    return CommandError(f'Error: argument "{name}" is wrong: Invalid "netns" value\n', rc=255)


class World:
    """All namespaces of one lab run (``root`` included) and the links between them."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        #: Bumped after every configuration command: each Netns caches its addresses
        #: and routes until it changes (see ``Netns._cached``).
        self.epoch = [0]
        self.namespaces: dict[str, Netns] = {ROOT_NS: self._new_ns(ROOT_NS)}
        #: viewer namespace -> {target namespace -> nsid} (peernet2id tables).
        self.nsids: dict[str, dict[str, int]] = {ROOT_NS: {}}

    # ---- lookups -------------------------------------------------------------------------
    def ns(self, name: str) -> Netns:
        try:
            return self.namespaces[name]
        except KeyError:
            raise no_netns(name) from None

    def _target(self, name: str | None, default: str) -> Netns:
        if name is None:
            return self.ns(default)
        if name not in self.namespaces:
            raise bad_netns_arg(name)
        return self.namespaces[name]

    def _alloc_nsid(self, viewer: str, target: str) -> None:
        """peernet2id_alloc(): the smallest free id, once per (viewer, target)."""
        if viewer == target or viewer not in self.nsids:
            return
        table = self.nsids[viewer]
        if target in table:
            return
        used = set(table.values())
        table[target] = next(i for i in range(len(used) + 1) if i not in used)

    def netns_list(self, viewer: str = ROOT_NS) -> NetnsListing:
        names = [n for n in self.namespaces if n != ROOT_NS]
        if NETNS_LIST_NEWEST_FIRST:
            names.reverse()
        ids = self.nsids.get(viewer, {})
        return NetnsListing(tuple(NetnsEntry(n, ids.get(n)) for n in names))

    def snapshot(self, name: str) -> NetnsState:
        return self.ns(name).snapshot(self.nsids.get(name, {}))

    # ---- dispatch ------------------------------------------------------------------------
    def _new_ns(self, name: str) -> Netns:
        ns = Netns(name, self.rng)
        ns.epoch = self.epoch
        return ns

    def apply(self, cmd: Command, now: float) -> list[tuple[Netns, list[Action]]]:
        """Carry out one configuration command; returns actions per namespace."""
        before = self.epoch[0]
        self.epoch[0] = -1  # configuring: nothing is cached until it is done
        try:
            return self._apply(cmd, now)
        finally:
            self.epoch[0] = before + 1  # even a failed command may have changed something

    def _apply(self, cmd: Command, now: float) -> list[tuple[Netns, list[Action]]]:
        if isinstance(cmd, NetnsAdd):
            self.ns(cmd.netns)
            return self.netns_add(cmd.name)
        if isinstance(cmd, NetnsDel):
            self.ns(cmd.netns)
            return self.netns_del(cmd.name, now)
        from backends.simulated import neigh_admin

        if isinstance(cmd, neigh_admin.COMMANDS):
            return neigh_admin.apply(self.ns(cmd.netns), cmd, now)
        from backends.simulated import bridge_admin
        from sim.commands import LinkAddBridge, RouteModify

        if isinstance(cmd, (LinkAddBridge, RouteModify)):
            return bridge_admin.apply(self, cmd, now)
        handler = {LinkAddVeth: self.link_add_veth, LinkSet: self.link_set,
                   LinkDel: self.link_del, AddrAdd: self.addr_add,
                   AddrDel: self.addr_del}.get(type(cmd))
        if handler is None:
            raise TypeError(f"not a configuration command: {type(cmd).__name__}")
        involved = self._involved(cmd)
        try:
            return handler(cmd, now)  # type: ignore[operator]
        finally:
            bridge_admin.sync(self, involved | self._involved(cmd))

    def _involved(self, cmd: Command) -> set[str]:
        """Namespaces whose bridges ``cmd`` can change a port state in: those it names,
        and the one holding the peer of the device it names (a pod's ``eth0`` going up
        is its node's bridge port gaining carrier)."""
        names = {cmd.netns}
        for attr in ("to_netns", "name_netns", "peer_netns"):
            v = getattr(cmd, attr, None)
            if v:
                names.add(v)
        dev_name = getattr(cmd, "dev", None)
        for ns_name in list(names):
            ns = self.namespaces.get(ns_name)
            dev = ns.dev(dev_name) if ns is not None and dev_name else None
            if dev is not None and dev.peer is not None:
                names.add(dev.peer.netns)
        return names

    # ---- ip netns ------------------------------------------------------------------------
    def netns_add(self, name: str) -> list[tuple[Netns, list[Action]]]:
        if name in self.namespaces:
            raise CommandError(f'Cannot create namespace file "/run/netns/{name}": '
                               "File exists", rc=1)
        self.namespaces[name] = self._new_ns(name)
        self.nsids[name] = {}
        return []

    def netns_del(self, name: str, now: float) -> list[tuple[Netns, list[Action]]]:
        if name not in self.namespaces or name == ROOT_NS:
            raise CommandError(f'Cannot remove namespace file "/run/netns/{name}": '
                               "No such file or directory", rc=1)
        ns = self.namespaces[name]
        out: list[tuple[Netns, list[Action]]] = []
        for dev in [d for d in ns.devices.values() if d.kind == "veth"]:
            if dev.index in ns.devices:  # its pair may already be gone
                out += self._destroy_pair(dev, now)
        del self.namespaces[name]
        del self.nsids[name]
        for table in self.nsids.values():
            table.pop(name, None)
        return out

    # ---- ip link -------------------------------------------------------------------------
    def _find(self, ns: Netns, name: str) -> Device:
        dev = ns.dev(name)
        if dev is None:
            raise no_device(name)
        return dev

    def link_add_veth(self, cmd: LinkAddVeth, now: float) -> list[tuple[Netns, list[Action]]]:
        self.ns(cmd.netns)  # the namespace the command runs in must exist
        a_ns = self._target(cmd.name_netns, cmd.netns)
        b_ns = self._target(cmd.peer_netns, cmd.netns)
        if a_ns.dev(cmd.name) or b_ns.dev(cmd.peer) or (a_ns is b_ns and cmd.name == cmd.peer):
            raise CommandError(FILE_EXISTS, rc=2)
        for mac in (cmd.address, cmd.peer_address):
            if mac is not None and not valid_ether(mac.lower()):
                raise CommandError(ADDR_NOT_AVAIL, rc=2)
        # veth_newlink(): the peer is created (and gets its random MAC and index) first.
        b_mac = cmd.peer_address.lower() if cmd.peer_address else random_mac(self.rng)
        a_mac = cmd.address.lower() if cmd.address else random_mac(self.rng)
        a, b = veth_pair(cmd.name, a_mac, a_ns.name, cmd.peer, b_mac, b_ns.name)
        b_ns.attach(b)
        a_ns.attach(a)
        # linkwatch_init_dev() at registration: the peer, registered first, finds no
        # device at its iflink; ``a`` looks the peer's index up in its own namespace.
        a.linkwatch(a_ns.devices)
        if a_ns is not b_ns:
            self._alloc_nsid(b_ns.name, a_ns.name)
            self._alloc_nsid(a_ns.name, b_ns.name)
        return []

    def link_set(self, cmd: LinkSet, now: float) -> list[tuple[Netns, list[Action]]]:
        from backends.simulated import bridge_admin

        ns = self.ns(cmd.netns)
        target = self._target(cmd.to_netns, cmd.netns) if cmd.to_netns else None
        bridge_admin.check_master(ns, cmd)
        dev = self._find(ns, cmd.dev)
        out: list[tuple[Netns, list[Action]]] = []
        # do_setlink() order: namespace, then address, then flags.
        if target is not None and target is not ns:
            out += self._move(dev, ns, target, now)
            ns = target
        if cmd.address is not None:
            mac = cmd.address.lower()
            if not valid_ether(mac) or dev.kind == "loopback":
                raise CommandError(ADDR_NOT_AVAIL, rc=2)
            if mac != dev.mac:
                bridge_admin.mac_changed(dev, mac)  # sets dev.mac; the fdb follows
                out.append((ns, ns.flush_neigh(dev.name, now, "device address changed: "
                                                              "neighbour entries flushed")))
        bridge_admin.set_master(ns, dev, cmd)  # do_setlink(): master before flags
        if cmd.up is not None:
            out += self._set_up(dev, cmd.up, now)
        return out

    def _set_up(self, dev: Device, up: bool, now: float) -> list[tuple[Netns, list[Action]]]:
        ns = self.namespaces[dev.netns]
        peer = dev.peer
        carrier_before = {d: d.carrier for d in (dev, peer) if d is not None}
        out: list[tuple[Netns, list[Action]]] = []
        if up == dev.up:
            return out
        dev.up = up
        if up:
            dev.ever_up = True
            if dev.kind == "loopback":  # inetdev_event(NETDEV_UP) gives lo 127.0.0.1/8
                try:
                    insert_addr(ns.addrs[dev.name], IfAddr("lo", "127.0.0.1", 8, "host"))
                except FileExistsError:
                    pass
        else:
            out.append((ns, ns.flush_neigh(dev.name, now,
                                           "device down: neighbour entries flushed")))
            from backends.simulated.stack import rtable

            rtable.flush_dev(ns, dev.name)  # fib_sync_down_dev(): its routes go
        for d, before in carrier_before.items():
            if before and not d.carrier and (d is not dev or up):
                d_ns = self.namespaces[d.netns]
                out.append((d_ns, d_ns.flush_neigh(d.name, now, "carrier lost (the veth "
                                                   "peer went down): neighbour entries "
                                                   "flushed", skip_perm=True)))
        for d, before in carrier_before.items():
            if d.carrier != before:  # linkwatch: the operstate is computed again
                d.linkwatch(self.namespaces[d.netns].devices)
        return out

    def _move(self, dev: Device, src: Netns, dst: Netns,
              now: float) -> list[tuple[Netns, list[Action]]]:
        """dev_change_net_namespace(): closed, stripped of addresses, re-registered."""
        if dev.kind == "loopback":
            raise CommandError("Error: The interface netns is immutable.", rc=2)
        if dst.dev(dev.name) is not None:
            raise CommandError("Error: An interface with the same name exists in the "
                               "target netns.", rc=2)
        from backends.simulated import bridge_admin
        from backends.simulated.stack import rtable

        out = self._set_up(dev, False, now) if dev.up else []
        bridge_admin.release(dev)
        rtable.flush_dev(src, dev.name)
        src.detach(dev)
        dev.ever_up = False  # dev_shutdown(): the qdisc is gone, ``noop`` until next up
        dst.attach(dev, keep_index=True)
        self._alloc_nsid(src.name, dst.name)
        if dev.peer is not None and dev.peer.netns != dst.name:
            self._alloc_nsid(dst.name, dev.peer.netns)
            self._alloc_nsid(dev.peer.netns, dst.name)
        return out

    def _destroy_pair(self, dev: Device, now: float) -> list[tuple[Netns, list[Action]]]:
        out: list[tuple[Netns, list[Action]]] = []
        for d in (dev, dev.peer):
            if d is None:
                continue
            d_ns = self.namespaces.get(d.netns)
            if d_ns is None or d_ns.devices.get(d.index) is not d:
                continue
            out.append((d_ns, d_ns.flush_neigh(d.name, now, "device deleted: neighbour "
                                                            "entries flushed")))
            d.up = False
            from backends.simulated import bridge_admin
            from backends.simulated.stack import rtable

            bridge_admin.release(d)
            rtable.flush_dev(d_ns, d.name)
            d_ns.detach(d)
        return out

    def link_del(self, cmd: LinkDel, now: float) -> list[tuple[Netns, list[Action]]]:
        ns = self.ns(cmd.netns)
        dev = self._find(ns, cmd.dev)
        if dev.kind == "loopback":
            raise CommandError("RTNETLINK answers: Operation not supported", rc=2)
        return self._destroy_pair(dev, now)  # a bridge has no peer: its ports are released

    # ---- ip addr -------------------------------------------------------------------------
    @staticmethod
    def _parse_cidr(cidr: str) -> tuple[str, int | None]:
        try:
            if "/" in cidr:
                iface = ipaddress.IPv4Interface(cidr)
                return str(iface.ip), iface.network.prefixlen
            return str(ipaddress.IPv4Address(cidr)), None
        except ValueError:
            raise CommandError(f'Error: any valid prefix is expected rather than "{cidr}".',
                               rc=1) from None

    def addr_add(self, cmd: AddrAdd, now: float) -> list[tuple[Netns, list[Action]]]:
        ns = self.ns(cmd.netns)
        dev = self._find(ns, cmd.dev)
        local, plen = self._parse_cidr(cmd.cidr)
        # iproute2 gives 127.0.0.0/8 addresses scope host unless told otherwise.
        scope = "host" if ipaddress.IPv4Address(local).is_loopback else "global"
        try:
            insert_addr(ns.addrs[dev.name], IfAddr(dev.name, local, 32 if plen is None
                                                   else plen, scope))
        except FileExistsError:
            raise CommandError("Error: ipv4: Address already assigned.", rc=2) from None
        return []

    def addr_del(self, cmd: AddrDel, now: float) -> list[tuple[Netns, list[Action]]]:
        """inet_rtm_deladdr(); a bare address matches any prefix length (iproute2's
        "wildcard deletion").  Deleting a primary takes its secondaries with it
        (``promote_secondaries`` is off by default)."""
        ns = self.ns(cmd.netns)
        dev = self._find(ns, cmd.dev)
        local, plen = self._parse_cidr(cmd.cidr)
        addrs = ns.addrs[dev.name]
        hit = next((a for a in addrs if a.local == local and
                    (plen is None or a.prefixlen == plen)), None)
        if hit is None:
            raise CommandError("Error: ipv4: Address not found.", rc=2)
        gone = [hit] + ([a for a in addrs if a.secondary and a.same_subnet(hit)]
                        if not hit.secondary else [])
        ns.addrs[dev.name] = [a for a in addrs if all(a is not g for g in gone)]
        from backends.simulated.stack import rtable

        for g in gone:  # fib_del_ifaddr(): routes naming it as src; all with the last one
            rtable.flush_src(ns, g.local)
        if not ns.addrs[dev.name]:
            # fib_disable_ip(): the last address takes every route through the device
            # and, through arp_ifdown(), its whole ARP table (PERMANENT entries too)
            rtable.flush_dev(ns, dev.name)
            return [(ns, ns.flush_neigh(dev.name, now, "last IPv4 address removed: "
                                        "neighbour entries flushed (arp_ifdown)"))]
        return []
