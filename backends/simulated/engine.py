"""The simulated backend: a simpy clock driving the pure stack.

This is the only module that imports simpy.  It carries out what the stack returns —
frames go out on a veth and come in on its peer ``XMIT_DELAY`` later, are processed
``STACK_DELAY`` after that, neighbour timers fire when armed, packets to our own
addresses loop through ``lo`` — and records every frame (``out`` on the sender's end,
``in`` on the peer's) and every event, in virtual seconds since the run began.

Virtual time moves only inside ``ping`` and ``sleep``; configuration happens at the
current instant.  Everything random (MACs, reachable times, IP IDs) comes from one
``random.Random(seed)`` drawn in a fixed order, so a seed and a script make one run.
"""
from __future__ import annotations

import random
from functools import partial
from typing import Callable

import simpy

from sim.commands import Arping, Command, Ping, Sysctl
from sim.limits import DEFAULT_LIMITS, LimitExceeded, Limits, arping_duration, ping_duration
from sim.model import ROOT_NS, NetnsListing, NetnsState
from sim.programs import ArpingReport, PingReport, ping_ident
from sim.trace import Event, Frame, FrameLog
from sim.commands import RouteGet
from sim.model import RouteLookup
from sim.wire import IPPROTO_ICMP, mac_str

from backends.base import Backend
from backends.simulated import flood
from backends.simulated.flood import FloodPlan
from backends.simulated.ping import PingRun, bind, resolve
from backends.simulated.stack.actions import Action, ArmTimer, Emit, Loopback, ToSockets
from backends.simulated.stack.ipv4 import ip_output
from backends.simulated.stack.netns import Netns
from backends.simulated.stack.veth import Device
from backends.simulated.timing import (ARPING_EXIT_DELAY, LOOPBACK_DELAY, PING_SEND_DELAY,
                                       STACK_DELAY, XMIT_DELAY)
from backends.simulated.world import World


