"""IPv4 addresses and the routes they imply; longest-prefix lookup.

The lab has no ``ip route add``: every route is one the kernel makes from an address
(``fib_add_ifaddr``).  So routes are computed from the addresses and device states
rather than stored, and can never disagree with them:

- a primary address on an UP device whose prefix is shorter than /32 gives
  ``PREFIX dev DEV proto kernel scope link src ADDR`` in the main table, flagged
  ``linkdown`` while the device has no carrier (the route is still used:
  ``ignore_routes_with_linkdown`` is 0);
- every address is also a ``local`` route (table local, not listed by ``ip route``);
  lo's prefix routes go to the local table too, so lo never shows in the main table;
- ``ip route`` lists the main table in FIB-trie order: by network address, and for the
  same network the longer prefix first.
"""
from __future__ import annotations

import ipaddress
from functools import lru_cache
from dataclasses import dataclass

from sim.model import Route

SCOPE_ORDER = {"global": 0, "link": 253, "host": 254}


@dataclass
class IfAddr:
    """One ``struct in_ifaddr``."""

    dev: str
    local: str
    prefixlen: int
    scope: str = "global"
    secondary: bool = False

    @property
    def network(self) -> ipaddress.IPv4Network:
        return _network(self.local, self.prefixlen)

    def same_subnet(self, other: "IfAddr") -> bool:
        return self.prefixlen == other.prefixlen and self.network == other.network


def insert_addr(addrs: list[IfAddr], new: IfAddr) -> None:
    """__inet_insert_ifa(): a new address in a device's list, ``ip addr`` order.

    An address in the subnet of an existing one becomes secondary and goes last; a
    primary goes after the last primary whose scope value (global 0, link 253, host
    254) is >= its own, so lo's 127.0.0.1 (scope host) lands before a global address
    added earlier, and global addresses keep the order they were added in.
    Raises ``FileExistsError`` for an address that is already there.
    """
    last_primary = 0
    for i, a in enumerate(addrs):
        if not a.secondary and SCOPE_ORDER[new.scope] <= SCOPE_ORDER[a.scope]:
            last_primary = i + 1
        if a.same_subnet(new):
            if a.local == new.local:
                raise FileExistsError(new.local)
            new.secondary = True
    if new.secondary:
        addrs.append(new)
    else:
        addrs.insert(last_primary, new)


def connected_routes(addrs: list[IfAddr], dev_up: dict[str, bool],
                     dev_carrier: dict[str, bool], loopbacks: set[str]) -> list[Route]:
    """The main table, in ``ip route`` order (see the module docstring)."""
    routes: list[tuple[tuple[int, int], Route]] = []
    for a in addrs:
        if a.secondary or a.dev in loopbacks or not dev_up.get(a.dev, False):
            continue
        net = a.network
        if a.prefixlen == 32 or int(net.network_address) == 0:
            continue
        r = Route(dst=_net_str(net), dev=a.dev, proto="kernel", scope="link", src=a.local,
                  linkdown=not dev_carrier.get(a.dev, False))
        routes.append(((int(net.network_address), -a.prefixlen), r))
    routes.sort(key=lambda kr: kr[0])
    return [r for _, r in routes]


@lru_cache(maxsize=65536)
def _network(local: str, prefixlen: int) -> ipaddress.IPv4Network:
    """The subnet of an address (cached: parsing dominates a big lab's run time)."""
    return ipaddress.IPv4Network(f"{local}/{prefixlen}", strict=False)


@lru_cache(maxsize=65536)
def _net_str(net: ipaddress.IPv4Network) -> str:
    return str(net)


@lru_cache(maxsize=65536)
def _route_net(dst: str) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network("0.0.0.0/0" if dst == "default" else dst)


@lru_cache(maxsize=65536)
def _addr(dst: str) -> ipaddress.IPv4Address:
    return ipaddress.IPv4Address(dst)


def lookup(routes: list[Route], dst: str) -> Route | None:
    """fib_lookup() in the main table: the longest prefix containing ``dst``."""
    ip = _addr(dst)
    best: tuple[int, Route] | None = None
    for r in routes:
        net = _route_net(r.dst)
        if ip in net and (best is None or net.prefixlen > best[0]):
            best = (net.prefixlen, r)
    return best[1] if best else None
