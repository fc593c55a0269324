"""The ``ip`` tool: global options, objects and verbs as iproute2 resolves them.

iproute2 walks fixed tables with ``matches()`` (a non-empty prefix), so the *order* of
each table decides what an abbreviation means: ``ip a`` is ``address`` (listed before
``addrlabel``), ``ip n`` is ``neighbor``, ``ip r`` is ``route`` (before ``rule``), and
``ip link s`` is ``set`` while ``ip address s`` is ``show``.  The tables below copy
iproute2 6.1's order, including the objects and verbs the lab does not model, so that
an abbreviation never silently means something else here than on a real machine.

``ip link`` lives in ``ip_link.py``; ``ip netns exec`` hands the rest of its line back
to the registry through ``Context.dispatch``.
"""
from __future__ import annotations

import dataclasses
from typing import Callable

from sim.commands import (
    AddrAdd,
    AddrDel,
    AddrFlush,
    AddrShow,
    Command,
    IpListing,
    LinkShow,
    NeighShow,
    NetnsAdd,
    NetnsDel,
    NetnsList,
    RouteShow,
)
from sim.script.context import Args, Context
from sim.script.ip_link import link_add, link_del, link_set, link_show, list_dev
from sim.script.ip_neigh import neigh_flush, neigh_modify
from sim.script.ip_route import route_get, route_modify
from sim.script.validate import (
    LineError,
    check_cidr,
    check_dev,
    check_netns_name,
    duparg2,
    is_ipv4,
    keyword,
    matches,
    need_dev,
    unsupported,
)

Handler = Callable[[Args, Context], Command]

# ip.c main(): global options in the order they are tested.
_GLOBAL_OPTIONS: list[tuple[str, bool]] = [
    ("-loops", True), ("-family", True), ("-4", False), ("-6", False), ("-0", False),
    ("-M", False), ("-B", False), ("-human", True), ("-human-readable", True),
    ("-iec", True), ("-stats", True), ("-statistics", True),
    ("-details", True), ("-resolve", True), ("-oneline", True), ("-timestamp", True),
    ("-tshort", True), ("-Version", True), ("-force", True), ("-batch", True),
    ("-brief", True), ("-json", True), ("-pretty", True), ("-rcvbuf", True),
    ("-color", True), ("-help", True), ("-netns", True), ("-Numeric", True),
    ("-all", True), ("-echo", True),
]

# ip.c cmds[]: every object, in order; the lab models five of them.
_OBJECTS = [
    "address", "addrlabel", "maddress", "route", "rule", "neighbor", "neighbour",
    "ntable", "ntbl", "link", "l2tp", "fou", "ila", "macsec", "tunnel", "tunl", "tuntap",
    "tap", "token", "tcpmetrics", "tcp_metrics", "monitor", "xfrm", "mroute", "mrule",
    "netns", "netconf", "vrf", "sr", "nexthop", "mptcp", "ioam", "help", "stats",
]
_SUPPORTED_OBJECTS = "address, link, neighbour, netns, route"
#: word -> the object it abbreviates (None: none); a big lab asks the same few.
_OBJECT_OF: dict[str, str | None] = {}


def _verbs(*names: str) -> list[tuple[str, bool]]:
    # every verb is matched by prefix except "chg", which iproute2 compares exactly
    return [(n, n != "chg") for n in names]


_LINK_VERBS = _verbs("add", "set", "change", "replace", "delete", "show", "lst", "list",
                     "xstats", "afstats", "property", "help")
_ADDR_VERBS = _verbs("add", "change", "chg", "replace", "delete", "list", "show", "lst",
                     "flush", "save", "showdump", "restore", "help")
_ROUTE_VERBS = _verbs("add", "change", "chg", "replace", "prepend", "append", "test",
                      "delete", "list", "show", "lst", "get", "flush", "save", "restore",
                      "showdump", "help")
