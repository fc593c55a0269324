"""``ip route add | del | replace | get`` as iproute2's ``iproute_modify()`` and
``iproute_get()`` read them.

Only what the lab models is accepted — ``DST [via GW] [dev DEV] [src ADDR] [metric N]``
(``priority``/``preference`` are iproute2's synonyms of ``metric``) and ``get [to] ADDR``;
any other keyword of iproute2's is refused by name, so it never silently means something
else.  Messages for bad values are iproute2 6.1's, checked with the real ``ip``.
"""
from __future__ import annotations

from sim.commands import Command, RouteGet, RouteModify
from sim.script.context import Args, Context
from sim.script.validate import (
    LineError,
    check_cidr,
    check_dev,
    duparg2,
    invarg,
    is_ipv4,
    matches,
    unsupported,
)

_MODIFY_SUPPORTED = "ip route add|del|replace DST [via GW] [dev DEV] [src ADDR] [metric N]"
_GET_SUPPORTED = "ip route get ADDR"

# iproute_modify()'s other keywords: refused by name.
_NOT_MODELLED = frozenset(
    "tos dsfield hoplimit mtu advmss reordering rtt rttvar window cwnd initcwnd initrwnd "
    "features quickack congctl rto_min ssthresh realms onlink nexthop nhid protocol proto "
    "table tab vrf dev-lock expires fastopen_no_cookie ttl-propagate encap scope pref "
    "as from oif iif mark uid ipproto sport dport fibmatch type unicast local broadcast "
    "multicast throw unreachable prohibit blackhole nat".split()
)


def _inet(word: str) -> str:
    """get_addr(): an IPv4 address, else iproute2's "inet address is expected"."""
    if not is_ipv4(word):
        raise LineError(f'Error: inet address is expected rather than "{word}".')
    return ".".join(str(int(o)) for o in word.split("."))


def _prefix(word: str) -> str:
    """``default`` (also ``0/0``, ``all``, ``any``) or a prefix; a bare address is /32."""
    if word in ("default", "all", "any"):
        return "default"
    cidr = check_cidr(word)
    if cidr.endswith("/0"):
        return "default"
    return cidr


def route_modify(args: Args, ctx: Context, op: str) -> Command:
    """``ip route add|del|replace [to] DST [via GW] [dev DEV] [src ADDR] [metric N]``."""
    dst: str | None = None
    via = dev = src = None
    metric: int | None = None
    while args:
        word = args.pop()
        if word == "via":
            via = _inet(args.value())
        elif word == "dev":
            dev = check_dev(args.value())  # iproute2 keeps the last "dev"
        elif word == "src":
            src = _inet(args.value())
        elif word in ("metric", "priority") or matches(word, "preference"):
            value = args.value()
            if not value.isdigit() or int(value) > 0xFFFFFFFF:
                raise invarg('"metric" value is invalid\n', value)
            metric = int(value)
        elif word in _NOT_MODELLED:
            raise unsupported(f'"{word}" in "ip route {op}"', _MODIFY_SUPPORTED)
        elif matches(word, "help"):
            raise unsupported('"ip route help"', "the commands of a lab script")
        else:
            if word == "to":
                word = args.value()
            if dst is not None:
                raise duparg2("to", word)
            dst = _prefix(word)
    if dst is None:
        raise LineError(f'vethlab: "ip route {op}" needs a destination (a prefix or '
                        '"default")')
    return ctx.make(RouteModify, op=op, dst=dst, via=via, dev=dev, src=src, metric=metric)


def route_get(args: Args, ctx: Context) -> Command:
    """``ip route get [to] ADDR``; iproute2 takes the last address it is given."""
    dst: str | None = None
    while args:
        word = args.pop()
        if word in _NOT_MODELLED or word in ("connected", "vrf"):
            raise unsupported(f'"{word}" in "ip route get"', _GET_SUPPORTED)
        if matches(word, "help"):
            raise unsupported('"ip route help"', "the commands of a lab script")
        if word == "to":
            word = args.value()
        addr, slash, plen = word.partition("/")
        if not is_ipv4(addr) or (slash and plen not in ("32",)):
            if is_ipv4(addr) and slash and plen.isdigit() and int(plen) <= 32:
                raise unsupported(f'the prefix "/{plen}" in "ip route get"', _GET_SUPPORTED)
            raise LineError(f'Error: any valid prefix is expected rather than "{word}".')
        dst = _inet(addr)
    if dst is None:
        raise LineError("need at least a destination address")
    return ctx.make(RouteGet, dst=dst)


__all__ = ["route_modify", "route_get"]
