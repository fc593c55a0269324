"""``arping`` as iputils 20221126 runs it, over an AF_PACKET socket inside a namespace.

The sockets are opened by a thread that has entered the lab namespace (a socket stays
bound to the namespace it was made in); the loop then runs in the caller's thread.
What follows iputils' arping.c ``main``/``event_loop``/``recv_pack``/``finish``, with the
details checked against the real binary between two lab namespaces:

- device: ``-I DEV``, else the output device of a route lookup (RTM_GETROUTE) for the
  target — a local target's route is on ``lo``, which is then "down" or "not ARPable";
  no route at all: ``arping: NETLINK_ROUTE unexpected iov element``, status 1;
  a device that does not exist: ``arping: Device veth9 not available.``, status 2;
- source: ``-s``; with ``-U``/``-A`` (not ``-D``) the target itself; with ``-D`` 0.0.0.0;
  otherwise what a UDP socket bound to the device and ``connect()``-ed with SO_DONTROUTE
  reports (``getsockname``);
- probes: one at once, then one per second (``timerfd``): the k-th tick (k = 1, 2, …)
  ends the run when ``count < k + 1``, else sends.  So ``-c 3`` lasts 3 s even if all
  replies came; ``-w SEC`` ends at SEC seconds — a tick due at the same moment sends
  first (its timer was armed first), and its reply is not waited for;
- the first probe goes to the broadcast address (ARP ``tha`` ff:ff:ff:ff:ff:ff); once a
  reply has been accepted, probes go unicast to the replier (``tha`` = its MAC);
- a reply is accepted (non-DAD) when ``spa`` is the target, ``tpa`` our source and
  ``tha`` our MAC; in DAD mode when ``spa`` is the target and ``sha`` is not ours;
- ends early: ``-D`` and ``-f`` on the first reply; with ``-w`` when ``count`` replies
  are in; ``-b`` keeps every probe broadcast; ``-q`` prints nothing;
- ``-A`` sends ARP replies (``tha`` = our MAC); ``-U``/``-A`` gratuitous: spa = tpa;
- rtt: the time the reply is processed minus the time taken just before the last
  ``sendto``, in microseconds;
- status (``finish``): ``-D``: 1 if anything answered; ``-U``/``-A``: 0; with ``-w`` and
  ``-c``: 0 only if ``count`` replies came; else 0 if any reply came.

Without ``-c`` or ``-w`` arping runs until Ctrl-C; the lab stops it where ``-c 4``
would (``DEFAULT_PING_COUNT`` probes), which prints the same statistics.
"""
from __future__ import annotations

import errno
import os
import select
import socket
import struct
import time
from dataclasses import dataclass, field
from typing import Callable, TypeVar

from pyroute2.netlink.rtnl.rtmsg import rtmsg

from backends.kernel.links import RTM_GETROUTE, NetlinkError, NetlinkSocket
from sim.commands import Arping
from sim.programs import ArpingLine, ArpingReport

T = TypeVar("T")
ETH_P_ARP = 0x0806
ETH_P_IP = 0x0800
ARPOP_REQUEST, ARPOP_REPLY = 1, 2
PACKET_HOST, PACKET_BROADCAST, PACKET_MULTICAST = 0, 1, 2
IFF_UP, IFF_LOOPBACK, IFF_NOARP = 0x1, 0x8, 0x80
SO_BINDTODEVICE = 25
INTERVAL = 1.0
BROADCAST_MAC = b"\xff" * 6
_ARP_HDR = struct.Struct("!HHBBH")


class ArpingFatal(Exception):
    """arping stopped before its loop: ``message`` as printed, with ``rc``; ``stdout``
    for the notices iputils printf()s ("Interface ... is down")."""

    def __init__(self, message: str, rc: int, stdout: bool = False):
        super().__init__(message)
        self.message, self.rc, self.stdout = message, rc, stdout


@dataclass
class _Setup:
    dev: str
    ifindex: int
    mac: bytes
    hatype: int
    broadcast: bytes
    gsrc: str


