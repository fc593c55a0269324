"""IPv4 (``net/ipv4/ip_input.c``, ``ip_output.c``): route, resolve, deliver.

Forwarding is off (the namespace default), so a packet that is not for one of our
addresses is dropped.  Output looks the destination up (local first, then the main
table), picks the connected route's device and hands the packet to that device's
neighbour table, which sends it or queues it behind ARP.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from sim.wire import IPPROTO_ICMP, EthernetFrame, Ipv4Packet, WireError

from backends.simulated.stack.actions import Action, Loopback

if TYPE_CHECKING:
    from backends.simulated.stack.netns import Netns
    from backends.simulated.stack.veth import Device

#: The jiffies rate the IP ID generator's random jumps are measured in (CONFIG_HZ=250:
#: consecutive echo requests one second apart differ by 1 + a number below 250).
IP_IDENT_HZ = 250


def ip_output(ns: "Netns", src: str, dst: str, proto: int, payload: bytes, now: float, *,
              ttl: int = 64, df: bool = False, tos: int = 0) -> list[Action]:
    """Build and send one datagram from this namespace (ip_queue_xmit / ip_push_pending).

    The IP ID comes from the per-flow generator even with DF set: ping's socket keeps
    the default ``IP_PMTUDISC_WANT``, for which Linux does not use ID 0.
    """
    ident = ns.ip_ident(src, dst, proto, now)
    packet = Ipv4Packet(src=src, dst=dst, proto=proto, payload=payload, ttl=ttl,
                        ident=ident, df=df, tos=tos).emit()
    if ns.is_local(dst):
        if not ns.lo.up:
            return ns.drop("lo down")  # the local route leads through lo
        return [Loopback(packet)]
    route = ns.route(dst)
    if route is None:
        return ns.drop("no route")
    dev = ns.dev(route.dev)
    if dev is None or not dev.up:
        return ns.drop("device down")
    nexthop = route.via or dst
    acts = ns.neigh[dev.name].output(nexthop, packet, src, now)
    return ns.neigh_actions(dev, acts, now)


def ip_input(ns: "Netns", dev: "Device", eth: EthernetFrame, now: float) -> list[Action]:
    """ip_rcv(): validate, and deliver locally if the destination is ours."""
    try:
        ip = Ipv4Packet.parse(eth.payload)
    except WireError:
        return ns.drop("bad ipv4")
    if not ns.is_local(ip.dst):
        from backends.simulated.stack.forward import ip_forward

        return ip_forward(ns, dev, eth, ip, now)  # or dropped: forwarding is off
    return local_deliver(ns, ip, now)


def local_deliver(ns: "Netns", ip: Ipv4Packet, now: float) -> list[Action]:
    """ip_local_deliver(): only ICMP has a listener in the lab."""
    from backends.simulated.stack.icmp import icmp_input

    if ip.proto == IPPROTO_ICMP:
        return icmp_input(ns, ip, now)
    return ns.drop("no protocol handler")
