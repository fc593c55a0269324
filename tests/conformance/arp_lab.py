"""Shared pieces of the ARP conformance corpus (issue 3): the two-namespace set-up and
ways to ask a Run what crossed the wire and what the neighbour tables announced.

Every scenario starts from the book's veth walk-through set-up (ns1 172.16.0.1 on
veth1, ns2 172.16.0.2 on veth1-peer) and adds the lines that show one behaviour.
"""
from __future__ import annotations

from dataclasses import dataclass

from sim.wire import ETH_P_ARP, ArpPacket, EthernetFrame, WireError

#: The book's set-up, without its ping.
SETUP = """\
ip netns add ns1
ip netns add ns2
ip link add veth1 type veth peer name veth1-peer
ip link set veth1 netns ns1
ip link set veth1-peer netns ns2
ip netns exec ns1 ip addr add 172.16.0.1/24 dev veth1
ip netns exec ns1 ip link set dev veth1 up
ip netns exec ns2 ip addr add 172.16.0.2/24 dev veth1-peer
ip netns exec ns2 ip link set dev veth1-peer up
"""

#: The same with fixed MACs, for labs that name them (static neighbour entries).
MAC1, MAC2 = "02:00:00:00:00:01", "02:00:00:00:00:02"
SETUP_FIXED_MACS = SETUP.replace(
    "ip link add veth1 type veth peer name veth1-peer",
    f"ip link add veth1 address {MAC1} type veth peer name veth1-peer address {MAC2}")


@dataclass(frozen=True)
class Arp:
    """One ARP frame seen on one interface."""

    t: float
    netns: str
    dev: str
    dir: str
    eth_dst: str
    op: int  # 1 request, 2 reply
    spa: str
    tpa: str
    sha: str
    tha: str

    @property
    def broadcast(self) -> bool:
        return self.eth_dst == "ff:ff:ff:ff:ff:ff"


def arps(run, netns: str | None = None, dev: str | None = None,
         direction: str | None = None) -> list[Arp]:
    """The ARP frames of ``run``, optionally only those on one interface/direction."""
    out = []
    for f in run.frames:
        if (netns and f.netns != netns) or (dev and f.dev != dev) or \
                (direction and f.dir != direction):
            continue
        try:
            eth = EthernetFrame.parse(f.data)
            if eth.ethertype != ETH_P_ARP:
                continue
            a = ArpPacket.parse(eth.payload)
        except WireError:
            continue
        out.append(Arp(t=f.t, netns=f.netns, dev=f.dev, dir=f.dir, eth_dst=eth.dst.lower(),
                       op=a.op, spa=a.spa, tpa=a.tpa, sha=a.sha.lower(), tha=a.tha.lower()))
    return out


def transitions(run, netns: str, subject: str) -> list[tuple[str, str]]:
    """The (old, new) neighbour-state changes of one entry, in order."""
    return [(e.old, e.new) for e in run.events
            if e.kind == "neigh" and e.netns == netns and e.subject == subject]


def events_of(run, netns: str, subject: str) -> list:
    return [e for e in run.events
            if e.kind == "neigh" and e.netns == netns and e.subject == subject]


def command(run, prefix: str, nth: int = 0):
    """The ``nth`` command (0-based; -1 the last) whose text starts with ``prefix``."""
    hits = [c for c in run.commands if c.cmd.startswith(prefix)]
    assert hits, f"no command starts with {prefix!r}"
    return hits[nth]