@dataclass
class _State:
    """iputils' ``run_state`` counters and the lines printed."""

    he: bytes  # where probes go: broadcast, then the replier's MAC
    sent: int = 0
    brd_sent: int = 0
    received: int = 0
    brd_recv: int = 0
    req_recv: int = 0
    unicasting: bool = False
    last: float | None = None  # monotonic time of the last sendto
    lines: list[ArpingLine] = field(default_factory=list)


def _mac_text(raw: bytes, upper: bool = False) -> str:
    text = ":".join(f"{b:02x}" for b in raw)
    return text.upper() if upper else text


def _aton(text: str) -> str | None:
    """``inet_aton`` semantics (``10.1`` is 10.0.0.1); None if not an address."""
    try:
        return socket.inet_ntoa(socket.inet_aton(text))
    except OSError:
        return None


def guess_device(nl: NetlinkSocket, dst: str, names: dict[int, str]) -> str:
    """The output device of the route to ``dst`` (iputils' ``guess_device``)."""
    msg = rtmsg()
    msg["family"] = socket.AF_INET
    msg["dst_len"] = 32
    msg["attrs"] = [("RTA_DST", dst)]
    try:
        got = nl.request(msg, RTM_GETROUTE, 0)
    except NetlinkError:
        raise ArpingFatal("arping: NETLINK_ROUTE unexpected iov element", 1) from None
    oif = got[0].get_attr("RTA_OIF") if got else None
    if oif is None or oif not in names:
        raise ArpingFatal("arping: NETLINK_ROUTE unexpected iov element", 1)
    return names[oif]


def check_device(nl: NetlinkSocket, cmd: Arping, dst: str) -> tuple[str, int, bytes]:
    """iputils' ``check_device``/``check_ifflags``: (name, ifindex, broadcast MAC)."""
    links = nl.links()
    names = {m["index"]: m.get_attr("IFLA_IFNAME") for m in links}
    name = cmd.interface or guess_device(nl, dst, names)
    for m in links:
        if m.get_attr("IFLA_IFNAME") != name:
            continue
        flags = m["flags"]
        if not flags & IFF_UP:
            raise ArpingFatal(f'Interface "{name}" is down', 2, stdout=True)
        if flags & (IFF_NOARP | IFF_LOOPBACK):
            raise ArpingFatal(f'Interface "{name}" is not ARPable', 0 if cmd.dad else 2,
                              stdout=True)
        brd = m.get_attr("IFLA_BROADCAST")
        if brd is None or not m.get_attr("IFLA_ADDRESS"):
            break
        return name, m["index"], bytes.fromhex(brd.replace(":", ""))
    raise ArpingFatal(f"arping: Device {name} not available.", 2)


def _source_here(cmd: Arping, dev: str, dst: str) -> str:
    """Inside the namespace: the source address as iputils' main() finds it."""
    gsrc = "0.0.0.0"
    if cmd.source is not None:
        src = _aton(cmd.source)
        if src is None:
            raise ArpingFatal(f"arping: invalid source {cmd.source}", 2)
        gsrc = src
    if not cmd.dad and (cmd.unsolicited or cmd.answer) and cmd.source is None:
        gsrc = dst
    if cmd.dad and cmd.source is None:
        return gsrc
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        try:
            probe.setsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, dev.encode() + b"\0")
        except OSError:
            pass  # iputils: "WARNING: interface is ignored"
        if cmd.source is not None or gsrc != "0.0.0.0":
            try:
                probe.bind((gsrc, 0))
            except OSError as exc:
                raise ArpingFatal(f"arping: bind: {os.strerror(exc.errno or errno.EIO)}",
                                  2) from None
        elif not cmd.dad:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_DONTROUTE, 1)
            try:
                probe.connect((dst, 1025))
            except OSError as exc:
                raise ArpingFatal(f"arping: connect: {os.strerror(exc.errno or errno.EIO)}",
                                  2) from None
            gsrc = probe.getsockname()[0]
    finally:
        probe.close()
    return gsrc


def open_here(cmd: Arping, dev: str, dst: str) -> tuple[socket.socket, str, bytes, int]:
    """Inside the namespace: (packet socket bound to ``dev`` for ARP, source, our MAC,
    hardware type)."""
    gsrc = _source_here(cmd, dev, dst)
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC, 0)
    try:
        sock.bind((dev, ETH_P_ARP))
        _name, _proto, _pkttype, hatype, mac = sock.getsockname()
        sock.setblocking(False)
    except OSError as exc:
        sock.close()
        raise ArpingFatal(f"arping: bind: {os.strerror(exc.errno or errno.EIO)}", 2) from None
    return sock, gsrc, mac, hatype


