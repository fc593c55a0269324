"""One-line summaries of frames, in the style of tcpdump's default output.

Built on ``sim.wire`` rather than scapy so that a summary is cheap, deterministic and
says exactly what our parser understood; a frame our parser rejects is summarised as
malformed with the reason, which is what a reader comparing two runs needs to see.
"""
from __future__ import annotations

from sim.wire import (ARPOP_REPLY, ARPOP_REQUEST, ETH_P_ARP, ETH_P_IP, ICMP_DEST_UNREACH,
                      ICMP_ECHO, ICMP_ECHOREPLY, ICMP_TIME_EXCEEDED, IPPROTO_ICMP, ArpPacket,
                      EthernetFrame, IcmpPacket, Ipv4Packet, WireError)

_UNREACH = {0: "net {dst} unreachable", 1: "host {dst} unreachable",
            2: "{dst} protocol {proto} unreachable", 3: "{dst} port unreachable",
            4: "{dst} unreachable - need to frag", 13: "{dst} unreachable - admin prohibited"}
_PROTOS = {1: "ICMP", 6: "TCP", 17: "UDP"}


def summarize_arp(payload: bytes) -> str:
    try:
        arp = ArpPacket.parse(payload)
    except WireError as exc:
        return f"ARP, [malformed: {exc}], length {len(payload)}"
    n = len(payload)
    if arp.op == ARPOP_REQUEST:
        return f"ARP, Request who-has {arp.tpa} tell {arp.spa}, length {n}"
    if arp.op == ARPOP_REPLY:
        return f"ARP, Reply {arp.spa} is-at {arp.sha}, length {n}"
    return f"ARP, op {arp.op} {arp.spa} > {arp.tpa}, length {n}"


def _icmp_error_target(icmp: IcmpPacket) -> tuple[str, str]:
    """The quoted datagram's destination and protocol name (for "host X unreachable").

    Read straight from the bytes: the quote is truncated (header + 8 bytes), so its total
    length never matches and a validating parse would refuse it.
    """
    q = icmp.payload
    if len(q) < 20:
        return "?", "?"
    return ".".join(str(b) for b in q[16:20]), _PROTOS.get(q[9], str(q[9]))


def summarize_icmp(payload: bytes) -> str:
    try:
        icmp = IcmpPacket.parse(payload)
    except WireError as exc:
        return f"ICMP [malformed: {exc}], length {len(payload)}"
    n = len(payload)
    if icmp.type in (ICMP_ECHO, ICMP_ECHOREPLY):
        kind = "request" if icmp.type == ICMP_ECHO else "reply"
        return f"ICMP echo {kind}, id {icmp.ident}, seq {icmp.seq}, length {n}"
    if icmp.type == ICMP_DEST_UNREACH:
        dst, proto = _icmp_error_target(icmp)
        text = _UNREACH.get(icmp.code, "{dst} unreachable - code " + str(icmp.code))
        return f"ICMP {text.format(dst=dst, proto=proto)}, length {n}"
    if icmp.type == ICMP_TIME_EXCEEDED:
        what = "in-transit" if icmp.code == 0 else "fragment reassembly"
        return f"ICMP time exceeded {what}, length {n}"
    return f"ICMP type-#{icmp.type}, length {n}"


def summarize_ipv4(payload: bytes) -> str:
    try:
        ip = Ipv4Packet.parse(payload)
    except WireError as exc:
        return f"IP [malformed: {exc}], length {len(payload)}"
    head = f"IP {ip.src} > {ip.dst}: "
    if ip.proto == IPPROTO_ICMP:
        return head + summarize_icmp(ip.payload)
    return head + f"ip-proto-{ip.proto} {len(ip.payload)}"


def summarize(frame_bytes: bytes) -> str:
    """tcpdump-like one-liner: ``ARP, Request who-has 172.16.0.2 tell 172.16.0.1, length 28``.

    Like tcpdump without ``-e`` the Ethernet header is not shown, except for ethertypes we
    do not dissect.
    """
    try:
        eth = EthernetFrame.parse(frame_bytes)
    except WireError as exc:
        return f"[malformed: {exc}]"
    if eth.ethertype == ETH_P_ARP:
        return summarize_arp(eth.payload)
    if eth.ethertype == ETH_P_IP:
        return summarize_ipv4(eth.payload)
    return f"{eth.src} > {eth.dst}, ethertype 0x{eth.ethertype:04x}, length {len(frame_bytes)}"
