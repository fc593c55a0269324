"""ICMP (RFC 792) messages and the echo data iputils' ping puts in its requests."""
from __future__ import annotations

import struct
from dataclasses import dataclass

from sim.wire.errors import WireError
from sim.wire.ipv4 import checksum

ICMP_ECHOREPLY = 0
ICMP_DEST_UNREACH = 3
ICMP_ECHO = 8
ICMP_TIME_EXCEEDED = 11
ICMP_HLEN = 8
#: sizeof(struct timeval) on x86-64 Linux: iputils only stamps data at least this long.
TIMEVAL_LEN = 16


@dataclass(frozen=True)
class IcmpPacket:
    type: int
    code: int
    rest: bytes  # the 4 bytes after the checksum (id + seq for echo)
    payload: bytes

    def emit(self) -> bytes:
        if len(self.rest) != 4:
            raise WireError(f"ICMP rest-of-header must be 4 bytes, got {len(self.rest)}")
        body = bytes(self.rest) + bytes(self.payload)
        csum = checksum(struct.pack("!BBH", self.type, self.code, 0) + body)
        return struct.pack("!BBH", self.type, self.code, csum) + body

    @classmethod
    def parse(cls, data: bytes) -> "IcmpPacket":
        data = bytes(data)
        if len(data) < ICMP_HLEN:
            raise WireError(f"ICMP message too short: {len(data)} bytes")
        if checksum(data) != 0:
            raise WireError("bad ICMP checksum")
        return cls(type=data[0], code=data[1], rest=data[4:8], payload=data[8:])

    @property
    def ident(self) -> int:
        """Echo identifier (meaningful for echo request/reply)."""
        return struct.unpack("!H", self.rest[0:2])[0]

    @property
    def seq(self) -> int:
        """Echo sequence number (meaningful for echo request/reply)."""
        return struct.unpack("!H", self.rest[2:4])[0]


def echo(type_: int, ident: int, seq: int, data: bytes) -> IcmpPacket:
    """An echo request (``ICMP_ECHO``) or reply (``ICMP_ECHOREPLY``)."""
    return IcmpPacket(type=type_, code=0, rest=struct.pack("!HH", ident & 0xFFFF, seq & 0xFFFF),
                      payload=bytes(data))


def ping_payload(size: int, t_sec: int, t_usec: int) -> bytes:
    """The echo data iputils ping sends with ``-s size``: byte i is ``i & 0xff``.

    When the data can hold a ``struct timeval`` (16 bytes) ping copies
    ``gettimeofday()`` over its start (``memcpy(icp + 1, &tmp_tv, sizeof(tmp_tv))``) to
    measure the round trip from the reply alone: tv_sec and tv_usec as native
    (little-endian) signed 64-bit integers.
    """
    data = bytearray(i & 0xFF for i in range(size))
    if size >= TIMEVAL_LEN:
        data[0:TIMEVAL_LEN] = struct.pack("<qq", t_sec, t_usec)
    return bytes(data)


def payload_timeval(data: bytes) -> tuple[int, int] | None:
    """The ``(tv_sec, tv_usec)`` at the start of ping's echo data, or None if too short."""
    if len(data) < TIMEVAL_LEN:
        return None
    sec, usec = struct.unpack_from("<qq", data, 0)
    return sec, usec
