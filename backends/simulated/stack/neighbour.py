"""The neighbour (ARP) cache of one device: Linux's NUD state machine, time passed in.

This follows ``net/core/neighbour.c`` (``__neigh_event_send``, ``__neigh_update``,
``neigh_timer_handler``, ``neigh_add``/``neigh_delete``, ``neigh_flush_dev``) with the
device's ``neigh_parms`` (``neigh_parms.py``).  The table never touches a clock or a
wire: every call gets ``now`` and returns what the kernel would do next — ``Send`` an IP
packet to a link-layer address, ``Solicit`` (an ARP request), report ``Unreachable`` for
a dropped queued packet, ``Timer`` to arm, and ``Event`` records for every state change
(with the reason a student should read, and ``extra["netlink"]``: whether Linux sends an
RTM_NEWNEIGH/RTM_DELNEIGH for it).

Not modelled: the garbage collector (Linux skips it below ``gc_thresh1`` = 128 entries,
so a lab's FAILED and STALE entries stay forever, as here), proxy ARP, ``app_solicit``
(user-space probes), router flags, the 300 s re-draw of reachable_time, jiffies rounding.
"""
from __future__ import annotations

from types import MappingProxyType

from sim.trace import Event

from backends.simulated.stack.neigh_parms import HZ, NeighParms
from backends.simulated.stack.neigh_state import (  # noqa: F401 - re-exported
    BASE_REACHABLE_TIME, REACHABLE_RANDOM_LOW, REACHABLE_RANDOM_HIGH,
    REACHABLE_RERANDOM_INTERVAL, DELAY_FIRST_PROBE_TIME, RETRANS_TIME, MCAST_SOLICIT,
    UCAST_SOLICIT, APP_SOLICIT, MCAST_RESOLICIT, GC_STALE_TIME, LOCKTIME,
    UNRES_QLEN_BYTES, SKB_TRUESIZE_OVERHEAD, NONE, INCOMPLETE, REACHABLE, STALE, DELAY,
    PROBE, FAILED, NOARP, PERMANENT, VALID, CONNECTED, IN_TIMER, NUD_WORDS, ZERO_MAC,
    MIN_TIMER, TIME_EPSILON, rand_reach_time, NeighError, Send, Solicit, Unreachable,
    Timer, NeighAction, NeighEntry,
)


#: ``Event.extra`` of neighbour events, shared (read-only views): a big lab records
#: tens of thousands of them, and a dict each was a tenth of its memory.
_NETLINK = {True: MappingProxyType({"netlink": True}),
            False: MappingProxyType({"netlink": False})}


