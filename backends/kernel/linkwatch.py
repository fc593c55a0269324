"""Waiting for the kernel's linkwatch, so listings show what a person at a terminal sees.

The kernel's linkwatch updates operstate (and so IFF_RUNNING) up to a second after the
carrier changes; a person typing the next command never sees the gap, but a program
that dumps state microseconds later would print a transient ``NO-CARRIER ... state
LOWERLAYERDOWN``.  Traffic needs it too: until linkwatch activates the device's qdisc
(``noop`` → ``noqueue``), everything sent on it is dropped.
"""
from __future__ import annotations

import time
from collections.abc import Callable

from backends.kernel.links import LinkInfo, NetlinkError, NetlinkSocket

#: Longest wait for linkwatch to bring operstate in line with carrier (seconds).  Linkwatch
#: batches non-urgent events for up to a second; on a loaded machine its work queue runs
#: later still, and the wait ends as soon as every link agrees, so the bound is generous.
LINKWATCH_SETTLE = 3.0
IFF_UP, IFF_RUNNING, IFF_LOWER_UP = 0x1, 0x40, 0x10000


def links(nl: NetlinkSocket) -> list[LinkInfo]:
    """A namespace's links; none while it is going away (its socket errs then)."""
    try:
        return nl.link_infos()
    except (OSError, NetlinkError):
        return []


def settled(info: LinkInfo) -> bool:
    """A link is settled when IFF_RUNNING (operstate up) matches IFF_LOWER_UP (carrier)."""
    flags = info.flags
    if not flags & IFF_UP or info.name == "lo":
        return True
    return bool(flags & IFF_RUNNING) == bool(flags & IFF_LOWER_UP)


def wait(sockets: Callable[[], list[NetlinkSocket]], limit: float = LINKWATCH_SETTLE) -> None:
    """Wait until every link's operstate agrees with its carrier (at most ``limit`` s)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        # All in one pass: a port's linkwatch run can give its bridge carrier, so a
        # namespace seen settled earlier may not be any more.
        if all(settled(i) for nl in sockets() for i in links(nl)):
            return
        time.sleep(0.001)
