"""Normalising what two worlds cannot agree on, so that what is left is behaviour.

MACs are random, IPv4 ids, ping's identifier and timestamps come from the host, timers
drift by milliseconds and some tables are dumped in hash order.  These functions name
MACs by their owner, mask host-chosen fields and timing text, and say which listings
have no defined order; ``sim.compare`` applies them before comparing.
"""
from __future__ import annotations

import re
from collections.abc import Hashable

from sim.wire import (BROADCAST, ETH_P_ARP, ETH_P_IP, ICMP_DEST_UNREACH, ICMP_ECHO,
                      ICMP_ECHOREPLY, ICMP_TIME_EXCEEDED, IPPROTO_ICMP, TIMEVAL_LEN, ZERO_MAC,
                      ArpPacket, EthernetFrame, WireError)

_KEEP_MACS = {BROADCAST, ZERO_MAC}


def _name(mac: str, macs: dict[str, str]) -> str:
    if mac in _KEEP_MACS:
        return mac
    return macs.get(mac.lower(), "?")


def _mask_ipv4_header(hdr: bytearray) -> None:
    hdr[4:6] = b"\0\0"  # identification
    hdr[10:12] = b"\0\0"  # header checksum


def _mask_icmp(icmp: bytearray) -> None:
    """Mask what the host chooses: checksum, echo id, ping's timeval; quoted headers too."""
    if len(icmp) < 8:
        return
    icmp[2:4] = b"\0\0"
    if icmp[0] in (ICMP_ECHO, ICMP_ECHOREPLY):
        icmp[4:6] = b"\0\0"
        if len(icmp) >= 8 + TIMEVAL_LEN:
            icmp[8:8 + TIMEVAL_LEN] = bytes(TIMEVAL_LEN)
    elif icmp[0] in (ICMP_DEST_UNREACH, ICMP_TIME_EXCEEDED) and len(icmp) >= 28:
        inner = icmp[8:]
        ihl = (inner[0] & 0xF) * 4
        _mask_ipv4_header(inner)
        if inner[9] == IPPROTO_ICMP and len(inner) >= ihl + 8:
            inner[ihl + 2:ihl + 6] = b"\0\0\0\0"  # quoted ICMP checksum and echo id
            # a router quotes the whole echo request (up to 576 bytes): its timeval too
            stamp = inner[ihl + 8:ihl + 8 + TIMEVAL_LEN]
            inner[ihl + 8:ihl + 8 + len(stamp)] = bytes(len(stamp))
        icmp[8:] = inner


def normalize_frame(data: bytes, macs: dict[str, str]) -> tuple[Hashable, ...]:
    """A hashable form of a frame with host-chosen values masked and MACs named by owner."""
    try:
        eth = EthernetFrame.parse(data)
    except WireError:
        return ("raw", bytes(data))
    head = (_name(eth.dst, macs), _name(eth.src, macs), eth.ethertype)
    if eth.ethertype == ETH_P_ARP:
        try:
            arp = ArpPacket.parse(eth.payload)
        except WireError:
            return head + (bytes(eth.payload),)
        return head + (arp.op, _name(arp.sha, macs), arp.spa, _name(arp.tha, macs), arp.tpa)
    if eth.ethertype == ETH_P_IP and len(eth.payload) >= 20:
        ip = bytearray(eth.payload)
        ihl = (ip[0] & 0xF) * 4
        _mask_ipv4_header(ip)
        if ip[9] == IPPROTO_ICMP and len(ip) > ihl:
            icmp = bytearray(ip[ihl:])
            _mask_icmp(icmp)
            ip[ihl:] = icmp
        return head + (bytes(ip),)
    return head + (bytes(eth.payload),)


# ---------------------------------------------------------------- text normalisation

# ``(?<=m)``: right after an ``ip -color`` escape sequence (``\x1b[33m``), where ``\b``
# does not see a word boundary.
_MAC_RE = re.compile(r"(?:\b|(?<=\x1b\[33m))[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}\b")
_TEXT_MASKS = [
    (re.compile(r"time[=<]\d+(?:\.\d+)? ms"), "time=<t> ms"),
    (re.compile(r"time \d+ms"), "time <t>ms"),
    (re.compile(r"(min/avg/max/mdev = )[\d./]+ ms"), r"\1<rtt> ms"),
    (re.compile(r"(\])\s+\d+(?:\.\d+)?ms"), r"\1  <t>ms"),  # arping reply lines
    (re.compile(r"^\[\d+\.\d{6}\] ", re.M), "[<time>] "),  # ping -D
]
_UNORDERED = {"neigh", "neighbour", "neighbor", "fdb"}


def normalize_text(text: str, macs: dict[str, str]) -> str:
    """MACs -> ``<ns1/veth1>`` (``<mac>`` for one no lab interface owns), times masked."""
    return mask_times(name_macs(text, macs))


def name_macs(text: str, macs: dict[str, str]) -> str:
    """Replace every MAC in ``text`` by ``<owner>``; broadcast and zero MACs are kept."""
    def mac(m: re.Match[str]) -> str:
        s = m.group(0).lower()
        if s in _KEEP_MACS:
            return m.group(0)
        return f"<{macs[s]}>" if s in macs else "<mac>"
    return _MAC_RE.sub(mac, text)


def mask_times(text: str) -> str:
    """Mask ping's and arping's measured times, which no two runs share."""
    for pattern, repl in _TEXT_MASKS:
        text = pattern.sub(repl, text)
    return text


def unordered_listing(cmd: str) -> bool:
    """Whether ``cmd`` prints a listing with no defined order.

    Neighbours and fdb entries come in hash order; ``ip netns list`` in the order the
    filesystem under /run/netns returns directory entries (hash order on ext4, newest
    first on tmpfs).
    """
    words = cmd.split()
    for i, w in enumerate(words):
        if w not in ("ip", "bridge"):
            continue
        rest = words[i + 1:]
        while rest and rest[0].startswith("-"):
            takes_arg = rest[0] in ("-n", "-netns", "--netns", "-f", "-family")
            rest = rest[2:] if takes_arg else rest[1:]
        if not rest:
            continue
        obj = rest[0]
        is_table = obj in _UNORDERED or (w == "ip" and len(obj) >= 1
                                         and "neighbour".startswith(obj)) or \
            (w == "bridge" and "fdb".startswith(obj))
        action = rest[1] if len(rest) > 1 else "show"
        if w == "ip" and obj == "netns" and action in ("list", "ls", "show"):
            return True
        if is_table and action in ("show", "list", "ls", "lst", "dev"):
            return True  # else keep looking: "ip netns exec ns1 ip neigh"
    return False


def is_igmp(data: bytes) -> bool:
    """An IPv4 IGMP frame (protocol 2): the kernel's own multicast membership reports."""
    return len(data) >= 24 and data[12:14] == b"\x08\x00" and data[23] == 2
