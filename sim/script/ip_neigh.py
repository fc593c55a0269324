"""``ip neigh add|change|replace|delete|flush`` as iproute2 6.1 reads them.

``ipneigh_modify()`` takes its words in any order — ``lladdr`` (a prefix), ``nud``,
``dev``, ``router``/``proxy``/``extern_learn``/``protocol`` (not modelled), ``to`` — and
anything else is the destination address.  It needs a device and a destination
(``Device and destination are required arguments.``, status 255).  The state defaults
to ``permanent``.  ``ip neigh flush`` needs at least one argument.
"""
from __future__ import annotations

import re

from sim.commands import Command, NeighDel, NeighFlush, NeighModify
from sim.script.context import Args, Context
from sim.script.validate import (LineError, check_dev, duparg2, invarg, is_ipv4,
                                 matches, unsupported)

#: nud_state_a2n(): prefix matches for these four, exact words for the rest.
_NUD_PREFIX = ("permanent", "reachable", "probe", "failed")
_NUD_EXACT = ("noarp", "none", "stale", "incomplete", "delay")


def nud_word(word: str, flush: bool = False) -> str:
    """The state name a ``nud`` argument means (``all`` only for flush)."""
    for name in _NUD_PREFIX:
        if matches(word, name):
            return name
    if word in _NUD_EXACT or (flush and word == "all"):
        return word
    raise invarg("nud state is bad", word)


def _addr(word: str) -> str:
    if ":" in word and not is_ipv4(word):
        raise LineError(f'vethlab: IPv6 neighbours are not supported yet ("{word}")')
    if not is_ipv4(word):
        raise LineError(f'Error: any valid address is expected rather than "{word}".')
    return word


def _lladdr(word: str) -> str:
    """ll_addr_a2n(): each byte one or two hex digits (the length is the kernel's)."""
    for part in word.split(":"):
        if not re.fullmatch(r"[0-9a-fA-F]{1,2}", part):
            raise LineError(f'"{part}" is invalid lladdr.')
    return word


def neigh_modify(args: Args, ctx: Context, op: str) -> Command:
    """``ip neigh add|change|replace|delete ADDR [lladdr MAC] dev DEV [nud STATE]``."""
    lladdr: str | None = None
    dev: str | None = None
    dst: str | None = None
    nud = "permanent"
    verb = "del" if op == "delete" else op
    while args:
        word = args.pop()
        if matches(word, "lladdr"):
            lladdr = args.once("lladdr", lladdr, _lladdr)
        elif word == "nud":
            nud = nud_word(args.value())
        elif word == "dev":
            dev = check_dev(args.value())
        elif word == "router" or matches(word, "proxy") or matches(word, "extern_learn") \
                or matches(word, "protocol"):
            raise unsupported(f'"{word}" in "ip neigh {verb}"',
                              f"ip neigh {verb} ADDR [lladdr MAC] dev DEV [nud STATE]")
        else:
            if word == "to":
                word = args.value()
            if matches(word, "help"):
                raise unsupported('"ip neigh help"', "the commands of a lab script")
            if dst is not None:
                raise duparg2("to", word)
            dst = _addr(word)
    if dev is None or dst is None:
        raise LineError("Device and destination are required arguments.")
    if op == "delete":
        return ctx.make(NeighDel, dst=dst, dev=dev)
    return ctx.make(NeighModify, op=op, dst=dst, dev=dev, lladdr=lladdr, nud=nud)


def neigh_flush(args: Args, ctx: Context) -> Command:
    """``ip neigh flush [dev DEV] [nud STATE] [all]`` (``Flush requires arguments.``)."""
    if not args:
        raise LineError("Flush requires arguments.")
    dev: str | None = None
    nud: str | None = None
    while args:
        word = args.pop()
        if word == "dev":
            dev = args.once("dev", dev, check_dev)
        elif word == "nud":
            value = nud_word(args.value(), flush=True)
            if nud is not None and nud != value:
                raise unsupported("more than one nud in \"ip neigh flush\"",
                                  "ip neigh flush [dev DEV] [nud STATE]")
            nud = value
        elif word in ("all", "any", "default"):
            continue
        else:
            raise unsupported(f'"{word}" in "ip neigh flush"',
                              "ip neigh flush dev DEV [nud STATE] | all")
    return ctx.make(NeighFlush, dev=dev, nud=nud)
