"""ARP for Ethernet/IPv4 (RFC 826): the only kind the lab's veths carry."""
from __future__ import annotations

import ipaddress
import struct
from dataclasses import dataclass
from functools import lru_cache

from sim.wire.errors import WireError
from sim.wire.ethernet import ETH_P_IP, mac_bytes, mac_str

ARPOP_REQUEST = 1
ARPOP_REPLY = 2
ARPHRD_ETHER = 1
ARP_LEN = 28
_HDR = struct.Struct("!HHBBH")


@lru_cache(maxsize=1 << 16)  # a lab has few addresses and sends each in many packets
def ip_bytes(addr: str) -> bytes:
    """Dotted quad -> 4 bytes; WireError when it is not an IPv4 address."""
    try:
        return ipaddress.IPv4Address(addr).packed
    except ValueError as exc:
        raise WireError(f"bad IPv4 address {addr!r}") from exc


def ip_str(b: bytes) -> str:
    b = bytes(b)
    if len(b) != 4:
        raise WireError(f"IPv4 address must be 4 bytes, got {len(b)}")
    return "%d.%d.%d.%d" % (b[0], b[1], b[2], b[3])  # what IPv4Address(b) prints, faster


@dataclass(frozen=True)
class ArpPacket:
    op: int
    sha: str
    spa: str
    tha: str
    tpa: str

    def emit(self) -> bytes:
        return _HDR.pack(ARPHRD_ETHER, ETH_P_IP, 6, 4, self.op) + mac_bytes(self.sha) \
            + ip_bytes(self.spa) + mac_bytes(self.tha) + ip_bytes(self.tpa)

    @classmethod
    def parse(cls, data: bytes) -> "ArpPacket":
        """Parse the 28-byte body; trailing bytes (padding) are ignored."""
        data = bytes(data)
        if len(data) < ARP_LEN:
            raise WireError(f"ARP packet too short: {len(data)} bytes")
        htype, ptype, hlen, plen, op = _HDR.unpack_from(data, 0)
        if htype != ARPHRD_ETHER or ptype != ETH_P_IP or hlen != 6 or plen != 4:
            raise WireError(f"unsupported ARP htype={htype} ptype=0x{ptype:04x} "
                            f"hlen={hlen} plen={plen}")
        return cls(op=op, sha=mac_str(data[8:14]), spa=ip_str(data[14:18]),
                   tha=mac_str(data[18:24]), tpa=ip_str(data[24:28]))