_NEIGH_VERBS = _verbs("add", "change", "chg", "replace", "delete", "get", "show", "lst",
                      "list", "flush", "help")
_NETNS_VERBS = _verbs("list", "show", "lst", "list-id", "help", "add", "set", "delete",
                      "identify", "pids", "exec", "monitor", "attach")


def _verb(args: Args, table: list[tuple[str, bool]], help_name: str) -> str:
    word = args.pop()
    verb = keyword(word, table)
    if verb is None:
        raise LineError(f'Command "{word}" is unknown, try "ip {help_name} help".')
    return verb


def _not_modelled(obj: str, verb: str, supported: str) -> LineError:
    return unsupported(f'"ip {obj} {verb}"', supported)


# ---- ip link ---------------------------------------------------------------------------

def _link(args: Args, ctx: Context) -> Command:
    if not args:
        return ctx.make(LinkShow)
    verb = _verb(args, _LINK_VERBS, "link")
    handler = {"add": link_add, "set": link_set, "change": link_set, "delete": link_del,
               "show": link_show, "lst": link_show, "list": link_show}.get(verb)
    if handler is None:
        raise _not_modelled("link", verb, "ip link add|set|delete|show")
    return handler(args, ctx)


# ---- ip address ------------------------------------------------------------------------

# ipaddr_modify()'s keywords (other than "dev" and "local"), in order.
_ADDR_KEYWORDS: list[tuple[str, bool]] = [
    ("peer", False), ("remote", False), ("broadcast", True), ("brd", False),
    ("anycast", False), ("scope", False), ("label", False), ("metric", True),
    ("priority", True), ("preference", True), ("valid_lft", True), ("preferred_lft", True),
    ("home", False), ("nodad", False), ("optimistic", False), ("mngtmpaddr", False),
    ("noprefixroute", False), ("autojoin", False),
]


def _addr_modify(args: Args, ctx: Context, cls: type[AddrAdd] | type[AddrDel], verb: str) -> Command:
    """``ip address add|del ADDR[/LEN] dev NAME`` (either order, ``local`` optional)."""
    dev: str | None = None
    local: str | None = None
    while args:
        word = args.pop()
        if word == "dev":
            dev = check_dev(args.value())  # iproute2 keeps the last "dev"
            continue
        kw = keyword(word, _ADDR_KEYWORDS)
        if kw is not None:
            raise unsupported(f'"{kw}" in "ip address {verb}"', f"ip address {verb} ADDR/LEN dev NAME")
        if word == "local":
            word = args.value()
        elif matches(word, "help"):
            raise unsupported('"ip address help"', "the commands of a lab script")
        if local is not None:
            raise duparg2("local", word)
        local = check_cidr(word)
    if dev is None:
        raise need_dev()
    if local is None:
        raise LineError(f'vethlab: "ip address {verb}" needs an address (e.g. 172.16.0.1/24)')
    return ctx.make(cls, dev=dev, cidr=local)


def _addr(args: Args, ctx: Context) -> Command:
    if not args:
        return ctx.make(AddrShow)
    verb = _verb(args, _ADDR_VERBS, "address")
    if verb == "add":
        return _addr_modify(args, ctx, AddrAdd, "add")
    if verb == "delete":
        return _addr_modify(args, ctx, AddrDel, "delete")
    if verb in ("list", "show", "lst"):
        return ctx.make(AddrShow, dev=list_dev(args, "address"))
    if verb == "flush":
        if not args:
            raise LineError("Flush requires arguments.")
        dev = list_dev(args, "address")
        if dev is None:
            raise LineError("Flush requires arguments.")
        return ctx.make(AddrFlush, dev=dev)
    raise _not_modelled("address", verb, "ip address add|delete|flush|show")


# ---- ip route / ip neigh ---------------------------------------------------------------

_ROUTE_FILTERS = frozenset(
    "to from root match exact table tab vrf cached cloned tos dsfield protocol proto scope "
    "type dev oif iif via src realm realms mark metric default all".split()
)


