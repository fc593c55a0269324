"""Wire formats as pure functions over bytes: Ethernet, ARP, IPv4, ICMP.

Modelled on smoltcp's ``wire``: each protocol is a frozen dataclass with
``Repr.parse(bytes)`` (which validates and raises ``WireError``) and ``repr.emit()``
(which computes lengths and checksums).  No I/O, so both backends and the tests share it.
"""
from sim.wire.errors import WireError
from sim.wire.ethernet import (BROADCAST, ETH_HLEN, ETH_P_ARP, ETH_P_IP, ZERO_MAC, EthernetFrame,
                               mac_bytes, mac_str)
from sim.wire.arp import ARP_LEN, ARPOP_REPLY, ARPOP_REQUEST, ArpPacket, ip_bytes, ip_str
from sim.wire.ipv4 import IPPROTO_ICMP, IPV4_HLEN, Ipv4Packet, checksum
from sim.wire.icmp import (ICMP_DEST_UNREACH, ICMP_ECHO, ICMP_ECHOREPLY, ICMP_HLEN,
                           ICMP_TIME_EXCEEDED, TIMEVAL_LEN, IcmpPacket, echo, payload_timeval,
                           ping_payload)

__all__ = [
    "WireError", "BROADCAST", "ETH_HLEN", "ETH_P_ARP", "ETH_P_IP", "ZERO_MAC", "EthernetFrame",
    "mac_bytes", "mac_str", "ARP_LEN", "ARPOP_REPLY", "ARPOP_REQUEST", "ArpPacket", "ip_bytes",
    "ip_str", "IPPROTO_ICMP", "IPV4_HLEN", "Ipv4Packet", "checksum", "ICMP_DEST_UNREACH",
    "ICMP_ECHO", "ICMP_ECHOREPLY", "ICMP_HLEN", "ICMP_TIME_EXCEEDED", "TIMEVAL_LEN",
    "IcmpPacket", "echo", "payload_timeval", "ping_payload",
]
