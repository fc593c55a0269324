"""``ip link add | set | delete | show`` as iproute2's ``iplink_parse()`` reads them.

One routine reads a link's options (``_parse_side``) and serves ``add`` (both ends of a
veth), ``set`` and ``delete``, because iproute2 does the same: that is why
``ip link add veth1 foo type veth`` and ``ip link set veth1 foo`` fail with the same
"either "dev" is duplicate" message, and why ``a`` in ``ip link add a type veth`` is read
as ``address``.  Options the lab does not model are refused by name.
"""
from __future__ import annotations

from dataclasses import dataclass

from sim.commands import Command, LinkAddBridge, LinkAddVeth, LinkDel, LinkSet, LinkShow
from sim.script.context import Args, Context
from sim.script.validate import (
    LineError,
    check_dev,
    check_ifname,
    check_mac,
    check_netns_value,
    duparg,
    duparg2,
    keyword,
    matches,
    need_dev,
    unsupported,
)

# iplink_parse()'s keywords in the order it tests them; True = abbreviable (matches()).
_LINK_KEYWORDS: list[tuple[str, bool]] = [
    ("up", False), ("down", False), ("name", False), ("index", False),
    ("link", True), ("address", True), ("broadcast", True), ("brd", False),
    ("txqueuelen", True), ("qlen", False), ("txqlen", True), ("mtu", False),
    ("xdpgeneric", False), ("xdpdrv", False), ("xdpoffload", False), ("xdp", False),
    ("netns", False), ("multicast", False), ("allmulticast", False), ("promisc", False),
    ("trailers", False), ("arp", False), ("carrier", False), ("vf", False),
    ("master", True), ("vrf", False), ("nomaster", True), ("dynamic", False),
    ("type", True), ("alias", True), ("group", False), ("mode", False), ("state", False),
    ("numtxqueues", True), ("numrxqueues", True), ("addrgenmode", True),
    ("link-netns", True), ("link-netnsid", False), ("protodown", False),
    ("protodown_reason", False), ("gso_max_size", False), ("gso_max_segs", False),
    ("gro_max_size", False), ("parentdev", False),
]

_LINK_TYPES = "veth, bridge"


@dataclass
class _Side:
    """What ``iplink_parse()`` collected for one link (the link, or a veth's peer)."""

    name: str | None = None  # from "name NAME"
    dev: str | None = None  # from "[dev] NAME"
    address: str | None = None
    netns: str | None = None
    up: bool | None = None
    type: str | None = None
    master: str | None = None  # "master BR" (set)
    nomaster: bool = False  # "nomaster" (set)


def _help(what: str) -> LineError:
    return unsupported(f'"{what} help"', "the commands of a lab script")


def _parse_side(args: Args, verb: str) -> _Side:
    """Read link options until ``type KIND`` (which ends them, as in iproute2) or the end."""
    s = _Side()
    supported = {
        "add": "ip link add NAME [address MAC] [netns NS] type veth peer name PEER ...",
        "set": "ip link set [dev] NAME [up|down] [netns NS] [address MAC] [master BR|nomaster]",
        "delete": "ip link delete [dev] NAME",
    }[verb]
    while args:
        word = args.pop()
        kw = keyword(word, _LINK_KEYWORDS)
        if kw in ("up", "down") and verb == "set":
            s.up = kw == "up"
        elif kw == "name" and verb == "add":
            s.name = args.once("name", s.name, lambda v: check_ifname(v, "name"))
            if s.dev is None:
                s.dev = s.name
        elif kw == "address" and verb != "delete":
            s.address = check_mac(args.value())
        elif kw == "netns" and verb != "delete":
            s.netns = args.once("netns", s.netns, check_netns_value)
        elif kw == "master" and verb == "set":
            # both set IFLA_MASTER (nomaster to 0): the kernel takes the last one
            s.master, s.nomaster = check_dev(args.value()), False
        elif kw == "nomaster" and verb == "set":
            s.master, s.nomaster = None, True
        elif kw == "type" and verb == "add":
            s.type = args.value()
            break
        elif kw is not None:
            raise unsupported(f'"{kw}" in "ip link {verb}"', supported)
        else:
            if word == "dev":
                word = args.value()
            elif matches(word, "help"):
                raise _help("ip link")
            if s.dev != s.name:
                raise duparg2("dev", word)
            s.dev = check_dev(word)
    return s


