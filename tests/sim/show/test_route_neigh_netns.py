"""Literal ``ip route`` / ``ip neigh`` / ``ip netns list`` text from iproute2 6.1 runs."""
from __future__ import annotations

import pytest

from sim.errors import CommandError
from sim.model import Link, NetnsEntry, NetnsListing, NetnsState, Neighbour, Route
from sim.show import render_neigh, render_netns_list, render_route

CONNECTED = Route("172.16.0.0/24", "veth1", proto="kernel", scope="link", src="172.16.0.1")
VETH1 = Link(3, "veth1", "veth", "ea:d4:86:8e:09:97", ("BROADCAST", "MULTICAST", "UP", "LOWER_UP"),
             "UP", qdisc="noqueue", peer_ifindex=2, link_netns="ns1")


def test_routes_sorted_with_trailing_spaces():
    st = NetnsState("root", routes=(
        CONNECTED,
        Route("10.1.0.0/16", "veth1", via="172.16.0.2", metric=100),
        Route("default", "veth1", via="172.16.0.2"),
        Route("10.0.0.0/8", "veth1", proto="kernel", scope="link", src="10.0.0.1"),
    ))
    assert render_route(st) == (
        "default via 172.16.0.2 dev veth1 \n"
        "10.0.0.0/8 dev veth1 proto kernel scope link src 10.0.0.1 \n"
        "10.1.0.0/16 via 172.16.0.2 dev veth1 metric 100 \n"
        "172.16.0.0/24 dev veth1 proto kernel scope link src 172.16.0.1 \n"
    )


def test_route_linkdown_and_host_route():
    st = NetnsState("root", routes=(
        Route("172.16.0.0/24", "veth1", proto="kernel", scope="link", src="172.16.0.1", linkdown=True),
        Route("192.168.9.9/32", "veth1", scope="link"),
    ))
    assert render_route(st) == (
        "172.16.0.0/24 dev veth1 proto kernel scope link src 172.16.0.1 linkdown \n"
        "192.168.9.9 dev veth1 scope link \n"
    )


NEIGHS = (
    Neighbour("172.16.0.10", "veth1", "02:00:00:00:00:0a", "REACHABLE", router=True),
    Neighbour("172.16.0.9", "veth1", "02:00:00:00:00:09", "PERMANENT"),
    Neighbour("172.16.0.2", "veth1", "1e:a8:81:5a:5c:43", "REACHABLE"),
    Neighbour("172.16.0.77", "veth1", None, "INCOMPLETE"),
    Neighbour("172.16.0.12", "veth1", None, "FAILED"),
    Neighbour("172.16.0.11", "veth1", "00:00:00:00:00:00", "NOARP"),
)


def test_neigh_all():
    st = NetnsState("root", links=(VETH1,), neighbours=NEIGHS)
    assert render_neigh(st) == (
        "172.16.0.10 dev veth1 lladdr 02:00:00:00:00:0a router REACHABLE \n"
        "172.16.0.9 dev veth1 lladdr 02:00:00:00:00:09 PERMANENT \n"
        "172.16.0.2 dev veth1 lladdr 1e:a8:81:5a:5c:43 REACHABLE \n"
        "172.16.0.77 dev veth1 INCOMPLETE \n"
        "172.16.0.12 dev veth1 FAILED \n"
    )


def test_neigh_dev_filter_and_missing_dev():
    st = NetnsState("root", links=(VETH1,), neighbours=NEIGHS[2:3])
    assert render_neigh(st, "veth1") == "172.16.0.2 lladdr 1e:a8:81:5a:5c:43 REACHABLE \n"
    with pytest.raises(CommandError) as e:
        render_neigh(st, "nosuch")
    assert (e.value.message, e.value.rc) == ('Cannot find device "nosuch"', 1)


def test_netns_list():
    listing = NetnsListing((NetnsEntry("ns2"), NetnsEntry("ns1", 0)))
    assert render_netns_list(listing) == "ns2\nns1 (id: 0)\n"
    assert render_netns_list(NetnsListing()) == ""
