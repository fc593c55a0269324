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
- ``-w DEADLINE`` ends the loop at start + DEADLINE; with it requests keep going past
  ``-c`` (which then only ends the loop once replies + errors reach it), and any error
  ends it at once; ``-O`` notes an unanswered request before sending the next;
- ``-I DEV`` binds both sockets to the device (SO_BINDTODEVICE), ``-I ADDR`` binds them
  to the source address;
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
from typing import TYPE_CHECKING, Callable

from sim.commands import Ping
from sim.errors import CommandError
from sim.programs import PingLine, PingReport, device_refusal, ping_ident
from sim.script.validate import is_ipv4
from sim.wire import (ICMP_DEST_UNREACH, ICMP_ECHO, ICMP_ECHOREPLY, ICMP_TIME_EXCEEDED,
                      IcmpPacket, Ipv4Packet, TIMEVAL_LEN, WireError, echo, payload_timeval,
                      ping_payload)

if TYPE_CHECKING:
    from backends.kernel.links import NetlinkSocket

IP_RECVERR = 11
SO_TIMESTAMP = 29
SO_EE_ORIGIN_LOCAL = 1
SO_EE_ORIGIN_ICMP = 2
#: iputils' MAXWAIT: seconds to linger for replies after the last request when none came.
MAXWAIT = 10.0
#: How long the lab waits for the last reply before "pressing Ctrl-C" (no -c given).
INTERRUPT_WAIT = 1.0
_EE = struct.Struct("=IBBBBII")
SO_BINDTODEVICE = 25
RTM_GETADDR = 22

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


class PingFatal(Exception):
    """ping stopped in its set-up; the message as iputils prints it after ``ping: ``."""


def _bind(sock: socket.socket, iface: str | None) -> None:
    """``-I``: an address binds the source, a name the device (as iputils does both)."""
    if iface is None:
        return
    if is_ipv4(iface):
        try:
            sock.bind((iface, 0))
        except OSError as exc:
            raise PingFatal(f"bind: {os.strerror(exc.errno or errno.EIO)}") from None
        return
    try:
        sock.setsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, iface.encode() + b"\0")
    except OSError as exc:
        raise PingFatal(f"SO_BINDTODEVICE {iface}: "
                        f"{os.strerror(exc.errno or errno.EIO)}") from None



