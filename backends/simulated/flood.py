"""A bridge flood as one step: every copy sent, arrived and received together.

Linux floods a broadcast (a pod's first ARP request) out of every other bridge port, so
a node of 250 pods puts 249 copies on the wire per request, and a 10,000-pod cluster
millions.  Those frames are what the kernel shows, so they stay; what goes is doing the
work once per copy.  When nothing can tell the difference, the engine sends a flood as
one group: one ``FrameLog`` row per direction (``record_group``), one event for all the
arrivals and one for all the receptions, at exactly the times and in exactly the order
the copies one by one would have had.

"Nothing can tell the difference" is checked, not assumed.  A ``FloodPlan`` is built
for one bridge at one configuration epoch (``World.epoch``: port states, devices and
addresses change only with configuration) and only if every copy would take the plain
path — a forwarding veth port whose peer is up, alive, not itself a bridge port.  At
arrival and reception the epoch is checked again; if anything was configured meanwhile,
each copy takes the ordinary per-copy path.

The reception shortcut is the ARP rule of ``stack/arp.py``: a broadcast ARP packet whose
target address is not ours, from a sender we have no entry for, changes nothing and
sends nothing (``arp_accept=0``: no entry is created).  Every other copy — a target that
is ours, a sender we know, an arping listening, any other frame — goes through
``Netns.receive`` as before.
"""
from __future__ import annotations

import operator
from array import array
from dataclasses import dataclass
from itertools import repeat
from typing import TYPE_CHECKING

from sim.trace import FrameLog
from sim.wire import BROADCAST, ETH_P_ARP, ArpPacket, EthernetFrame, WireError

from backends.simulated.stack.arp import _loopback_or_multicast
from backends.simulated.timing import STACK_DELAY, XMIT_DELAY

if TYPE_CHECKING:
    from backends.simulated.engine import SimulatedBackend
    from backends.simulated.stack.netns import Netns
    from backends.simulated.stack.veth import Device
    from backends.simulated.world import World


@dataclass(eq=False)
class FloodPlan:
    """How a flood through one bridge goes, valid for one configuration epoch."""

    epoch: int
    log: FrameLog
    bridge: "Device"
    ports: list["Device"]  # the forwarding ports, in port order
    pos: dict[int, int]  # id(port) -> its position in ``ports``
    peers: list[tuple["Netns", "Device"]]  # where each copy arrives
    out_keys: array  # FrameLog triples of the copies going out ...
    in_keys: array  # ... and coming in
    #: Per peer, for the reception shortcut: its own addresses, whether ``lo`` has
    #: prefixes (then any 127/8 address is local: no shortcut), its ARP entries.
    local: list[tuple[frozenset[str], bool, dict]]
    #: The same, for all peers at once: every peer's addresses, whether any ``lo`` has
    #: prefixes, and their ARP tables (a flood nobody answers is then checked in C).
    all_own: frozenset[str] = frozenset()
    any_lo: bool = False
    tables: tuple[dict, ...] = ()

    def anyone_cares(self, tpa: str, spa: str) -> bool:
        """Whether some peer owns ``tpa`` or has an entry for ``spa`` (or may own a
        127/8 address): only then is the flood's reception looked at peer by peer."""
        return tpa in self.all_own or self.any_lo or \
            any(map(operator.contains, self.tables, repeat(spa)))


def build_plan(world: "World", ns: "Netns", br: "Device", log: FrameLog) -> FloodPlan | None:
    """The plan for floods through ``br`` now, or None if some copy would not take the
    plain path (the engine then sends copies one by one)."""
    epoch = world.epoch[0]
    if epoch < 0 or br.bridge is None:
        return None
    ports = br.bridge.forwarding_ports()
    peers: list[tuple[Netns, Device]] = []
    local: list[tuple[frozenset[str], bool, dict]] = []
    for p in ports:
        peer = p.peer
        if ns.dev(p.name) is not p or p.bridge is not None or not p.can_transmit \
                or peer is None:
            return None
        peer_ns = world.namespaces.get(peer.netns)
        if peer_ns is None or world.namespaces.get(peer_ns.name) is not peer_ns \
                or peer_ns.devices.get(peer.index) is not peer or not peer.up \
                or peer_ns.dev(peer.name) is not peer \
                or (peer.master is not None and peer.master.bridge is not None):
            return None
        table = peer_ns.neigh.get(peer.name)
        if table is None:
            return None
        own, lo_nets = peer_ns._cached("local", peer_ns._local_set)
        peers.append((peer_ns, peer))
        local.append((own, bool(lo_nets), table.entries))
    return FloodPlan(
        epoch=epoch, log=log, bridge=br, ports=ports,
        pos={id(p): i for i, p in enumerate(ports)}, peers=peers,
        out_keys=log.group_keys((ns.name, p.name, "out") for p in ports),
        in_keys=log.group_keys((pns.name, peer.name, "in") for pns, peer in peers),
        local=local, all_own=frozenset().union(*(own for own, _, _ in local)),
        any_lo=any(lo for _, lo, _ in local), tables=tuple(t for _, _, t in local))


