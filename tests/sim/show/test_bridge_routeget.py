"""``bridge fdb``/``bridge link``/``ip route get``/``ip link show master``: literal text
captured from iproute2 6.1 on kernel 6.18 (``unshare --net``, IPv6 disabled)."""
from __future__ import annotations

import pytest

from sim.errors import CommandError
from sim.model import BridgePort, FdbEntry, Link, NetnsState, RouteLookup
from sim.show import render_bridge_link, render_fdb, render_link, render_route_get

UP = ("BROADCAST", "MULTICAST", "UP", "LOWER_UP")


def node() -> NetnsState:
    links = (
        Link(1, "lo", "loopback", "00:00:00:00:00:00", ("LOOPBACK",), "DOWN",
             mtu=65536, brd="00:00:00:00:00:00"),
        Link(2, "veth-p1", "veth", "fa:82:5b:06:28:d3", UP, "UP", qdisc="noqueue",
             peer_ifindex=2, link_netns="pod1", master="cni0"),
        Link(3, "veth-p2", "veth", "e2:5f:ce:0d:18:46", ("BROADCAST", "MULTICAST", "UP"),
             "LOWERLAYERDOWN", qdisc="noqueue", peer_ifindex=2, link_netns="pod2",
             master="cni0"),
        Link(4, "cni0", "bridge", "e2:5f:ce:0d:18:46", UP, "UP", qdisc="noqueue"),
    )
    fdb = (
        FdbEntry("fa:82:5b:06:28:d3", "veth-p1", master="cni0", state="permanent"),
        FdbEntry("33:33:00:00:00:01", "veth-p1", state="permanent", self_=True),
        FdbEntry("01:00:5e:00:00:01", "veth-p1", state="permanent", self_=True),
        FdbEntry("42:fb:8f:56:76:c3", "veth-p2", master="cni0"),
        FdbEntry("e2:5f:ce:0d:18:46", "veth-p2", master="cni0", state="permanent"),
        FdbEntry("33:33:00:00:00:01", "cni0", state="permanent", self_=True),
        FdbEntry("01:00:5e:00:00:6a", "cni0", state="permanent", self_=True),
    )
    ports = (BridgePort(2, "veth-p1", "cni0"), BridgePort(3, "veth-p2", "cni0", "disabled"))
    return NetnsState("node", links=links, fdb=fdb, bridge_ports=ports)


def test_fdb_show():
    assert render_fdb(node()) == (
        "fa:82:5b:06:28:d3 dev veth-p1 master cni0 permanent\n"
        "33:33:00:00:00:01 dev veth-p1 self permanent\n"
        "01:00:5e:00:00:01 dev veth-p1 self permanent\n"
        "42:fb:8f:56:76:c3 dev veth-p2 master cni0 \n"
        "e2:5f:ce:0d:18:46 dev veth-p2 master cni0 permanent\n"
        "33:33:00:00:00:01 dev cni0 self permanent\n"
        "01:00:5e:00:00:6a dev cni0 self permanent\n")


def test_fdb_show_dev_drops_the_dev_word():
    assert render_fdb(node(), dev="veth-p2") == (
        "42:fb:8f:56:76:c3 master cni0 \n"
        "e2:5f:ce:0d:18:46 master cni0 permanent\n")


def test_fdb_errors():
    with pytest.raises(CommandError) as e:
        render_fdb(node(), br="nosuch")
    assert (e.value.message, e.value.rc) == ('Cannot find bridge device "nosuch"', 255)
    with pytest.raises(CommandError) as e:
        render_fdb(node(), dev="nosuch")
    assert (e.value.message, e.value.rc) == ('Cannot find device "nosuch"', 255)
    assert render_fdb(node(), br="veth-p1") == ""


def test_bridge_link_resolves_the_peer_index_locally():
    # veth-p1's peer has index 2 in pod1 (= its own index here: no "@");
    # veth-p2's peer index 2 names veth-p1 here, which is UP (no M-DOWN)
    assert render_bridge_link(node()) == (
        "2: veth-p1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master cni0 state forwarding "
        "priority 32 cost 2 \n"
        "3: veth-p2@veth-p1: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 master cni0 state "
        "disabled priority 32 cost 2 \n")
    assert render_bridge_link(node(), dev="cni0") == ""


def test_link_show_master():
    text = render_link(node(), master="cni0")
    assert text.startswith("2: veth-p1@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc "
                           "noqueue master cni0 state UP mode DEFAULT group default qlen 1000\n")
    assert "cni0:" not in text and text.count("master cni0") == 2
    with pytest.raises(CommandError) as e:
        render_link(node(), master="nosuch")
    assert e.value.rc == 255
    assert e.value.message == 'Error: argument "nosuch" is wrong: Device does not exist\n'


@pytest.mark.parametrize("lookup, text", [
    (RouteLookup("10.0.2.2", "va", "10.0.1.2", "10.0.1.1"),
     "10.0.2.2 via 10.0.1.1 dev va src 10.0.1.2 uid 0 \n    cache \n"),
    (RouteLookup("10.0.1.1", "va", "10.0.1.2"), "10.0.1.1 dev va src 10.0.1.2 uid 0 \n    cache \n"),
    (RouteLookup("10.0.1.2", "lo", "10.0.1.2", kind="local"),
     "local 10.0.1.2 dev lo src 10.0.1.2 uid 0 \n    cache <local> \n"),
    (RouteLookup("10.0.1.255", "va", "10.0.1.2", kind="broadcast"),
     "broadcast 10.0.1.255 dev va src 10.0.1.2 uid 0 \n    cache <local,brd> \n"),
])
def test_route_get(lookup, text):
    assert render_route_get(lookup) == text
