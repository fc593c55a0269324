"""The neighbour cache's vocabulary: NUD states, defaults, entries and requests.

``neighbour.py`` holds the state machine; this module holds what it talks in, so that
readers (``netns.py``, the explanations, tests) can name states and actions without the
machine.  Times are seconds; the defaults mirror ``net.ipv4.neigh.DEV.*``.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from sim.trace import Event

# ---- the defaults (net.ipv4.neigh.DEV.*), in seconds, for readers and tests --------------
BASE_REACHABLE_TIME = 30.0
REACHABLE_RANDOM_LOW = 0.5
REACHABLE_RANDOM_HIGH = 1.5
REACHABLE_RERANDOM_INTERVAL = 300.0
DELAY_FIRST_PROBE_TIME = 5.0
RETRANS_TIME = 1.0
MCAST_SOLICIT = 3
UCAST_SOLICIT = 3
APP_SOLICIT = 0
MCAST_RESOLICIT = 0
GC_STALE_TIME = 60.0
LOCKTIME = 1.0
UNRES_QLEN_BYTES = 212992
#: Approximate skb->truesize overhead on top of the packet length (sk_buff + shared info).
SKB_TRUESIZE_OVERHEAD = 704

# ---- NUD states --------------------------------------------------------------------------
NONE = "NONE"
INCOMPLETE = "INCOMPLETE"
REACHABLE = "REACHABLE"
STALE = "STALE"
DELAY = "DELAY"
PROBE = "PROBE"
FAILED = "FAILED"
NOARP = "NOARP"
PERMANENT = "PERMANENT"

#: NUD_VALID: states in which the entry holds a usable link-layer address.
VALID = frozenset({REACHABLE, STALE, DELAY, PROBE, PERMANENT, NOARP})
#: NUD_CONNECTED: packets go straight out (the cached header), no state change.
CONNECTED = frozenset({REACHABLE, PERMANENT, NOARP})
#: NUD_IN_TIMER: states that keep a timer running.
IN_TIMER = frozenset({INCOMPLETE, REACHABLE, DELAY, PROBE})
#: ``ip neigh ... nud WORD`` -> state.
NUD_WORDS = {"permanent": PERMANENT, "reachable": REACHABLE, "noarp": NOARP, "none": NONE,
             "stale": STALE, "incomplete": INCOMPLETE, "delay": DELAY, "probe": PROBE,
             "failed": FAILED}
ZERO_MAC = "00:00:00:00:00:00"
#: neigh_timer_handler() re-arms no sooner than HZ/100 (10 ms) from now.
MIN_TIMER = 0.01
#: Times are floats rounded to the nanosecond by the engine: "not yet" needs a margin.
TIME_EPSILON = 1e-9


def rand_reach_time(rng: random.Random, base: float = BASE_REACHABLE_TIME) -> float:
    """neigh_rand_reach_time(): a fresh reachable_time for a device's parameters."""
    return base * rng.uniform(REACHABLE_RANDOM_LOW, REACHABLE_RANDOM_HIGH)


class NeighError(Exception):
    """An ``ip neigh`` request the kernel refuses; ``message`` is iproute2's text."""

    def __init__(self, message: str, rc: int = 2):
        super().__init__(message)
        self.message = message
        self.rc = rc


# ---- what the table asks for -------------------------------------------------------------

@dataclass(frozen=True)
class Send:
    """Transmit an IPv4 packet in a frame addressed to ``lladdr``."""

    ip: str
    lladdr: str
    packet: bytes


@dataclass(frozen=True)
class Solicit:
    """Send an ARP request for ``ip``: broadcast when ``lladdr`` is None, else unicast.

    ``saddr`` is the source address of the last queued packet (arp_solicit uses it as
    the sender protocol address), or None to let the namespace pick one.
    """

    ip: str
    lladdr: str | None
    saddr: str | None


@dataclass(frozen=True)
class Unreachable:
    """A queued packet dropped because resolution failed: report host unreachable."""

    packet: bytes


@dataclass(frozen=True)
class Timer:
    """Call ``NeighbourTable.timer(ip, gen, at)`` at time ``at``."""

    ip: str
    at: float
    gen: int


NeighAction = Send | Solicit | Unreachable | Timer | Event


@dataclass
class NeighEntry:
    """One ``struct neighbour``: state, address, the timestamps the timer reads."""

    ip: str
    state: str = NONE
    lladdr: str | None = None
    probes: int = 0
    confirmed: float = float("-inf")
    used: float = float("-inf")
    updated: float = 0.0
    timer_at: float | None = None
    gen: int = 0
    queue: list[tuple[bytes, str]] = field(default_factory=list)  # (packet, its source)

    @property
    def queue_bytes(self) -> int:
        return sum(len(p) + SKB_TRUESIZE_OVERHEAD for p, _ in self.queue)
