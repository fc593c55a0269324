"""iputils ``ping`` as a state machine on the simulator's clock.

It follows ``ping_common.c`` where timing and counting are decided:

- echo request ``seq`` 1 at the start, then one every ``interval`` until ``count`` sent;
- with ``-c N`` it exits as soon as replies + errors reach N (main_loop's first test);
- after the last request it arms one exit alarm (``__schedule_exit``): twice the
  largest RTT but at least the interval if any reply came, else ``lingertime``
  (``-W``, 10 s by default);
- the statistics' ``time`` is from the start to the last *send* (``finish`` uses
  ``cur_time``, which only ``pinger`` updates), rounded to the millisecond.

A lab ping without ``-c`` sends ``effective_count`` requests and stops like ``-c``
would, which is when a user watching it would press Ctrl-C.

``-w DEADLINE`` (an ``alarm()`` set before the first send) ends the run at start +
DEADLINE whatever was sent; with it ``pinger`` ignores ``-c`` and keeps sending, the
loop still ends once replies + errors reach ``-c``, and any ICMP error ends it at once
(``if (deadline && nerrors) break``).  ``-O`` prints ``no answer yet for icmp_seq=N``
before a send when request N got no reply.  No simpy here: the engine
hands in a ``PingHost`` that schedules callbacks and sends packets.
"""
from __future__ import annotations

import ipaddress
import struct
from typing import TYPE_CHECKING, Callable, Protocol

from sim.commands import Ping
from sim.errors import CommandError
from sim.programs import SIM_EPOCH, PingLine, PingReport, device_refusal
from sim.script.validate import is_ipv4
from sim.wire import (ICMP_DEST_UNREACH, ICMP_ECHO, ICMP_ECHOREPLY, ICMP_TIME_EXCEEDED,
                      IcmpPacket, Ipv4Packet, WireError, echo, payload_timeval, ping_payload)

if TYPE_CHECKING:
    from backends.simulated.stack.netns import Netns

#: iputils MAXWAIT: seconds to linger for replies when none came and no -W was given.
LINGERTIME = 10.0

UNREACH_TEXT = {0: "Destination Net Unreachable", 1: "Destination Host Unreachable",
                2: "Destination Protocol Unreachable", 3: "Destination Port Unreachable",
                4: "Frag needed", 13: "Communication administratively prohibited"}


class PingHost(Protocol):
    """What the engine provides to a running ping."""

    def now(self) -> float: ...

    def call_at(self, t: float, fn: Callable[[], None]) -> None: ...

    def send_echo(self, src: str, dst: str, icmp: bytes, ttl: int) -> None: ...

    def finished(self) -> None: ...


