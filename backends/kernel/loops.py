"""Refuse the link change that would close a loop of bridges on the real kernel.

Measured here (inside ``unshare --net``, kernel 6.18): two bridges joined by two veth
pairs, everything up, and the first broadcast (an ARP request, even an IPv6 MLD report)
circles for ever — ~160,000 frames a second on each veth, two ksoftirqd threads at
80-130 % CPU, until a link of the loop goes down or is deleted.  Linux bridges run no
spanning tree unless asked, so nothing stops it, and our capture sockets would copy
every one of those frames into memory.

The simulator can afford to show a storm (it stops at ``--max-sim-frames``); the kernel
backend must not start one.  So before ``ip link set … up`` or ``… master BR`` it looks at
every lab namespace's links and asks: with this change, do the up bridges and the up
veth pairs between their ports form a cycle?  If so the command fails with a message
and nothing changes.  Plain veths between namespaces cannot loop (IP forwarding has a
TTL); only bridges forward a frame without changing it.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable

from sim.commands import LinkSet
from sim.model import ROOT_NS

IFF_UP = 0x1


@dataclass
class Dev:
    """What the loop check needs of one device."""

    netns: str
    index: int
    name: str
    kind: str | None
    up: bool
    master: int | None  # ifindex of its bridge, in the same namespace
    peer: int | None  # veth peer's ifindex
    peer_nsid: int | None  # the peer's namespace as this one numbers it (None: same)


def from_dump(netns: str, msgs: list[Any]) -> list[Dev]:
    """``Dev`` records from one namespace's RTM_GETLINK dump (pyroute2 ifinfmsg)."""
    out = []
    for m in msgs:
        info = m.get_attr("IFLA_LINKINFO")
        kind = info.get_attr("IFLA_INFO_KIND") if info is not None else None
        out.append(Dev(netns=netns, index=m["index"], name=m.get_attr("IFLA_IFNAME"),
                       kind=kind, up=bool(m["flags"] & IFF_UP),
                       master=m.get_attr("IFLA_MASTER") or None,
                       peer=m.get_attr("IFLA_LINK"), peer_nsid=m.get_attr("IFLA_LINK_NETNSID")))
    return out


def from_infos(netns: str, infos: list[Any]) -> list[Dev]:
    """``Dev`` records from ``links.LinkInfo`` records (the backend's cheap dump)."""
    return [Dev(netns=netns, index=i.index, name=i.name, kind=i.kind, up=bool(i.flags & IFF_UP),
                master=i.master or None, peer=i.link, peer_nsid=i.link_netnsid) for i in infos]


def _label(netns: str, name: str) -> str:
    return name if netns == ROOT_NS else f"{netns}/{name}"


def find_loop(devs: list[Dev], nsid_name: Callable[[str, int], str | None]) -> str | None:
    """The first veth pair that joins two already-connected up bridges, described; or None.

    ``nsid_name(viewer, nsid)`` names the namespace ``viewer`` calls ``nsid``.
    """
    by_key = {(d.netns, d.index): d for d in devs}

    def up_bridge(netns: str, index: int | None) -> bool:
        b = by_key.get((netns, index)) if index else None
        return b is not None and b.kind == "bridge" and b.up

    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def root(x: tuple[str, int]) -> tuple[str, int]:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    seen: set[frozenset] = set()
    for d in devs:
        if d.kind != "veth" or not d.up or d.peer is None or not up_bridge(d.netns, d.master):
            continue
        peer_ns = d.netns if d.peer_nsid is None else nsid_name(d.netns, d.peer_nsid)
        if peer_ns is None:
            continue
        p = by_key.get((peer_ns, d.peer))
        if p is None or not p.up or not up_bridge(p.netns, p.master):
            continue
        pair = frozenset({(d.netns, d.index), (p.netns, p.index)})
        if pair in seen:
            continue
        seen.add(pair)
        a, b = root((d.netns, d.master)), root((p.netns, p.master))  # type: ignore[arg-type]
        if a == b:
            br_a = by_key[(d.netns, d.master)]  # type: ignore[index]
            br_b = by_key[(p.netns, p.master)]  # type: ignore[index]
            ends = f"{_label(d.netns, d.name)} and {_label(p.netns, p.name)}"
            if br_a is br_b:
                return f"the veth pair {ends} would join bridge {_label(br_a.netns, br_a.name)} to itself"
            return (f"the veth pair {ends} would join bridges {_label(br_a.netns, br_a.name)} "
                    f"and {_label(br_b.netns, br_b.name)}, which are already connected")
        parent[a] = b
    return None


def may_close(dev: Dev, cmd: LinkSet, peer_ns: str | None, bridge_ns: set[str]) -> bool:
    """Whether changing ``dev`` as ``cmd`` says could close a loop at all.

    Cheap, from the one device: only a bridge, or a veth that is (or becomes) a bridge
    port whose peer sits where a bridge may be, can add an edge between bridges.  It
    spares a lab of many pods on one bridge a full dump for every ``link set … up``.
    """
    if dev.kind == "bridge":
        return True
    if dev.kind != "veth" or not (cmd.master or dev.master):
        return False
    return peer_ns is None or peer_ns in bridge_ns


def loop_after(cmd: LinkSet, dumps: dict[str, list[Any]],
               nsid_name: Callable[[str, int], str | None]) -> str | None:
    """The message refusing ``cmd`` if, applied, it would close a bridge loop; else None."""
    devs = [d for ns, msgs in dumps.items() for d in from_dump(ns, msgs)]
    return loop_message(cmd, devs, nsid_name)


def loop_message(cmd: LinkSet, devs: list[Dev],
                 nsid_name: Callable[[str, int], str | None]) -> str | None:
    """``loop_after`` over ``Dev`` records (what the tests feed it); ``devs`` is not changed."""
    devs = [replace(d) for d in devs]
    target = next((d for d in devs if d.netns == cmd.netns and d.name == cmd.dev), None)
    if target is None:
        return None  # the command fails on its own ("Cannot find device")
    if cmd.up:
        target.up = True
    if cmd.master:
        br = next((d for d in devs if d.netns == cmd.netns and d.name == cmd.master), None)
        if br is None:
            return None
        target.master = br.index
    # The changed device's pair last, the device first: the pair that closes the loop
    # is then the one the message names, from the user's side.
    devs.remove(target)
    peer = next((d for d in devs if d.index == target.peer and target.peer_nsid is None
                 and d.netns == target.netns), None)
    if peer is not None:
        devs.remove(peer)
    devs += [target] + ([peer] if peer is not None else [])
    why = find_loop(devs, nsid_name)
    if why is None:
        return None
    return (f"vethlab: refusing to close a bridge loop: {why}.  With no spanning tree, the "
            "real kernel would flood every broadcast around it for ever (hundreds of "
            "thousands of frames a second); run this lab with --backend sim to watch the "
            "storm, bounded by --max-sim-frames")
