"""ICMP (``net/ipv4/icmp.c``): echo replies and the host-unreachable error.

The kernel answers every echo request addressed to it (``icmp_echo_ignore_all=0``)
with TTL 64 and without DF; ICMP never confirms neighbour reachability.  When a
neighbour fails, each queued packet is reported with ICMP host unreachable sent to its
(local) source, which travels over ``lo`` to the pinging socket — so it is lost when
``lo`` is down, exactly as on Linux.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from sim.wire import (ICMP_DEST_UNREACH, ICMP_ECHO, ICMP_ECHOREPLY, ICMP_TIME_EXCEEDED,
                      IPPROTO_ICMP, IcmpPacket, Ipv4Packet, WireError, echo)

from backends.simulated.stack.actions import Action, ToSockets

if TYPE_CHECKING:
    from backends.simulated.stack.netns import Netns

ICMP_HOST_UNREACH = 1
#: icmp_send(): errors carry the original TOS with IPTOS_PREC_INTERNETCONTROL.
IPTOS_PREC_INTERNETCONTROL = 0xC0
IPTOS_TOS_MASK = 0x1E
#: sysctl net.ipv4.ip_default_ttl
IP_DEFAULT_TTL = 64


def icmp_input(ns: "Netns", ip: Ipv4Packet, now: float) -> list[Action]:
    """icmp_rcv(): answer echo requests, pass replies and errors to raw sockets."""
    from backends.simulated.stack.ipv4 import ip_output

    try:
        icmp = IcmpPacket.parse(ip.payload)
    except WireError:
        return ns.drop("bad icmp")
    if icmp.type == ICMP_ECHO:
        reply = echo(ICMP_ECHOREPLY, icmp.ident, icmp.seq, icmp.payload).emit()
        return ip_output(ns, ip.dst, ip.src, IPPROTO_ICMP, reply, now, ttl=IP_DEFAULT_TTL,
                         df=False, tos=ip.tos)
    if icmp.type in (ICMP_ECHOREPLY, ICMP_DEST_UNREACH, ICMP_TIME_EXCEEDED):
        return [ToSockets(ip.emit())]
    return ns.drop("icmp type not handled")


def host_unreachable(ns: "Netns", packet: bytes, now: float) -> list[Action]:
    """ipv4_link_failure() -> icmp_send(ICMP_DEST_UNREACH, ICMP_HOST_UNREACH)."""
    from backends.simulated.stack.ipv4 import ip_output

    try:
        orig = Ipv4Packet.parse(packet)
    except WireError:
        return []
    if not ns.is_local(orig.src):  # a forwarded packet: the error goes back to its sender
        from backends.simulated.stack.forward import ICMP_HOST_UNREACH as HOST, icmp_error

        return icmp_error(ns, packet, ICMP_DEST_UNREACH, HOST, now)
    if orig.proto == IPPROTO_ICMP and orig.payload[:1] not in (bytes([ICMP_ECHO]),
                                                               bytes([ICMP_ECHOREPLY])):
        return []  # never an error about an error
    quoted = packet[:20] + orig.payload[:8]
    err = IcmpPacket(type=ICMP_DEST_UNREACH, code=ICMP_HOST_UNREACH, rest=bytes(4),
                     payload=quoted).emit()
    tos = (orig.tos & IPTOS_TOS_MASK) | IPTOS_PREC_INTERNETCONTROL
    return ip_output(ns, orig.src, orig.src, IPPROTO_ICMP, err, now, ttl=IP_DEFAULT_TTL,
                     df=False, tos=tos)
