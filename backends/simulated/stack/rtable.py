"""Routes the user adds (``ip route add|del|replace``) and ``ip route get``.

Connected routes stay computed from the addresses (``route.py``); the routes added with
``ip route`` are kept here, in ``Netns.static_routes``, and merged into the main table.
The kernel's rules, as measured on 6.18 with iproute2 6.1:

- a route is keyed by (prefix, metric): adding a second one is ``File exists`` whatever
  its nexthop; ``replace`` swaps the route with that key or adds one; ``del`` removes
  the first route (lowest metric) matching the prefix and whatever of ``via``/``dev``/
  ``metric`` was given, else ``No such process``;
- a gateway must be reachable through a route of scope link (a connected or device
  route) or be a local address, else ``Nexthop has invalid gateway.``; the route's
  device is the one that route leads through;
- a device route needs its device up (``Device for nexthop is not up.``), a ``src``
  must be one of our addresses (``Invalid prefsrc address.``), and a prefix must have
  no host bits (``Invalid prefix for given prefix length.``);
- routes through a device go when it goes down or loses its last address, and those
  with a ``src`` go with that address (``fib_sync_down_dev``/``fib_sync_down_addr``);
  while the device has no carrier they stay, flagged ``linkdown``, and are still used.
"""
from __future__ import annotations

import ipaddress
from dataclasses import replace
from typing import TYPE_CHECKING

from sim.commands import RouteModify
from sim.errors import CommandError
from sim.model import Route, RouteLookup

from backends.simulated.stack.route import lookup

if TYPE_CHECKING:
    from backends.simulated.stack.netns import Netns

FILE_EXISTS = CommandError("RTNETLINK answers: File exists", rc=2)
NO_SUCH_PROCESS = CommandError("RTNETLINK answers: No such process", rc=2)
NET_UNREACHABLE = CommandError("RTNETLINK answers: Network is unreachable", rc=2)
LIMITED_BROADCAST = "255.255.255.255"


def _network(dst: str) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network("0.0.0.0/0" if dst == "default" else dst)


def _dst_text(net: ipaddress.IPv4Network) -> str:
    return "default" if net.prefixlen == 0 else str(net)


def _gateway_dev(ns: "Netns", via: str, dev: str | None) -> str:
    """fib_check_nh_v4_gw(): the device a gateway is reached through."""
    if ns.is_local(via) and dev is None:
        owner = next((a.dev for a in ns.all_addrs() if a.local == via), None)
        if owner is not None:
            return owner
    candidates = [r for r in ns.routes() if r.via is None and r.scope == "link"
                  and (dev is None or r.dev == dev)]
    hit = lookup(candidates, via)
    if hit is None:
        if dev is not None and ns.is_local(via):
            return dev
        raise CommandError("Error: Nexthop has invalid gateway.", rc=2)
    return hit.dev


def _build(ns: "Netns", cmd: RouteModify) -> Route:
    """Validate an add/replace and make the route it asks for."""
    try:
        net = ipaddress.IPv4Network("0.0.0.0/0" if cmd.dst == "default" else cmd.dst)
    except ValueError:
        raise CommandError("Error: Invalid prefix for given prefix length.", rc=2) from None
    if cmd.dev is not None and ns.dev(cmd.dev) is None:
        raise CommandError(f'Cannot find device "{cmd.dev}"', rc=1)
    if cmd.via is not None:
        dev = _gateway_dev(ns, cmd.via, cmd.dev)
    elif cmd.dev is not None:
        dev = cmd.dev
        if not ns.dev(dev).up:  # type: ignore[union-attr]
            raise CommandError("Error: Device for nexthop is not up.", rc=2)
    else:
        raise CommandError("RTNETLINK answers: No such device", rc=2)
    if cmd.src is not None and not any(a.local == cmd.src for a in ns.all_addrs()):
        raise CommandError("Error: Invalid prefsrc address.", rc=2)
    return Route(dst=_dst_text(net), dev=dev, via=cmd.via, proto=None,
                 scope=None if cmd.via else "link", src=cmd.src, metric=cmd.metric or None)


def _same_key(a: Route, b: Route) -> bool:
    return _network(a.dst) == _network(b.dst) and (a.metric or 0) == (b.metric or 0)


def modify(ns: "Netns", cmd: RouteModify) -> None:
    """``ip route add|del|replace``; raises ``CommandError`` with the kernel's answer."""
    if cmd.op == "del":
        _delete(ns, cmd)
        return
    route = _build(ns, cmd)
    existing = [r for r in ns.routes() if _same_key(r, route)]
    if cmd.op == "add":
        if existing:
            raise FILE_EXISTS
        ns.static_routes.append(route)
        return
    for i, r in enumerate(ns.static_routes):
        if _same_key(r, route):
            ns.static_routes[i] = route
            return
    ns.static_routes.append(route)


def _delete(ns: "Netns", cmd: RouteModify) -> None:
    if cmd.dev is not None and ns.dev(cmd.dev) is None:
        raise CommandError(f'Cannot find device "{cmd.dev}"', rc=1)
    net = _network(cmd.dst)
    for r in sorted(ns.static_routes, key=lambda r: r.metric or 0):
        if _network(r.dst) != net:
            continue
        if cmd.metric and (r.metric or 0) != cmd.metric:
            continue
        if (cmd.via is not None and r.via != cmd.via) or (cmd.dev is not None
                                                          and r.dev != cmd.dev):
            continue
        ns.static_routes.remove(r)
        return
    raise NO_SUCH_PROCESS


def flush_dev(ns: "Netns", dev: str) -> None:
    """The device went down, left the namespace or lost its last address."""
    ns.static_routes = [r for r in ns.static_routes if r.dev != dev]


def flush_src(ns: "Netns", addr: str) -> None:
    """An address was deleted: routes that named it as ``src`` go."""
    ns.static_routes = [r for r in ns.static_routes if r.src != addr]


def with_linkdown(ns: "Netns") -> list[Route]:
    """The stored routes with ``linkdown`` as the device's carrier says now."""
    out = []
    for r in ns.static_routes:
        dev = ns.dev(r.dev)
        out.append(replace(r, linkdown=dev is None or not dev.carrier))
    return out


def _broadcast_owner(ns: "Netns", dst: str) -> tuple[str, str] | None:
    """The local table's broadcast routes: each primary address's subnet broadcast on an
    up device (fib_add_ifaddr adds them for prefixes shorter than /31)."""
    for a in ns.all_addrs():
        dev = ns.dev(a.dev)
        if a.secondary or dev is None or not dev.up or a.prefixlen >= 31:
            continue
        if str(a.network.broadcast_address) == dst:
            return a.dev, a.local
    return None


def route_get(ns: "Netns", dst: str) -> RouteLookup:
    """``ip route get DST``: local, broadcast, or the main table's answer."""
    if ns.is_local(dst):
        own = any(a.local == dst for a in ns.all_addrs())
        src = dst if own else next((a.local for a in ns.addrs.get("lo", [])), dst)
        return RouteLookup(dst=dst, dev="lo", src=src, kind="local")
    owner = _broadcast_owner(ns, dst)
    if owner is not None:
        return RouteLookup(dst=dst, dev=owner[0], src=owner[1], kind="broadcast")
    r = ns.route(dst)
    if r is None:
        raise NET_UNREACHABLE
    src = r.src or ns.select_addr(r.dev, r.via or dst)
    kind = "broadcast" if dst == LIMITED_BROADCAST else "unicast"
    return RouteLookup(dst=dst, dev=r.dev, src=src, via=r.via, kind=kind)
