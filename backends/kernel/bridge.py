"""Linux bridges over netlink: create one, enslave ports, read its FDB and port table.

Everything goes through the namespace's own verified ``NetlinkSocket`` (see links.py).
What the kernel does by itself — learning, flooding, ageing, and choosing the bridge's
MAC — is left to the kernel; this module only asks and reads.  Facts measured on Linux
6.18 (the simulator must model them):

- A bridge made without ``address`` starts with a random MAC.  Whenever a port joins or
  leaves it takes the numerically smallest MAC among its ports, and
  ``00:00:00:00:00:00`` once the last port has left; an address the user set (``ip link
  add … address`` or ``ip link set … address``) is never changed.
- ``bridge fdb show`` (an AF_BRIDGE RTM_GETNEIGH dump) walks devices by ifindex: for a
  bridge, its own multicast list (``self permanent``) and then the bridge-table entries
  with no port (its own set address, ``master BR permanent``); for a port, the bridge
  entries on that port (its own MAC ``permanent``, learned ones without a state word),
  then the port's multicast list (``self permanent``).  With IPv6 disabled the lists
  still hold 33:33:00:00:00:01 (joined at register); 01:00:5e:00:00:01 is joined while
  the device is up; a bridge that is up also joins 01:00:5e:00:00:6a and
  33:33:00:00:00:6a (multicast router discovery, snooping on).
"""
from __future__ import annotations

import socket
from typing import Any

from pyroute2.netlink import NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL
from pyroute2.netlink.rtnl import RTM_GETLINK, RTM_GETNEIGH, RTM_NEWLINK
from pyroute2.netlink.rtnl.ifinfmsg import ifinfmsg
from pyroute2.netlink.rtnl.ndmsg import ndmsg

from backends.kernel.links import NetlinkSocket
from sim.model import BridgePort, FdbEntry

AF_BRIDGE = socket.AF_BRIDGE
NTF_SELF = 0x02
NUD_REACHABLE, NUD_STALE, NUD_NOARP, NUD_PERMANENT = 0x02, 0x04, 0x40, 0x80
#: centiseconds per second in NDA_CACHEINFO (the kernel reports clock_t, USER_HZ = 100)
USER_HZ = 100
#: IFLA_BRPORT_STATE values as ``bridge link`` names them (BR_STATE_*).
PORT_STATES = ("disabled", "listening", "learning", "forwarding", "blocking")


def add_bridge(nl: NetlinkSocket, name: str, address: str | None = None) -> None:
    """``ip link add NAME [address MAC] type bridge``: one RTM_NEWLINK, create-exclusive."""
    attrs: list[tuple[str, Any]] = [("IFLA_IFNAME", name)]
    if address is not None:
        attrs.append(("IFLA_ADDRESS", address))
    attrs.append(("IFLA_LINKINFO", {"attrs": [("IFLA_INFO_KIND", "bridge")]}))
    msg = ifinfmsg()
    msg["attrs"] = attrs
    nl._change(msg, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL)


def fdb_state(state: int) -> str:
    """The state word ``bridge fdb show`` prints (iproute2's state_n2a)."""
    if state & NUD_PERMANENT:
        return "permanent"
    if state & NUD_NOARP:
        return "static"
    if state & NUD_STALE:
        return "stale"
    return ""


def _fdb_entry(msg: Any, names: dict[int, str]) -> FdbEntry | None:
    mac = msg.get_attr("NDA_LLADDR")
    if mac is None:
        return None
    index = msg["ifindex"]
    master = msg.get_attr("NDA_MASTER")
    cache = msg.get_attr("NDA_CACHEINFO")
    ageing = None
    if cache is not None:
        ageing = cache["ndm_updated"] / USER_HZ
    return FdbEntry(mac=mac, dev=names.get(index, f"if{index}"),
                    master=names.get(master, f"if{master}") if master else None,
                    vlan=msg.get_attr("NDA_VLAN"), state=fdb_state(msg["state"]),
                    self_=bool(msg["flags"] & NTF_SELF), ageing=ageing)


def fdb(nl: NetlinkSocket, names: dict[int, str]) -> tuple[FdbEntry, ...]:
    """Every entry ``bridge fdb show`` lists, in the kernel's order, with script names."""
    msg = ndmsg()
    msg["family"] = AF_BRIDGE
    out = []
    for reply in nl.request(msg, RTM_GETNEIGH, NLM_F_DUMP):
        if reply["family"] != AF_BRIDGE:
            continue
        entry = _fdb_entry(reply, names)
        if entry is not None:
            out.append(entry)
    return tuple(out)


def ports(nl: NetlinkSocket, names: dict[int, str]) -> tuple[BridgePort, ...]:
    """Every bridge port as ``bridge link`` lists it (an AF_BRIDGE RTM_GETLINK dump)."""
    msg = ifinfmsg()
    msg["family"] = AF_BRIDGE
    out = []
    for reply in nl.request(msg, RTM_GETLINK, NLM_F_DUMP):
        master = reply.get_attr("IFLA_MASTER")
        if not master:
            continue
        info = reply.get_attr("IFLA_PROTINFO")
        state = prio = cost = None
        if info is not None:
            state = info.get_attr("IFLA_BRPORT_STATE")
            prio = info.get_attr("IFLA_BRPORT_PRIORITY")
            cost = info.get_attr("IFLA_BRPORT_COST")
        index = reply["index"]
        out.append(BridgePort(
            index=index, name=reply.get_attr("IFLA_IFNAME") or names.get(index, f"if{index}"),
            master=names.get(master, f"if{master}"),
            state=PORT_STATES[state] if state is not None and state < len(PORT_STATES)
            else str(state),
            priority=32 if prio is None else prio, cost=2 if cost is None else cost))
    return tuple(out)
