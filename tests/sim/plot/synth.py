"""Synthetic Runs for the picture and notebook tests, built from ``sim.wire`` bytes.

They stand in for the simulator's output so the teaching side can be tested on its own:
the seed lab (ARP, then pings), a failed resolution, and a star of veth pairs.
"""
from __future__ import annotations

from sim.result import CommandResult, Run
from sim.trace import Event, Frame
from sim.wire import (ARPOP_REPLY, ARPOP_REQUEST, BROADCAST, ETH_P_ARP, ETH_P_IP, ICMP_ECHO,
                      ICMP_ECHOREPLY, IPPROTO_ICMP, ZERO_MAC, ArpPacket, EthernetFrame,
                      Ipv4Packet, echo, ping_payload)

MAC1 = "92:02:64:b0:9f:0e"
MAC2 = "5a:1c:33:0d:7e:21"
LINK = 2e-5  # one-way time across the veth


def arp_request(smac: str, sip: str, tip: str, dst: str = BROADCAST) -> bytes:
    arp = ArpPacket(ARPOP_REQUEST, smac, sip, ZERO_MAC, tip).emit()
    return EthernetFrame(dst, smac, ETH_P_ARP, arp).emit()


def arp_reply(smac: str, sip: str, tmac: str, tip: str) -> bytes:
    arp = ArpPacket(ARPOP_REPLY, smac, sip, tmac, tip).emit()
    return EthernetFrame(tmac, smac, ETH_P_ARP, arp).emit()


def icmp(smac: str, dmac: str, sip: str, dip: str, type_: int, seq: int) -> bytes:
    body = echo(type_, 0x7600, seq, ping_payload(56, seq, 0)).emit()
    ip = Ipv4Packet(sip, dip, IPPROTO_ICMP, body, ident=seq, df=True).emit()
    return EthernetFrame(dmac, smac, ETH_P_IP, ip).emit()


def cross(frames: list[Frame], t: float, a: tuple[str, str], b: tuple[str, str],
          data: bytes) -> None:
    """Append the two sightings of one frame crossing a veth: out on ``a``, in on ``b``."""
    frames.append(Frame(t, a[0], a[1], "out", data))
    frames.append(Frame(t + LINK, b[0], b[1], "in", data))


def neigh(t, ns, dev, ip, old, new, lladdr=None, reason=""):
    return Event(t, ns, dev, "neigh", ip, old, new, lladdr=lladdr, reason=reason)


SEED_COMMANDS = [
    "ip netns add ns1",
    "ip netns add ns2",
    "ip link add veth1 type veth peer name veth1-peer",
    "ip link set veth1 netns ns1",
    "ip link set veth1-peer netns ns2",
    "ip netns exec ns1 ip addr add 172.16.0.1/24 dev veth1",
    "ip netns exec ns1 ip link set dev veth1 up",
    "ip netns exec ns2 ip addr add 172.16.0.2/24 dev veth1-peer",
    "ip netns exec ns2 ip link set dev veth1-peer up",
]