class SimulatedBackend(Backend):
    """A lab run on the model.  ``seed`` fixes every random choice."""

    name = "sim"

    def __init__(self, seed: int = 0, *, limits: Limits | None = None):
        self.seed = seed
        #: Bounds on frames and virtual time: a bridge loop or a flood stops the run.
        self.limits = limits or DEFAULT_LIMITS
        self._sent = 0  # frames put on the wire (out on a veth or a bridge)
        self.rng = random.Random(seed)
        self.env = simpy.Environment()
        self.world = World(self.rng)
        #: Every frame, stored compactly; the caller may swap in one that keeps fewer
        #: or streams them (``sim.run(keep_frames=..., max_frames=..., pcap=...)``).
        self.frame_log = FrameLog()
        #: event time -> callbacks not yet started at that time (see ``at``).
        self._batches: dict[float, list[Callable[[], None]]] = {}
        self._events: list[Event] = []
        self._sockets: dict[int, list[PingRun]] = {}  # id(Netns) -> open ping sockets
        #: (id(Netns), device) -> packet-socket listeners (arping) for frames arriving there.
        self._taps: dict[tuple[int, str], list[Callable[[bytes, float], None]]] = {}
        self._pings = 0
        #: id(bridge device) -> how its floods go at the current epoch (flood.py).
        self._plans: dict[int, FloodPlan] = {}

    # ---- the Backend interface -------------------------------------------------------------
    def now(self) -> float:
        # Rounded to the nanosecond so that 1.0 + 25e-6 reads 1.000025 in every record.
        return round(float(self.env.now), 9)

    def apply(self, cmd: Command) -> None:
        for ns, actions in self.world.apply(cmd, self.now()):
            self._do(ns, actions, rx_t=self.now())
        # Timers armed for "now" (``ip neigh add … nud delay|probe``) fire on the next
        # jiffy in Linux, before the next command can look: run them at this instant.
        while self.env.peek() <= self.env.now:
            self.env.step()

    def netns_list(self, viewer: str = ROOT_NS) -> NetnsListing:
        """``ip netns list`` as run in ``viewer`` (the lab runs it in ``root``)."""
        return self.world.netns_list(viewer)

    def snapshot(self, netns: str) -> NetnsState:
        for dev in self.world.ns(netns).devices.values():
            if dev.bridge is not None:  # br_fdb_cleanup(): learned entries age out
                dev.bridge.expire(self.now())
        return self.world.snapshot(netns)

    def mac_owners(self, netns: str) -> list[tuple[str, str]]:
        """``(mac, dev)`` for the runner's MAC bookkeeping: what a snapshot's links would
        say (bridges last, no loopback), without building the snapshot."""
        ns = self.world.namespaces.get(netns)
        if ns is None:
            return []
        devs = sorted([ns.devices[i] for i in sorted(ns.devices)],
                      key=lambda d: d.kind == "bridge")
        return [(d.mac, d.name) for d in devs if d.kind != "loopback" and d.mac]

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            limit = self.limits.max_virtual_time
            end = self.env.now + seconds
            target = min(end, limit)
            if target > self.env.now:
                self.env.run(until=target)
            if target < end:
                raise self._time_exceeded()

    def frames(self) -> list[Frame]:
        log = self.frame_log
        return log if log.in_order else sorted(log, key=lambda f: f.t)  # type: ignore[return-value]

    def events(self) -> list[Event]:
        return sorted(self._events, key=lambda e: e.t)

    def ping(self, cmd: Ping) -> PingReport:
        ns = self.world.ns(cmd.netns)
        ident = ping_ident(self._pings)
        self._pings += 1
        dest_addr = resolve(cmd.dest)
        if dest_addr is None:
            return PingReport(dest=cmd.dest, dest_addr=cmd.dest, size=cmd.size,
                              fatal=f"{cmd.dest}: Name or service not known")
        bound = bind(ns, cmd, dest_addr)  # the source, or why ping stops (-I, no route)
        if isinstance(bound, PingReport):
            return bound
        done = self.env.event()
        host = _Host(self, ns, done)
        run = PingRun(cmd, ident, str(bound.pop("src")), dest_addr, host, bound)
        sockets = self._sockets.setdefault(id(ns), [])
        sockets.append(run)
        try:
            run.begin()
            self._run_until(done, ping_duration(cmd))
        finally:
            sockets.remove(run)
        return run.report()

    def sysctl(self, cmd: Sysctl) -> str:
        from backends.simulated.stack.sysctl import sysctl

        epoch = self.world.epoch
        before, epoch[0] = epoch[0], -1  # configuring: nothing is cached meanwhile
        try:
            return sysctl(self.world.ns(cmd.netns), cmd.key, cmd.value, self.rng)
        finally:
            epoch[0] = before + 1  # cached routes/addresses are recomputed

    def arping(self, cmd: Arping) -> ArpingReport:
        from backends.simulated.arping import ArpingRun, Fatal, fatal_report, setup

        ns = self.world.ns(cmd.netns)
        try:
            dev, src, _dest = setup(ns, cmd)
        except Fatal as err:
            return fatal_report(cmd, err)
        done = self.env.event()
        host = _ArpingHost(self, ns, done)
        run = ArpingRun(cmd, ns, dev, src, host)
        taps = self._taps.setdefault((id(ns), dev), [])
        taps.append(run.on_frame)
        try:
            self.at(self.now() + PING_SEND_DELAY, run.begin)
            self._run_until(done, arping_duration(cmd))
        finally:
            taps.remove(run.on_frame)
        # The last probe is still on the wire when arping exits; the kernel answers it
        # while the process is exiting.  Let that instant settle.
        self.env.run(until=self.env.now + ARPING_EXIT_DELAY)
        return run.report()

    # ---- bounds (sim/limits.py) -------------------------------------------------------------
    def _time_exceeded(self) -> LimitExceeded:
        limit = self.limits.max_virtual_time
        return LimitExceeded("max_virtual_time", (
            f"vethlab: the simulation reached its virtual time limit of {limit:g} s "
            f"({Limits.flag('max_virtual_time')}); the run stops here"))

    def _run_until(self, done: simpy.Event, worst: float) -> None:
        """Run until a program ends, or until the virtual time limit if it could pass it.

        ``worst`` is how long the program can take; only a program that could run past
        the limit pays for the extra timeout event.
        """
        limit = self.limits.max_virtual_time
        if self.env.now + worst + 1.0 <= limit:
            self.env.run(until=done)
            return
        stop = self.env.timeout(max(0.0, limit - self.env.now))
        self.env.run(until=self.env.any_of([done, stop]))
        if not done.triggered:
            raise self._time_exceeded()

    def _count_frame(self) -> None:
        """Every frame sent counts; past the limit the run stops (a loop never ends)."""
        self._sent += 1
        if self._sent > self.limits.max_sim_frames:
            raise LimitExceeded("max_sim_frames", (
                f"vethlab: the simulation put {self.limits.max_sim_frames} frames on the "
                f"wire, its limit ({Limits.flag('max_sim_frames')}); a bridge loop or a "
                "flood never ends on its own, so the run stops here"))

    # ---- carrying out the stack's actions ---------------------------------------------------
    def _alive(self, ns: Netns) -> bool:
        """Timers and frames in flight outlive a deleted namespace; they then do nothing."""
        return self.world.namespaces.get(ns.name) is ns

    def at(self, t: float, fn: Callable[[], None]) -> None:
        """Run ``fn`` at virtual time ``t`` (never in the past).

        Callbacks due at the same future instant share one simpy event and run in the
        order they were scheduled — the order simpy would have run separate events in,
        since every normal-priority event of this engine is scheduled here.  A flood
        through a 250-port bridge is then one event, not 250.  A callback due *now*
        gets its own event: it must run after events already queued for this instant
        (a finished ping's ``done``), as it would have.
        """
        env = self.env
        delay = t - env.now
        if delay <= 0.0:
            env.timeout(0.0).callbacks.append(lambda _ev: fn())
            return
        when = env.now + delay  # the float simpy would have computed
        batch = self._batches.get(when)
        if batch is not None:
            batch.append(fn)
            return
        batch = self._batches[when] = [fn]
        env.timeout(delay).callbacks.append(_Batch(self._batches, when, batch))

    def _do(self, ns: Netns, actions: list[Action], rx_t: float) -> None:
        for a in actions:
            if isinstance(a, Event):
                self._events.append(a)
            elif isinstance(a, Emit):
                self._transmit(ns, a.dev, a.data)
            elif isinstance(a, ArmTimer):
                self.at(a.at, partial(self._timer, ns, a))  # smaller than a closure
            elif isinstance(a, Loopback):
                self.at(self.now() + LOOPBACK_DELAY, lambda p=a.packet: self._loop(ns, p))
            elif isinstance(a, ToSockets):
                for run in list(self._sockets.get(id(ns), [])):
                    run.on_packet(a.packet, rx_t)

    def _timer(self, ns: Netns, a: ArmTimer) -> None:
        if self._alive(ns):
            self._do(ns, ns.neigh_timer(a.dev, a.ip, a.gen, self.now()), rx_t=self.now())

    def _loop(self, ns: Netns, packet: bytes) -> None:
        if self._alive(ns):
            self._do(ns, ns.loopback_input(packet, self.now()), rx_t=self.now())

    def _transmit(self, ns: Netns, dev_name: str, data: bytes) -> None:
        """dev_queue_xmit() on a veth: nothing leaves without carrier."""
        dev = ns.dev(dev_name)
        if dev is not None and dev.bridge is not None:
            self._bridge_xmit(ns, dev, data)
            return
        if dev is None or not dev.can_transmit or dev.peer is None:
            ns.drop("no carrier")
            return
        self._count_frame()
        now = self.now()
        self.frame_log.record(now, ns.name, dev.name, "out", data)
        peer = dev.peer
        peer_ns = self.world.namespaces.get(peer.netns)
        self.at(now + XMIT_DELAY, lambda: self._arrive(peer_ns, peer, data))

    def _arrive(self, peer_ns: Netns | None, peer: Device, data: bytes) -> None:
        """The frame comes in on the peer end (``peer_ns`` as it was when it left)."""
        if peer_ns is None or not self._alive(peer_ns) or \
                peer_ns.devices.get(peer.index) is not peer or not peer.up:
            return
        t_in = self.now()
        self.frame_log.record(t_in, peer_ns.name, peer.name, "in", data)
        if peer.master is not None and peer.master.bridge is not None:
            self._bridge_input(peer_ns, peer, data)  # br_handle_frame: rx_handler
            return
        self.at(t_in + STACK_DELAY, lambda: self._receive(peer_ns, peer.name, data, t_in))

    # ---- bridges (stack/bridge.py decides, the engine moves the frames) --------------------
    def _bridge_xmit(self, ns: Netns, br: "Device", data: bytes) -> None:
        """br_dev_xmit(): the bridge's own frame goes to the port(s) its fdb names."""
        if not br.can_transmit or len(data) < 14:
            ns.drop("bridge down")
            return
        self._count_frame()
        self.frame_log.record(self.now(), ns.name, br.name, "out", data)
        outs = br.bridge.output(mac_str(data[:6]), self.now())  # type: ignore[union-attr]
        if len(outs) > 1 and self._flood(ns, br, outs, None, data):
            return
        for port in outs:
            self._transmit(ns, port.name, data)

    def _bridge_input(self, ns: Netns, port: "Device", data: bytes) -> None:
        """A frame arrived on a bridge port: forward, flood, and/or pass it up the bridge."""
        br = port.master
        if br is None or br.bridge is None or len(data) < 14:
            return
        outs, local = br.bridge.input(port, mac_str(data[:6]), mac_str(data[6:12]), self.now())
        if not (len(outs) > 1 and self._flood(ns, br, outs, port, data)):
            for out in outs:
                self._transmit(ns, out.name, data)
        if local:
            t_in = self.now()
            self.frame_log.record(t_in, ns.name, br.name, "in", data)
            self.at(t_in + STACK_DELAY, lambda: self._receive(ns, br.name, data, t_in))

    def _flood(self, ns: Netns, br: "Device", outs: list["Device"], came_in: "Device | None",
               data: bytes) -> bool:
        """A flood's copies as one group (``flood.py``); False: send them one by one."""
        return flood.send(self, ns, br, outs, came_in, data)

    def route_get(self, cmd: RouteGet) -> RouteLookup:
        from backends.simulated.stack.rtable import route_get

        return route_get(self.world.ns(cmd.netns), cmd.dst)

    def _receive(self, ns: Netns, dev: str, data: bytes, t_in: float) -> None:
        for tap in list(self._taps.get((id(ns), dev), [])):
            tap(data, t_in)
        if self._alive(ns):
            self._do(ns, ns.receive(dev, data, self.now()), rx_t=t_in)

    def send_echo(self, ns: Netns, src: str, dst: str, icmp: bytes, ttl: int) -> None:
        """ping's sendmsg(): the request leaves the stack ``PING_SEND_DELAY`` later."""
        def go() -> None:
            if self._alive(ns):
                self._do(ns, ip_output(ns, src, dst, IPPROTO_ICMP, icmp, self.now(),
                                       ttl=ttl, df=True), rx_t=self.now())

        self.at(self.now() + PING_SEND_DELAY, go)


