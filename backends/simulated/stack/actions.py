"""What the pure stack asks the engine to do.

Handlers in ``stack/`` never send or sleep: they return a list of these and the engine
(``backends/simulated/engine.py``) carries them out on its virtual clock.  The same
handler therefore serves the unit tests (which read the list), the engine and the
explanations (``Event`` records are returned alongside).
"""
from __future__ import annotations

from dataclasses import dataclass

from sim.trace import Event


@dataclass(frozen=True)
class Emit:
    """Put an Ethernet frame on device ``dev`` (dropped there if it has no carrier)."""

    dev: str
    data: bytes


@dataclass(frozen=True, slots=True)  # tens of thousands pend in a big lab
class ArmTimer:
    """Call ``Netns.neigh_timer(dev, ip, gen, now)`` at time ``at``.

    ``gen`` identifies the arming; a later arming of the same entry makes this one stale
    (like ``mod_timer`` replacing the kernel's pending timer).
    """

    at: float
    dev: str
    ip: str
    gen: int


@dataclass(frozen=True)
class Loopback:
    """An IPv4 packet for one of this namespace's own addresses, sent through ``lo``."""

    packet: bytes


@dataclass(frozen=True)
class ToSockets:
    """An ICMP packet (echo reply or error) for the namespace's raw ICMP sockets."""

    packet: bytes


Action = Emit | ArmTimer | Loopback | ToSockets | Event
