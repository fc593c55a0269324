"""``ip route get ADDR`` text, as iproute2 6.1 prints the kernel's answer.

The answer is a cloned route: its type word (omitted for unicast), the destination,
``via`` when there is a gateway, ``dev``, the preferred source, the asking ``uid``, and
on a second line the route cache flags (``<local>`` for our own addresses,
``<local,brd>`` for broadcasts).  Every field ends with a space, like every ``ip route``
line: ``10.0.0.2 dev eth0 src 10.0.0.1 uid 0 \\n    cache \\n``.
"""
from __future__ import annotations

from sim.model import RouteLookup

#: RTCF_* flags iproute2 prints after ``cache`` for each route type.
_CACHE_FLAGS = {"local": "<local> ", "broadcast": "<local,brd> "}


def render_route_get(lookup: RouteLookup, uid: int = 0) -> str:
    """One ``ip route get`` answer (the lab runs every command as uid 0)."""
    line = "" if lookup.kind == "unicast" else f"{lookup.kind} "
    line += f"{lookup.dst} "
    if lookup.via:
        line += f"via {lookup.via} "
    line += f"dev {lookup.dev} "
    if lookup.src:
        line += f"src {lookup.src} "
    line += f"uid {uid} \n"
    return line + "    cache " + _CACHE_FLAGS.get(lookup.kind, "") + "\n"
