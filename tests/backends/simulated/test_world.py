"""Configuration: ifindex allocation, veth carrier, addresses, routes, nsids, errors.

The expected values were measured with iproute2 6.1 on Linux 6.18 inside
``unshare --net --mount``.
"""
from __future__ import annotations

import random

import pytest

from backends.simulated.world import World
from sim.commands import (AddrAdd, AddrDel, LinkAddVeth, LinkDel, LinkSet, NetnsAdd,
                          NetnsDel)
from sim.errors import CommandError


@pytest.fixture
def w() -> World:
    return World(random.Random(0))


def links(w: World, ns: str = "root"):
    return {l.name: l for l in w.snapshot(ns).links}


def test_fresh_namespace_has_only_lo_down(w):
    w.apply(NetnsAdd(name="ns1"), 0.0)
    (lo,) = w.snapshot("ns1").links
    assert (lo.index, lo.name, lo.flags, lo.operstate, lo.qdisc, lo.mtu, lo.mac) == \
        (1, "lo", ("LOOPBACK",), "DOWN", "noop", 65536, "00:00:00:00:00:00")
    w.apply(LinkSet(netns="ns1", dev="lo", up=True), 0.0)
    s = w.snapshot("ns1")
    assert s.links[0].flags == ("LOOPBACK", "UP", "LOWER_UP")
    assert (s.links[0].operstate, s.links[0].qdisc) == ("UNKNOWN", "noqueue")
    assert [(a.local, a.prefixlen, a.scope) for a in s.addresses] == [("127.0.0.1", 8, "host")]
    assert s.routes == ()  # lo's routes live in the local table


def test_veth_peer_registered_first(w):
    w.apply(LinkAddVeth(name="veth1", peer="veth1-peer"), 0.0)
    l = links(w)
    assert (l["veth1-peer"].index, l["veth1"].index) == (2, 3)
    assert l["veth1"].peer_name == "veth1-peer" and l["veth1"].peer_ifindex == 2
    assert l["veth1"].link_netns is None
    assert l["veth1"].flags == ("BROADCAST", "MULTICAST") and l["veth1"].qdisc == "noop"


def test_ifindex_cyclic_and_kept_on_move(w):
    w.apply(NetnsAdd(name="ns1"), 0.0)
    w.apply(LinkAddVeth(name="x1", peer="x2"), 0.0)  # x2=2, x1=3
    w.apply(LinkDel(dev="x1"), 0.0)
    w.apply(LinkAddVeth(name="y1", peer="y2"), 0.0)
    assert (links(w)["y2"].index, links(w)["y1"].index) == (4, 5)  # no reuse of 2, 3
    w.apply(LinkSet(dev="y1", to_netns="ns1"), 0.0)
    assert links(w, "ns1")["y1"].index == 5  # free there: kept
    w.apply(LinkAddVeth(netns="ns1", name="a", peer="b"), 0.0)
    assert (links(w, "ns1")["b"].index, links(w, "ns1")["a"].index) == (2, 3)
    w.apply(LinkAddVeth(name="c1", peer="c2"), 0.0)  # root: c2=6, c1=7
    w.apply(LinkSet(dev="c2", to_netns="ns1"), 0.0)
    assert links(w, "ns1")["c2"].index == 6
    w.apply(LinkAddVeth(netns="ns1", name="d1", peer="d2"), 0.0)
    w.apply(LinkAddVeth(name="e1", peer="e2"), 0.0)  # root 8, 9
    w.apply(LinkSet(netns="ns1", dev="d1", to_netns="root"), 0.0)
    # d1 got 7 in ns1 (d2 4; 5 and 6 taken), 7 is c1's in root: next cyclic index there.
    assert links(w)["d1"].index == 10


def test_carrier_needs_both_ends_up(w):
    w.apply(LinkAddVeth(name="v", peer="p"), 0.0)
    w.apply(AddrAdd(dev="v", cidr="10.0.0.1/24"), 0.0)
    assert w.snapshot("root").routes == ()  # device down: no route
    w.apply(LinkSet(dev="v", up=True), 0.0)
    v = links(w)["v"]
    assert (v.flags, v.operstate, v.qdisc) == (("BROADCAST", "MULTICAST", "UP"),
                                               "LOWERLAYERDOWN", "noqueue")
    (r,) = w.snapshot("root").routes
    assert (r.dst, r.dev, r.proto, r.scope, r.src, r.linkdown) == \
        ("10.0.0.0/24", "v", "kernel", "link", "10.0.0.1", True)
    w.apply(LinkSet(dev="p", up=True), 0.0)
    assert links(w)["v"].flags == ("BROADCAST", "MULTICAST", "UP", "LOWER_UP")
    assert links(w)["v"].operstate == "UP"
    assert not w.snapshot("root").routes[0].linkdown
    w.apply(LinkSet(dev="p", up=False), 0.0)
    p = links(w)["p"]
    assert (p.flags, p.operstate, p.qdisc) == (("BROADCAST", "MULTICAST"), "DOWN", "noqueue")


