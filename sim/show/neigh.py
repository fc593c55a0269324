"""``ip neigh`` text from a ``NetnsState``, as iproute2 6.1 prints it.

Like the other listings each word carries a trailing space.  ``ip neigh show`` hides
NOARP and NONE entries and proxy entries (those need ``show proxy``); the table has no
defined order (hash order), so entries print in the snapshot's order.
"""
from __future__ import annotations

from sim.errors import CommandError
from sim.model import NetnsState, Neighbour
from sim.show.style import IFNAME, INET, MAC, paint

_HIDDEN_STATES = {"NOARP", "NONE"}


def neigh_line(n: Neighbour, show_dev: bool = True, color: bool = False) -> str:
    """``DST [dev D ][lladdr L ][router ]STATE `` + newline."""
    line = paint(f"{n.dst} ", INET, color)
    if show_dev:
        line += "dev " + paint(f"{n.dev} ", IFNAME, color)
    if n.lladdr:
        line += "lladdr " + paint(f"{n.lladdr} ", MAC, color)
    if n.router:
        line += "router "
    return line + f"{n.state} \n"


def brief_neigh_line(n: Neighbour, show_dev: bool = True, color: bool = False) -> str:
    """``ip -br neigh``: DST padded to 39, DEV to 16, then the lladdr (no state, and —
    unlike every other listing — no trailing space)."""
    line = paint(f"{n.dst:<39} ", INET, color)
    if show_dev:
        line += paint(f"{n.dev:<16} ", IFNAME, color)
    return line + (paint(n.lladdr, MAC, color) if n.lladdr else "") + "\n"


def render_neigh(state: NetnsState, dev: str | None = None, *, brief: bool = False,
                 color: bool = False) -> str:
    """``ip [-br] [-c] neigh show [dev X]``; with ``dev`` the dev column is omitted.

    A missing ``dev`` raises ``Cannot find device "X"`` (rc 1) — a different wording from
    ``ip link``'s, because ``ip neigh`` resolves the name before dumping.
    """
    if dev is not None and state.link(dev) is None:
        raise CommandError(f'Cannot find device "{dev}"', rc=1)
    line = brief_neigh_line if brief else neigh_line
    return "".join(
        line(n, dev is None, color)
        for n in state.neighbours
        if (dev is None or n.dev == dev) and n.state not in _HIDDEN_STATES and not n.proxy
    )
