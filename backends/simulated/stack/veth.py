"""Network devices: ``lo`` and veth ends, with the flags and states ``ip link`` reports.

A veth pair is two ``Device`` objects pointing at each other.  Carrier is the one rule
that makes a veth a veth: ``veth_open`` turns the carrier on for both ends only when
both are up, ``veth_close`` turns it off for both.  Nothing leaves a device without
carrier (its qdisc is deactivated to ``noop``), so the engine drops such frames.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from typing import TYPE_CHECKING

from sim.model import BROADCAST_MAC, Link

if TYPE_CHECKING:
    from backends.simulated.stack.bridge import Bridge

LOOPBACK_MTU = 65536
ETH_MTU = 1500
TX_QUEUE_LEN = 1000
ZERO_MAC = "00:00:00:00:00:00"


def random_mac(rng: random.Random) -> str:
    """eth_random_addr(): random bytes, locally administered bit set, multicast bit clear."""
    b = bytearray(rng.randbytes(6))
    b[0] = (b[0] & 0xFE) | 0x02
    return ":".join(f"{x:02x}" for x in b)


def valid_ether(mac: str) -> bool:
    """is_valid_ether_addr(): not multicast (or broadcast) and not all zeros."""
    first = int(mac.split(":")[0], 16)
    return not (first & 1) and mac != ZERO_MAC


@dataclass(eq=False)
class Device:
    """One ``struct net_device``; ``netns`` is the script name of the namespace it is in."""

    name: str
    kind: str  # "loopback" | "veth"
    mac: str
    netns: str
    index: int = 0
    up: bool = False
    #: The qdisc is ``noop`` until the device is first opened; it then keeps ``noqueue``
    #: (a veth has no queue) even when the device goes down again.  Moving the device to
    #: another namespace shuts the qdisc down: ``noop`` again.
    ever_up: bool = False
    peer: "Device | None" = None
    mtu: int = ETH_MTU
    #: dev->operstate as linkwatch last computed it (reported only while up).
    oper: str = "DOWN"
    #: The bridge this device is a port of (``ip link set DEV master BR``).
    master: "Device | None" = None
    #: For a device of kind ``bridge``: its ports and fdb (``stack/bridge.py``).
    bridge: "Bridge | None" = None

    @property
    def carrier(self) -> bool:
        """netif_carrier_ok(): lo always; a veth end only while both ends are up."""
        if self.kind == "loopback":
            return True
        if self.bridge is not None:
            return self.bridge.carrier
        return self.up and self.peer is not None and self.peer.up

    @property
    def can_transmit(self) -> bool:
        if self.bridge is not None:  # noqueue: br_dev_xmit() runs without carrier too
            return self.up
        return self.up and self.carrier

    def flags(self) -> tuple[str, ...]:
        """The IFF_* words (NO-CARRIER and M-DOWN are derived by ``sim.show``)."""
        words = ["LOOPBACK"] if self.kind == "loopback" else ["BROADCAST", "MULTICAST"]
        if self.up:
            words.append("UP")
            if self.carrier:
                words.append("LOWER_UP")
        return tuple(words)

    def operstate(self, by_index: "dict[int, Device] | None" = None) -> str:
        if not self.up:
            return "DOWN"
        if self.kind == "loopback":
            return "UNKNOWN"
        if self.bridge is not None:  # no linkwatch event until a port ever joined
            if not self.bridge.had_ports:
                return "UNKNOWN"
            return "UP" if self.carrier else "DOWN"
        return "UP" if self.carrier else self.oper

    def linkwatch(self, by_index: "dict[int, Device]") -> None:
        """rfc2863_policy()/default_operstate() (Linux 6.11+), run at registration and
        on every carrier change: without carrier, the device whose index is our iflink
        (the veth peer's index) is looked up in *our* namespace; LOWERLAYERDOWN only
        if one is found, is not us, and has no carrier itself.  So two ends with the
        same index read DOWN, and the value stays until the next carrier change (moving
        to another namespace does not recompute it)."""
        if self.carrier:
            self.oper = "UP"
            return
        iflink = self.peer.index if self.peer is not None else self.index
        other = by_index.get(iflink)
        if iflink == self.index or other is None or other is self:
            self.oper = "DOWN"
        else:
            self.oper = "DOWN" if other.carrier else "LOWERLAYERDOWN"

    def qdisc(self) -> str:
        return "noqueue" if self.ever_up else "noop"

    def to_link(self, peer_nsid: int | None = None,
                by_index: "dict[int, Device] | None" = None) -> Link:
        """The ``sim.model.Link`` snapshot of this device, seen from its own namespace;
        ``peer_nsid`` is the id this namespace has for the peer's (when elsewhere)."""
        peer = self.peer
        loop = self.kind == "loopback"
        return Link(
            index=self.index, name=self.name, kind=self.kind, mac=self.mac,
            flags=self.flags(), operstate=self.operstate(by_index), mtu=self.mtu,
            qdisc=self.qdisc(), qlen=TX_QUEUE_LEN,
            brd=ZERO_MAC if loop else BROADCAST_MAC,
            peer_ifindex=peer.index if peer is not None else None,
            peer_name=peer.name if peer is not None and peer.netns == self.netns else None,
            link_netns=peer.netns if peer is not None and peer.netns != self.netns else None,
            link_netnsid=peer_nsid if peer is not None and peer.netns != self.netns else None,
            master=self.master.name if self.master is not None else None,
        )


def bridge_device(name: str, mac: str, netns: str, addr_set: bool) -> Device:
    """``ip link add NAME type bridge``: down, no ports (``stack/bridge.py`` has the rest)."""
    from backends.simulated.stack.bridge import Bridge

    dev = Device(name=name, kind="bridge", mac=mac, netns=netns)
    dev.bridge = Bridge(dev, addr_set=addr_set)
    return dev


def loopback(netns: str) -> Device:
    return Device(name="lo", kind="loopback", mac=ZERO_MAC, netns=netns, index=1,
                  mtu=LOOPBACK_MTU)


def veth_pair(name: str, name_mac: str, name_ns: str, peer: str, peer_mac: str,
              peer_ns: str) -> tuple[Device, Device]:
    """Two ends, down, pointing at each other (indexes are assigned by the namespaces)."""
    a = Device(name=name, kind="veth", mac=name_mac, netns=name_ns)
    b = Device(name=peer, kind="veth", mac=peer_mac, netns=peer_ns)
    a.peer, b.peer = b, a
    return a, b
