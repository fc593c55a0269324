"""``ip route`` (main table) text from a ``NetnsState``, as iproute2 6.1 prints it.

iproute2 prints each attribute as ``"word value "``, so every route line ends in a space.
Routes are printed in the FIB trie's dump order — by destination address, then longest
prefix first (``10.0.0.0/16`` before ``10.0.0.0/8``: one trie leaf, aliases by suffix
length), then metric — which is also the order the kernel backend's dump arrives in.
"""
from __future__ import annotations

import ipaddress

from sim.model import NetnsState, Route

#: Protocols iproute2 leaves unprinted (RTPROT_BOOT, what ``ip route add`` uses).
_SILENT_PROTO = {None, "boot"}
#: Scopes iproute2 leaves unprinted (RT_SCOPE_UNIVERSE).
_SILENT_SCOPE = {None, "global", "universe"}


def _key(r: Route) -> tuple[int, int, int]:
    net = ipaddress.IPv4Network("0.0.0.0/0" if r.dst == "default" else r.dst, strict=False)
    return int(net.network_address), -net.prefixlen, r.metric or 0


def route_line(r: Route) -> str:
    """One route: dst, via, dev, proto, scope, src, metric, flags — each with a trailing space."""
    dst = r.dst[:-3] if r.dst.endswith("/32") else r.dst
    line = f"{dst} "
    if r.via:
        line += f"via {r.via} "
    line += f"dev {r.dev} "
    if r.proto not in _SILENT_PROTO:
        line += f"proto {r.proto} "
    if r.scope not in _SILENT_SCOPE:
        line += f"scope {r.scope} "
    if r.src:
        line += f"src {r.src} "
    if r.metric:
        line += f"metric {r.metric} "
    if r.linkdown:
        line += "linkdown "
    return line + "\n"


def render_route(state: NetnsState) -> str:
    """``ip route`` / ``ip route show``."""
    return "".join(route_line(r) for r in sorted(state.routes, key=_key))
