"""``bridge fdb show`` and ``bridge link`` text, as iproute2 6.1's ``bridge`` prints them.

The snapshot's ``fdb`` is already in the kernel's dump order (device by device: a port's
entries in its bridge's table, newest first, then the device's own unicast and multicast
address lists as ``self permanent``; a bridge's own lists first, then its local entries);
these functions only filter and format, the way ``rtnl_fdb_dump()`` filters for
``br``/``brport`` and iproute2 drops ``dev X`` when it was asked for one device.

``bridge link`` differs from ``ip link`` in one detail worth knowing: it resolves the
veth peer's index (``IFLA_LINK``) in *this* namespace even when the peer lives in
another, so ``@NAME`` can name an unrelated local device, ``@ifN`` appears only when no
local device has that index, and no ``@`` at all when the index is the port's own.
"""
from __future__ import annotations

from dataclasses import replace

from sim.errors import CommandError
from sim.model import FdbEntry, Link, NetnsState
from sim.show.link import flags_text


def _no_device(dev: str) -> CommandError:
    return CommandError(f'Cannot find device "{dev}"', rc=255)


def fdb_line(e: FdbEntry, with_dev: bool) -> str:
    """print_fdb(): mac, dev, vlan, self, master, then the state word and a newline."""
    line = f"{e.mac} "
    if with_dev:
        line += f"dev {e.dev} "
    if e.vlan is not None:
        line += f"vlan {e.vlan} "
    if e.self_:
        line += "self "
    if e.master:
        line += f"master {e.master} "
    return line + f"{e.state}\n"


def render_fdb(state: NetnsState, br: str | None = None, dev: str | None = None) -> str:
    """``bridge fdb show [br BR] [dev DEV]``; unknown names give the tool's errors (rc 255)."""
    if br is not None:
        br_link = state.link(br)
        if br_link is None:
            raise CommandError(f'Cannot find bridge device "{br}"', rc=255)
        if br_link.kind != "bridge":
            return ""  # the dump has nothing to ask a device without an fdb
    if dev is not None and state.link(dev) is None:
        raise _no_device(dev)
    kinds = {l.name: l.kind for l in state.links}
    masters = {l.name: l.master for l in state.links}
    out = []
    for e in state.fdb:
        if dev is not None and e.dev != dev:
            continue
        # rtnl_fdb_dump() with a bridge filter visits that bridge's ports and bridges
        if br is not None and not (kinds.get(e.dev) == "bridge" or masters.get(e.dev) == br):
            continue
        out.append(fdb_line(e, with_dev=dev is None))
    return "".join(out)


def _port_name(link: Link, state: NetnsState) -> tuple[str, bool]:
    """``NAME@PEER`` as ``bridge`` resolves IFLA_LINK locally, and whether M-DOWN applies."""
    peer = link.peer_ifindex
    if not peer or peer == link.index:
        return link.name, False
    local = next((l for l in state.links if l.index == peer), None)
    if local is None:
        return f"{link.name}@if{peer}", False
    return f"{link.name}@{local.name}", "UP" not in local.flags


def render_bridge_link(state: NetnsState, dev: str | None = None) -> str:
    """``bridge link [show] [dev DEV]``: one line per bridge port, in ifindex order."""
    if dev is not None and state.link(dev) is None:
        raise _no_device(dev)
    out = []
    for port in sorted(state.bridge_ports, key=lambda p: p.index):
        if dev is not None and port.name != dev:
            continue
        link = state.link(port.name)
        if link is None:
            continue
        name, mdown = _port_name(link, state)
        bare = replace(link, kind="port", peer_ifindex=None, peer_name=None,
                       link_netns=None, flags=tuple(f for f in link.flags if f != "M-DOWN"))
        flags = flags_text(bare, state)
        if mdown:
            flags = flags[:-1] + ",M-DOWN>"
        out.append(f"{link.index}: {name}: {flags} mtu {link.mtu} master {port.master} "
                   f"state {port.state} priority {port.priority} cost {port.cost} \n")
    return "".join(out)
