"""Which device owns each MAC, per namespace, kept up to date from the commands applied.

The runner records MAC owners before every command that can change one (``ip link set
… master``, ``address``, deletions), so frames can name MACs by their owner.  Answering
with a fresh link dump each time cost a dump of the whole namespace per command: a node
with a hundred pods on its bridge was dumped a hundred times (~5,000 devices parsed).
MACs change only when a command says so, and the kernel's one side effect is known:

- a new veth or bridge brings its own MACs: look those devices up by name;
- ``master BR`` makes the bridge re-take the smallest MAC of its ports: look the
  namespace's bridges up again;
- ``up``/``down``, addresses, routes, neighbours and programs change no MAC;
- anything else that touches links (``address``, ``nomaster``, ``netns``, ``link del``,
  ``netns del`` — a veth's peer goes with it, and a bridge may lose a port) forgets the
  namespaces concerned, which are dumped again when next asked.

A failed command forgets what it names, whatever it did.
"""
from __future__ import annotations

from typing import Callable

from backends.kernel.links import LinkInfo, NetlinkError, NetlinkSocket
from sim.commands import (Command, LinkAddBridge, LinkAddVeth, LinkDel, LinkSet, NetnsAdd,
                          NetnsDel)

IFF_LOOPBACK = 0x8
#: ``(name, mac, is_bridge)`` by ifindex
Devices = dict[int, tuple[str, str, bool]]


def _row(info: LinkInfo) -> tuple[int, tuple[str, str, bool]] | None:
    if info.flags & IFF_LOOPBACK or not info.mac or not info.name:
        return None
    return info.index, (info.name, info.mac, info.kind == "bridge")


class MacBook:
    """``owners(netns)`` as ``(mac, dev)`` pairs, bridges last, from a per-namespace
    record that ``applied(cmd, ok)`` keeps current.  ``sock(netns)`` gives a namespace's
    verified netlink socket, or None once it is gone."""

    def __init__(self, sock: Callable[[str], NetlinkSocket | None]):
        self._sock = sock
        self._known: dict[str, Devices] = {}

    def owners(self, netns: str) -> list[tuple[str, str]]:
        devs = self._known.get(netns)
        if devs is None:
            nl = self._sock(netns)
            if nl is None:
                return []
            try:
                infos = nl.link_infos()
            except (OSError, NetlinkError):
                return []
            devs = self._known[netns] = dict(r for i in infos if (r := _row(i)) is not None)
        rows = sorted(devs.items())  # ifindex order, as a dump gives them
        return [(mac, name) for _i, (name, mac, bridge) in
                sorted(rows, key=lambda r: r[1][2])]

    def applied(self, cmd: Command, ok: bool) -> None:
        """Bring the record up to date after ``cmd`` (``ok``: it succeeded)."""
        if isinstance(cmd, (LinkDel, NetnsDel)):
            self._known.clear()
        elif isinstance(cmd, NetnsAdd):
            self._known.pop(cmd.name, None)
        elif isinstance(cmd, LinkAddVeth):
            ends = ((cmd.name, cmd.name_netns or cmd.netns),
                    (cmd.peer, cmd.peer_netns or cmd.netns))
            for name, ns in ends:
                self._look_up(ns, name) if ok else self._forget(ns)
        elif isinstance(cmd, LinkAddBridge):
            self._look_up(cmd.netns, cmd.name) if ok else self._forget(cmd.netns)
        elif isinstance(cmd, LinkSet):
            if not ok or cmd.address or cmd.nomaster or cmd.to_netns:
                self._forget(cmd.netns)
                if cmd.to_netns:
                    self._forget(cmd.to_netns)
            elif cmd.master:
                devs = self._known.get(cmd.netns, {})
                for name in {n for n, _m, bridge in devs.values() if bridge} | {cmd.master}:
                    self._look_up(cmd.netns, name)

    def _forget(self, netns: str) -> None:
        self._known.pop(netns, None)

    def _look_up(self, netns: str, name: str) -> None:
        """Refresh one device of a namespace we keep (a namespace not kept is dumped
        whole when next asked)."""
        devs = self._known.get(netns)
        if devs is None:
            return
        nl = self._sock(netns)
        try:
            info = nl.link_info(name) if nl is not None else None
        except (OSError, NetlinkError):
            info = None
        row = _row(info) if info is not None else None
        if row is None:
            self._forget(netns)
            return
        for index in [i for i, (n, _m, _b) in devs.items() if n == name]:
            del devs[index]
        devs[row[0]] = row[1]