def build(setup: _Setup, cmd: Arping, dst: str, tha: bytes) -> bytes:
    """One probe as iputils' ``send_pack`` lays it out (28 bytes of ARP)."""
    advert = cmd.answer
    op = ARPOP_REPLY if advert else ARPOP_REQUEST
    return (_ARP_HDR.pack(setup.hatype, ETH_P_IP, len(setup.mac), 4, op) + setup.mac
            + socket.inet_aton(setup.gsrc) + (setup.mac if advert else tha)
            + socket.inet_aton(dst))


def accept(data: bytes, pkttype: int, hatype: int, setup: _Setup, dad: bool,
           dst: str) -> tuple[int, str, bytes, str, bytes] | None:
    """iputils' ``recv_pack`` filter: (op, spa, sha, tpa, tha) of an answer, or None."""
    if pkttype not in (PACKET_HOST, PACKET_BROADCAST, PACKET_MULTICAST):
        return None
    if len(data) < _ARP_HDR.size:
        return None
    hrd, pro, hln, pln, op = _ARP_HDR.unpack_from(data)
    if op not in (ARPOP_REQUEST, ARPOP_REPLY) or hrd != hatype or pro != ETH_P_IP:
        return None
    if pln != 4 or hln != len(setup.mac) or len(data) < _ARP_HDR.size + 2 * (4 + hln):
        return None
    p = _ARP_HDR.size
    sha = data[p:p + hln]
    spa = socket.inet_ntoa(data[p + hln:p + hln + 4])
    tha = data[p + hln + 4:p + 2 * hln + 4]
    tpa = socket.inet_ntoa(data[p + 2 * hln + 4:p + 2 * hln + 8])
    if spa != dst:
        return None
    if not dad:
        if tpa != setup.gsrc or tha != setup.mac:
            return None
    else:
        if sha == setup.mac:
            return None
        if setup.gsrc != "0.0.0.0" and setup.gsrc != tpa:
            return None
    return op, spa, sha, tpa, tha


def _extra_words(setup: _Setup, tpa: str, tha: bytes) -> str:
    """What iputils prints between ``] `` and `` <rtt>ms``: ``for ADDR `` and/or
    ``for [MAC]``/``[MAC]`` (empty when the answer was addressed to us exactly)."""
    out = ""
    if tpa != setup.gsrc:
        out += f"for {tpa} "
    if tha != setup.mac:
        out += ("" if out else "for ") + f"[{_mac_text(tha, upper=True)}]"
    return out


def _mode(cmd: Arping) -> str:
    if cmd.dad:
        return "dad"
    if cmd.answer:
        return "answer"
    return "unsolicited" if cmd.unsolicited else "request"


def _finish_rc(cmd: Arping, st: _State, count: int, timeout: int) -> int:
    """iputils' ``finish()`` exit status."""
    if cmd.dad:
        return 1 if st.received else 0
    if cmd.unsolicited or cmd.answer:
        return 0
    if timeout and count > 0 and not (cmd.dad or cmd.first_reply):
        return 0 if count <= st.received else 1
    return 0 if st.received else 1


