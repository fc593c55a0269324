"""The other tools a lab runs: ``ping``, ``arping``, ``sysctl``, ``bridge`` and ``sleep``."""
from __future__ import annotations

from dataclasses import dataclass

from sim.commands.base import Command


# ---- programs -------------------------------------------------------------------------

#: How many echo requests a ``ping`` without ``-c`` sends before the lab stops it, as if
#: the user pressed Ctrl-C after the last reply.
DEFAULT_PING_COUNT = 4


@dataclass(frozen=True, kw_only=True)
class Ping(Command):
    """``ping [-c N] [-i SEC] [-W SEC] [-s SIZE] [-t TTL] ADDR`` as iputils has them.

    ``count`` is ``None`` when the line gave no ``-c``: the lab then stops the ping after
    ``DEFAULT_PING_COUNT`` requests (see ``effective_count``).
    """

    dest: str
    count: int | None = None
    interval: float = 1.0
    timeout: float | None = None  # -W: seconds to wait for a reply after the last request
    size: int = 56
    ttl: int | None = None
    quiet: bool = False  # -q: only the header and the statistics
    numeric: bool = False  # -n: no reverse lookups (the lab has none anyway)
    deadline: int | None = None  # -w: seconds after which ping stops, whatever -c says
    interface: str | None = None  # -I: a device name or a source address
    timestamps: bool = False  # -D: "[unix time] " before each line
    outstanding: bool = False  # -O: "no answer yet for icmp_seq=N"

    @property
    def effective_count(self) -> int:
        return self.count if self.count is not None else DEFAULT_PING_COUNT

    @property
    def interrupted(self) -> bool:
        """True when the lab, not ``-c`` or ``-w``, ends this ping (as Ctrl-C would)."""
        return self.count is None and not self.deadline

    def _render(self) -> str:
        parts = ["ping"]
        if self.count is not None:
            parts.append(f"-c {self.count}")
        if self.interval != 1.0:
            parts.append(f"-i {self.interval:g}")
        if self.timeout is not None:
            parts.append(f"-W {self.timeout:g}")
        if self.size != 56:
            parts.append(f"-s {self.size}")
        if self.ttl is not None:
            parts.append(f"-t {self.ttl}")
        for flag, on in (("-q", self.quiet), ("-n", self.numeric), ("-D", self.timestamps),
                         ("-O", self.outstanding)):
            if on:
                parts.append(flag)
        if self.deadline is not None:
            parts.append(f"-w {self.deadline}")
        if self.interface is not None:
            parts.append(f"-I {self.interface}")
        parts.append(self.dest)
        return self._wrap(" ".join(parts))


@dataclass(frozen=True, kw_only=True)
class Arping(Command):
    """``arping [-c N] [-w SEC] [-I DEV] [-s SRC] [-U] [-A] [-D] ADDR`` as iputils has it.

    ``count`` is ``None`` without ``-c`` (the lab stops it after ``DEFAULT_PING_COUNT``
    probes, as for ping).
    """

    dest: str
    count: int | None = None
    deadline: float | None = None  # -w
    interface: str | None = None  # -I
    source: str | None = None  # -s
    unsolicited: bool = False  # -U
    answer: bool = False  # -A
    dad: bool = False  # -D
    first_reply: bool = False  # -f: stop at the first answer
    quiet: bool = False  # -q: print nothing
    broadcast_only: bool = False  # -b: keep broadcasting after an answer

    @property
    def effective_count(self) -> int:
        return self.count if self.count is not None else DEFAULT_PING_COUNT

    @property
    def interrupted(self) -> bool:
        return self.count is None and self.deadline is None

    def _render(self) -> str:
        parts = ["arping"]
        for flag, on in (("-U", self.unsolicited), ("-A", self.answer), ("-D", self.dad),
                         ("-f", self.first_reply), ("-q", self.quiet),
                         ("-b", self.broadcast_only)):
            if on:
                parts.append(flag)
        if self.count is not None:
            parts.append(f"-c {self.count}")
        if self.deadline is not None:
            parts.append(f"-w {self.deadline:g}")
        if self.interface:
            parts.append(f"-I {self.interface}")
        if self.source:
            parts.append(f"-s {self.source}")
        parts.append(self.dest)
        return self._wrap(" ".join(parts))


@dataclass(frozen=True, kw_only=True)
class Sysctl(Command):
    """``sysctl [-q] [-w] KEY[=VALUE]``: read or write one key under ``net.``.

    Keys are written with dots (``net.ipv4.neigh.veth1.retrans_time_ms``); ``value`` is
    ``None`` for a read.
    """

    key: str
    value: str | None = None
    quiet: bool = False

    def _render(self) -> str:
        q = "-q " if self.quiet else ""
        if self.value is None:
            return self._wrap(f"sysctl {q}{self.key}")
        return self._wrap(f"sysctl {q}-w {self.key}={self.value}")


@dataclass(frozen=True, kw_only=True)
class BridgeFdbShow(Command):
    """``bridge fdb show [br BR] [dev DEV]``."""

    br: str | None = None
    dev: str | None = None

    def _render(self) -> str:
        return self._wrap("bridge fdb show" + (f" br {self.br}" if self.br else "")
                          + (f" dev {self.dev}" if self.dev else ""))


@dataclass(frozen=True, kw_only=True)
class BridgeLinkShow(Command):
    """``bridge link [show] [dev DEV]``."""

    dev: str | None = None

    def _render(self) -> str:
        return self._wrap("bridge link show" + (f" dev {self.dev}" if self.dev else ""))


@dataclass(frozen=True, kw_only=True)
class Sleep(Command):
    seconds: float

    def _render(self) -> str:
        return f"sleep {self.seconds:g}"
