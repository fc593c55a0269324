"""``ip route`` (main table) text from a ``NetnsState``, as iproute2 6.1 prints it.

iproute2 prints each attribute as ``"word value "``, so every route line ends in a space.
Routes are printed in the FIB trie's dump order — by destination address, then longest
prefix first (``10.0.0.0/16`` before ``10.0.0.0/8``: one trie leaf, aliases by suffix
length), then metric — which is also the order the kernel backend's dump arrives in.
"""
from __future__ import annotations

import ipaddress

from sim.model import NetnsState, Route
from sim.show.style import IFNAME, INET, paint

#: Protocols iproute2 leaves unprinted (RTPROT_BOOT, what ``ip route add`` uses).
_SILENT_PROTO = {None, "boot"}
#: Scopes iproute2 leaves unprinted (RT_SCOPE_UNIVERSE).
_SILENT_SCOPE = {None, "global", "universe"}


def _key(r: Route) -> tuple[int, int, int]:
    net = ipaddress.IPv4Network("0.0.0.0/0" if r.dst == "default" else r.dst, strict=False)
    return int(net.network_address), -net.prefixlen, r.metric or 0


def route_line(r: Route, color: bool = False) -> str:
    """One route: dst, via, dev, proto, scope, src, metric, flags — each with a trailing
    space; ``color`` paints addresses and the device as ``ip -color`` does (not
    ``default``)."""
    dst = r.dst[:-3] if r.dst.endswith("/32") else r.dst
    line = f"{dst} " if dst == "default" else paint(f"{dst} ", INET, color)
    if r.via:
        line += "via " + paint(f"{r.via} ", INET, color)
    line += "dev " + paint(f"{r.dev} ", IFNAME, color)
    if r.proto not in _SILENT_PROTO:
        line += f"proto {r.proto} "
    if r.scope not in _SILENT_SCOPE:
        line += f"scope {r.scope} "
    if r.src:
        line += "src " + paint(f"{r.src} ", INET, color)
    if r.metric:
        line += f"metric {r.metric} "
    if r.linkdown:
        line += "linkdown "
    return line + "\n"


def render_route(state: NetnsState, *, color: bool = False) -> str:
    """``ip [-c] route`` / ``ip route show`` (``-4``, ``-brief`` and ``-oneline`` print
    routes unchanged: they are IPv4 and one line each already)."""
    return "".join(route_line(r, color) for r in sorted(state.routes, key=_key))