def arping(cmd: Arping, nl: NetlinkSocket, run_in: Callable[[Callable[[], T]], T],
           clock: Callable[[], float]) -> ArpingReport:
    """Run ``cmd``: ``nl`` is the namespace's verified netlink socket, ``run_in(fn)``
    calls ``fn`` inside the namespace, ``clock()`` gives seconds since the run began."""
    mode = _mode(cmd)
    dst = _aton(cmd.dest)
    if dst is None:
        return ArpingReport(dest=cmd.dest, source=None, dev=cmd.interface or "", mode=mode,
                            fatal=f"arping: {cmd.dest}: Name or service not known",
                            fatal_rc=2)
    try:
        dev, ifindex, brd = check_device(nl, cmd, dst)
        sock, gsrc, mac, hatype = run_in(lambda: open_here(cmd, dev, dst))
    except ArpingFatal as exc:
        return ArpingReport(dest=dst, source=None, dev=cmd.interface or "", mode=mode,
                            fatal=exc.message, fatal_rc=exc.rc, fatal_stdout=exc.stdout)
    setup = _Setup(dev=dev, ifindex=ifindex, mac=mac, hatype=hatype, broadcast=brd,
                   gsrc=gsrc)
    try:
        st = _loop(cmd, setup, dst, sock, clock)
    finally:
        sock.close()
    count = cmd.effective_count if cmd.interrupted else (cmd.count or -1)
    timeout = int(cmd.deadline or 0)
    return ArpingReport(dest=dst, source=gsrc, dev=dev, lines=tuple(st.lines), sent=st.sent,
                        broadcasts=st.brd_sent, received=st.received, mode=mode,
                        rc_override=_finish_rc(cmd, st, count, timeout),
                        broadcasts_received=st.brd_recv, requests_received=st.req_recv,
                        quiet=cmd.quiet)


def _loop(cmd: Arping, setup: _Setup, dst: str, sock: socket.socket,
          clock: Callable[[], float]) -> _State:
    """iputils' ``event_loop``: a tick every second, a deadline, the socket."""
    count = cmd.effective_count if cmd.interrupted else (cmd.count or -1)
    timeout = int(cmd.deadline or 0)
    st = _State(he=setup.broadcast)
    poller = select.poll()
    poller.register(sock, select.POLLIN | select.POLLERR)
    start = time.monotonic()
    deadline = start + timeout if timeout > 0 else None
    ticks = 1  # iputils' total_expires: the first probe counts as one
    _send(cmd, setup, dst, sock, st)
    while True:
        next_tick = start + ticks * INTERVAL
        now = time.monotonic()
        if now >= next_tick:
            ticks += 1
            if 0 < count < ticks:
                break
            _send(cmd, setup, dst, sock, st)
            continue
        if deadline is not None and now >= deadline:
            break
        wake = min(next_tick, deadline) if deadline is not None else next_tick
        if poller.poll(max(0.0, (wake - now) * 1000.0)):
            if _receive(cmd, setup, dst, sock, st, count, timeout, clock):
                break
    return st


def _send(cmd: Arping, setup: _Setup, dst: str, sock: socket.socket, st: _State) -> None:
    packet = build(setup, cmd, dst, st.he)
    now = time.monotonic()
    try:
        n = sock.sendto(packet, (setup.dev, ETH_P_ARP, 0, 0, st.he))
    except OSError:
        return  # iputils ignores a failed send (it just is not counted)
    if n == len(packet):
        st.last = now
        st.sent += 1
        if not st.unicasting:
            st.brd_sent += 1


def _receive(cmd: Arping, setup: _Setup, dst: str, sock: socket.socket, st: _State,
             count: int, timeout: int, clock: Callable[[], float]) -> bool:
    """Read what is pending; True when arping should stop (iputils' FINAL_PACKS)."""
    while True:
        try:
            data, addr = sock.recvfrom(4096)
        except (BlockingIOError, InterruptedError):
            return False
        except OSError:
            return False
        now = time.monotonic()
        pkttype, hatype = addr[2], addr[3]
        got = accept(data, pkttype, hatype, setup, cmd.dad, dst)
        if got is None:
            continue
        op, spa, sha, tpa, tha = got
        rtt = int(round((now - st.last) * 1e6)) if st.last is not None else 0
        st.lines.append(ArpingLine(kind="Unicast" if pkttype == PACKET_HOST else "Broadcast",
                                   source=spa, mac=_mac_text(sha), rtt_us=rtt, t=clock(),
                                   text=_extra_words(setup, tpa, tha),
                                   op="reply" if op == ARPOP_REPLY else "request"))
        st.received += 1
        if timeout and st.received == count:
            return True
        if pkttype != PACKET_HOST:
            st.brd_recv += 1
        if op == ARPOP_REQUEST:
            st.req_recv += 1
        if cmd.dad or cmd.first_reply or count == 0 and st.received == st.sent:
            return True
        if not cmd.broadcast_only:  # -b: every probe stays a broadcast
            st.he = sha
            st.unicasting = True