def open_sockets_here(dest: str, ttl: int | None,
                      iface: str | None = None) -> tuple[socket.socket, str]:
    """Inside the namespace: find the source address as iputils does (connect a UDP
    socket, bound as ``-I`` says; ``PingFatal`` when that fails) and open the raw ICMP
    socket, bound the same way."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        _bind(probe, iface)
        try:
            probe.connect((dest, 1025))
        except OSError as exc:
            raise PingFatal(f"connect: {os.strerror(exc.errno or errno.EIO)}") from None
        src = probe.getsockname()[0]
    finally:
        probe.close()
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW | socket.SOCK_CLOEXEC,
                         socket.IPPROTO_ICMP)
    try:
        _bind(sock, iface)
    except PingFatal:
        sock.close()
        raise
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

    def line(self, **fields: object) -> None:
        """A printed line, stamped with the Unix time for ``-D``."""
        self.lines.append(PingLine(t=self.clock(), stamp_us=time.time_ns() // 1000,
                                   **fields))  # type: ignore[arg-type]

    def send(self, sock: socket.socket) -> None:
        if self.cmd.outstanding and self.ntransmitted and self.ntransmitted not in self.received:
            self.line(kind="noanswer", seq=self.ntransmitted & 0xFFFF, source="")
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
        self.line(kind="reply", seq=seq, source=ip.src, nbytes=len(ip.payload), ttl=ip.ttl,
                  rtt_us=rtt, duplicate=dup)

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
        self.line(kind=kind, seq=seq, source=offender, text=icmp_error_text(etype, ecode, info))


def ping(cmd: Ping, index: int, open_in_netns: Callable[[Callable], tuple[socket.socket, str]],
         clock: Callable[[], float], nl: "NetlinkSocket | None" = None) -> PingReport:
    """Run ``cmd``; ``open_in_netns(fn)`` calls ``fn`` inside ``cmd.netns``; ``nl`` (the
    namespace's netlink socket) answers ``-I DEV``'s questions about devices and routes."""
    try:
        dest = str(ipaddress.IPv4Address(cmd.dest))
    except ValueError:
        return PingReport(dest=cmd.dest, dest_addr="", size=cmd.size,
                          fatal=f"{cmd.dest}: Name or service not known")
    header: dict[str, object] = {}
    iface = cmd.interface
    if iface is not None and not is_ipv4(iface) and nl is not None:
        header = _check_device(nl, iface, dest)
        if "fatal" in header:
            return PingReport(dest=cmd.dest, dest_addr=dest, size=cmd.size,
                              fatal=str(header["fatal"]))
    try:
        sock, src = open_in_netns(lambda: open_sockets_here(dest, cmd.ttl, iface))
    except PingFatal as exc:
        return PingReport(dest=cmd.dest, dest_addr=dest, size=cmd.size, fatal=str(exc))
    except OSError as exc:
        return PingReport(dest=cmd.dest, dest_addr=dest, size=cmd.size,
                          fatal=f"connect: {os.strerror(exc.errno or errno.EIO)}")
    if iface is not None:
        header["bind_source"] = src
        header["bind_dev"] = "" if is_ipv4(iface) else iface
        addrs = header.pop("addrs", None)
        if addrs is not None and src not in addrs:  # type: ignore[operator]
            header["warning"] = ("Warning: source address might be selected on device "
                                 f"other than: {iface}")
    run = _PingRun(cmd, dest, ping_ident(index), clock)
    try:
        last_send, elapsed_ns = _loop(cmd, run, sock)
    finally:
        sock.close()
    return PingReport(dest=cmd.dest, dest_addr=dest, size=cmd.size, lines=tuple(run.lines),
                      transmitted=run.ntransmitted, received=run.nreceived,
                      errors=run.nerrors, duplicates=run.nrepeats,
                      elapsed_ms=(elapsed_ns + 500_000) // 1_000_000,
                      interrupted=cmd.interrupted, rtts_us=tuple(run.rtts), pipe=run.pipe,
                      quiet=cmd.quiet, timestamps=cmd.timestamps,
                      deadline_count=(cmd.count or 0) if cmd.deadline else 0,
                      **header)  # type: ignore[arg-type]


def _check_device(nl: "NetlinkSocket", iface: str, dest: str) -> dict[str, object]:
    """``-I DEV``: ``{"fatal": ...}`` if there is no such device; a refusal if the route
    leaves by another one (not modelled, as on the simulator); else the device's
    addresses (for iputils' "source address might be selected..." warning)."""
    from backends.kernel.arping import ArpingFatal, guess_device

    links = nl.links()
    names = {m["index"]: m.get_attr("IFLA_IFNAME") for m in links}
    index = next((i for i, n in names.items() if n == iface), None)
    if index is None:
        return {"fatal": f"SO_BINDTODEVICE {iface}: No such device"}
    try:
        out: str | None = guess_device(nl, dest, names)
    except ArpingFatal:
        out = None
    if out != iface and out != "lo":  # a local destination answers on any device
        raise CommandError(device_refusal(iface, dest, out), rc=2)
    addrs = [m.get_attr("IFA_LOCAL") or m.get_attr("IFA_ADDRESS")
             for m in nl.dump(RTM_GETADDR, socket.AF_INET) if m["index"] == index]
    return {"addrs": addrs}


def _loop(cmd: Ping, run: _PingRun, sock: socket.socket) -> tuple[float, int]:
    """iputils' main_loop; returns (last send time, ns from start to the last send)."""
    count = cmd.effective_count
    limit = count if (cmd.count is not None or not cmd.deadline) else 0
    poller = select.poll()
    poller.register(sock, select.POLLIN | select.POLLERR)
    start = time.monotonic()
    last_send = start
    deadline = start + cmd.deadline if cmd.deadline else None  # -w: alarm()
    exit_at: float | None = None  # __schedule_exit after the last request
    while True:
        if limit and run.nreceived + run.nerrors >= limit:
            break
        if deadline is not None and run.nerrors:
            break
        if cmd.interrupted and count in run.answered:
            break
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            break
        if exit_at is not None and now >= exit_at:
            break
        more = deadline is not None or run.ntransmitted < count
        next_send = start + run.ntransmitted * cmd.interval
        if more and now >= next_send:
            run.send(sock)
            last_send = time.monotonic()
            if deadline is None and run.ntransmitted == count:
                exit_at = last_send + _exit_wait(cmd, run)
            continue
        wake = min(t for t in (next_send if more else None, exit_at, deadline)
                   if t is not None)
        poller.poll(max(0.0, (wake - now) * 1000.0))
        run.read(sock)
    return last_send, int((last_send - start) * 1e9)


def _exit_wait(cmd: Ping, run: _PingRun) -> float:
    """Seconds to wait after the last request (iputils' __schedule_exit)."""
    if cmd.interrupted:
        return INTERRUPT_WAIT
    if run.nreceived:
        return max(2 * run.tmax / 1e6, cmd.interval)
    return cmd.timeout if cmd.timeout is not None else MAXWAIT