def _is_prefix(word: str) -> bool:
    try:
        check_cidr(word)
        return True
    except LineError:
        return False


def _route(args: Args, ctx: Context) -> Command:
    if args:
        verb = _verb(args, _ROUTE_VERBS, "route")
        if verb in ("add", "delete", "replace"):
            return route_modify(args, ctx, "del" if verb == "delete" else verb)
        if verb == "get":
            return route_get(args, ctx)
        if verb not in ("list", "show", "lst"):
            raise _not_modelled("route", verb, "ip route add|delete|replace|get|show")
    if args:
        word = args.pop()
        if word not in _ROUTE_FILTERS and not _is_prefix(word) and not matches(word, "help"):
            raise LineError(f'Error: any valid prefix is expected rather than "{word}".')
        raise unsupported(f'"{word}" in "ip route show"', "ip route show")
    return ctx.make(RouteShow)


_NEIGH_FILTERS = frozenset("to vrf master nomaster unused nud proxy".split())


def _neigh(args: Args, ctx: Context) -> Command:
    if args:
        verb = _verb(args, _NEIGH_VERBS, "neigh")
        if verb in ("add", "change", "chg", "replace", "delete"):
            return neigh_modify(args, ctx, "change" if verb == "chg" else verb)
        if verb == "flush":
            return neigh_flush(args, ctx)
        if verb not in ("show", "lst", "list"):
            raise _not_modelled("neigh", verb, "ip neigh add|change|replace|delete|flush|show")
    dev: str | None = None
    while args:
        word = args.pop()
        if word == "dev":
            dev = args.once("dev", dev, check_dev)
        elif word in _NEIGH_FILTERS or is_ipv4(word.split("/")[0]) or matches(word, "help"):
            raise unsupported(f'"{word}" in "ip neigh show"', "ip neigh show [dev NAME]")
        else:
            raise LineError(f'Error: any valid prefix is expected rather than "{word}".')
    return ctx.make(NeighShow, dev=dev)


# ---- ip netns --------------------------------------------------------------------------

def _not_nested(ctx: Context, what: str) -> None:
    if ctx.nested:
        raise LineError(
            f'vethlab: "{what}" cannot run inside namespace "{ctx.netns}" '
            "(namespaces are named globally: give it a line of its own)"
        )


def _netns(args: Args, ctx: Context) -> Command:
    if not args:
        _not_nested(ctx, "ip netns list")
        return ctx.make(NetnsList)
    if len(args) > 1:  # do_netns() checks the name before it even looks at the verb
        name = args.peek(1)
        if not name or "/" in name or name in (".", "..") or len(name.encode()) > 255:
            raise LineError(f'Invalid netns name "{name}"')
    verb = _verb(args, _NETNS_VERBS, "netns")
    if verb in ("list", "show", "lst"):
        _not_nested(ctx, "ip netns list")
        return ctx.make(NetnsList)
    if verb in ("add", "delete"):
        _not_nested(ctx, f"ip netns {verb}")
        if not args:
            raise LineError("No netns name specified")
        name = check_netns_name(args.pop())  # iproute2 ignores anything after the name
        return ctx.make(NetnsAdd if verb == "add" else NetnsDel, name=name)
    if verb == "exec":
        if not args:
            raise LineError("No netns name specified")
        name = check_netns_name(args.pop())
        if not args:
            raise LineError("No command specified")
        assert ctx.dispatch is not None, "the registry sets Context.dispatch"
        return ctx.dispatch(args.rest(), ctx.inside(name))
    raise _not_modelled("netns", verb, "ip netns add|delete|list|exec")


# ---- the tool --------------------------------------------------------------------------

_HANDLERS: dict[str, Handler] = {
    "address": _addr, "route": _route, "neighbor": _neigh, "neighbour": _neigh,
    "link": _link, "netns": _netns,
}


