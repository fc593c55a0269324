"""``ping`` as iputils 20221126 runs it, over a raw ICMP socket inside a namespace.

The sockets are made by a thread that has entered the namespace (a socket stays bound to
the namespace it was created in); the loop itself runs in the caller's thread.  What
follows ping_common.c's ``main_loop``/``pinger``/``schedule_exit``/``finish``:

- requests go out at start + k * interval (iputils' token bucket keeps that grid);
- each request carries ``gettimeofday()`` in its data and the RTT is the reply's kernel
  receive stamp (SO_TIMESTAMP) minus that, in integer microseconds;
- with ``-c N`` the loop ends when replies + errors reach N, or when the exit timer armed
  at the N-th send fires: ``max(2 * tmax, interval)`` if anything was received, else the
  linger time (``-W``, default 10 s);
- without ``-c`` the lab stops ping after N requests as Ctrl-C would, once the last reply
  is in (waiting for it at most 1 s);
- ``time NNNms`` in the statistics is the last send time minus the start time;
- errors come from the socket's error queue (IP_RECVERR): a failed neighbour resolution
  is an ICMP host-unreachable the kernel sends to itself, so it reads
  ``From <our address> icmp_seq=N Destination Host Unreachable``; routers' ICMP errors
  read the same way with the router's address.  Each counts as an error.
"""
from __future__ import annotations

import errno
import ipaddress
import os
import select
import socket
import struct
import time
from typing import Callable

from sim.commands import Ping
from sim.programs import PingLine, PingReport, ping_ident
from sim.wire import (ICMP_DEST_UNREACH, ICMP_ECHO, ICMP_ECHOREPLY, ICMP_TIME_EXCEEDED,
                      IcmpPacket, Ipv4Packet, TIMEVAL_LEN, WireError, echo, payload_timeval,
                      ping_payload)

IP_RECVERR = 11
SO_TIMESTAMP = 29
SO_EE_ORIGIN_LOCAL = 1
SO_EE_ORIGIN_ICMP = 2
#: iputils' MAXWAIT: seconds to linger for replies after the last request when none came.
MAXWAIT = 10.0
#: How long the lab waits for the last reply before "pressing Ctrl-C" (no -c given).
INTERRUPT_WAIT = 1.0
_EE = struct.Struct("=IBBBBII")

_UNREACH = ("Destination Net Unreachable", "Destination Host Unreachable",
            "Destination Protocol Unreachable", "Destination Port Unreachable",
            "Frag needed and DF set (mtu = {info})", "Source Route Failed",
            "Destination Net Unknown", "Destination Host Unknown", "Source Host Isolated",
            "Destination Net Prohibited", "Destination Host Prohibited",
            "Destination Net Unreachable for Type of Service",
            "Destination Host Unreachable for Type of Service", "Packet filtered",
            "Precedence Violation", "Precedence Cutoff")


def icmp_error_text(type_: int, code: int, info: int) -> str:
    """The words iputils' pr_icmph() prints for an ICMP error."""
    if type_ == ICMP_DEST_UNREACH:
        if code < len(_UNREACH):
            return _UNREACH[code].format(info=info)
        return f"Dest Unreachable, Bad Code: {code}"
    if type_ == ICMP_TIME_EXCEEDED:
        return {0: "Time to live exceeded", 1: "Frag reassembly time exceeded"}.get(
            code, f"Time exceeded, Bad Code: {code}")
    return f"Bad ICMP type: {type_}"


