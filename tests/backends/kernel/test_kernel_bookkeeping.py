"""What the kernel backend keeps instead of dumping agrees with a fresh dump.

The backend records MAC owners and device names from the commands it applies (so a
hundred-pod lab does not dump the node once per pod); after every kind of command that
can change them, the record must equal what the kernel reports now.
"""
from __future__ import annotations

import pytest

from backends.kernel import KernelBackend
from backends.kernel.links import parse_link
from sim.commands import (AddrAdd, LinkAddBridge, LinkAddVeth, LinkDel, LinkSet, NetnsAdd,
                          NetnsDel, Ping)
from sim.errors import CommandError
from sim.model import ROOT_NS


def _dumped_owners(backend: KernelBackend, netns: str) -> list[tuple[str, str]]:
    infos = backend._sock(netns).link_infos()
    rows = [(i.kind == "bridge", i.mac, i.name) for i in infos
            if not i.flags & 0x8 and i.mac and i.name]
    return [(mac, name) for _b, mac, name in sorted(rows, key=lambda r: r[0])]


STEPS = [
    NetnsAdd(name="node"), NetnsAdd(name="p1"), NetnsAdd(name="p2"),
    LinkAddBridge(netns="node", name="br0"),
    LinkSet(netns="node", dev="br0", up=True),
    LinkAddVeth(netns="node", name="v1", peer="eth0", peer_netns="p1"),
    LinkSet(netns="node", dev="v1", master="br0"),
    LinkSet(netns="node", dev="v1", up=True),
    LinkAddVeth(netns="node", name="v2", peer="eth0", peer_netns="p2"),
    LinkSet(netns="node", dev="v2", master="br0"),
    LinkSet(netns="node", dev="v2", up=True),
    LinkSet(netns="p1", dev="eth0", up=True),
    AddrAdd(netns="p1", dev="eth0", cidr="10.0.0.2/24"),
    LinkSet(netns="node", dev="v1", address="02:00:00:00:00:01"),
    LinkSet(netns="node", dev="v2", nomaster=True),
    LinkSet(netns="node", dev="v2", master="br0"),
    LinkAddVeth(netns="node", name="x", peer="y"),
    LinkSet(netns="node", dev="y", to_netns="p1"),
    LinkSet(netns="node", dev="x", master="br0"),
    LinkSet(netns="node", dev="nope", master="br0"),  # fails
    LinkAddVeth(netns="node", name="v1", peer="z"),  # fails: v1 exists
    LinkDel(netns="p2", dev="eth0"),  # takes v2 (a port) with it
    NetnsDel(name="p1"),  # takes v1 and x
]


def test_mac_owners_match_a_fresh_dump_after_every_command():
    backend = KernelBackend()
    try:
        for cmd in STEPS:
            try:
                backend.apply(cmd)
            except CommandError:
                pass
            for ns in [ROOT_NS] + [n for n in backend.sandbox.namespaces if n != ROOT_NS]:
                assert backend.mac_owners(ns) == _dumped_owners(backend, ns), (cmd, ns)
    finally:
        backend.close()


def test_parse_link_agrees_with_pyroute2():
    backend = KernelBackend()
    try:
        for cmd in STEPS[:12]:
            backend.apply(cmd)
        backend.settle()  # flags must not change between the two dumps
        nl = backend._sock("node")
        full = {m["index"]: m for m in nl.links()}
        for info in nl.link_infos():
            m = full[info.index]
            li = m.get_attr("IFLA_LINKINFO")
            assert info.name == m.get_attr("IFLA_IFNAME")
            assert info.flags == m["flags"]
            assert info.kind == (li.get_attr("IFLA_INFO_KIND") if li is not None else None)
            assert info.mac == m.get_attr("IFLA_ADDRESS")
            assert info.master == (m.get_attr("IFLA_MASTER") or None)
            assert info.link == m.get_attr("IFLA_LINK")
            assert info.link_netnsid == m.get_attr("IFLA_LINK_NETNSID")
        assert nl.index_of("br0") == next(i for i, m in full.items()
                                          if m.get_attr("IFLA_IFNAME") == "br0")
        assert nl.index_of("no-such-device") is None
        assert parse_link(b"\0" * 32).name == ""
    finally:
        backend.close()


def test_events_name_devices_after_renames_and_moves():
    """Neighbour events name their device although the name map is re-read only when
    an event needs it."""
    backend = KernelBackend()
    try:
        for cmd in (NetnsAdd(name="a"), NetnsAdd(name="b"),
                    LinkAddVeth(netns="a", name="va", peer="tmp"),
                    LinkSet(netns="a", dev="tmp", to_netns="b"),
                    AddrAdd(netns="a", dev="va", cidr="10.9.0.1/24"),
                    LinkSet(netns="a", dev="va", up=True)):
            backend.apply(cmd)
        backend.apply(AddrAdd(netns="b", dev="tmp", cidr="10.9.0.2/24"))
        backend.apply(LinkSet(netns="b", dev="tmp", up=True))
        report = backend.ping(Ping(netns="a", dest="10.9.0.2", count=1))
        assert report.rc == 0
        devs = {(e.netns, e.dev) for e in backend.events()}
        assert ("a", "va") in devs
        assert all(not d.startswith("if") for _ns, d in devs)
    finally:
        backend.close()


@pytest.mark.parametrize("pods", [3])
def test_bridge_loop_still_refused_with_cheap_checks(pods):
    """Two bridges in two namespaces joined twice: the second join is refused, also
    when the check takes its cheap path for the pods in between."""
    backend = KernelBackend()
    try:
        cmds = [NetnsAdd(name="n1"), NetnsAdd(name="n2"),
                LinkAddBridge(netns="n1", name="br"), LinkAddBridge(netns="n2", name="br"),
                LinkSet(netns="n1", dev="br", up=True), LinkSet(netns="n2", dev="br", up=True)]
        for p in range(pods):
            cmds += [NetnsAdd(name=f"p{p}"),
                     LinkAddVeth(netns="n1", name=f"v{p}", peer="eth0", peer_netns=f"p{p}"),
                     LinkSet(netns="n1", dev=f"v{p}", master="br"),
                     LinkSet(netns="n1", dev=f"v{p}", up=True)]
        for j in (1, 2):
            cmds += [LinkAddVeth(netns="n1", name=f"j{j}", peer=f"k{j}", peer_netns="n2"),
                     LinkSet(netns="n1", dev=f"j{j}", master="br"),
                     LinkSet(netns="n2", dev=f"k{j}", master="br"),
                     LinkSet(netns="n1", dev=f"j{j}", up=True)]
        last = LinkSet(netns="n2", dev="k2", up=True)
        for cmd in cmds + [LinkSet(netns="n2", dev="k1", up=True)]:
            backend.apply(cmd)
        with pytest.raises(CommandError, match="refusing to close a bridge loop"):
            backend.apply(last)
    finally:
        backend.close()
