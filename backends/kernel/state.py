"""Netlink dumps of one namespace turned into ``sim.model`` snapshots, with script names.

Everything is read through the namespace's own verified netlink socket.  The only
translation needed is for namespaces: a veth whose peer lives elsewhere reports the
peer's namespace as an *nsid* (IFLA_LINK_NETNSID), a number local to the namespace being
dumped; we ask the kernel for the nsid of each lab namespace's fd from this namespace
(RTM_GETNSID, which never allocates one) and map it back to the script's name.
"""
from __future__ import annotations

import socket
from typing import Any

from backends.kernel.events import nud_name
from backends.kernel.links import RTM_GETADDR, RTM_GETNEIGH, RTM_GETROUTE, NetlinkSocket
from sim.model import Address, Link, NetnsState, Neighbour, Route

ARPHRD_LOOPBACK = 772
RT_TABLE_MAIN = 254
RTN_UNICAST = 1
RTNH_F_LINKDOWN = 16
NTF_PROXY = 0x08
NTF_ROUTER = 0x80
IFF_UP, IFF_RUNNING = 0x1, 0x40
#: IFF_* flags in the order iproute2's print_link_flags() prints them.
_IFF_ORDER = (("LOOPBACK", 0x8), ("BROADCAST", 0x2), ("POINTOPOINT", 0x10),
              ("MULTICAST", 0x1000), ("NOARP", 0x80), ("ALLMULTI", 0x200),
              ("PROMISC", 0x100), ("MASTER", 0x400), ("SLAVE", 0x800), ("DEBUG", 0x4),
              ("DYNAMIC", 0x8000), ("AUTOMEDIA", 0x4000), ("PORTSEL", 0x2000),
              ("NOTRAILERS", 0x20), ("UP", 0x1), ("LOWER_UP", 0x10000),
              ("DORMANT", 0x20000), ("ECHO", 0x40000))
_SCOPES = {0: "global", 200: "site", 253: "link", 254: "host", 255: "nowhere"}
_PROTOS = {1: "redirect", 2: "kernel", 3: None, 4: "static", 16: "dhcp"}


def link_flags(flags: int) -> tuple[str, ...]:
    """IFF_* names as iproute2 prints them (NO-CARRIER first when up without carrier).

    iproute2's ``M-DOWN`` is not a kernel flag (it means "the same-namespace peer is
    down"); renderers derive it from the peer link.
    """
    out = []
    if flags & IFF_UP and not flags & IFF_RUNNING:
        out.append("NO-CARRIER")
    out.extend(name for name, bit in _IFF_ORDER if flags & bit)
    return tuple(out)


def _link(msg: Any, names: dict[int, str], nsids: dict[int, str]) -> Link:
    info = msg.get_attr("IFLA_LINKINFO")
    kind = info.get_attr("IFLA_INFO_KIND") if info is not None else None
    if msg["ifi_type"] == ARPHRD_LOOPBACK:
        kind = "loopback"
    index = msg["index"]
    peer = msg.get_attr("IFLA_LINK")
    nsid = msg.get_attr("IFLA_LINK_NETNSID")
    if peer == index and nsid is None:
        peer = None  # a device that is its own link (no peer); a peer elsewhere may share the index
    link_netns = nsids.get(nsid) if nsid is not None else None
    peer_name = names.get(peer) if peer is not None and nsid is None else None
    master = msg.get_attr("IFLA_MASTER")
    group = msg.get_attr("IFLA_GROUP") or 0
    return Link(index=index, name=msg.get_attr("IFLA_IFNAME"), kind=kind or "unknown",
                mac=msg.get_attr("IFLA_ADDRESS") or "00:00:00:00:00:00",
                flags=link_flags(msg["flags"]), operstate=msg.get_attr("IFLA_OPERSTATE"),
                mtu=msg.get_attr("IFLA_MTU"), qdisc=msg.get_attr("IFLA_QDISC") or "noop",
                qlen=msg.get_attr("IFLA_TXQLEN") or 0,
                brd=msg.get_attr("IFLA_BROADCAST") or "00:00:00:00:00:00",
                peer_ifindex=peer, peer_name=peer_name, link_netns=link_netns,
                master=names.get(master) if master else None,
                group="default" if group == 0 else str(group), link_netnsid=nsid)


