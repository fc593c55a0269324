"""Per-device neighbour parameters (``struct neigh_parms``), kept in jiffies as Linux does.

Linux stores every time parameter in jiffies (``CONFIG_HZ`` = 250 on the reference kernel)
and converts on each ``/proc/sys/net/ipv4/neigh/DEV/*`` read and write, so what a user
reads back is not always what was written: ``retrans_time_ms=5`` becomes 2 jiffies and
reads ``8``; ``base_reachable_time_ms=1234`` reads ``1236``.  The model keeps the same
integers so ``sysctl`` prints what the kernel prints and the timers use the same values.

A device's parameters are a copy of the table defaults (``arp_tbl.parms``) taken when its
IPv4 state is created (``neigh_parms_alloc``); moving the device to another namespace
makes a fresh copy.  ``net.ipv4.neigh.default`` exists only in the initial namespace,
and a lab's namespaces never are that one, so defaults cannot be changed in a lab.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass

#: CONFIG_HZ of the reference kernel (Debian's 6.x: 250), and USER_HZ (clock_t units).
HZ = 250
USER_HZ = 100
#: SKB_TRUESIZE(ETH_FRAME_LEN): what ``unres_qlen`` packets are counted as, in bytes
#: (measured: ``unres_qlen=5`` reads back ``unres_qlen_bytes = 10450``).
UNRES_QLEN_TRUESIZE = 2090
INT_MAX = 2**31 - 1

#: The kernel's reachable_time random factor (neigh_rand_reach_time): [1/2, 3/2).
REACHABLE_RANDOM_LOW = 0.5
REACHABLE_RANDOM_HIGH = 1.5


class SysctlInvalid(ValueError):
    """A value the kernel's proc handler refuses (EINVAL)."""


def msecs_to_jiffies(ms: int) -> int:
    """Rounds up, like the kernel (HZ divides 1000)."""
    step = 1000 // HZ
    return (abs(ms) + step - 1) // step


def jiffies_to_msecs(j: int) -> int:
    return j * (1000 // HZ)


def clock_t_to_jiffies(v: int) -> int:
    return v * HZ // USER_HZ


def jiffies_to_clock_t(j: int) -> int:
    return j * USER_HZ // HZ


@dataclass(slots=True)  # one per device: 10,000 namespaces hold 20,000
class NeighParms:
    """``struct neigh_parms`` of one device; time fields in jiffies."""

    base_reachable_time: int = 30 * HZ
    retrans_time: int = 1 * HZ
    delay_probe_time: int = 5 * HZ
    gc_staletime: int = 60 * HZ
    locktime: int = 1 * HZ
    proxy_delay: int = (8 * HZ) // 10
    anycast_delay: int = 1 * HZ
    interval_probe_time: int = 5 * HZ
    mcast_probes: int = 3
    ucast_probes: int = 3
    app_probes: int = 0
    mcast_reprobes: int = 0
    queue_len_bytes: int = 212992
    proxy_qlen: int = 64
    #: p->reachable_time: base_reachable_time with the random factor, in jiffies.
    reachable_time: int = 30 * HZ

    # ---- the values the state machine reads, in seconds ---------------------------------
    @property
    def reachable(self) -> float:
        return self.reachable_time / HZ

    @property
    def retrans(self) -> float:
        """max(RETRANS_TIME, HZ/100): the timer never re-arms sooner than 10 ms."""
        return max(self.retrans_time, HZ // 100) / HZ

    @property
    def delay_first_probe(self) -> float:
        return self.delay_probe_time / HZ

    @property
    def lock(self) -> float:
        return self.locktime / HZ

    @property
    def base_reachable(self) -> float:
        return self.base_reachable_time / HZ

    def rand_reach_time(self, rng: random.Random) -> None:
        """neigh_rand_reach_time(): a new p->reachable_time in [base/2, 3*base/2)."""
        base = self.base_reachable_time
        self.reachable_time = (int(rng.random() * base) + (base >> 1)) if base else 0


# sysctl name -> (field, conversion).  Conversions follow neigh_sysctl_template.
_KEYS: dict[str, tuple[str, str]] = {
    "anycast_delay": ("anycast_delay", "userhz"),
    "app_solicit": ("app_probes", "int0"),
    "base_reachable_time": ("base_reachable_time", "secs"),
    "base_reachable_time_ms": ("base_reachable_time", "ms"),
    "delay_first_probe_time": ("delay_probe_time", "secs"),
    "gc_stale_time": ("gc_staletime", "secs"),
    "interval_probe_time_ms": ("interval_probe_time", "ms_positive"),
    "locktime": ("locktime", "userhz"),
    "mcast_resolicit": ("mcast_reprobes", "int0"),
    "mcast_solicit": ("mcast_probes", "int0"),
    "proxy_delay": ("proxy_delay", "userhz"),
    "proxy_qlen": ("proxy_qlen", "int0"),
    "retrans_time": ("retrans_time", "userhz"),
    "retrans_time_ms": ("retrans_time", "ms"),
    "ucast_solicit": ("ucast_probes", "int0"),
    "unres_qlen": ("queue_len_bytes", "qlen"),
    "unres_qlen_bytes": ("queue_len_bytes", "int0"),
}

NEIGH_SYSCTLS = tuple(sorted(_KEYS))

_INT = re.compile(r"\s*(-?\d+)\s*")


def parse_int(text: str) -> int:
    """proc_dointvec's reading of a number: optional minus, digits, spaces around."""
    m = _INT.fullmatch(text)
    if m is None:
        raise SysctlInvalid(text)
    value = int(m.group(1))
    if abs(value) > INT_MAX:
        raise SysctlInvalid(text)
    return value


def read(parms: NeighParms, name: str) -> str:
    """The text ``/proc/sys/net/ipv4/neigh/DEV/NAME`` holds."""
    field, conv = _KEYS[name]
    v = getattr(parms, field)
    if conv == "secs":
        return str(int(v / HZ))  # C division truncates toward zero
    if conv in ("ms", "ms_positive"):
        return str(jiffies_to_msecs(v))
    if conv == "userhz":
        return str(jiffies_to_clock_t(v))
    if conv == "qlen":
        return str(v // UNRES_QLEN_TRUESIZE)
    return str(v)


def write(parms: NeighParms, name: str, text: str, rng: random.Random) -> None:
    """Write one parameter as the kernel's proc handler would (SysctlInvalid on EINVAL).

    Writing ``base_reachable_time[_ms]`` draws a new reachable_time at once
    (``neigh_proc_base_reachable_time``).
    """
    field, conv = _KEYS[name]
    v = parse_int(text)
    if conv == "secs":
        j = v * HZ
    elif conv == "ms":
        j = msecs_to_jiffies(v)
    elif conv == "ms_positive":
        if v < 1:
            raise SysctlInvalid(text)
        j = msecs_to_jiffies(v)
    elif conv == "userhz":
        if v < 0:
            raise SysctlInvalid(text)
        j = clock_t_to_jiffies(v)
    elif conv == "qlen":
        if not 0 <= v <= INT_MAX // UNRES_QLEN_TRUESIZE:
            raise SysctlInvalid(text)
        j = v * UNRES_QLEN_TRUESIZE
    else:
        if v < 0:
            raise SysctlInvalid(text)
        j = v
    setattr(parms, field, j)
    if field == "base_reachable_time":
        parms.rand_reach_time(rng)