def _created_name(s: _Side, what: str) -> str:
    """The name of a link being created: ``name X`` or a bare ``X``, not both."""
    if s.name is not None and s.dev != s.name:
        raise LineError('both "name" and "dev" cannot be used when creating devices.')
    name = s.name or s.dev
    if name is None:
        raise LineError(f"vethlab: {what} needs a name (the lab names every link it creates)")
    return check_ifname(name, "name")


def link_add(args: Args, ctx: Context) -> Command:
    """``ip link add NAME [address MAC] [netns NS] type veth peer [name] PEER [...]``."""
    link = _parse_side(args, "add")
    if link.type is None:
        raise LineError('Not enough information: "type" argument is required')
    name = _created_name(link, '"ip link add"')
    if link.type == "bridge":
        return _bridge_add(args, ctx, name, link)
    if link.type != "veth":
        raise unsupported(f'link type "{link.type}"', _LINK_TYPES)
    if not args:
        raise LineError(
            'vethlab: "type veth" needs "peer name PEER" (the lab names both ends of a pair)'
        )
    if args.pop() != "peer":  # link_veth.c compares with strcmp
        raise LineError("Usage: ip link <options> type veth [peer <options>]")
    peer = _parse_side(args, "add")
    if peer.type is not None:
        raise duparg("type", peer.type)
    peer_name = _created_name(peer, '"peer"')
    return ctx.make(
        LinkAddVeth,
        name=name,
        peer=peer_name,
        address=link.address,
        name_netns=link.netns,
        peer_address=peer.address,
        peer_netns=peer.netns,
    )


def _bridge_add(args: Args, ctx: Context, name: str, link: _Side) -> Command:
    """``ip link add NAME [address MAC] type bridge``: no bridge options are modelled.

    ``netns NS`` on a bridge is refused: the lab creates bridges where the command runs.
    """
    if args:
        word = args.pop()
        # iplink_bridge.c's bridge_parse_opt() says this for any word it does not know
        raise LineError(f'bridge: unknown command "{word}"?')
    if link.netns is not None:
        raise unsupported('"netns" in "ip link add ... type bridge"',
                          "ip link add NAME [address MAC] type bridge (use ip -n NS)")
    return ctx.make(LinkAddBridge, name=name, address=link.address)


def link_set(args: Args, ctx: Context) -> Command:
    """``ip link set [dev] NAME`` with any of ``up|down``, ``netns NS``, ``address MAC``,
    ``master BR``, ``nomaster``."""
    s = _parse_side(args, "set")
    if s.dev is None:
        raise need_dev()
    return ctx.make(LinkSet, dev=s.dev, up=s.up, to_netns=s.netns, address=s.address,
                    master=s.master, nomaster=s.nomaster)


def link_del(args: Args, ctx: Context) -> Command:
    """``ip link delete [dev] NAME``."""
    s = _parse_side(args, "delete")
    if s.dev is None:
        raise need_dev()
    return ctx.make(LinkDel, dev=s.dev)


# ipaddr_list_flush_or_save()'s filter words, which a lab does not model.
_LIST_FILTERS = frozenset(
    "to scope up label group master vrf nomaster type proto dynamic permanent tentative "
    "deprecated dadfailed temporary primary secondary home nodad mngtmpaddr noprefixroute "
    "autojoin optimistic".split()
)


def list_dev(args: Args, obj: str, filters: dict[str, str] | None = None) -> str | None:
    """``[dev] NAME`` of ``ip link show`` / ``ip address show``; ``None`` means all links.

    ``filters``, when given, collects the ``master BR`` filter (``ip link show master BR``).
    """
    dev: str | None = None
    while args:
        word = args.pop()
        if word == "master" and filters is not None:
            filters["master"] = check_dev(args.value())
            continue
        if word in _LIST_FILTERS:
            raise unsupported(f'the "{word}" filter of "ip {obj} show"', f"ip {obj} show [dev NAME]")
        if word == "dev":
            word = args.value()
        elif matches(word, "help"):
            raise _help(f"ip {obj}")
        if dev is not None:
            raise duparg2("dev", word)
        dev = check_dev(word)
    return dev


def link_show(args: Args, ctx: Context) -> Command:
    """``ip link [show|list|lst] [dev] [NAME] [master BR]``."""
    filters: dict[str, str] = {}
    dev = list_dev(args, "link", filters)
    return ctx.make(LinkShow, dev=dev, master=filters.get("master"))