#: read_family()'s words; the lab models IPv4 only.
_FAMILIES = {"inet": "inet", "inet6": "inet6", "link": "link", "mpls": "mpls",
             "bridge": "bridge"}
_FAMILY_FLAGS = {"-4": "inet", "-6": "inet6", "-0": "link", "-M": "mpls", "-B": "bridge"}
_MODELLED_OPTIONS = ("-n NETNS, -4, -f inet, -br[ief], -o[neline], "
                     "-c[olor][=always|auto|never]")


def _color(opt: str) -> bool | None:
    """matches_color(): ``-c[olor][=always|auto|never]``; ``-c`` alone (or ``-c=``) is
    ``always``.  Returns whether to paint (``auto``: the lab's output is not a terminal)
    or None when ``opt`` is not a colour option."""
    head, _, value = opt.partition("=")
    if not matches(head, "-color"):
        return None
    if value in ("", "always"):
        return True
    if value in ("auto", "never"):
        return False
    return None


def _global_options(args: Args, ctx: Context, opts: dict[str, object]) -> Context:
    """Consume ``ip``'s leading options into ``opts`` (listing options, as iproute2's
    globals: the last of ``-4``/``-6``/``-f`` wins) and return where the command runs."""
    while args and args.peek().startswith("-"):
        opt = args.pop()
        if opt == "--":
            break
        if opt.startswith("--"):
            opt = opt[1:]
        name = keyword(opt, _GLOBAL_OPTIONS)
        color = _color(opt) if name in (None, "-color") else None
        if color is not None:
            opts["color"] = color
        elif name is None or name == "-color":
            raise LineError(f'Option "{opt}" is unknown, try "ip -help".')
        elif name == "-netns":
            ctx = ctx.inside(check_netns_name(args.value()))
        elif name in _FAMILY_FLAGS:
            opts["family"] = _FAMILY_FLAGS[name]
        elif name == "-family":
            word = args.value()
            if word not in _FAMILIES:
                raise LineError(f'Error: argument "{word}" is wrong: invalid protocol family')
            opts["family"] = _FAMILIES[word]
        elif name == "-brief":
            opts["brief"] = True
        elif name == "-oneline":
            opts["oneline"] = True
        else:
            raise unsupported(f'the ip option "{opt}"', _MODELLED_OPTIONS)
    family = opts.get("family")
    if family == "inet6":
        raise LineError("vethlab: IPv6 is not modelled (the lab is IPv4 only): "
                        "drop -6 / -f inet6")
    if family not in (None, "inet"):
        raise unsupported(f'the address family "{family}"', "-4, -f inet")
    return ctx


def _with_options(cmd: Command, opts: dict[str, object]) -> Command:
    """Give a listing the global options; other commands ignore them, as ``ip`` does
    (``ip -4 addr add …``, ``ip -c link set …``)."""
    if opts and isinstance(cmd, IpListing):
        return dataclasses.replace(cmd, **opts)  # type: ignore[arg-type]
    return cmd


def parse_ip(argv: list[str], ctx: Context) -> Command:
    """Parse an ``ip ...`` command line (``argv[0]`` is ``ip``)."""
    args = Args(argv[1:])
    opts: dict[str, object] = {}
    ctx = _global_options(args, ctx, opts)
    if not args:
        raise LineError(f'vethlab: "ip" needs an object (supported: {_SUPPORTED_OBJECTS})')
    word = args.pop()
    obj = _OBJECT_OF.get(word, _OBJECTS)
    if obj is _OBJECTS:  # not asked before
        obj = next((o for o in _OBJECTS if matches(word, o)), None)
        if len(_OBJECT_OF) < 1024:
            _OBJECT_OF[word] = obj
    if obj is None:
        raise LineError(f'Object "{word}" is unknown, try "ip help".')
    handler = _HANDLERS.get(obj)
    if handler is None:
        raise unsupported(f'"ip {obj}"', _SUPPORTED_OBJECTS)
    return _with_options(handler(args, ctx), opts)
