"""The Linux bridge (``net/bridge/``): ports, the forwarding database, flooding, carrier.

Measured on kernel 6.18 with iproute2 6.1 (``unshare --net``, IPv6 disabled as the lab
has it), and modelled here:

- **Address.** A new bridge gets a random address.  Unless one was given
  (``address MAC``: NET_ADDR_SET), ``br_stp_recalculate_bridge_id()`` makes it the
  numerically lowest port address whenever a port joins or leaves — and all zeros once
  the last port leaves (the kernel keeps no fdb entry for that).
- **Carrier.** A bridge that never had a port has carrier and reads ``UNKNOWN`` when up.
  Once a port has joined, ``br_port_state_selection()`` rules: carrier iff some port is
  forwarding, so ``NO-CARRIER ... state DOWN`` with no forwarding port (even after the
  last port left), ``UP`` otherwise.
- **Port state.** With STP off a port is ``forwarding`` as soon as the bridge is up and
  the port is up with carrier, ``disabled`` otherwise; a port that stops forwarding
  loses its learned (dynamic) entries (``br_stp_disable_port``).
- **FDB.** Each port's own address is a ``permanent`` local entry; the bridge's own
  address is one too unless a port already has it.  Entries live in a hash list with
  the newest first (``hlist_add_head``), which is the order ``bridge fdb show`` lists a
  device's entries in.  Learned entries age out after ``ageing_time`` (300 s).
- **Forwarding.** Broadcast and multicast go to every other forwarding port and up the
  stack; a known unicast to its port (or up the stack when it is a local entry, dropped
  when it would go back where it came from); an unknown unicast to every other port.

Pure: functions take ``now`` and return where frames go; the engine transmits them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from sim.model import BridgePort, FdbEntry
from sim.wire import ZERO_MAC

if TYPE_CHECKING:
    from backends.simulated.stack.veth import Device

#: /sys/class/net/BR/bridge/ageing_time (BR_DEFAULT_AGEING_TIME = 300 * HZ).
AGEING_TIME = 300.0
#: What ``bridge link`` shows for a veth port: priority 32, cost 2 (a 10 Gb/s link).
PORT_PRIORITY = 32
PORT_COST = 2
#: Multicast addresses every Ethernet device lists as ``self permanent``: ff02::1 (joined
#: at registration even with IPv6 disabled) and, while up, 224.0.0.1 (ip_mc_up); a
#: bridge with multicast snooping also joins the all-snoopers groups while up.
ALL_NODES_V6 = "33:33:00:00:00:01"
ALL_HOSTS_V4 = "01:00:5e:00:00:01"
SNOOPERS = ("01:00:5e:00:00:6a", "33:33:00:00:00:6a")


@lru_cache(maxsize=1 << 16)
def _mac_key(mac: str) -> bytes:
    """Cached: every port joining a 250-port bridge compares all the port addresses."""
    return bytes(int(x, 16) for x in mac.split(":"))


def is_multicast(mac: str) -> bool:
    """is_multicast_ether_addr(): the group bit (broadcast included)."""
    return bool(int(mac[:2], 16) & 1)


@dataclass(eq=False)
class FdbRecord:
    """One ``struct net_bridge_fdb_entry``; ``port`` None is the bridge itself."""

    mac: str
    port: "Device | None"
    local: bool
    updated: float = 0.0


@dataclass(eq=False)
class Bridge:
    """The bridge-private state of a ``Device`` of kind ``bridge``."""

    dev: "Device"
    addr_set: bool = False  # NET_ADDR_SET: the address was given, never recalculated
    ports: list["Device"] = field(default_factory=list)
    fdb: list[FdbRecord] = field(default_factory=list)  # newest first
    had_ports: bool = False  # br_port_state_selection() has run: carrier follows ports
    forwarding: set[int] = field(default_factory=set)  # id() of ports seen forwarding
    ageing_time: float = AGEING_TIME
    #: The World's configuration counter (``World.epoch``): port states only change with
    #: configuration, so the forwarding ports are computed once per change, not per frame.
    epoch: list[int] | None = None
    _fwd: tuple[int, list["Device"]] | None = None
    #: No learned entry was updated before this (a lower bound): ``expire`` has nothing
    #: to do until ``now`` is ``ageing_time`` past it.
    _oldest: float = float("inf")
    #: mac -> its entry, for ``find``; None: to be rebuilt from ``fdb``.
    _by_mac: dict[str, FdbRecord] | None = None

    # ---- states ------------------------------------------------------------------------
    def port_state(self, port: "Device") -> str:
        if self.dev.up and port.up and port.carrier:
            return "forwarding"
        return "disabled"

    def forwarding_ports(self) -> list["Device"]:
        """The ports in ``forwarding`` state, in port order (do not modify the list)."""
        epoch = self.epoch[0] if self.epoch is not None else -1  # -1: configuring
        if epoch >= 0 and self._fwd is not None and self._fwd[0] == epoch:
            return self._fwd[1]
        fwd = [p for p in self.ports if self.port_state(p) == "forwarding"]
        if epoch >= 0:
            self._fwd = (self.epoch[0], fwd)
        return fwd

    @property
    def carrier(self) -> bool:
        if not self.had_ports:
            return True
        # Any forwarding port will do: stop at the first (configuring a 250-port bridge
        # asks this after every command, with nothing cached meanwhile).
        return any(self.port_state(p) == "forwarding" for p in self.ports)

    # ---- the fdb -----------------------------------------------------------------------
    def find(self, mac: str) -> FdbRecord | None:
        """The entry for ``mac`` (at most one: ``add_local``/``learn`` check first).

        Through an index, kept up to date by the edits below and rebuilt after the fdb
        is replaced wholesale: every frame through a 250-port bridge looks its
        destination up."""
        idx = self._by_mac
        if idx is None:
            idx = self._by_mac = {}
            for f in reversed(self.fdb):  # the first of any duplicates wins, as a scan
                idx[f.mac] = f
        return idx.get(mac)

    def _insert(self, f: FdbRecord) -> None:
        self.fdb.insert(0, f)
        if self._by_mac is not None:
            self._by_mac[f.mac] = f

    def _remove(self, f: FdbRecord) -> None:
        self.fdb.remove(f)
        self._by_mac = None

    def _replace(self, fdb: list[FdbRecord]) -> None:
        if len(fdb) != len(self.fdb):
            self._by_mac = None
        self.fdb = fdb

    def add_local(self, port: "Device | None", mac: str) -> None:
        """fdb_add_local(): a local entry stays if one exists; a learned one is replaced."""
        if mac == ZERO_MAC or is_multicast(mac):
            return
        f = self.find(mac)
        if f is not None:
            if f.local:
                return
            self._remove(f)
        self._insert(FdbRecord(mac, port, local=True))

    def _delete_local(self, f: FdbRecord, gone: "Device | None") -> None:
        """fdb_delete_local(): hand the entry to another owner of the address, if any."""
        other = next((p for p in self.ports if p is not gone and p.mac == f.mac), None)
        if other is not None:
            f.port = other
        elif gone is not None and self.dev.mac == f.mac:
            f.port = None
        else:
            self._remove(f)

    def change_mac(self, new: str) -> None:
        """br_fdb_change_mac_address() after the bridge's address changed."""
        old = self.dev.mac
        f = self.find(old)
        if f is not None and f.local and f.port is None:
            self._delete_local(f, None)
        self.dev.mac = new
        self.add_local(None, new)

    def recalc_address(self) -> None:
        """br_stp_recalculate_bridge_id(): the lowest port address (zero without ports)."""
        if self.addr_set:
            return
        macs = [p.mac for p in self.ports]
        if ZERO_MAC not in macs:  # the loop below is then min(), done in C
            addr = min(macs, key=_mac_key) if macs else ZERO_MAC
        else:
            addr = ZERO_MAC
            for mac in macs:
                if addr == ZERO_MAC or _mac_key(mac) < _mac_key(addr):
                    addr = mac
        if addr != self.dev.mac:
            self.change_mac(addr)

    def flush_dynamic(self, port: "Device") -> None:
        self._replace([f for f in self.fdb if f.local or f.port is not port])

    def expire(self, now: float) -> None:
        """br_fdb_cleanup(): learned entries not refreshed for ``ageing_time`` go."""
        if now - self._oldest < self.ageing_time:
            return  # every learned entry was updated at or after _oldest: none is due
        self._replace([f for f in self.fdb if f.local or now - f.updated < self.ageing_time])
        self._oldest = min((f.updated for f in self.fdb if not f.local), default=float("inf"))

    def learn(self, port: "Device", mac: str, now: float) -> None:
        """br_fdb_update(): a new address goes first; a known one moves to ``port``."""
        if is_multicast(mac) or mac == ZERO_MAC:
            return
        self.expire(now)
        f = self.find(mac)
        if f is None:
            self._insert(FdbRecord(mac, port, local=False, updated=now))
            self._oldest = min(self._oldest, now)
        elif not f.local:
            f.port, f.updated = port, now

    # ---- ports -------------------------------------------------------------------------
    def add_port(self, port: "Device") -> None:
        """br_add_if()."""
        self.ports.append(port)
        port.master = self.dev
        self.had_ports = True
        self.add_local(port, port.mac)
        self.recalc_address()

    def del_port(self, port: "Device") -> None:
        """del_nbp(): its entries go (local ones to another owner), the address is
        recalculated."""
        self.ports.remove(port)
        port.master = None
        self.forwarding.discard(id(port))
        for f in [f for f in self.fdb if f.port is port]:
            if f.local:
                self._delete_local(f, port)
            else:
                self._remove(f)
        self.recalc_address()

    def port_mac_changed(self, port: "Device", old: str) -> None:
        """br_fdb_changeaddr() + recalculation when a port's address is set."""
        f = self.find(old)
        if f is not None and f.local and f.port is port:
            self._delete_local(f, port)
        self.add_local(port, port.mac)
        self.recalc_address()

    def sync(self) -> None:
        """After a configuration change: ports that stopped forwarding forget what they
        learned (br_stp_disable_port -> br_fdb_delete_by_port).

        An entry is only learned on a forwarding port, and every change of a port's state
        is followed by a sync, so "ports that stopped forwarding since the last sync" are
        exactly the ports holding learned entries that are not forwarding now.  With
        nothing learned (``_oldest`` is infinite: a lab being built) there is nothing to
        do — a 250-port bridge is synced after each of its 1,500 set-up commands.
        """
        if self._oldest == float("inf"):
            return
        now_fwd = {id(p) for p in self.forwarding_ports()}
        self._replace([f for f in self.fdb
                       if f.local or f.port is None or id(f.port) in now_fwd])
        self.forwarding = now_fwd

    # ---- frames ------------------------------------------------------------------------
    def input(self, port: "Device", dst: str, src: str,
              now: float) -> tuple[list["Device"], bool]:
        """br_handle_frame(): (ports to send the frame out of, deliver it up the stack)."""
        if self.port_state(port) != "forwarding" or is_multicast(src) or src == ZERO_MAC:
            return [], False
        if dst.startswith("01:80:c2:00:00:"):
            return [], False  # link-local (STP, LACP): not forwarded without STP
        self.learn(port, src, now)
        if is_multicast(dst):
            return self._others(port), self.dev.up
        self.expire(now)
        f = self.find(dst)
        if f is None:
            return self._others(port), False
        if f.local:
            return [], self.dev.up
        if f.port is port or f.port is None or self.port_state(f.port) != "forwarding":
            return [], False
        return [f.port], False

    def _others(self, port: "Device") -> list["Device"]:
        return [p for p in self.forwarding_ports() if p is not port]

    def output(self, dst: str, now: float) -> list["Device"]:
        """br_dev_xmit(): where a frame the bridge device sends goes."""
        flood = list(self.forwarding_ports())
        if is_multicast(dst):
            return flood
        self.expire(now)
        f = self.find(dst)
        if f is None:
            return flood
        if f.local or f.port is None or self.port_state(f.port) != "forwarding":
            return []
        return [f.port]


