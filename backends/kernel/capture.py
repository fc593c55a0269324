"""Every Ethernet frame on every lab interface, with the kernel's receive timestamp.

One unbound ``AF_PACKET``/``SOCK_RAW``/``ETH_P_ALL`` socket per lab namespace (made inside
the namespace when it is created) sees every device of that namespace in both
directions: ``PACKET_OUTGOING`` frames are ``out``, everything else ``in``.  The kernel
stamps each frame (``SO_TIMESTAMPNS``, CLOCK_REALTIME) when it passes the tap, so the
times do not depend on how quickly the reader thread gets to them.  ``lo`` is skipped.

The device name comes with each frame (the kernel resolves the ifindex in the socket's
namespace when we read it); frames are drained before every configuration change so a
device that is moved or deleted is still known by name when its frames are read.
"""
from __future__ import annotations

import socket
import struct
import time
from typing import Hashable

from backends.kernel.reader import PumpedCollector
from sim.trace import Frame

ETH_P_ALL = 0x0003
SO_TIMESTAMPNS = 35
SO_RCVBUFFORCE = 33
PACKET_OUTGOING = 4
RCVBUF = 8 << 20
#: How long frames() waits for frames still in flight before draining.
SETTLE = 0.02


def open_socket_here() -> socket.socket:
    """An AF_PACKET socket in the calling thread's namespace (call it inside one)."""
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW | socket.SOCK_CLOEXEC,
                         socket.htons(ETH_P_ALL))
    try:
        sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, RCVBUF)
    except OSError:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF)
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    return sock


class Capture(PumpedCollector):
    """Collects frames from one socket per namespace; times are seconds since ``t0_ns``
    (CLOCK_REALTIME nanoseconds at the start of the run)."""

    THREAD = "vethlab-capture"
    SLOW_CLOSE = True

    def __init__(self, t0_realtime_ns: int):
        self.t0_ns = t0_realtime_ns
        self._frames: list[Frame] = []
        super().__init__()

    def frames(self) -> list[Frame]:
        """Everything captured up to now (after a short settle), in time order."""
        time.sleep(SETTLE)
        self.pump.drain()
        with self.pump.lock:
            return sorted(self._frames, key=lambda f: f.t)

    def close(self) -> None:
        self.pump.close()

    def _read(self, netns: Hashable, sock: socket.socket) -> None:
        while True:
            data, anc, _flags, addr = sock.recvmsg(65536, 64)
            ifname, pkttype = addr[0], addr[2]
            if not ifname or ifname == "lo":
                continue
            stamp = None
            for level, kind, payload in anc:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(payload) >= 16:
                    sec, nsec = struct.unpack_from("=qq", payload)
                    stamp = sec * 1_000_000_000 + nsec
            if stamp is None:
                stamp = time.time_ns()
            direction = "out" if pkttype == PACKET_OUTGOING else "in"
            self._frames.append(Frame(t=(stamp - self.t0_ns) / 1e9, netns=str(netns),
                                      dev=ifname, dir=direction, data=bytes(data)))