class _Batch:
    """The callbacks due at one instant, run by one simpy event (``SimulatedBackend.at``).

    A small object rather than a closure: a 10,000-namespace lab ends with tens of
    thousands of neighbour timers still pending."""

    __slots__ = ("batches", "when", "fns")

    def __init__(self, batches: dict[float, list[Callable[[], None]]], when: float,
                 fns: list[Callable[[], None]]):
        self.batches, self.when, self.fns = batches, when, fns

    def __call__(self, _ev: object) -> None:
        del self.batches[self.when]  # closed: what is scheduled from here on runs later
        for fn in self.fns:
            fn()


class _Host:
    """The ``PingHost`` a ``PingRun`` talks to: the engine, bound to one namespace.

    A program sees only this: the clock, timers, a way to send, and a way to say it
    has finished (which ends the simpy run that ``ping``/``arping`` waits on).
    """

    def __init__(self, engine: SimulatedBackend, ns: Netns, done: simpy.Event):
        self.engine, self.ns, self.done = engine, ns, done

    def now(self) -> float:
        return self.engine.now()

    def call_at(self, t: float, fn: Callable[[], None]) -> None:
        self.engine.at(t, fn)

    def send_echo(self, src: str, dst: str, icmp: bytes, ttl: int) -> None:
        self.engine.send_echo(self.ns, src, dst, icmp, ttl)

    def finished(self) -> None:
        if not self.done.triggered:
            self.done.succeed()


__all__ = ["SimulatedBackend"]


class _ArpingHost(_Host):
    """The ``ArpingHost`` an ``ArpingRun`` talks to: a packet socket on one device."""

    def transmit(self, dev: str, data: bytes) -> None:
        if self.engine._alive(self.ns):
            self.engine._transmit(self.ns, dev, data)