# ---- snapshots -----------------------------------------------------------------------------

def self_entries(dev: "Device") -> list[str]:
    """A device's own multicast address list, in the order the kernel added them."""
    if dev.kind == "loopback":
        return []
    macs = [ALL_NODES_V6]
    if dev.up:
        if dev.kind == "bridge":
            macs += list(SNOOPERS)
        macs.append(ALL_HOSTS_V4)
    return macs


def fdb_snapshot(devices: list["Device"]) -> tuple[FdbEntry, ...]:
    """``bridge fdb show`` entries in rtnl_fdb_dump()'s order (devices by index)."""
    out: list[FdbEntry] = []
    for d in devices:
        selfs = [FdbEntry(mac=m, dev=d.name, state="permanent", self_=True)
                 for m in self_entries(d)]
        br = d.bridge
        if br is not None:
            out += selfs
            out += [FdbEntry(mac=f.mac, dev=d.name, master=d.name, state="permanent")
                    for f in br.fdb if f.port is None]
            continue
        master = d.master.bridge if d.master is not None else None
        if master is not None:
            out += [FdbEntry(mac=f.mac, dev=d.name, master=master.dev.name,
                             state="permanent" if f.local else "")
                    for f in master.fdb if f.port is d]
        out += selfs
    return tuple(out)


def ports_snapshot(devices: list["Device"]) -> tuple[BridgePort, ...]:
    """``bridge link`` rows: every device that is a port of a bridge."""
    return tuple(BridgePort(index=d.index, name=d.name, master=d.master.name,
                            state=d.master.bridge.port_state(d), priority=PORT_PRIORITY,
                            cost=PORT_COST)
                 for d in devices if d.master is not None and d.master.bridge is not None)