def _address(msg: Any, names: dict[int, str]) -> Address:
    return Address(dev=names.get(msg["index"], f"if{msg['index']}"),
                   local=msg.get_attr("IFA_LOCAL") or msg.get_attr("IFA_ADDRESS"),
                   prefixlen=msg["prefixlen"], scope=_SCOPES.get(msg["scope"], str(msg["scope"])),
                   broadcast=msg.get_attr("IFA_BROADCAST"), label=msg.get_attr("IFA_LABEL"))


def _route(msg: Any, names: dict[int, str]) -> Route | None:
    table = msg.get_attr("RTA_TABLE") or msg["table"]
    if table != RT_TABLE_MAIN or msg["type"] != RTN_UNICAST:
        return None
    dst = msg.get_attr("RTA_DST")
    oif = msg.get_attr("RTA_OIF")
    scope = msg["scope"]
    return Route(dst="default" if msg["dst_len"] == 0 else f"{dst}/{msg['dst_len']}",
                 dev=names.get(oif, f"if{oif}"), via=msg.get_attr("RTA_GATEWAY"),
                 proto=_PROTOS.get(msg["proto"], str(msg["proto"])),
                 scope=None if scope == 0 else _SCOPES.get(scope, str(scope)),
                 src=msg.get_attr("RTA_PREFSRC"), metric=msg.get_attr("RTA_PRIORITY"),
                 linkdown=bool(msg["flags"] & RTNH_F_LINKDOWN))


def _neighbour(msg: Any, names: dict[int, str]) -> Neighbour | None:
    state = nud_name(msg["state"])
    dst = msg.get_attr("NDA_DST")
    if dst is None or state in ("NONE", "NOARP"):  # hidden by `ip neigh` by default
        return None
    return Neighbour(dst=dst, dev=names.get(msg["ifindex"], f"if{msg['ifindex']}"),
                     lladdr=msg.get_attr("NDA_LLADDR"), state=state,
                     router=bool(msg["flags"] & NTF_ROUTER), proxy=bool(msg["flags"] & NTF_PROXY))


def snapshot(netns: str, nl: NetlinkSocket, nsids: dict[int, str]) -> NetnsState:
    """The state of the namespace ``nl`` is bound to.  ``nsids`` maps the nsids this
    namespace uses to script names (see ``nsid_map``)."""
    raw_links = nl.links()
    names = {m["index"]: m.get_attr("IFLA_IFNAME") for m in raw_links}
    links = tuple(_link(m, names, nsids) for m in raw_links)
    addrs = tuple(_address(m, names) for m in nl.dump(RTM_GETADDR, socket.AF_INET))
    routes = tuple(r for m in nl.dump(RTM_GETROUTE, socket.AF_INET)
                   if (r := _route(m, names)) is not None)
    neigh = tuple(n for m in nl.dump(RTM_GETNEIGH, socket.AF_INET)
                  if (n := _neighbour(m, names)) is not None)
    from backends.kernel import bridge  # bridge imports links, as this module does
    return NetnsState(netns=netns, links=links, addresses=addrs, routes=routes,
                      neighbours=neigh, fdb=bridge.fdb(nl, names),
                      bridge_ports=bridge.ports(nl, names))


def nsid_map(nl: NetlinkSocket, fds: dict[str, int]) -> dict[int, str]:
    """nsid (as seen from ``nl``'s namespace) -> script name, for each lab namespace fd."""
    out: dict[int, str] = {}
    for name, fd in fds.items():
        nsid = nl.nsid_of(fd)
        if nsid is not None:
            out[nsid] = name
    return out
