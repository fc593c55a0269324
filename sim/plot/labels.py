"""Short, teachable names for frames: "ARP who-has 172.16.0.2 tell 172.16.0.1".

Kept apart from drawing so the step-through view, the ladder and tests share one wording.
"""
from __future__ import annotations

from sim.wire import (ARPOP_REPLY, ARPOP_REQUEST, ETH_P_ARP, ETH_P_IP, ICMP_DEST_UNREACH,
                      ICMP_ECHO, ICMP_ECHOREPLY, ICMP_TIME_EXCEEDED, IPPROTO_ICMP, ArpPacket,
                      EthernetFrame, IcmpPacket, Ipv4Packet, WireError)


def protocol(data: bytes) -> str:
    """``"ARP"``, ``"ICMP"``, ``"IPv4"`` or ``"other"``: what colours and filters key on."""
    try:
        eth = EthernetFrame.parse(data)
    except WireError:
        return "other"
    if eth.ethertype == ETH_P_ARP:
        return "ARP"
    if eth.ethertype == ETH_P_IP:
        try:
            return "ICMP" if Ipv4Packet.parse(eth.payload).proto == IPPROTO_ICMP else "IPv4"
        except WireError:
            return "IPv4"
    return "other"


def label(data: bytes) -> str:
    """A few words naming what the frame carries."""
    try:
        eth = EthernetFrame.parse(data)
        if eth.ethertype == ETH_P_ARP:
            arp = ArpPacket.parse(eth.payload)
            if arp.op == ARPOP_REQUEST:
                kind = "" if eth.dst == "ff:ff:ff:ff:ff:ff" else " (unicast)"
                return f"ARP who-has {arp.tpa} tell {arp.spa}{kind}"
            if arp.op == ARPOP_REPLY:
                return f"ARP {arp.spa} is-at {arp.sha}"
            return f"ARP op {arp.op}"
        if eth.ethertype != ETH_P_IP:
            return f"ethertype 0x{eth.ethertype:04x}"
        ip = Ipv4Packet.parse(eth.payload)
        if ip.proto != IPPROTO_ICMP:
            return f"IPv4 {ip.src} > {ip.dst} proto {ip.proto}"
        icmp = IcmpPacket.parse(ip.payload)
        if icmp.type == ICMP_ECHO:
            return f"ICMP echo request seq={icmp.seq}"
        if icmp.type == ICMP_ECHOREPLY:
            return f"ICMP echo reply seq={icmp.seq}"
        if icmp.type == ICMP_DEST_UNREACH:
            return f"ICMP dest unreachable (code {icmp.code})"
        if icmp.type == ICMP_TIME_EXCEEDED:
            return "ICMP time exceeded"
        return f"ICMP type {icmp.type}"
    except WireError as exc:
        return f"malformed: {exc}"