def seed_run(pings: int = 3) -> Run:
    """ns1/veth1 (172.16.0.1) pings ns2/veth1-peer (172.16.0.2) ``pings`` times."""
    a, b = ("ns1", "veth1"), ("ns2", "veth1-peer")
    frames: list[Frame] = []
    events: list[Event] = []
    t0 = 0.5
    events.append(neigh(t0, "ns1", "veth1", "172.16.0.2", "NONE", "INCOMPLETE",
                        reason="no neighbour entry for 172.16.0.2: queue the echo request, "
                               "broadcast an ARP request"))
    cross(frames, t0, a, b, arp_request(MAC1, "172.16.0.1", "172.16.0.2"))
    events.append(neigh(t0 + LINK, "ns2", "veth1-peer", "172.16.0.1", "NONE", "STALE", MAC1,
                        reason="ARP request for our address: learn the sender as STALE"))
    cross(frames, t0 + 3e-5, b, a, arp_reply(MAC2, "172.16.0.2", MAC1, "172.16.0.1"))
    events.append(neigh(t0 + 5e-5, "ns1", "veth1", "172.16.0.2", "INCOMPLETE", "REACHABLE",
                        MAC2, reason="ARP reply answers our request: REACHABLE, send the queue"))
    for seq in range(1, pings + 1):
        t = t0 + 6e-5 + (seq - 1) * 1.0
        cross(frames, t, a, b, icmp(MAC1, MAC2, "172.16.0.1", "172.16.0.2", ICMP_ECHO, seq))
        if seq == 1:
            events.append(neigh(t + 3e-5, "ns2", "veth1-peer", "172.16.0.1", "STALE", "DELAY",
                                MAC1, reason="sending the reply through a STALE entry: DELAY"))
        cross(frames, t + 4e-5, b, a,
              icmp(MAC2, MAC1, "172.16.0.2", "172.16.0.1", ICMP_ECHOREPLY, seq))
    events.append(neigh(t0 + 5.0001, "ns2", "veth1-peer", "172.16.0.1", "DELAY", "REACHABLE",
                        MAC1, reason="echo requests from 172.16.0.1 confirm the entry"))
    commands = [CommandResult(i + 1, c, 0, "", "", t=0.0) for i, c in enumerate(SEED_COMMANDS)]
    addr = ("13: veth1@if12: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP "
            "group default qlen 1000\n"
            f"    link/ether {MAC1} brd ff:ff:ff:ff:ff:ff link-netns ns2\n"
            "    inet 172.16.0.1/24 scope global veth1\n"
            "       valid_lft forever preferred_lft forever\n")
    commands.append(CommandResult(10, "ip netns exec ns1 ip addr", 0, addr, "", "ns1"))
    ping = ("PING 172.16.0.2 (172.16.0.2) 56(84) bytes of data.\n"
            + "".join(f"64 bytes from 172.16.0.2: icmp_seq={s} ttl=64 time=0.060 ms\n"
                      for s in range(1, pings + 1)))
    commands.append(CommandResult(11, f"ip netns exec ns1 ping -c {pings} 172.16.0.2", 0, ping,
                                  "", "ns1", t=t0, duration=pings - 1 + 0.001))
    return Run(backend="sim", script="seed-veth.ip", commands=commands, frames=frames,
               events=events, macs={MAC1: "ns1/veth1", MAC2: "ns2/veth1-peer"})


def failed_run() -> Run:
    """ns1 pings 172.16.0.9, which nobody owns: three ARP requests, then FAILED."""
    a = ("ns1", "veth1")
    frames = [Frame(1.0 + k, a[0], a[1], "out", arp_request(MAC1, "172.16.0.1", "172.16.0.9"))
              for k in range(3)]
    events = [neigh(1.0, "ns1", "veth1", "172.16.0.9", "NONE", "INCOMPLETE",
                    reason="no entry: broadcast an ARP request"),
              neigh(4.0, "ns1", "veth1", "172.16.0.9", "INCOMPLETE", "FAILED",
                    reason="3 requests unanswered (mcast_solicit): FAILED")]
    commands = [CommandResult(1, "ip netns exec ns1 ping -c 3 172.16.0.9", 1, "...", "", "ns1",
                              t=1.0, duration=3.0)]
    return Run(backend="sim", script="failed.ip", commands=commands, frames=frames,
               events=events, macs={MAC1: "ns1/veth1", MAC2: "ns2/veth1-peer"})


def star_run(pods: int = 3) -> Run:
    """A "node" namespace with one veth pair to each pod; each pod pings the node."""
    frames: list[Frame] = []
    events: list[Event] = []
    macs: dict[str, str] = {}
    commands: list[CommandResult] = []
    for p in range(1, pods + 1):
        nmac, pmac = f"02:00:00:00:0{p}:01", f"02:00:00:00:0{p}:02"
        node, pod = ("node", f"veth{p}"), (f"pod{p}", "eth0")
        nip, pip = f"10.0.{p}.1", f"10.0.{p}.2"
        macs[nmac], macs[pmac] = "node/" + node[1], f"pod{p}/eth0"
        t = float(p)
        cross(frames, t, pod, node, arp_request(pmac, pip, nip))
        cross(frames, t + 1e-4, node, pod, arp_reply(nmac, nip, pmac, pip))
        cross(frames, t + 2e-4, pod, node, icmp(pmac, nmac, pip, nip, ICMP_ECHO, 1))
        cross(frames, t + 3e-4, node, pod, icmp(nmac, pmac, nip, pip, ICMP_ECHOREPLY, 1))
        events.append(neigh(t, pod[0], "eth0", nip, "NONE", "INCOMPLETE"))
        events.append(neigh(t + 2e-4, pod[0], "eth0", nip, "INCOMPLETE", "REACHABLE", nmac))
        commands.append(CommandResult(p, f"ip netns exec pod{p} ip addr add {pip}/24 dev eth0",
                                      0, "", "", f"pod{p}"))
    return Run(backend="sim", script="star.ip", commands=commands, frames=frames,
               events=events, macs=macs)
