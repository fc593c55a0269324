"""``ip neigh add|replace|change|del|flush`` as netlink requests, the way iproute2 sends them.

iproute2's ``ipneigh_modify`` sends one RTM_NEWNEIGH (or RTM_DELNEIGH) carrying the
address, the link-layer address and the NUD state (PERMANENT unless ``nud`` says
otherwise); only the netlink flags tell the verbs apart:

- ``add``      NLM_F_CREATE | NLM_F_EXCL   (an existing entry: "File exists")
- ``replace``  NLM_F_CREATE | NLM_F_REPLACE
- ``change``   NLM_F_REPLACE                (no entry: "No such file or directory")

``flush`` is not a kernel operation: iproute2 dumps the table, keeps the entries that
match its filter and sends an RTM_DELNEIGH for each, repeating until a dump finds
nothing left (at most ten rounds).  Its default filter leaves PERMANENT and NOARP
entries alone; ``nud STATE`` replaces that filter.  Kernel errors are rendered by the
caller (``links.iproute_error``), so the words are the kernel's and iproute2's.
"""
from __future__ import annotations

import socket
from typing import Callable

from pyroute2.netlink import NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE
from pyroute2.netlink.rtnl.ndmsg import ndmsg

from backends.kernel.links import (RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH, NetlinkError,
                                   NetlinkSocket)
from sim.commands import NeighDel, NeighFlush, NeighModify
from sim.errors import CommandError

#: NUD state names as iproute2's ``nud`` option takes them.
NUD = {"none": 0x00, "incomplete": 0x01, "reachable": 0x02, "stale": 0x04, "delay": 0x08,
       "probe": 0x10, "failed": 0x20, "noarp": 0x40, "permanent": 0x80}
NUD_NOARP, NUD_PERMANENT = NUD["noarp"], NUD["permanent"]
#: iproute2's pseudo-state bit for "entries with no state at all" in a filter.
FILTER_NONE = 0x100
NTF_PROXY = 0x08
NTF_EXT_LEARNED = 0x10
MAX_FLUSH_ROUNDS = 10

#: Ethernet address length: every lab device (veth, bridge) has 6-byte addresses.
ETH_ALEN = 6

_FLAGS = {"add": NLM_F_CREATE | NLM_F_EXCL, "replace": NLM_F_CREATE | NLM_F_REPLACE,
          "change": NLM_F_REPLACE}


def parse_lladdr(text: str) -> str:
    """iproute2's ``ll_addr_a2n``: colon-separated hex bytes (the kernel checks the
    length against the device).  A bad one is ``"X" is invalid lladdr.`` (status 1)."""
    parts = text.split(":")
    try:
        values = [int(p, 16) for p in parts]
        if not parts or len(parts) > 32 or any(not p or not 0 <= v <= 255
                                              for p, v in zip(parts, values)):
            raise ValueError
    except ValueError:
        raise CommandError(f'"{text}" is invalid lladdr.', rc=1) from None
    return ":".join(f"{v:02x}" for v in values)


def nud_value(name: str) -> int:
    try:
        return NUD[name.lower()]
    except KeyError:
        raise CommandError(f'Error: argument "{name}" is wrong: nud state is bad', rc=255) \
            from None


def _ndmsg(index: int, dst: str, state: int = 0) -> ndmsg:
    msg = ndmsg()
    msg["family"] = socket.AF_INET
    msg["ifindex"] = index
    msg["state"] = state
    msg["attrs"] = [("NDA_DST", dst)]
    return msg


def _check(nl: NetlinkSocket) -> None:
    if not nl.verified:
        raise RuntimeError("refusing to change a namespace through an unverified socket")


def modify(nl: NetlinkSocket, resolve: Callable[[str], int], cmd: NeighModify) -> None:
    """``ip neigh add|replace|change`` (raises ``NetlinkError``).  ``resolve(dev)`` gives
    the ifindex or raises iproute2's ``Cannot find device``; iproute2 checks the lladdr
    first, so a bad lladdr on a missing device complains about the lladdr."""
    _check(nl)
    lladdr = parse_lladdr(cmd.lladdr) if cmd.lladdr is not None else None
    msg = _ndmsg(resolve(cmd.dev), cmd.dst, nud_value(cmd.nud))
    if lladdr is not None and len(lladdr.split(":")) < ETH_ALEN:
        # The kernel refuses an address shorter than the device's (extack); pyroute2
        # cannot even encode one, so answer as the kernel would.
        raise CommandError("Error: Invalid link address.", rc=2)
    if lladdr is not None:
        lladdr = ":".join(lladdr.split(":")[:ETH_ALEN])  # the kernel keeps addr_len bytes
    if lladdr is not None:
        msg["attrs"].append(("NDA_LLADDR", lladdr))
    # NLM_F_ACK explicitly: EXCL/REPLACE share bits with NLM_F_DUMP, so request()
    # would otherwise take this for a dump and not ask for an acknowledgement.
    nl.request(msg, RTM_NEWNEIGH, NLM_F_ACK | _FLAGS[cmd.op])


def delete(nl: NetlinkSocket, index: int, cmd: NeighDel) -> None:
    """``ip neigh del ADDR dev DEV`` (iproute2 sends state PERMANENT; the kernel ignores it)."""
    _check(nl)
    nl.request(_ndmsg(index, cmd.dst, NUD_PERMANENT), RTM_DELNEIGH, 0)


def flush_filter(nud: str | None) -> int:
    """The state mask iproute2's ``ip neigh flush`` matches entries against."""
    if nud is None:
        return ~(NUD_PERMANENT | NUD_NOARP) & 0x1FF
    if nud.lower() == "all":
        return ~NUD_NOARP & 0x1FF
    state = nud_value(nud)
    return state or FILTER_NONE


def _matches(msg, index: int | None, mask: int) -> bool:
    if msg.get_attr("NDA_DST") is None:
        return False
    if index is not None and msg["ifindex"] != index:
        return False
    state, flags = msg["state"], msg["flags"]
    if mask & state:
        return True
    if flags & (NTF_PROXY | NTF_EXT_LEARNED):
        return True
    return state == 0 and bool(mask & FILTER_NONE)


def flush(nl: NetlinkSocket, index: int | None, cmd: NeighFlush) -> int:
    """``ip neigh flush [dev DEV] [nud STATE]``; returns how many entries went.

    Entries that vanish between the dump and the delete (a timer got there first) are
    not an error, as for iproute2, which only checks that the requests were sent.
    """
    _check(nl)
    mask = flush_filter(cmd.nud)
    removed = 0
    for _round in range(MAX_FLUSH_ROUNDS):
        victims = [m for m in nl.dump(RTM_GETNEIGH, socket.AF_INET)
                   if _matches(m, index, mask)]
        if not victims:
            break
        for m in victims:
            try:
                nl.request(_ndmsg(m["ifindex"], m.get_attr("NDA_DST"), m["state"]),
                           RTM_DELNEIGH, 0)
                removed += 1
            except NetlinkError:  # gone already (a timer got there first)
                pass
    return removed