def open_sockets_here(dest: str, ttl: int | None) -> tuple[socket.socket, str]:
    """Inside the namespace: find the source address as iputils does (connect a UDP
    socket; ``OSError`` when there is no route) and open the raw ICMP socket."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect((dest, 1025))
        src = probe.getsockname()[0]
    finally:
        probe.close()
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW | socket.SOCK_CLOEXEC,
                         socket.IPPROTO_ICMP)
    sock.setsockopt(socket.SOL_IP, IP_RECVERR, 1)
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMP, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    if ttl is not None:
        sock.setsockopt(socket.SOL_IP, socket.IP_TTL, ttl)
    sock.setblocking(False)
    return sock, src


class EchoBuilder:
    """Echo requests as ``sim.wire`` makes them, but quick to stamp: everything except
    the sequence number and the timeval is summed once, so the time taken just before
    ``sendto`` is not delayed by a full re-checksum (the RTT would include it)."""

    def __init__(self, ident: int, size: int):
        self.size = size
        template = echo(ICMP_ECHO, ident, 0, ping_payload(size, 0, 0)).emit()
        self.head = template[:6]  # type, code, checksum (patched), ident
        self.tail = template[8 + TIMEVAL_LEN:] if size >= TIMEVAL_LEN else template[8:]
        blank = bytearray(template)
        blank[2:4] = b"\0\0"
        self.base = _sum16(bytes(blank))

    def build(self, seq: int, now_us: int) -> bytes:
        if self.size < TIMEVAL_LEN:
            stamp = b""
            total = self.base + seq
        else:
            stamp = struct.pack("<qq", now_us // 1_000_000, now_us % 1_000_000)
            total = self.base + seq + _sum16(stamp)
        while total >> 16:
            total = (total & 0xFFFF) + (total >> 16)
        csum = ~total & 0xFFFF
        return (self.head[:2] + struct.pack("!H", csum) + self.head[4:6]
                + struct.pack("!H", seq) + stamp + self.tail)


def _sum16(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    return sum(struct.unpack(f"!{len(data) // 2}H", data))


class _PingRun:
    """The state of one ping: iputils' counters and the lines it printed."""

    def __init__(self, cmd: Ping, dest: str, ident: int, clock: Callable[[], float]):
        self.cmd, self.dest, self.ident, self.clock = cmd, dest, ident, clock
        self.ntransmitted = self.nreceived = self.nerrors = self.nrepeats = 0
        self.answered: set[int] = set()
        self.received: set[int] = set()
        self.tmax = 0
        self.pipe = 0
        self.builder = EchoBuilder(ident, cmd.size)
        self.rtts: list[int] = []
        self.lines: list[PingLine] = []

    def send(self, sock: socket.socket) -> None:
        seq = self.ntransmitted + 1
        packet = self.builder.build(seq & 0xFFFF, time.time_ns() // 1000)
        self.ntransmitted += 1
        try:
            sock.sendto(packet, (self.dest, 0))
        except OSError:
            self.read_errors(sock)  # iputils: a hard local error counts as sent

    def ack(self, seq: int) -> None:
        """iputils' acknowledge(): note the answer and the most probes in flight."""
        self.answered.add(seq)
        diff = (self.ntransmitted - seq) & 0xFFFF
        if diff <= 0x7FFF:
            self.pipe = max(self.pipe, diff + 1)

    def read(self, sock: socket.socket) -> None:
        while True:
            try:
                data, anc, _flags, _addr = sock.recvmsg(65536, 256)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:  # a pending error (sk_err): the details are in the error queue
                self.read_errors(sock)
                continue
            self._packet(data, anc)
        self.read_errors(sock)

    def _packet(self, data: bytes, anc: list) -> None:
        try:
            ip = Ipv4Packet.parse(data)
            icmp = IcmpPacket.parse(ip.payload)
        except WireError:
            return
        if icmp.type != ICMP_ECHOREPLY or icmp.ident != self.ident or ip.src != self.dest:
            return  # errors are read from the error queue; others' echoes are not ours
        recv_us = None
        for level, kind, payload in anc:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMP and len(payload) >= 16:
                sec, usec = struct.unpack_from("=qq", payload)
                recv_us = sec * 1_000_000 + usec
        if recv_us is None:
            recv_us = time.time_ns() // 1000
        rtt = None
        stamp = payload_timeval(icmp.payload)
        if stamp is not None and self.cmd.size >= 16:
            rtt = max(0, recv_us - (stamp[0] * 1_000_000 + stamp[1]))
            self.rtts.append(rtt)
            self.tmax = max(self.tmax, rtt)
        seq = icmp.seq
        dup = seq in self.received
        if dup:
            self.nrepeats += 1
        else:
            self.nreceived += 1
            self.received.add(seq)
        self.ack(seq)
        self.lines.append(PingLine(kind="reply", seq=seq, source=ip.src, t=self.clock(),
                                   nbytes=len(ip.payload), ttl=ip.ttl, rtt_us=rtt,
                                   duplicate=dup))

    def read_errors(self, sock: socket.socket) -> None:
        while True:
            try:
                data, anc, _flags, addr = sock.recvmsg(512, 512, socket.MSG_ERRQUEUE)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            for level, kind, payload in anc:
                if level == socket.SOL_IP and kind == IP_RECVERR and len(payload) >= _EE.size:
                    self._error(data, payload, addr)

    def _error(self, data: bytes, ext: bytes, target: tuple) -> None:
        ee_errno, origin, etype, ecode, _pad, info, _data = _EE.unpack_from(ext)
        if origin == SO_EE_ORIGIN_LOCAL:
            self.nerrors += 1  # iputils prints "ping: local error: ..." on stderr
            return
        if origin != SO_EE_ORIGIN_ICMP or len(data) < 8:
            return
        itype, _code, _csum, ident, seq = struct.unpack_from("!BBHHH", data)
        if itype != ICMP_ECHO or ident != self.ident or target[0] != self.dest:
            return
        offender = socket.inet_ntoa(ext[_EE.size + 4:_EE.size + 8]) \
            if len(ext) >= _EE.size + 8 else self.dest
        self.nerrors += 1
        self.ack(seq)
        kind = "ttl" if etype == ICMP_TIME_EXCEEDED else "error"
        self.lines.append(PingLine(kind=kind, seq=seq, source=offender, t=self.clock(),
                                   text=icmp_error_text(etype, ecode, info)))


def ping(cmd: Ping, index: int, open_in_netns: Callable[[Callable], tuple[socket.socket, str]],
         clock: Callable[[], float]) -> PingReport:
    """Run ``cmd``; ``open_in_netns(fn)`` calls ``fn`` inside ``cmd.netns``."""
    try:
        dest = str(ipaddress.IPv4Address(cmd.dest))
    except ValueError:
        return PingReport(dest=cmd.dest, dest_addr="", size=cmd.size,
                          fatal=f"{cmd.dest}: Name or service not known")
    try:
        sock, _src = open_in_netns(lambda: open_sockets_here(dest, cmd.ttl))
    except OSError as exc:
        return PingReport(dest=cmd.dest, dest_addr=dest, size=cmd.size,
                          fatal=f"connect: {os.strerror(exc.errno or errno.EIO)}")
    run = _PingRun(cmd, dest, ping_ident(index), clock)
    count = cmd.effective_count
    poller = select.poll()
    poller.register(sock, select.POLLIN | select.POLLERR)
    start = time.monotonic()
    last_send = start
    deadline: float | None = None
    try:
        while True:
            if run.nreceived + run.nerrors >= count:
                break
            if cmd.interrupted and count in run.answered:
                break
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                break
            next_send = start + run.ntransmitted * cmd.interval
            if run.ntransmitted < count and now >= next_send:
                run.send(sock)
                last_send = time.monotonic()
                if run.ntransmitted == count:
                    deadline = last_send + _exit_wait(cmd, run)
                continue
            wake = next_send if run.ntransmitted < count else deadline
            assert wake is not None
            poller.poll(max(0.0, (wake - now) * 1000.0))
            run.read(sock)
    finally:
        sock.close()
    elapsed_ns = int((last_send - start) * 1e9)
    return PingReport(dest=cmd.dest, dest_addr=dest, size=cmd.size, lines=tuple(run.lines),
                      transmitted=run.ntransmitted, received=run.nreceived,
                      errors=run.nerrors, duplicates=run.nrepeats,
                      elapsed_ms=(elapsed_ns + 500_000) // 1_000_000,
                      interrupted=cmd.interrupted, rtts_us=tuple(run.rtts), pipe=run.pipe)


def _exit_wait(cmd: Ping, run: _PingRun) -> float:
    """Seconds to wait after the last request (iputils' __schedule_exit)."""
    if cmd.interrupted:
        return INTERRUPT_WAIT
    if run.nreceived:
        return max(2 * run.tmax / 1e6, cmd.interval)
    return cmd.timeout if cmd.timeout is not None else MAXWAIT
