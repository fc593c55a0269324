"""The ``bridge`` tool (iproute2's ``bridge/``): ``bridge fdb [show]`` and ``bridge link [show]``.

``bridge`` resolves objects and verbs with ``matches()`` like ``ip`` does, in the order
of its own tables (``bridge l`` is ``link``, ``bridge f s`` is ``fdb show``); only the
listings are modelled, the rest is refused by name.  Messages are iproute2 6.1's.
"""
from __future__ import annotations

from sim.commands import BridgeFdbShow, BridgeLinkShow, Command
from sim.script.context import Args, Context
from sim.script.validate import (
    LineError,
    check_dev,
    check_netns_name,
    keyword,
    matches,
    unsupported,
)

# bridge.c cmds[]: the objects in the order they are matched.
_OBJECTS = ["link", "fdb", "mdb", "vlan", "monitor", "help"]
_SUPPORTED = "bridge fdb show [br BR] [dev DEV], bridge link show [dev DEV]"

_FDB_VERBS: list[tuple[str, bool]] = [
    ("add", True), ("append", True), ("replace", True), ("delete", True), ("get", True),
    ("show", True), ("lst", True), ("list", True), ("flush", True), ("help", True),
]
_LINK_VERBS: list[tuple[str, bool]] = [
    ("set", True), ("change", True), ("show", True), ("lst", True), ("list", True),
    ("help", True),
]


def _verb(args: Args, table: list[tuple[str, bool]], obj: str) -> str:
    word = args.pop()
    verb = keyword(word, table)
    if verb is None:
        raise LineError(f'Command "{word}" is unknown, try "bridge {obj} help".')
    return verb


def _fdb(args: Args, ctx: Context) -> Command:
    if args:
        verb = _verb(args, _FDB_VERBS, "fdb")
        if verb not in ("show", "lst", "list"):
            raise unsupported(f'"bridge fdb {verb}"', _SUPPORTED)
    br: str | None = None
    dev: str | None = None
    while args:
        word = args.pop()
        if word == "br":
            br = args.once("br", br, check_dev)
        elif word == "dev":
            dev = args.once("dev", dev, check_dev)
        else:
            raise unsupported(f'"{word}" in "bridge fdb show"', _SUPPORTED)
    return ctx.make(BridgeFdbShow, br=br, dev=dev)


def _link(args: Args, ctx: Context) -> Command:
    if args:
        verb = _verb(args, _LINK_VERBS, "link")
        if verb not in ("show", "lst", "list"):
            raise unsupported(f'"bridge link {verb}"', _SUPPORTED)
    dev: str | None = None
    while args:
        word = args.pop()
        if word == "dev":
            dev = args.once("dev", dev, check_dev)
        else:
            # bridge link show NAME (without "dev") is accepted by iproute2 but ignored;
            # refusing it keeps a lab from expecting a filter that does not happen
            raise unsupported(f'"{word}" in "bridge link show"', _SUPPORTED)
    return ctx.make(BridgeLinkShow, dev=dev)


def _options(args: Args, ctx: Context) -> Context:
    """``bridge``'s leading options; only ``-n``/``-netns NS`` is modelled."""
    while args and args.peek().startswith("-"):
        opt = args.pop()
        if opt.startswith("--"):
            opt = opt[1:]
        if matches(opt, "-netns") and len(opt) >= 2:
            ctx = ctx.inside(check_netns_name(args.value()))
        else:
            raise unsupported(f'the bridge option "{opt}"', "-n NETNS, -netns NETNS")
    return ctx


def parse_bridge(argv: list[str], ctx: Context) -> Command:
    """Parse a ``bridge ...`` command line (``argv[0]`` is ``bridge``)."""
    args = Args(argv[1:])
    ctx = _options(args, ctx)
    if not args:
        raise LineError("Usage: bridge [ OPTIONS ] OBJECT { COMMAND | help }")
    word = args.pop()
    obj = next((o for o in _OBJECTS if matches(word, o)), None)
    if obj is None:
        raise LineError(f'Object "{word}" is unknown, try "bridge help".')
    if obj == "fdb":
        return _fdb(args, ctx)
    if obj == "link":
        return _link(args, ctx)
    raise unsupported(f'"bridge {obj}"', _SUPPORTED)