class PingRun:
    """One ``ping`` command from start to statistics."""

    def __init__(self, cmd: Ping, ident: int, src: str, dest_addr: str, host: PingHost,
                 header: dict[str, object] | None = None):
        self.cmd = cmd
        self.header = dict(header or {})  # PingReport fields from bind(): "from SRC DEV"
        #: -I DEV: the socket hears only packets that came in on DEV, so the errors the
        #: namespace sends itself (through lo) never reach it
        self.deaf_to: frozenset[str] = frozenset(self.header.pop("deaf_to", ()))  # type: ignore[arg-type]
        self.ident = ident
        self.src = src
        self.dest_addr = dest_addr
        self.host = host
        self.count = cmd.effective_count
        #: -w without -c: no count at all, the deadline alone ends the run
        self.limit = self.count if (cmd.count is not None or not cmd.deadline) else 0
        self.deadline_at: float | None = None
        self.lines: list[PingLine] = []
        self.rtts: list[int] = []
        self.transmitted = 0
        self.received = 0
        self.errors = 0
        self.duplicates = 0
        self.seen: set[int] = set()
        self.pipe = 0
        self.start = 0.0
        self.last_send = 0.0
        self.done = False

    # ---- sending -----------------------------------------------------------------------
    def begin(self) -> None:
        self.start = self.host.now()
        if self.cmd.deadline:
            self.deadline_at = self.start + self.cmd.deadline
            self.host.call_at(self.deadline_at, self.finish)  # armed before the 1st send
        self._send(1)

    def _line(self, **fields: object) -> None:
        now = self.host.now()
        stamp = SIM_EPOCH * 1_000_000 + round(now * 1e6)
        self.lines.append(PingLine(t=now, stamp_us=stamp, **fields))  # type: ignore[arg-type]

    def _send(self, seq: int) -> None:
        if self.done:
            return
        t = self.host.now()
        if self.deadline_at is not None and t >= self.deadline_at - 1e-9:
            self.finish()  # the alarm came first
            return
        if self.cmd.outstanding and seq > 1 and (seq - 1) not in self.seen:
            self._line(kind="noanswer", seq=(seq - 1) & 0xFFFF, source="")
        usec_total = round(t * 1e6)
        data = ping_payload(self.cmd.size, usec_total // 1_000_000, usec_total % 1_000_000)
        icmp = echo(ICMP_ECHO, self.ident, seq, data).emit()
        self.transmitted += 1
        self.last_send = t
        self.host.send_echo(self.src, self.dest_addr, icmp, self.cmd.ttl or 64)
        if self.deadline_at is not None or seq < self.count:
            self.host.call_at(t + self.cmd.interval, lambda: self._send(seq + 1))
        else:
            self.host.call_at(t + self._waittime(), self.finish)

    def _waittime(self) -> float:
        if self.received:
            return max(2 * max(self.rtts, default=0) / 1e6, self.cmd.interval)
        return self.cmd.timeout if self.cmd.timeout is not None else LINGERTIME

    # ---- receiving ---------------------------------------------------------------------
    def on_packet(self, packet: bytes, rx_t: float) -> None:
        """A packet on the raw ICMP socket (every ping in the namespace sees it)."""
        if self.done:
            return
        try:
            ip = Ipv4Packet.parse(packet)
            icmp = IcmpPacket.parse(ip.payload)
        except WireError:
            return
        now = self.host.now()
        if icmp.type == ICMP_ECHOREPLY:
            if icmp.ident != self.ident:
                return
            self._reply(ip, icmp, rx_t, now)
        elif icmp.type in (ICMP_DEST_UNREACH, ICMP_TIME_EXCEEDED):
            if ip.src in self.deaf_to:
                return
            seq = self._quoted_seq(icmp)
            if seq is None:
                return
            self.errors += 1
            self._acknowledge(seq)
            if icmp.type == ICMP_DEST_UNREACH:
                kind, text = "error", UNREACH_TEXT.get(icmp.code, f"Dest Unreachable, Bad "
                                                                  f"Code: {icmp.code}")
            else:
                kind, text = "ttl", "Time to live exceeded"
            self._line(kind=kind, seq=seq, source=ip.src, text=text)
            if self.deadline_at is not None:
                # main_loop reads every pending packet, then tests "deadline && nerrors":
                # errors that arrive together are all counted
                self.host.call_at(now, self.finish)
                return
        else:
            return
        if self.limit and self.received + self.errors >= self.limit:
            self.finish()

    def _reply(self, ip: Ipv4Packet, icmp: IcmpPacket, rx_t: float, now: float) -> None:
        stamp = payload_timeval(icmp.payload)
        rtt = None
        if stamp is not None:
            rtt = round(rx_t * 1e6) - (stamp[0] * 1_000_000 + stamp[1])
        self._acknowledge(icmp.seq)
        dup = icmp.seq in self.seen
        if dup:
            self.duplicates += 1
        else:
            self.seen.add(icmp.seq)
            self.received += 1
            if rtt is not None:
                self.rtts.append(rtt)
        self._line(kind="reply", seq=icmp.seq, source=ip.src, nbytes=len(ip.payload),
                   ttl=ip.ttl, rtt_us=rtt, duplicate=dup)

    def _acknowledge(self, seq: int) -> None:
        """acknowledge(): ``pipesize`` is the most probes outstanding at an answer."""
        diff = (self.transmitted - seq) & 0xFFFF
        if diff <= 0x7FFF:
            self.pipe = max(self.pipe, diff + 1)

    def _quoted_seq(self, icmp: IcmpPacket) -> int | None:
        """The echo sequence number quoted in an ICMP error, if it is one of ours."""
        inner = icmp.payload
        if len(inner) < 20 + 8:
            return None
        ihl = (inner[0] & 0xF) * 4
        quoted = inner[ihl:ihl + 8]
        if len(quoted) < 8 or quoted[0] != ICMP_ECHO:
            return None
        ident, seq = struct.unpack("!HH", quoted[4:8])
        return seq if ident == self.ident else None

    # ---- the end -----------------------------------------------------------------------
    def finish(self) -> None:
        if not self.done:
            self.done = True
            self.host.finished()

    def report(self) -> PingReport:
        elapsed_us = round((self.last_send - self.start) * 1e6)
        return PingReport(
            dest=self.cmd.dest, dest_addr=self.dest_addr, size=self.cmd.size,
            lines=tuple(self.lines), transmitted=self.transmitted, received=self.received,
            errors=self.errors, duplicates=self.duplicates,
            elapsed_ms=(elapsed_us + 500) // 1000, interrupted=self.cmd.interrupted,
            rtts_us=tuple(self.rtts), pipe=self.pipe, quiet=self.cmd.quiet,
            timestamps=self.cmd.timestamps,
            deadline_count=(self.cmd.count or 0) if self.cmd.deadline else 0,
            **self.header)  # type: ignore[arg-type]


def bind(ns: "Netns", cmd: Ping, dest_addr: str) -> PingReport | dict[str, object]:
    """Where ping's socket sends from, as its set-up finds it: a fatal ``PingReport``,
    or the ``PingReport`` fields the header needs plus ``src`` (and ``deaf_to``, the
    sources a device-bound socket never hears errors from).

    ``-I ADDR`` binds the source (``bind: Cannot assign requested address`` if it is not
    ours); ``-I DEV`` binds the socket to a device (``SO_BINDTODEVICE DEV: No such
    device``).  A bound device other than the one the route leaves by (the kernel then
    sends on-link from it) is not modelled: the lab refuses it on both backends.
    """
    def fatal(msg: str) -> PingReport:
        return PingReport(dest=cmd.dest, dest_addr=dest_addr, size=cmd.size, fatal=msg)

    iface = cmd.interface
    extra: dict[str, object] = {}
    if iface is not None and is_ipv4(iface):
        if not ns.is_local(iface):
            return fatal("bind: Cannot assign requested address")
        extra = {"bind_source": iface, "bind_dev": ""}
    elif iface is not None:
        dev = ns.dev(iface)
        if dev is None:
            return fatal(f"SO_BINDTODEVICE {iface}: No such device")
        route = None if ns.is_local(dest_addr) else ns.route(dest_addr)
        out = route.dev if route else None
        if not ns.is_local(dest_addr) and out != iface:  # our own address: any device
            raise CommandError(device_refusal(iface, dest_addr, out), rc=2)
    src = ns.source_for(dest_addr)
    if src is None:
        return fatal("connect: Network is unreachable")
    if iface is not None and not extra:
        extra = {"bind_source": src, "bind_dev": iface}
        if iface != "lo":
            extra["deaf_to"] = frozenset(a.local for a in ns.all_addrs())
        if not any(a.local == src for a in ns.addrs.get(iface, [])):
            extra["warning"] = ("Warning: source address might be selected on device "
                                f"other than: {iface}")
    if "bind_source" in extra:
        src = str(extra["bind_source"])
    return {"src": src, **extra}



def resolve(dest: str) -> str | None:
    """The lab has no DNS: a destination must be a dotted quad."""
    try:
        return str(ipaddress.IPv4Address(dest))
    except ValueError:
        return None
