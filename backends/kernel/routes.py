"""``ip route add|del|replace`` and ``ip route get`` as iproute2 6.1 sends them.

The requests are built field by field like iproute2's ``iproute_modify``: add/replace
carry ``proto boot``, ``scope universe`` (``scope link`` when no gateway is given) and
type unicast; delete sends ``scope nowhere``, no protocol and no type, so the kernel
matches on what the line names.  Flags: add is CREATE|EXCL, replace CREATE|REPLACE,
delete none.  Errors come back as the kernel's extack/errno and are rendered by
``links.iproute_error`` (measured: ``Error: Nexthop has invalid gateway.``,
``Error: Device for nexthop is not up.``, ``Error: Invalid prefsrc address.``,
``Error: Invalid prefix for given prefix length.``, ``RTNETLINK answers: File exists``,
``RTNETLINK answers: No such process``, for ``get``: ``RTNETLINK answers: Network is
unreachable``; all status 2).
"""
from __future__ import annotations

import ipaddress
import socket
from typing import Any

from pyroute2.netlink import NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE
from pyroute2.netlink.rtnl import RTM_DELROUTE, RTM_GETROUTE, RTM_NEWROUTE
from pyroute2.netlink.rtnl.rtmsg import rtmsg

from backends.kernel.links import NetlinkSocket
from sim.errors import CommandError
from sim.model import RouteLookup

RT_TABLE_MAIN = 254
RTPROT_BOOT = 3
RT_SCOPE_UNIVERSE, RT_SCOPE_LINK, RT_SCOPE_NOWHERE = 0, 253, 255
RTN_UNSPEC, RTN_UNICAST, RTN_LOCAL, RTN_BROADCAST = 0, 1, 2, 3
_KINDS = {RTN_UNICAST: "unicast", RTN_LOCAL: "local", RTN_BROADCAST: "broadcast"}
_FLAGS = {"add": NLM_F_CREATE | NLM_F_EXCL, "replace": NLM_F_CREATE | NLM_F_REPLACE,
          "del": 0}


def parse_prefix(dst: str) -> tuple[str | None, int]:
    """``default`` -> (None, 0); ``10.0.0.0/24`` -> ("10.0.0.0", 24); a bare address is /32.

    The host bits are kept: the kernel itself rejects ``10.0.3.5/24`` with
    ``Invalid prefix for given prefix length``.  Syntax errors are iproute2's (rc 1).
    """
    if dst == "default":
        return None, 0
    addr, _, plen = dst.partition("/")
    try:
        ipaddress.IPv4Address(addr)
        length = int(plen) if plen else 32
        if not 0 <= length <= 32:
            raise ValueError
    except ValueError:
        raise CommandError(f'Error: an inet prefix is expected rather than "{dst}".',
                           rc=1) from None
    return addr, length


def modify(nl: NetlinkSocket, op: str, dst: str, *, via: str | None = None,
           oif: int | None = None, src: str | None = None,
           metric: int | None = None) -> None:
    """One RTM_NEWROUTE/RTM_DELROUTE in the main table, as ``ip route OP …`` sends it."""
    if op not in _FLAGS:
        raise ValueError(f"unknown route operation {op!r}")
    addr, plen = parse_prefix(dst)
    msg = rtmsg()
    msg["family"] = socket.AF_INET
    msg["dst_len"] = plen
    msg["table"] = RT_TABLE_MAIN
    if op == "del":
        msg["scope"] = RT_SCOPE_NOWHERE
        msg["proto"] = 0
        msg["type"] = RTN_UNSPEC
    else:
        msg["proto"] = RTPROT_BOOT
        msg["scope"] = RT_SCOPE_UNIVERSE if via else RT_SCOPE_LINK
        msg["type"] = RTN_UNICAST
    attrs: list[tuple[str, Any]] = []
    if addr is not None:
        attrs.append(("RTA_DST", addr))
    if metric is not None:
        attrs.append(("RTA_PRIORITY", metric))
    if src is not None:
        attrs.append(("RTA_PREFSRC", src))
    if via is not None:
        attrs.append(("RTA_GATEWAY", via))
    if oif is not None:
        attrs.append(("RTA_OIF", oif))
    msg["attrs"] = attrs
    mtype = RTM_DELROUTE if op == "del" else RTM_NEWROUTE
    nl._change(msg, mtype, _FLAGS[op])


def get(nl: NetlinkSocket, dst: str, names: dict[int, str]) -> RouteLookup:
    """``ip route get DST``: the kernel's own lookup (RTM_GETROUTE), in script names."""
    try:
        addr = str(ipaddress.IPv4Address(dst))
    except ValueError:
        raise CommandError(f'Error: any valid prefix is expected rather than "{dst}".',
                           rc=1) from None
    msg = rtmsg()
    msg["family"] = socket.AF_INET
    msg["dst_len"] = 32
    msg["attrs"] = [("RTA_DST", addr)]
    replies = nl.request(msg, RTM_GETROUTE, 0)
    if not replies:
        raise CommandError("RTNETLINK answers: Network is unreachable", rc=2)
    reply = replies[0]
    oif = reply.get_attr("RTA_OIF")
    return RouteLookup(dst=reply.get_attr("RTA_DST") or addr,
                       dev=names.get(oif, f"if{oif}") if oif is not None else "",
                       src=reply.get_attr("RTA_PREFSRC"), via=reply.get_attr("RTA_GATEWAY"),
                       kind=_KINDS.get(reply["type"], str(reply["type"])))