def test_seed_nsids_and_listing_order(w):
    for c in [NetnsAdd(name="ns1"), NetnsAdd(name="ns2"),
              LinkAddVeth(name="veth1", peer="veth1-peer"),
              LinkSet(dev="veth1", to_netns="ns1"), LinkSet(dev="veth1-peer", to_netns="ns2")]:
        w.apply(c, 0.0)
    assert [(e.name, e.nsid) for e in w.netns_list().entries] == [("ns2", 1), ("ns1", 0)]
    assert [(e.name, e.nsid) for e in w.netns_list("ns1").entries] == [("ns2", 1), ("ns1", None)]
    assert [(e.name, e.nsid) for e in w.netns_list("ns2").entries] == [("ns2", None), ("ns1", 0)]
    v = links(w, "ns1")["veth1"]
    assert (v.index, v.peer_ifindex, v.link_netns, v.peer_name) == (3, 2, "ns2", None)
    w.apply(NetnsDel(name="ns1"), 0.0)
    assert links(w, "ns2").keys() == {"lo"}  # the pair died together
    assert [(e.name, e.nsid) for e in w.netns_list().entries] == [("ns2", 1)]


def test_addresses_order_secondaries_and_routes(w):
    w.apply(LinkAddVeth(name="veth1", peer="p"), 0.0)
    w.apply(LinkSet(dev="veth1", up=True), 0.0)
    for c in ["10.0.0.1/24", "10.0.0.2/24", "10.1.0.1/16", "10.0.0.0/8", "9.9.9.9"]:
        w.apply(AddrAdd(dev="veth1", cidr=c), 0.0)
    s = w.snapshot("root")
    assert [f"{a.local}/{a.prefixlen}" for a in s.addresses] == \
        ["10.0.0.1/24", "10.1.0.1/16", "10.0.0.0/8", "9.9.9.9/32", "10.0.0.2/24"]
    assert [r.dst for r in s.routes] == ["10.0.0.0/24", "10.0.0.0/8", "10.1.0.0/16"]
    w.apply(AddrDel(dev="veth1", cidr="10.0.0.1/24"), 0.0)  # takes its secondary along
    assert [a.local for a in w.snapshot("root").addresses] == ["10.1.0.1", "10.0.0.0", "9.9.9.9"]
    w.apply(AddrDel(dev="veth1", cidr="10.1.0.1"), 0.0)  # bare: any prefix length
    w.apply(LinkSet(dev="veth1", up=False), 0.0)
    assert w.snapshot("root").routes == ()


@pytest.mark.parametrize("cmd, message, rc", [
    (NetnsAdd(name="ns1"), 'Cannot create namespace file "/run/netns/ns1": File exists', 1),
    (NetnsDel(name="ns9"), 'Cannot remove namespace file "/run/netns/ns9": No such file or '
                           'directory', 1),
    (LinkSet(netns="ns9", dev="veth1", up=True),
     'Cannot open network namespace "ns9": No such file or directory', 255),
    (LinkSet(dev="veth9", up=True), 'Cannot find device "veth9"', 1),
    (AddrAdd(dev="veth9", cidr="1.1.1.1/24"), 'Cannot find device "veth9"', 1),
    (LinkDel(dev="veth9"), 'Cannot find device "veth9"', 1),
    (LinkAddVeth(name="veth1", peer="x"), "RTNETLINK answers: File exists", 2),
    (AddrAdd(dev="veth1", cidr="172.16.0.1/24"), "Error: ipv4: Address already assigned.", 2),
    (AddrDel(dev="veth1", cidr="172.16.0.9/24"), "Error: ipv4: Address not found.", 2),
    (LinkSet(dev="veth9", to_netns="ns9"),
     'Error: argument "ns9" is wrong: Invalid "netns" value\n', 255),
    (LinkSet(dev="lo", to_netns="ns1"), "Error: The interface netns is immutable.", 2),
    (LinkDel(dev="lo"), "RTNETLINK answers: Operation not supported", 2),
    (LinkSet(dev="veth1", address="01:00:00:00:00:01"),
     "RTNETLINK answers: Cannot assign requested address", 2),
])
def test_errors_as_iproute2_prints_them(w, cmd, message, rc):
    w.apply(NetnsAdd(name="ns1"), 0.0)
    w.apply(LinkAddVeth(name="veth1", peer="veth1-peer"), 0.0)
    w.apply(AddrAdd(dev="veth1", cidr="172.16.0.1/24"), 0.0)
    with pytest.raises(CommandError) as exc:
        w.apply(cmd, 0.0)
    assert (exc.value.message, exc.value.rc) == (message, rc)


def test_move_into_namespace_with_same_name(w):
    w.apply(NetnsAdd(name="ns1"), 0.0)
    w.apply(LinkAddVeth(netns="ns1", name="veth1", peer="zz"), 0.0)
    w.apply(LinkAddVeth(name="veth1", peer="veth1-peer"), 0.0)
    with pytest.raises(CommandError, match="same name exists in the target netns"):
        w.apply(LinkSet(dev="veth1", to_netns="ns1"), 0.0)


def test_macs_random_locally_administered_and_seeded():
    def macs(seed):
        w = World(random.Random(seed))
        w.apply(LinkAddVeth(name="a", peer="b"), 0.0)
        return links(w)["a"].mac, links(w)["b"].mac

    a, b = macs(7)
    assert macs(7) == (a, b) and macs(8) != (a, b)
    for m in (a, b):
        first = int(m[:2], 16)
        assert first & 2 and not first & 1