class NeighbourTable:
    """The ARP entries of one device (``ip neigh show dev DEV``) and its parameters."""

    # Every device has one: a 10,000-namespace lab holds 20,000 (no per-object dict).
    __slots__ = ("netns", "dev", "parms", "_reachable_override", "entries", "_gen")

    def __init__(self, netns: str, dev: str, reachable_time: float | None = None,
                 parms: NeighParms | None = None):
        self.netns = netns
        self.dev = dev
        self.parms = parms or NeighParms()
        if reachable_time is not None:
            self.parms.reachable_time = round(reachable_time * HZ)
            self._reachable_override: float | None = reachable_time
        else:
            self._reachable_override = None
        self.entries: dict[str, NeighEntry] = {}
        self._gen = 0

    @property
    def reachable_time(self) -> float:
        """p->reachable_time in seconds (exact when a test or caller gave one)."""
        if self._reachable_override is not None and \
                round(self._reachable_override * HZ) == self.parms.reachable_time:
            return self._reachable_override
        return self.parms.reachable

    # ---- helpers -----------------------------------------------------------------------
    def _event(self, now: float, e: NeighEntry, old: str, reason: str,
               out: list[NeighAction], *, netlink: bool = True, new: str | None = None) -> None:
        """Record a state change.  ``netlink``: whether Linux notifies it (entering
        INCOMPLETE or DELAY from __neigh_event_send or the timer is silent)."""
        state = e.state if new is None else new
        lladdr = e.lladdr if state in VALID else None
        out.append(Event(t=now, netns=self.netns, dev=self.dev, kind="neigh", subject=e.ip,
                         old=old, new=state, lladdr=lladdr, reason=reason,
                         extra=_NETLINK[netlink]))

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
        p = self.parms
        extra = p.mcast_reprobes if e.state == PROBE else p.mcast_probes
        return p.ucast_probes + p.app_probes + extra

    def _probe(self, e: NeighEntry, out: list[NeighAction]) -> None:
        """neigh_probe() -> arp_solicit(): unicast while probes < ucast_solicit (to the
        cached address, zeros if there is none), else broadcast."""
        saddr = e.queue[-1][1] if e.queue else None
        unicast = e.probes < self.parms.ucast_probes
        e.probes += 1
        out.append(Solicit(ip=e.ip, lladdr=(e.lladdr or ZERO_MAC) if unicast else None,
                           saddr=saddr))

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
                self._disarm(e)
                self._arm(e, now + self.parms.delay_first_probe, out)
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
            p = self.parms
            if p.mcast_probes + p.app_probes == 0:
                self._set(e, FAILED, now)  # nothing may be asked: the packet is dropped
                return out
            old = self._set(e, INCOMPLETE, now)
            e.probes = p.ucast_probes  # so every probe of an unresolved entry is broadcast
            e.lladdr = None
            self._disarm(e)
            self._arm(e, now + p.retrans, out)
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
        while len(e.queue) > 1 and e.queue_bytes > self.parms.queue_len_bytes:
            e.queue.pop(0)  # the kernel drops the oldest (SKB_DROP_REASON_NEIGH_QUEUEFULL)

    def update(self, ip: str, lladdr: str | None, new: str, now: float, *, create: bool,
               override: bool, reason: str, admin: bool = False) -> list[NeighAction]:
        """neigh_lookup + __neigh_update(): ``ip`` is at ``lladdr``, state ``new``.

        ARP calls it with REACHABLE for a unicast reply, STALE otherwise; ``create`` is
        neigh_event_ns (a request for our address); ``override`` is
        NEIGH_UPDATE_F_OVERRIDE; ``admin`` is NEIGH_UPDATE_F_ADMIN (``ip neigh``).
        Raises NeighError for an admin update without an address for an invalid entry.
        """
        out: list[NeighAction] = []
        e = self.entries.get(ip)
        if e is None:
            if not create:
                return out
            e = self.entries[ip] = NeighEntry(ip=ip, updated=now)
        old, old_lladdr = e.state, e.lladdr
        if not admin and old in (NOARP, PERMANENT):
            return out
        if new not in VALID:
            self._disarm(e)
            e.state = new
            notify = old in VALID
            dropped: list[tuple[bytes, str]] = []
            if old in (INCOMPLETE, PROBE) and new == FAILED:
                dropped, e.queue = e.queue, []
                notify = True
            if notify:
                self._event(now, e, old, reason, out)
            out.extend(Unreachable(packet=p) for p, _ in dropped)
            return out
        if lladdr is None:
            if old not in VALID:
                raise NeighError("Error: No link layer address given.")
            lladdr = e.lladdr
        same = old in VALID and e.lladdr == lladdr
        if new in CONNECTED:
            e.confirmed = now
        if old in VALID:
            if not same and not override:
                return out
            if same and new == STALE and not admin:
                new = old  # "do not change entry state, if new one is STALE"
        if new != old or not same:
            e.updated = now
        notify = False
        if new != old:
            self._disarm(e)
            if new == PROBE:
                e.probes = 0
            if new in IN_TIMER:
                self._arm(e, now + (self.reachable_time if new == REACHABLE else 0.0), out)
            e.state = new
            notify = True
        if not same:
            e.lladdr = lladdr
            if new not in CONNECTED:
                e.confirmed = now - 2 * self.parms.base_reachable
            notify = True
        if notify:
            if not same and old in VALID:
                reason = f"{reason} (address changed from {old_lladdr})"
            self._event(now, e, old, reason, out)
        if new != old and old not in VALID and e.queue:
            self._flush_queue(e, out)
        return out

    def timer(self, ip: str, gen: int, now: float) -> list[NeighAction]:
        """neigh_timer_handler(): the entry's timer fired (stale timers do nothing)."""
        out: list[NeighAction] = []
        e = self.entries.get(ip)
        if e is None or e.gen != gen or e.timer_at is None:
            return out
        e.timer_at = None
        p = self.parms
        state = e.state
        if state not in IN_TIMER:
            return out
        if state == REACHABLE:
            if now < e.confirmed + self.reachable_time - TIME_EPSILON:
                # the kernel never re-arms sooner than HZ/100 from now
                self._arm(e, max(e.confirmed + self.reachable_time, now + MIN_TIMER), out)
            elif now <= e.used + p.delay_first_probe:
                old = self._set(e, DELAY, now)
                self._arm(e, now + p.delay_first_probe, out)
                self._event(now, e, old, "reachable_time expired but the entry was used "
                            "recently: wait delay_first_probe_time for a confirmation", out,
                            netlink=False)
            else:
                old = self._set(e, STALE, now)
                self._event(now, e, old, "reachable_time expired without confirmation: "
                            "keep the address, verify it on next use", out)
            return out
        if state == DELAY:
            if now <= e.confirmed + p.delay_first_probe:
                old = self._set(e, REACHABLE, now)
                self._arm(e, max(e.confirmed + self.reachable_time, now + MIN_TIMER), out)
                self._event(now, e, old, "confirmed during delay_first_probe_time", out)
                return out
            old = self._set(e, PROBE, now)
            e.probes = 0
            self._event(now, e, old, "delay_first_probe_time expired without "
                        "confirmation: unicast probe", out)
        if e.state in (INCOMPLETE, PROBE) and e.probes >= self._max_probes(e):
            old = self._set(e, FAILED, now)
            dropped, e.queue = e.queue, []
            tries = (f"{p.mcast_probes} broadcast ARP requests" if old == INCOMPLETE
                     else f"{p.ucast_probes} unicast probes")
            why = f"no reply to {tries}: FAILED"
            if dropped:
                why += f"; {len(dropped)} queued packet(s) dropped, host unreachable reported"
            self._event(now, e, old, why, out)
            out.extend(Unreachable(packet=pk) for pk, _ in dropped)
            return out
        self._arm(e, now + p.retrans, out)
        self._probe(e, out)
        return out

    # ---- ip neigh ----------------------------------------------------------------------
    def modify(self, op: str, ip: str, lladdr: str | None, nud: str,
               now: float) -> list[NeighAction]:
        """neigh_add(): ``ip neigh add`` (create, exclusive), ``replace`` (create or
        override), ``change`` (override an existing entry)."""
        e = self.entries.get(ip)
        if e is None and op == "change":
            raise NeighError("RTNETLINK answers: No such file or directory")
        if e is not None and op == "add":
            raise NeighError("RTNETLINK answers: File exists")
        override = e is None or op != "add"
        return self.update(ip, lladdr, nud, now, create=True, override=override, admin=True,
                           reason=f"ip neigh {op}: set to {nud} by the administrator")

    def delete(self, ip: str, now: float, reason: str = "ip neigh del: entry removed by "
               "the administrator") -> list[NeighAction]:
        """neigh_delete(): __neigh_update(FAILED, ADMIN) (notified if the entry was valid
        or resolving), then the entry goes (RTM_DELNEIGH)."""
        e = self.entries.get(ip)
        if e is None:
            raise NeighError("RTNETLINK answers: No such file or directory")
        was = e.state
        out = self.update(ip, None, FAILED, now, create=False, override=True, admin=True,
                          reason=reason)
        out = [a for a in out if not isinstance(a, Unreachable)]  # deleting drops silently
        self._remove(e, now, reason, out, notify=was != NONE)
        return out

    def _remove(self, e: NeighEntry, now: float, reason: str, out: list[NeighAction],
                notify: bool = True) -> None:
        """The entry leaves the table: RTM_DELNEIGH (seen as a change to NONE unless a
        listener never saw the entry, i.e. it was NONE)."""
        old = e.state
        self._disarm(e)
        del self.entries[e.ip]
        e.queue = []
        if old != NONE and notify:
            out.append(Event(t=now, netns=self.netns, dev=self.dev, kind="neigh",
                             subject=e.ip, old=old, new=NONE,
                             lladdr=e.lladdr if old in VALID else None, reason=reason,
                             extra={"netlink": True}))

    def flush(self, now: float, reason: str, skip_perm: bool = False,
              states: frozenset[str] | None = None) -> list[NeighAction]:
        """neigh_flush_dev() (device down, address change: everything; carrier lost:
        ``skip_perm``), or ``ip neigh flush`` when ``states`` selects entries (each one
        deleted as ``ip neigh del`` would)."""
        out: list[NeighAction] = []
        for e in list(self.entries.values()):
            if states is not None:
                if e.state in states:
                    out.extend(self.delete(e.ip, now, reason))
                continue
            if skip_perm and e.state == PERMANENT:
                continue
            self._remove(e, now, reason, out)
        return out

    def listing(self) -> list[NeighEntry]:
        """Entries ``ip neigh`` shows (all but NONE), in creation order."""
        return [e for e in self.entries.values() if e.state != NONE]