def harmless_arp(data: bytes) -> tuple[str, str] | None:
    """``(target, sender)`` of a broadcast ARP packet that changes nothing in a receiver
    that neither owns ``target`` nor has an entry for ``sender``; None for any other
    frame (it is received the ordinary way)."""
    try:
        eth = EthernetFrame.parse(data)
        if eth.dst != BROADCAST or eth.ethertype != ETH_P_ARP:
            return None
        arp = ArpPacket.parse(eth.payload)
    except WireError:
        return None
    if arp.spa == "0.0.0.0" or _loopback_or_multicast(arp.tpa):
        return None  # a DAD probe is answered; a loopback/multicast target counts a drop
    return arp.tpa, arp.spa


# ---- the engine's side: one event per step of the flood -------------------------------------

def send(engine: "SimulatedBackend", ns: "Netns", br: "Device", outs: list["Device"],
         came_in: "Device | None", data: bytes) -> bool:
    """Send ``outs`` copies of ``data`` from bridge ``br`` (which it received on
    ``came_in``; None: its own frame) as one group; False if they must go one by one."""
    plans, log = engine._plans, engine.frame_log
    plan = plans.get(id(br))
    if plan is None or plan.bridge is not br or plan.epoch != engine.world.epoch[0] \
            or plan.log is not log:
        plan = build_plan(engine.world, ns, br, log)
        if plan is None:
            plans.pop(id(br), None)
            return False
        plans[id(br)] = plan
    ports = plan.ports
    if came_in is None:
        skip = -1
        if outs != ports:
            return False
    else:
        skip = plan.pos.get(id(came_in), -2)
        if skip == -2 or outs != ports[:skip] + ports[skip + 1:]:
            return False
    if engine._sent + len(outs) > engine.limits.max_sim_frames:
        return False  # copy by copy: the limit stops the run at the exact frame
    engine._sent += len(outs)
    now = engine.now()
    log.record_group(now, plan.out_keys, skip, data)
    engine.at(now + XMIT_DELAY, lambda: _arrive(engine, plan, skip, data))
    return True


def _arrive(engine: "SimulatedBackend", plan: FloodPlan, skip: int, data: bytes) -> None:
    if plan.epoch != engine.world.epoch[0] or plan.log is not engine.frame_log:
        for i, (peer_ns, peer) in enumerate(plan.peers):  # configured meanwhile
            if i != skip:
                engine._arrive(peer_ns, peer, data)
        return
    t_in = engine.now()
    plan.log.record_group(t_in, plan.in_keys, skip, data)
    engine.at(t_in + STACK_DELAY, lambda: _receive(engine, plan, skip, data, t_in))


def _receive(engine: "SimulatedBackend", plan: FloodPlan, skip: int, data: bytes,
             t_in: float) -> None:
    arp = None
    if plan.epoch == engine.world.epoch[0] and not any(engine._taps.values()):
        arp = harmless_arp(data)
    receive, local = engine._receive, plan.local
    if arp is None:
        for i, (peer_ns, peer) in enumerate(plan.peers):
            if i != skip:
                receive(peer_ns, peer.name, data, t_in)
        return
    tpa, spa = arp
    if not plan.anyone_cares(tpa, spa):
        return
    for i, (peer_ns, peer) in enumerate(plan.peers):
        own, lo_nets, entries = local[i]
        if i == skip or (tpa not in own and not lo_nets and spa not in entries):
            continue  # arp_process(): not for us, sender unknown: nothing happens
        receive(peer_ns, peer.name, data, t_in)
