"""iputils arping (20221126) as a simulated program: set-up checks, probes, answers.

What the real program does, step by step (``arping.c``):

- without ``-I`` the device is the one ``ip route get DEST`` names (no route:
  ``NETLINK_ROUTE unexpected iov element``, status 1); a device that is missing,
  down or loopback ends it (status 2);
- the source is ``-s``, else DEST itself for ``-U``/``-A``, else 0.0.0.0 for ``-D``,
  else the address a UDP socket bound to the device and connected to DEST with
  ``SO_DONTROUTE`` gets (``connect: Network is unreachable`` if DEST is not on-link);
  a source that is not ours fails ``bind``;
- one probe at once, then one per second (a timerfd).  With ``-c N`` it stops when
  the timer fires after the N-th probe (so ``-c 2`` lasts 2 s), with ``-w S`` when S
  seconds have passed (the probe due then still goes out first), with ``-D`` at the
  first answer, as with ``-f`` (20221126 has no early exit for ``-U``/``-A``: they run
  as ``-c`` does);
- the first probe is broadcast with target hardware address ff:ff:ff:ff:ff:ff; after
  the first answer the probes go unicast to the answering MAC (and name it as target),
  unless ``-b`` keeps them broadcast;
- ``-q`` prints nothing at all (a quiet report);
- an answer counts if it comes from DEST, is for our source address and our MAC
  (for ``-D``: from DEST with a MAC not ours); its time is since the last probe.

A lab arping without ``-c`` and ``-w`` stops as ``-c DEFAULT_PING_COUNT`` would.
"""
from __future__ import annotations

import ipaddress
from typing import Callable, Protocol

from sim.commands import Arping
from sim.programs import ArpingLine, ArpingReport
from sim.wire import (ARPOP_REPLY, ARPOP_REQUEST, BROADCAST, ETH_P_ARP, ArpPacket,
                      EthernetFrame, WireError)

from backends.simulated.stack.netns import Netns

#: The probe interval (arping's -i default; the lab does not offer -i).
INTERVAL = 1.0


class ArpingHost(Protocol):
    def now(self) -> float: ...

    def call_at(self, t: float, fn: Callable[[], None]) -> None: ...

    def transmit(self, dev: str, data: bytes) -> None: ...

    def finished(self) -> None: ...


class Fatal(Exception):
    def __init__(self, message: str, rc: int, stdout: bool = False):
        super().__init__(message)
        self.message, self.rc, self.stdout = message, rc, stdout


def setup(ns: Netns, cmd: Arping) -> tuple[str, str, str]:
    """(device, source, destination) as arping's main() settles them, or Fatal."""
    dest = cmd.dest
    try:
        ipaddress.IPv4Address(dest)
    except ValueError:
        raise Fatal(f"arping: {dest}: Name or service not known", 2) from None
    dev_name = cmd.interface
    if dev_name is None:  # guess_device(): RTM_GETROUTE for the destination
        if ns.is_local(dest):
            dev_name = "lo"
        else:
            route = ns.route(dest)
            if route is None:
                raise Fatal("arping: NETLINK_ROUTE unexpected iov element", 1)
            dev_name = route.dev
    dev = ns.dev(dev_name)
    if dev is None:
        raise Fatal(f"arping: Device {dev_name} not available.", 2)
    if not dev.up:
        raise Fatal(f'Interface "{dev_name}" is down', 2, stdout=True)
    if dev.kind == "loopback":
        raise Fatal(f'Interface "{dev_name}" is not ARPable', 0 if cmd.dad else 2,
                    stdout=True)
    if cmd.source is not None:
        src = cmd.source
    elif cmd.dad:
        src = "0.0.0.0"
    elif cmd.unsolicited or cmd.answer:
        src = dest
    else:
        src = _connect_source(ns, dev_name, dest)
    if src != "0.0.0.0" and not ns.is_local(src):
        raise Fatal("arping: bind: Cannot assign requested address", 2)
    return dev_name, src, dest


def _connect_source(ns: Netns, dev: str, dest: str) -> str:
    """A UDP socket bound to ``dev``, SO_DONTROUTE, connected to ``dest``: the source
    the kernel picks for an on-link destination."""
    if ns.is_local(dest):
        return dest
    ip = ipaddress.IPv4Address(dest)
    on_link = any(ip in a.network for a in ns.addrs.get(dev, []))
    route = ns.route(dest)
    if not on_link and not (route is not None and route.dev == dev and route.via is None):
        raise Fatal("arping: connect: Network is unreachable", 2)
    src = ns.select_addr(dev, dest)
    if src is None:
        raise Fatal("arping: connect: Network is unreachable", 2)
    return src


