"""IPv4 forwarding (``ip_forward()``) and the ICMP errors a router sends (``icmp_send()``).

What Linux 6.18 does with a unicast packet that is not for one of its addresses, as
measured between lab namespaces:

- ``net.ipv4.ip_forward=0`` (the default in every namespace): dropped without a word —
  ``ip_route_input_slow()`` makes it unreachable and ``ip_error()`` only counts it;
- no route: ``Destination Net Unreachable`` back to the sender (``ip_error()``);
- TTL 1 or less: ``Time to live exceeded`` back to the sender, the packet is dropped
  before the TTL is touched (``ip_forward()``'s ``too_many_hops``);
- otherwise the TTL goes down by one (checksum updated), and the packet goes to the
  route's next hop through that device's neighbour table — queued behind ARP like any
  other packet; if ARP fails the queued packets cause ``Destination Host Unreachable``.

An ICMP error goes to the offending packet's source with TTL 64, TOS 0xc0 over the
original's TOS bits, no DF, from the address the route back to the sender picks
(``icmp_errors_use_inbound_ifaddr=0``), and quotes the original packet as received up
to 576 bytes in all.  Errors are rate limited per destination (``inet_peer``):
``icmp_ratelimit`` 1 s with a burst of 6 for destination unreachable and time exceeded,
and ``ip_error()`` spends from the same bucket (cost 1 s, burst 5 s) first.
"""
from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from sim.wire import (ICMP_DEST_UNREACH, ICMP_ECHO, ICMP_ECHOREPLY, ICMP_TIME_EXCEEDED,
                      IPPROTO_ICMP, EthernetFrame, IcmpPacket, Ipv4Packet, WireError, checksum)

from backends.simulated.stack import devconf
from backends.simulated.stack.actions import Action

if TYPE_CHECKING:
    from backends.simulated.stack.netns import Netns
    from backends.simulated.stack.veth import Device

ICMP_NET_UNREACH = 0
ICMP_HOST_UNREACH = 1
ICMP_EXC_TTL = 0
#: icmp_send(): the reply never grows past the minimum IPv4 MTU every host accepts.
ICMP_ERROR_MAX = 576
IPTOS_PREC_INTERNETCONTROL = 0xC0
IPTOS_TOS_MASK = 0x1E
IP_DEFAULT_TTL = 64
#: net.ipv4.icmp_ratelimit (ms -> s) and XRLIM_BURST_FACTOR.
ICMP_RATELIMIT = 1.0
XRLIM_BURST_FACTOR = 6
#: ip_rt_error_cost / ip_rt_error_burst (jiffies -> s).
IP_RT_ERROR_COST = 1.0
IP_RT_ERROR_BURST = 5.0
#: inet_getpeer(): a new peer's rate_last is 60 s in the past (a full bucket).
PEER_FRESH = 60.0

#: Per namespace: destination -> [tokens, last] (struct inet_peer's rate fields).
_PEERS: "weakref.WeakKeyDictionary[Netns, dict[str, list[float]]]" = weakref.WeakKeyDictionary()


def _peer(ns: "Netns", dst: str, now: float) -> list[float]:
    table = _PEERS.setdefault(ns, {})
    if dst not in table:
        table[dst] = [0.0, now - PEER_FRESH]
    return table[dst]


def _xrlim_allow(ns: "Netns", dst: str, now: float) -> bool:
    """inet_peer_xrlim_allow() with icmp_ratelimit."""
    peer = _peer(ns, dst, now)
    token = min(peer[0] + now - peer[1], XRLIM_BURST_FACTOR * ICMP_RATELIMIT)
    allow = token >= ICMP_RATELIMIT
    if allow:
        token -= ICMP_RATELIMIT
    peer[0], peer[1] = token, now
    return allow


def _ip_error_allow(ns: "Netns", dst: str, now: float) -> bool:
    """ip_error()'s own bucket on the same peer."""
    peer = _peer(ns, dst, now)
    tokens = min(peer[0] + now - peer[1], IP_RT_ERROR_BURST)
    peer[1] = now
    if tokens >= IP_RT_ERROR_COST:
        peer[0] = tokens - IP_RT_ERROR_COST
        return True
    peer[0] = tokens
    return False


def icmp_error(ns: "Netns", packet: bytes, icmp_type: int, code: int,
               now: float) -> list[Action]:
    """icmp_send() about ``packet`` (a received or queued IPv4 packet) to its source."""
    from backends.simulated.stack.ipv4 import ip_output

    try:
        orig = Ipv4Packet.parse(packet)
    except WireError:
        return []
    if orig.proto == IPPROTO_ICMP and orig.payload[:1] not in (bytes([ICMP_ECHO]),
                                                               bytes([ICMP_ECHOREPLY])):
        return ns.drop("never an ICMP error about an ICMP error")
    src = ns.source_for(orig.src)
    if src is None:
        return ns.drop("no route back for the ICMP error")
    if not ns.is_local(orig.src) and not _xrlim_allow(ns, orig.src, now):
        return ns.drop("icmp rate limited")
    quoted = packet[:ICMP_ERROR_MAX - 20 - 8]
    err = IcmpPacket(type=icmp_type, code=code, rest=bytes(4), payload=quoted).emit()
    tos = (orig.tos & IPTOS_TOS_MASK) | IPTOS_PREC_INTERNETCONTROL
    return ip_output(ns, src, orig.src, IPPROTO_ICMP, err, now, ttl=IP_DEFAULT_TTL,
                     df=False, tos=tos)


def _decrease_ttl(packet: bytes) -> bytes:
    """ip_decrease_ttl(): one less hop, the header checksum made right again."""
    hdr = bytearray(packet[:20])
    hdr[8] -= 1
    hdr[10:12] = b"\0\0"
    hdr[10:12] = checksum(bytes(hdr)).to_bytes(2, "big")
    return bytes(hdr) + packet[20:]


def ip_forward(ns: "Netns", dev: "Device", eth: EthernetFrame, ip: Ipv4Packet,
               now: float) -> list[Action]:
    """A packet for someone else arrived on ``dev``: route it on, or say why not."""
    if eth.dst != dev.mac:
        return ns.drop("not for us (link-layer broadcast)")
    if not devconf.forwarding(ns, dev.name):
        return ns.drop("not for us (forwarding off)")
    packet = bytes(eth.payload[:int.from_bytes(eth.payload[2:4], "big")])  # no padding
    route = ns.route(ip.dst)
    if route is None:
        if not _ip_error_allow(ns, ip.src, now):
            return ns.drop("no route (ICMP rate limited)")
        return icmp_error(ns, packet, ICMP_DEST_UNREACH, ICMP_NET_UNREACH, now)
    if ip.ttl <= 1:
        return icmp_error(ns, packet, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, now)
    out = ns.dev(route.dev)
    if out is None or not out.up:
        return ns.drop("output device down")
    nexthop = route.via or ip.dst
    acts = ns.neigh[out.name].output(nexthop, _decrease_ttl(packet), ip.src, now)
    return ns.neigh_actions(out, acts, now)
