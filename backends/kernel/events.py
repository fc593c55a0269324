"""Neighbour-table changes as ``sim.trace.Event`` records, from netlink notifications.

One NETLINK_ROUTE socket per lab namespace, subscribed to RTNLGRP_NEIGH, made inside the
namespace.  The kernel does not notify every NUD transition (REACHABLE -> DELAY and
STALE -> DELAY are silent, for example), so the events are what the kernel chose to
announce, each stamped when read; ``reason`` stays empty (only the simulator knows why).
An entry's previous state is the last *notified* one, tracked per (namespace, device,
address); RTM_DELNEIGH is a change to ``NONE`` (deleting an entry — ``ip neigh del``,
``flush`` — is notified as ``-> FAILED`` then RTM_DELNEIGH).  Every notification is an
event, also one with ``old == new``: an lladdr change (``ip neigh replace`` of a
PERMANENT entry) or a silent state in between (FAILED -> INCOMPLETE -> FAILED).  Notifications carry no kernel timestamp (SO_TIMESTAMP does nothing on
netlink), so each is stamped when read, measured at 0.3-2 ms after the frame that
caused it.  IPv4 only.
"""
from __future__ import annotations

import socket
from typing import Callable, Hashable

from backends.kernel.links import (RTM_DELNEIGH, RTM_NEWNEIGH, NetlinkSocket, decode,
                                   split_messages)
from backends.kernel.reader import PumpedCollector
from sim.trace import Event

RTMGRP_NEIGH = 1 << (3 - 1)  # RTNLGRP_NEIGH = 3
NUD_NAMES = ((0x01, "INCOMPLETE"), (0x02, "REACHABLE"), (0x04, "STALE"), (0x08, "DELAY"),
             (0x10, "PROBE"), (0x20, "FAILED"), (0x40, "NOARP"), (0x80, "PERMANENT"))


def nud_name(state: int) -> str:
    """The NUD state's name as iproute2 prints it (``NONE`` for 0)."""
    for bit, name in NUD_NAMES:
        if state & bit:
            return name
    return "NONE"


def open_socket_here() -> socket.socket:
    """A netlink socket in the calling thread's namespace, joined to the neighbour group."""
    return NetlinkSocket.here(groups=RTMGRP_NEIGH).sock


class NeighEvents(PumpedCollector):
    """Collects neighbour events.  ``clock()`` gives seconds since the run began and
    ``dev_name(netns, ifindex)`` the script's device name."""

    THREAD = "vethlab-events"

    def __init__(self, clock: Callable[[], float],
                 dev_name: Callable[[str, int], str | None]):
        self.clock = clock
        self.dev_name = dev_name
        self._events: list[Event] = []
        #: (netns, ifindex, address) -> last notified state
        self._state: dict[tuple[str, int, str], str] = {}
        super().__init__()

    def events(self) -> list[Event]:
        self.pump.drain()
        with self.pump.lock:
            return sorted(self._events, key=lambda e: e.t)

    def close(self) -> None:
        self.pump.close()

    def _read(self, netns: Hashable, sock: socket.socket) -> None:
        while True:
            data = sock.recv(1 << 16)
            t = self.clock()
            for mtype, _flags, _seq, raw in split_messages(data):
                if mtype in (RTM_NEWNEIGH, RTM_DELNEIGH):
                    self._on_neigh(str(netns), mtype, raw, t)

    def _on_neigh(self, netns: str, mtype: int, raw: bytes, t: float) -> None:
        msg = decode(mtype, raw)
        if msg is None or msg["family"] != socket.AF_INET:
            return
        dst = msg.get_attr("NDA_DST")
        if dst is None:
            return
        index = msg["ifindex"]
        new = "NONE" if mtype == RTM_DELNEIGH else nud_name(msg["state"])
        key = (netns, index, dst)
        old = self._state.get(key, "NONE")
        # Every notification is an event, also one that repeats the state: the kernel
        # only notifies real changes, and a repeat hides a silent one in between
        # (FAILED -> INCOMPLETE -> FAILED) or is an lladdr change (``ip neigh replace``
        # of a PERMANENT entry: PERMANENT -> PERMANENT).  Only the deletion of an entry
        # nobody was ever told about (NONE -> NONE) says nothing.
        if old == new == "NONE":
            return
        self._state[key] = new
        dev = self.dev_name(netns, index) or f"if{index}"
        self._events.append(Event(t=t, netns=netns, dev=dev, kind="neigh", subject=dst,
                                  old=old, new=new, lladdr=msg.get_attr("NDA_LLADDR")))
