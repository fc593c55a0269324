"""The neighbour (ARP) cache of one device: Linux's NUD state machine, time passed in.

This follows ``net/core/neighbour.c`` (``__neigh_event_send``, ``__neigh_update``,
``neigh_timer_handler``) with the ``arp_tbl`` defaults.  The table never touches a clock
or a wire: every call gets ``now`` and returns what the kernel would do next —
``Send`` an IP packet to a link-layer address, ``Solicit`` (an ARP request), report
``Unreachable`` for a dropped queued packet, ``Timer`` to arm, and ``Event`` records
for every state change (with the reason a student should read).

Not modelled: the garbage collector (Linux skips it below ``gc_thresh1`` = 128 entries,
so a lab's FAILED and STALE entries stay forever, as here), ``locktime``, proxy ARP,
``app_solicit`` (0 by default), router flags and the 10 ms minimum timer slack.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from sim.trace import Event

# ---- the sysctls (net.ipv4.neigh.default.*), in seconds ----------------------------------
BASE_REACHABLE_TIME = 30.0
#: neigh_rand_reach_time(): reachable_time is uniform in [0.5, 1.5) x base_reachable_time.
REACHABLE_RANDOM_LOW = 0.5
REACHABLE_RANDOM_HIGH = 1.5
#: The kernel draws a new reachable_time for every device every 300 s (neigh_periodic_work).
REACHABLE_RERANDOM_INTERVAL = 300.0
DELAY_FIRST_PROBE_TIME = 5.0
RETRANS_TIME = 1.0
MCAST_SOLICIT = 3
UCAST_SOLICIT = 3
APP_SOLICIT = 0
MCAST_RESOLICIT = 0
GC_STALE_TIME = 60.0  # documented only: the GC does not run below gc_thresh1 entries
#: unres_qlen_bytes: how much may wait in an INCOMPLETE entry's queue.
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


def rand_reach_time(rng: random.Random, base: float = BASE_REACHABLE_TIME) -> float:
    """neigh_rand_reach_time(): a fresh reachable_time for a device's parameters."""
    return base * rng.uniform(REACHABLE_RANDOM_LOW, REACHABLE_RANDOM_HIGH)


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


