"""IPv4 headers (RFC 791) without options, and the Internet checksum (RFC 1071)."""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

from sim.wire.arp import ip_bytes, ip_str
from sim.wire.errors import WireError

IPPROTO_ICMP = 1
IPV4_HLEN = 20
_HDR = struct.Struct("!BBHHHBBH4s4s")
_DF = 0x4000
_MF = 0x2000


def checksum(data: bytes) -> int:
    """The RFC 1071 one's-complement sum, complemented; odd lengths padded with a zero.

    Summing a header whose checksum field is already filled in yields 0.
    """
    data = bytes(data)
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


@dataclass(frozen=True)
class Ipv4Packet:
    src: str
    dst: str
    proto: int
    payload: bytes
    ttl: int = 64
    ident: int = 0
    df: bool = False
    tos: int = 0
    #: Set by ``parse``: the header checksum was valid (parse raises otherwise, so a
    #: parsed packet always has True; a constructed one has True too).
    header_ok: bool = field(default=True, compare=False)

    def emit(self) -> bytes:
        total = IPV4_HLEN + len(self.payload)
        if total > 0xFFFF:
            raise WireError(f"IPv4 packet too long: {total} bytes")
        hdr = _HDR.pack(0x45, self.tos, total, self.ident, _DF if self.df else 0, self.ttl,
                        self.proto, 0, ip_bytes(self.src), ip_bytes(self.dst))
        csum = checksum(hdr)
        return hdr[:10] + struct.pack("!H", csum) + hdr[12:] + bytes(self.payload)

    @classmethod
    def parse(cls, data: bytes) -> "Ipv4Packet":
        """Parse and verify; bytes past the total length (Ethernet padding) are dropped.

        Options are skipped; fragments are not reassembled (the lab never fragments).
        """
        data = bytes(data)
        if len(data) < IPV4_HLEN:
            raise WireError(f"IPv4 packet too short: {len(data)} bytes")
        vihl, tos, total, ident, frag, ttl, proto, _csum, src, dst = _HDR.unpack_from(data)
        if vihl >> 4 != 4:
            raise WireError(f"not IPv4: version {vihl >> 4}")
        ihl = (vihl & 0xF) * 4
        if ihl < IPV4_HLEN or ihl > len(data):
            raise WireError(f"bad IPv4 header length {ihl}")
        if total < ihl or total > len(data):
            raise WireError(f"bad IPv4 total length {total} for {len(data)} bytes")
        if checksum(data[:ihl]) != 0:
            raise WireError("bad IPv4 header checksum")
        return cls(src=ip_str(src), dst=ip_str(dst), proto=proto, payload=data[ihl:total],
                   ttl=ttl, ident=ident, df=bool(frag & _DF), tos=tos, header_ok=True)
