"""``ip addr show`` text from a ``NetnsState``, as iproute2 6.1 prints it.

Each IPv4 address is ``    inet A/P [brd B ]scope S [secondary ]LABEL`` and a lifetime
line.  The ``secondary`` flag and the order (primaries by scope, then secondaries) are
what the kernel derives from insertion order, so they are derived here rather than
carried in the snapshot: a snapshot in either insertion or kernel order renders alike.
"""
from __future__ import annotations

import ipaddress

from sim.model import Address, NetnsState
from sim.show.link import link_header, select_links

#: rtnetlink scope numbers; the kernel keeps primaries ordered by these.
SCOPE_VALUE = {"global": 0, "universe": 0, "site": 200, "link": 253, "host": 254, "nowhere": 255}

_LIFETIME = "       valid_lft forever preferred_lft forever\n"


def _network(a: Address) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network(f"{a.local}/{a.prefixlen}", strict=False)


def kernel_order(addresses: list[Address]) -> list[tuple[Address, bool]]:
    """``(address, secondary)`` in the kernel's list order for one device.

    An address is secondary when an earlier primary has the same prefix length and
    subnet (``__inet_insert_ifa``); secondaries go to the tail, primaries after the last
    primary of the same or lower scope number.
    """
    primaries: list[Address] = []
    secondaries: list[Address] = []
    for a in addresses:
        net = _network(a)
        if any(p.prefixlen == a.prefixlen and _network(p) == net for p in primaries):
            secondaries.append(a)
        else:
            primaries.append(a)
    primaries.sort(key=lambda a: SCOPE_VALUE.get(a.scope, 0))
    return [(a, False) for a in primaries] + [(a, True) for a in secondaries]


def address_lines(a: Address, secondary: bool) -> str:
    """The two lines of one IPv4 address (note: no space after the label)."""
    line = f"    inet {a.local}/{a.prefixlen} "
    if a.broadcast:
        line += f"brd {a.broadcast} "
    line += f"scope {a.scope} "
    if secondary:
        line += "secondary "
    line += a.label or a.dev
    return line + "\n" + _LIFETIME


def render_addr(state: NetnsState, dev: str | None = None) -> str:
    """``ip addr show [dev X]``; a missing ``dev`` raises iproute2's error (rc 1)."""
    out = []
    for link in select_links(state, dev):
        out.append(link_header(link, state, mode=False))
        mine = [a for a in state.addresses if a.dev == link.name]
        out.extend(address_lines(a, sec) for a, sec in kernel_order(mine))
    return "".join(out)
