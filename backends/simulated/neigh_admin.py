"""``ip neigh add|replace|change|del|flush`` on the model, with iproute2's errors.

The checks happen in the order ``ip`` and the kernel make them: the device is resolved
by ``ip`` itself (``Cannot find device``), then ``neigh_add``/``neigh_delete`` refuse
what they refuse (a short link-layer address, an existing entry for ``add``, a missing
one for ``change``/``del``); ``ip neigh flush`` deletes each matching entry in turn.
"""
from __future__ import annotations

from sim.commands import NeighDel, NeighFlush, NeighModify
from sim.errors import CommandError

from backends.simulated.stack import neighbour as nd
from backends.simulated.stack.actions import Action
from backends.simulated.stack.netns import Netns

COMMANDS = (NeighModify, NeighDel, NeighFlush)

#: ``ip neigh flush`` without ``nud``: everything but PERMANENT and NOARP entries.
FLUSH_DEFAULT = frozenset({nd.NONE, nd.INCOMPLETE, nd.REACHABLE, nd.STALE, nd.DELAY,
                           nd.PROBE, nd.FAILED})


def _dev(ns: Netns, name: str):
    dev = ns.dev(name)
    if dev is None:
        raise CommandError(f'Cannot find device "{name}"', rc=1)
    return dev


def _lladdr(text: str | None) -> str | None:
    """ll_addr_a2n() then neigh_add's length check (6 bytes for Ethernet)."""
    if text is None:
        return None
    parts = text.split(":")
    try:
        octets = [int(p, 16) for p in parts]
        if any(not p or len(p) > 2 for p in parts) or any(o > 255 for o in octets):
            raise ValueError
    except ValueError:
        raise CommandError(f'"{text}" is invalid lladdr.', rc=1) from None
    if len(octets) < 6:
        raise CommandError("Error: Invalid link address.", rc=2)
    return ":".join(f"{o:02x}" for o in octets[:6])


def _nud(word: str) -> str:
    state = nd.NUD_WORDS.get(word.lower()) if word else None
    if state is None:
        state = next((s for w, s in nd.NUD_WORDS.items() if w.startswith(word.lower())
                      and w in ("permanent", "reachable", "probe", "failed")), None)
    if state is None:
        raise CommandError(f'Error: argument "{word}" is wrong: nud state is bad', rc=255)
    return state


def flush_states(nud: str | None) -> frozenset[str]:
    """The states ``ip neigh flush [nud S]`` deletes (``nud all``: all but NOARP)."""
    if nud is None:
        return FLUSH_DEFAULT
    if nud == "all":
        return FLUSH_DEFAULT | {nd.PERMANENT}
    return frozenset({_nud(nud)})


def apply(ns: Netns, cmd: NeighModify | NeighDel | NeighFlush,
          now: float) -> list[tuple[Netns, list[Action]]]:
    try:
        if isinstance(cmd, NeighModify):
            dev = _dev(ns, cmd.dev)
            lladdr = _lladdr(cmd.lladdr)
            acts = ns.neigh[dev.name].modify(cmd.op, cmd.dst, lladdr, _nud(cmd.nud), now)
            return [(ns, ns.neigh_actions(dev, acts, now))]
        if isinstance(cmd, NeighDel):
            dev = _dev(ns, cmd.dev)
            return [(ns, ns.neigh_actions(dev, ns.neigh[dev.name].delete(cmd.dst, now), now))]
        states = flush_states(cmd.nud)
        if cmd.dev is not None:
            devs = [_dev(ns, cmd.dev)]
        else:
            devs = [ns.devices[i] for i in sorted(ns.devices)]
        out: list[tuple[Netns, list[Action]]] = []
        for dev in devs:
            acts = ns.neigh[dev.name].flush(now, "ip neigh flush: entry removed by the "
                                            "administrator", states=states)
            out.append((ns, ns.neigh_actions(dev, acts, now)))
        return out
    except nd.NeighError as e:
        raise CommandError(e.message, e.rc) from None
