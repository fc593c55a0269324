"""``ip addr show`` text from a ``NetnsState``, as iproute2 6.1 prints it.

Each IPv4 address is ``    inet A/P [brd B ]scope S [secondary ]LABEL`` and a lifetime
line.  The ``secondary`` flag and the order (primaries by scope, then secondaries) are
what the kernel derives from insertion order, so they are derived here rather than
carried in the snapshot: a snapshot in either insertion or kernel order renders alike.
"""
from __future__ import annotations

import ipaddress

from sim.model import Address, NetnsState
from sim.show.link import brief_head, join_lines, link_header, select_links
from sim.show.style import INET, paint

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


def address_lines(a: Address, secondary: bool, color: bool = False) -> str:
    """The two lines of one IPv4 address (note: no space after the label)."""
    line = "    inet " + paint(a.local, INET, color) + f"/{a.prefixlen} "
    if a.broadcast:
        line += "brd " + paint(f"{a.broadcast} ", INET, color)
    line += f"scope {a.scope} "
    if secondary:
        line += "secondary "
    line += a.label or a.dev
    return line + "\n" + _LIFETIME


def render_addr(state: NetnsState, dev: str | None = None, *, family: str | None = None,
                brief: bool = False, oneline: bool = False, color: bool = False) -> str:
    """``ip [-4] [-br] [-o] [-c] addr show [dev X]``; a missing ``dev`` raises iproute2's
    error (rc 1).

    Every address is IPv4, so ``family="inet"`` (``-4``) changes one thing: devices
    without an address are left out, as iproute2 leaves out devices with nothing of the
    requested family.  ``-oneline`` prints one line per address (``N: NAME`` and the
    address, without the device's own lines); ``-brief`` one line per device and wins
    over ``-oneline``.
    """
    out = []
    for link in select_links(state, dev):
        mine = [a for a in state.addresses if a.dev == link.name]
        if family is not None and not mine:
            continue
        ordered = kernel_order(mine)
        if brief:
            out.append(brief_head(link, state, color) + "".join(
                paint(a.local, INET, color) + f"/{a.prefixlen} " for a, _ in ordered) + "\n")
        elif oneline:
            out.extend(join_lines(f"{link.index}: {link.name}" + address_lines(a, sec, color))
                       for a, sec in ordered)
        else:
            out.append(link_header(link, state, mode=False, color=color, family=family))
            out.extend(address_lines(a, sec, color) for a, sec in ordered)
    return "".join(out)
