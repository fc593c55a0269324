"""``ip neigh`` text from a ``NetnsState``, as iproute2 6.1 prints it.

Like the other listings each word carries a trailing space.  ``ip neigh show`` hides
NOARP and NONE entries and proxy entries (those need ``show proxy``); the table has no
defined order (hash order), so entries print in the snapshot's order.
"""
from __future__ import annotations

from sim.errors import CommandError
from sim.model import NetnsState, Neighbour

_HIDDEN_STATES = {"NOARP", "NONE"}


def neigh_line(n: Neighbour, show_dev: bool = True) -> str:
    """``DST [dev D ][lladdr L ][router ]STATE `` + newline."""
    line = f"{n.dst} "
    if show_dev:
        line += f"dev {n.dev} "
    if n.lladdr:
        line += f"lladdr {n.lladdr} "
    if n.router:
        line += "router "
    return line + f"{n.state} \n"


def render_neigh(state: NetnsState, dev: str | None = None) -> str:
    """``ip neigh show [dev X]``; with ``dev`` the ``dev X`` word is omitted from lines.

    A missing ``dev`` raises ``Cannot find device "X"`` (rc 1) — a different wording from
    ``ip link``'s, because ``ip neigh`` resolves the name before dumping.
    """
    if dev is not None and state.link(dev) is None:
        raise CommandError(f'Cannot find device "{dev}"', rc=1)
    return "".join(
        neigh_line(n, show_dev=dev is None)
        for n in state.neighbours
        if (dev is None or n.dev == dev) and n.state not in _HIDDEN_STATES and not n.proxy
    )