class NeighbourTable:
    """The ARP entries of one device (``ip neigh show dev DEV``)."""

    def __init__(self, netns: str, dev: str, reachable_time: float):
        self.netns = netns
        self.dev = dev
        self.reachable_time = reachable_time
        self.entries: dict[str, NeighEntry] = {}
        self._gen = 0

    # ---- helpers -----------------------------------------------------------------------
    def _event(self, now: float, e: NeighEntry, old: str, reason: str,
               out: list[NeighAction], *, netlink: bool = True) -> None:
        """Record a state change.  ``extra["netlink"]`` says whether Linux notifies it:
        entering INCOMPLETE or DELAY (``__neigh_event_send``, and REACHABLE -> DELAY in
        the timer) is silent, so a netlink listener never sees those."""
        lladdr = e.lladdr if e.state in VALID else None
        out.append(Event(t=now, netns=self.netns, dev=self.dev, kind="neigh", subject=e.ip,
                         old=old, new=e.state, lladdr=lladdr, reason=reason,
                         extra={"netlink": netlink}))

    def _arm(self, e: NeighEntry, at: float, out: list[NeighAction]) -> None:
        self._gen += 1
        e.gen = self._gen
        e.timer_at = at
        out.append(Timer(ip=e.ip, at=at, gen=e.gen))

    def _disarm(self, e: NeighEntry) -> None:
        e.timer_at = None
        self._gen += 1
        e.gen = self._gen

    def _set(self, e: NeighEntry, state: str, now: float) -> str:
        old, e.state, e.updated = e.state, state, now
        return old

    def _max_probes(self, e: NeighEntry) -> int:
        """neigh_max_probes(): ucast + app + (mcast_reprobes in PROBE, mcast otherwise)."""
        extra = MCAST_RESOLICIT if e.state == PROBE else MCAST_SOLICIT
        return UCAST_SOLICIT + APP_SOLICIT + extra

    def _probe(self, e: NeighEntry, out: list[NeighAction]) -> None:
        """neigh_probe() -> arp_solicit(): unicast while probes < ucast_solicit, else broadcast."""
        saddr = e.queue[-1][1] if e.queue else None
        unicast = e.probes < UCAST_SOLICIT
        e.probes += 1
        out.append(Solicit(ip=e.ip, lladdr=e.lladdr if unicast else None, saddr=saddr))

    def _flush_queue(self, e: NeighEntry, out: list[NeighAction]) -> None:
        """Send what waited for resolution, oldest first, through the now-valid entry."""
        queued, e.queue = e.queue, []
        for packet, saddr in queued:
            out.extend(self._output_valid(e, packet, saddr, e.updated))

    def _output_valid(self, e: NeighEntry, packet: bytes, saddr: str,
                      now: float) -> list[NeighAction]:
        out: list[NeighAction] = []
        if e.state not in CONNECTED:
            e.used = now
            if e.state == STALE:
                old = self._set(e, DELAY, now)
                self._arm(e, now + DELAY_FIRST_PROBE_TIME, out)
                self._event(now, e, old, "packet sent through a STALE entry: use the cached "
                            "address and wait delay_first_probe_time for a confirmation", out,
                            netlink=False)
        assert e.lladdr is not None
        out.append(Send(ip=e.ip, lladdr=e.lladdr, packet=packet))
        return out

    # ---- the entry points --------------------------------------------------------------
    def get(self, ip: str) -> NeighEntry | None:
        return self.entries.get(ip)

    def output(self, ip: str, packet: bytes, saddr: str, now: float) -> list[NeighAction]:
        """neigh_output()/neigh_event_send(): send ``packet`` to neighbour ``ip``."""
        out: list[NeighAction] = []
        e = self.entries.get(ip)
        if e is None:
            e = self.entries[ip] = NeighEntry(ip=ip, updated=now)
        if e.state in VALID:
            return self._output_valid(e, packet, saddr, now)
        e.used = now
        if e.state in (NONE, FAILED):
            old = self._set(e, INCOMPLETE, now)
            e.probes = UCAST_SOLICIT  # so every probe of an unresolved entry is broadcast
            e.lladdr = None
            self._arm(e, now + RETRANS_TIME, out)
            reason = (f"no neighbour entry for {ip}: queue the packet, broadcast ARP request"
                      if old == NONE else f"{ip} had FAILED; a new packet restarts "
                      "resolution: queue it, broadcast ARP request")
            self._event(now, e, old, reason, out, netlink=False)
            self._enqueue(e, packet, saddr)
            self._probe(e, out)  # the first request goes out immediately
        else:  # INCOMPLETE: wait with the others
            self._enqueue(e, packet, saddr)
        return out

    def _enqueue(self, e: NeighEntry, packet: bytes, saddr: str) -> None:
        e.queue.append((packet, saddr))
        while len(e.queue) > 1 and e.queue_bytes > UNRES_QLEN_BYTES:
            e.queue.pop(0)  # the kernel drops the oldest (SKB_DROP_REASON_NEIGH_QUEUEFULL)

    def update(self, ip: str, lladdr: str, new: str, now: float, *, create: bool,
               override: bool, reason: str) -> list[NeighAction]:
        """__neigh_update(): an ARP packet told us ``ip`` is at ``lladdr``.

        ``new`` is REACHABLE for a unicast reply, STALE otherwise.  An unchanged address
        with ``new`` STALE leaves a valid entry as it is.  ``create``: neigh_event_ns
        (a request for our address) creates the entry; a reply only updates one.
        """
        out: list[NeighAction] = []
        e = self.entries.get(ip)
        if e is None:
            if not create:
                return out
            e = self.entries[ip] = NeighEntry(ip=ip, updated=now)
        old, old_lladdr = e.state, e.lladdr
        same = old in VALID and e.lladdr == lladdr
        if old in VALID and not same and not override:
            return out
        if same and new == STALE:
            return out  # "do not change entry state, if new one is STALE"
        if new in CONNECTED:
            e.confirmed = now
        e.lladdr = lladdr
        if new == old and same:
            # REACHABLE again: only ``confirmed`` moves; the pending timer sees it and
            # re-arms itself (Linux does not touch the timer when the state is unchanged).
            return out
        self._set(e, new, now)
        self._disarm(e)
        if new == REACHABLE:
            self._arm(e, now + self.reachable_time, out)
        if not same and old in VALID:
            reason = f"{reason} (address changed from {old_lladdr})"
        self._event(now, e, old, reason, out)
        if old not in VALID and e.queue:
            self._flush_queue(e, out)
        return out

    def timer(self, ip: str, gen: int, now: float) -> list[NeighAction]:
        """neigh_timer_handler(): the entry's timer fired (stale timers do nothing)."""
        out: list[NeighAction] = []
        e = self.entries.get(ip)
        if e is None or e.gen != gen or e.timer_at is None:
            return out
        e.timer_at = None
        state = e.state
        if state == REACHABLE:
            if now < e.confirmed + self.reachable_time:
                self._arm(e, e.confirmed + self.reachable_time, out)
            elif now <= e.used + DELAY_FIRST_PROBE_TIME:
                old = self._set(e, DELAY, now)
                self._arm(e, now + DELAY_FIRST_PROBE_TIME, out)
                self._event(now, e, old, "reachable_time expired but the entry was used "
                            "recently: wait delay_first_probe_time for a confirmation", out,
                            netlink=False)
            else:
                old = self._set(e, STALE, now)
                self._event(now, e, old, "reachable_time expired without confirmation: "
                            "keep the address, verify it on next use", out)
            return out
        if state == DELAY:
            if now <= e.confirmed + DELAY_FIRST_PROBE_TIME:
                old = self._set(e, REACHABLE, now)
                self._arm(e, e.confirmed + self.reachable_time, out)
                self._event(now, e, old, "confirmed during delay_first_probe_time", out)
                return out
            old = self._set(e, PROBE, now)
            e.probes = 0
            self._event(now, e, old, "delay_first_probe_time expired without "
                        "confirmation: unicast probe", out)
        if e.state in (INCOMPLETE, PROBE) and e.probes >= self._max_probes(e):
            old = self._set(e, FAILED, now)
            dropped, e.queue = e.queue, []
            tries = (f"{MCAST_SOLICIT} broadcast ARP requests" if old == INCOMPLETE
                     else f"{UCAST_SOLICIT} unicast probes")
            why = f"no reply to {tries}: FAILED"
            if dropped:
                why += f"; {len(dropped)} queued packet(s) dropped, host unreachable reported"
            self._event(now, e, old, why, out)
            out.extend(Unreachable(packet=p) for p, _ in dropped)
            return out
        if e.state in (INCOMPLETE, PROBE):
            self._arm(e, now + RETRANS_TIME, out)
            self._probe(e, out)
        return out

    def flush(self, now: float, reason: str) -> list[NeighAction]:
        """neigh_flush_dev(): device down, carrier lost or address changed."""
        out: list[NeighAction] = []
        for e in list(self.entries.values()):
            if e.state == PERMANENT:
                continue
            old = e.state
            lladdr = e.lladdr if old in VALID else None
            del self.entries[e.ip]
            if old != NONE:
                out.append(Event(t=now, netns=self.netns, dev=self.dev, kind="neigh",
                                 subject=e.ip, old=old, new=NONE, lladdr=lladdr,
                                 reason=reason, extra={"netlink": True}))
        return out

    def listing(self) -> list[NeighEntry]:
        """Entries ``ip neigh`` shows (all but NONE), in creation order."""
        return [e for e in self.entries.values() if e.state != NONE]