class ArpingRun:
    """One arping from the first probe to the statistics."""

    def __init__(self, cmd: Arping, ns: Netns, dev: str, src: str, host: ArpingHost):
        self.cmd, self.ns, self.dev, self.src, self.host = cmd, ns, dev, src, host
        self.dest = cmd.dest
        if cmd.count is not None:
            self.count = cmd.count
        elif cmd.deadline is None:
            self.count = cmd.effective_count
        else:
            self.count = -1
        self.timeout = int(cmd.deadline or 0)
        self.unsolicited = cmd.unsolicited or cmd.answer
        self.quit_on_reply = cmd.dad or cmd.first_reply
        self.he = BROADCAST
        self.unicasting = False
        self.sent = self.brd_sent = self.received = self.brd_recv = self.req_recv = 0
        self.total_expires = 1
        self.next_tick = 0.0
        self.last = 0.0
        self.lines: list[ArpingLine] = []
        self.done = False

    @property
    def mac(self) -> str:
        dev = self.ns.dev(self.dev)
        return dev.mac if dev is not None else BROADCAST

    # ---- the event loop ------------------------------------------------------------------
    def begin(self) -> None:
        t0 = self.host.now()
        if self.timeout:
            self.host.call_at(t0 + self.timeout, self._deadline)
        self.next_tick = t0 + INTERVAL
        self.host.call_at(self.next_tick, self._tick)
        self._send()

    def _tick(self) -> None:
        if self.done or self.host.now() < self.next_tick - 1e-9:
            return  # already run by _deadline
        self.total_expires += 1
        if 0 < self.count < self.total_expires:
            self.finish()
            return
        self._send()
        self.next_tick += INTERVAL
        self.host.call_at(self.next_tick, self._tick)

    def _deadline(self) -> None:
        """The -w timerfd.  A probe due at the same instant goes first: its timer was
        armed first, and poll() reports the fds in order."""
        if self.done:
            return
        if self.next_tick <= self.host.now() + 1e-9:
            self._tick()
        self.finish()

    def _send(self) -> None:
        """send_pack(): one request (or, with -A, reply) from our MAC and source."""
        mac = self.mac
        tha = mac if self.cmd.answer else self.he
        op = ARPOP_REPLY if self.cmd.answer else ARPOP_REQUEST
        arp = ArpPacket(op=op, sha=mac, spa=self.src, tha=tha, tpa=self.dest)
        self.host.transmit(self.dev, EthernetFrame(self.he, mac, ETH_P_ARP, arp.emit()).emit())
        self.last = self.host.now()
        self.sent += 1
        if not self.unicasting:
            self.brd_sent += 1

    def on_frame(self, data: bytes, rx_t: float) -> None:
        """recv_pack(): an ARP frame arrived on our device (the packet socket's copy)."""
        if self.done:
            return
        try:
            eth = EthernetFrame.parse(data)
            if eth.ethertype != ETH_P_ARP:
                return
            arp = ArpPacket.parse(eth.payload)
        except WireError:
            return
        mac = self.mac
        if eth.dst == mac:
            host = True
        elif eth.dst == BROADCAST:
            host = False
        else:
            return  # PACKET_OTHERHOST
        if arp.op not in (ARPOP_REQUEST, ARPOP_REPLY):
            return
        if not self.cmd.dad:
            if arp.spa != self.dest or arp.tpa != self.src or arp.tha != mac:
                return
        else:
            if arp.spa != self.dest or arp.sha == mac:
                return
            if self.src != "0.0.0.0" and self.src != arp.tpa:
                return
        text = ""
        if arp.tpa != self.src:
            text = f"for {arp.tpa} "
        if arp.tha != mac:
            text += ("" if text else "for ") + f"[{arp.tha.upper()}]"
        rtt = max(0, round((rx_t - self.last) * 1e6))
        self.lines.append(ArpingLine(kind="Unicast" if host else "Broadcast",
                                     source=arp.spa, mac=arp.sha, rtt_us=rtt, t=rx_t,
                                     text=text,
                                     op="reply" if arp.op == ARPOP_REPLY else "request"))
        self.received += 1
        if self.timeout and self.received == self.count:
            self.finish()
            return
        if not host:
            self.brd_recv += 1
        if arp.op == ARPOP_REQUEST:
            self.req_recv += 1
        if self.quit_on_reply:
            self.finish()
            return
        if not self.cmd.broadcast_only:  # -b: every probe stays a broadcast
            self.he = arp.sha
            self.unicasting = True

    def finish(self) -> None:
        if not self.done:
            self.done = True
            self.host.finished()

    # ---- the result ------------------------------------------------------------------------
    def exit_status(self) -> int:
        """finish()'s evaluation."""
        if self.cmd.dad:
            return int(bool(self.received))
        if self.unsolicited:
            return 0
        if self.timeout and self.count > 0 and not self.quit_on_reply:
            return int(not self.count <= self.received)
        return int(not self.received)

    def report(self) -> ArpingReport:
        mode = ("dad" if self.cmd.dad else "answer" if self.cmd.answer else
                "unsolicited" if self.cmd.unsolicited else "request")
        return ArpingReport(dest=self.dest, source=self.src, dev=self.dev,
                            lines=tuple(self.lines), sent=self.sent,
                            broadcasts=self.brd_sent, received=self.received, mode=mode,
                            rc_override=self.exit_status(),
                            broadcasts_received=self.brd_recv,
                            requests_received=self.req_recv, quiet=self.cmd.quiet)


def fatal_report(cmd: Arping, err: Fatal) -> ArpingReport:
    return ArpingReport(dest=cmd.dest, source=cmd.source, dev=cmd.interface or "",
                        fatal=err.message, fatal_rc=err.rc, fatal_stdout=err.stdout)
