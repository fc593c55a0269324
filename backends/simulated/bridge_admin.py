"""Configuration commands for bridges and routes: ``ip link add type bridge``,
``ip link set DEV master BR | nomaster``, ``ip route add|del|replace``.

Kept out of ``world.py`` (which calls in here) so the bridge rules live next to each
other.  Errors are the kernel's and iproute2's, measured on 6.18 with iproute2 6.1:

- ``master NAME`` that does not exist: iproute2 fails while parsing (rc 255), before it
  even looks the device up;
- ``do_set_master()`` first releases the device from its current bridge and only then
  tries the new master, so a failing ``master X`` leaves the device with no master;
- a non-bridge master: ``Operation not supported``; ``lo`` as a port: ``Invalid
  argument``; a bridge as a port: ``Can not enslave a bridge to a bridge.``
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from sim.commands import LinkAddBridge, LinkSet, RouteModify
from sim.errors import CommandError

from backends.simulated.stack import rtable
from backends.simulated.stack.actions import Action
from backends.simulated.stack.netns import Netns
from backends.simulated.stack.veth import Device, bridge_device, random_mac, valid_ether

if TYPE_CHECKING:
    from backends.simulated.world import World

Out = list[tuple[Netns, list[Action]]]


def apply(world: "World", cmd: LinkAddBridge | RouteModify, now: float) -> Out:
    ns = world.ns(cmd.netns)
    if isinstance(cmd, LinkAddBridge):
        out = link_add_bridge(ns, cmd)
        dev = ns.dev(cmd.name)
        assert dev is not None and dev.bridge is not None
        dev.bridge.epoch = world.epoch  # forwarding ports cached between changes
        _registry(world).append(dev)
        return out
    rtable.modify(ns, cmd)
    return []


def link_add_bridge(ns: Netns, cmd: LinkAddBridge) -> Out:
    if ns.dev(cmd.name) is not None:
        raise CommandError("RTNETLINK answers: File exists", rc=2)
    if cmd.address is not None and not valid_ether(cmd.address.lower()):
        raise CommandError("RTNETLINK answers: Cannot assign requested address", rc=2)
    mac = cmd.address.lower() if cmd.address else random_mac(ns.rng)
    dev = bridge_device(cmd.name, mac, ns.name, addr_set=cmd.address is not None)
    ns.attach(dev)
    assert dev.bridge is not None
    dev.bridge.add_local(None, mac)
    return []


def check_master(ns: Netns, cmd: LinkSet) -> None:
    """iproute2 resolves ``master NAME`` while parsing the line."""
    if cmd.master is not None and ns.dev(cmd.master) is None:
        raise CommandError(f'Error: argument "{cmd.master}" is wrong: Device does not '
                           "exist\n", rc=255)


def set_master(ns: Netns, dev: Device, cmd: LinkSet) -> None:
    """``master BR`` / ``nomaster`` (do_set_master)."""
    if cmd.nomaster:
        release(dev)
        return
    if cmd.master is None:
        return
    master = ns.dev(cmd.master)
    assert master is not None  # check_master ran first
    if dev.master is master:
        return
    release(dev)
    if master.bridge is None:
        raise CommandError("RTNETLINK answers: Operation not supported", rc=2)
    if dev.bridge is not None:
        raise CommandError("Error: Can not enslave a bridge to a bridge.", rc=2)
    if dev.kind == "loopback":
        raise CommandError("RTNETLINK answers: Invalid argument", rc=2)
    master.bridge.add_port(dev)


def release(dev: Device) -> None:
    """The device leaves its bridge; a bridge lets all its ports go."""
    if dev.master is not None and dev.master.bridge is not None:
        dev.master.bridge.del_port(dev)
    if dev.bridge is not None:
        for port in list(dev.bridge.ports):
            dev.bridge.del_port(port)


def mac_changed(dev: Device, mac: str) -> None:
    """``ip link set DEV address MAC`` on a port or a bridge: the fdb follows."""
    old = dev.mac
    if dev.bridge is not None:
        dev.bridge.addr_set = True
        dev.bridge.change_mac(mac)
        return
    dev.mac = mac
    if dev.master is not None and dev.master.bridge is not None:
        dev.master.bridge.port_mac_changed(dev, old)


def _registry(world: "World") -> list[Device]:
    """Every bridge device ever made in this world (dead ones are pruned by ``sync``).

    Kept so that ``sync`` visits the bridges, not every device of every namespace: a
    10,000-namespace lab runs 60,000 commands, each followed by a sync.
    """
    reg = getattr(world, "bridges", None)
    if reg is None:
        reg = world.bridges = []  # type: ignore[attr-defined]
    return reg


def sync(world: "World", only: "set[str] | None" = None) -> None:
    """After any change: ports that stopped forwarding forget what they learned.

    ``only``: the namespaces the change involved (``World._involved``); bridges
    elsewhere cannot have changed, and visiting 40 bridges of 250 ports after each of
    a 10,000-namespace lab's 60,000 commands was most of its build time.
    """
    reg = _registry(world)
    alive = []
    for d in reg:
        ns = world.namespaces.get(d.netns)
        if ns is not None and ns.devices.get(d.index) is d and d.bridge is not None:
            alive.append(d)
            if only is None or d.netns in only:
                d.bridge.sync()
    reg[:] = alive


def random_bridge_mac(ns: Netns) -> str:
    return random_mac(ns.rng)
