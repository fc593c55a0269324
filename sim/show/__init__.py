"""iproute2 and iputils text from state snapshots and program reports.

Both backends render through these functions, so their outputs can differ only where
the underlying state differs.  Formats are those of Debian bookworm's iproute2 6.1 and
iputils 20221126, checked byte for byte against the real tools
(``tests/sim/show/test_against_iproute2.py``).
"""
from __future__ import annotations

from sim.show.addr import kernel_order, render_addr
from sim.show.arping import render_arping
from sim.show.bridge import render_bridge_link, render_fdb
from sim.show.link import missing_device, render_link
from sim.show.neigh import render_neigh
from sim.show.netns import render_netns_list
from sim.show.ping import render_ping
from sim.show.route import render_route
from sim.show.routeget import render_route_get

__all__ = [
    "render_link",
    "render_addr",
    "render_route",
    "render_neigh",
    "render_netns_list",
    "render_ping",
    "render_arping",
    "render_fdb",
    "render_bridge_link",
    "render_route_get",
    "kernel_order",
    "missing_device",
]
