"""Ethernet II frames: parse and emit over bytes, smoltcp style.

No padding is added on emit and none is stripped on parse: a veth does not pad frames
to the 60-byte minimum (Linux sends a 42-byte ARP request on a veth), so the bytes the
model emits must be the bytes the kernel would put on the wire.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import lru_cache

from sim.wire.errors import WireError

ETH_P_IP = 0x0800
ETH_P_ARP = 0x0806
ETH_HLEN = 14
BROADCAST = "ff:ff:ff:ff:ff:ff"
ZERO_MAC = "00:00:00:00:00:00"


@lru_cache(maxsize=1 << 16)  # a lab has few MACs and sends each in many frames
def mac_bytes(mac: str) -> bytes:
    """``"02:00:00:00:00:01"`` -> 6 bytes; WireError on anything else."""
    parts = mac.split(":")
    if len(parts) != 6:
        raise WireError(f"bad MAC address {mac!r}")
    try:
        out = bytes(int(p, 16) for p in parts)
    except ValueError as exc:
        raise WireError(f"bad MAC address {mac!r}") from exc
    if any(len(p) not in (1, 2) for p in parts):
        raise WireError(f"bad MAC address {mac!r}")
    return out


def mac_str(b: bytes) -> str:
    """6 bytes -> lowercase colon-separated text, as iproute2 prints it."""
    if len(b) != 6:
        raise WireError(f"MAC address must be 6 bytes, got {len(b)}")
    return bytes(b).hex(":")  # C speed: every frame's two addresses go through here


@dataclass(frozen=True)
class EthernetFrame:
    dst: str
    src: str
    ethertype: int
    payload: bytes

    def emit(self) -> bytes:
        return mac_bytes(self.dst) + mac_bytes(self.src) + struct.pack("!H", self.ethertype) \
            + bytes(self.payload)

    @classmethod
    def parse(cls, data: bytes) -> "EthernetFrame":
        data = bytes(data)
        if len(data) < ETH_HLEN:
            raise WireError(f"Ethernet frame too short: {len(data)} bytes")
        (ethertype,) = struct.unpack_from("!H", data, 12)
        return cls(dst=mac_str(data[0:6]), src=mac_str(data[6:12]), ethertype=ethertype,
                   payload=data[ETH_HLEN:])
