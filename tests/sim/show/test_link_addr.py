"""Literal ``ip link`` / ``ip addr`` text, copied from iproute2 6.1 runs (cat -A checked)."""
from __future__ import annotations

import pytest

from sim.errors import CommandError
from sim.model import Address, Link, NetnsState
from sim.show import render_addr, render_link

LO_DOWN = Link(1, "lo", "loopback", "00:00:00:00:00:00", ("LOOPBACK",), "DOWN",
               mtu=65536, brd="00:00:00:00:00:00")
LO_UP = Link(1, "lo", "loopback", "00:00:00:00:00:00", ("LOOPBACK", "UP", "LOWER_UP"),
             "UNKNOWN", mtu=65536, qdisc="noqueue", brd="00:00:00:00:00:00")


def veth(index, name, flags, operstate, *, qdisc="noqueue", **kw):
    return Link(index, name, "veth", "ea:d4:86:8e:09:97", flags, operstate, qdisc=qdisc, **kw)


def test_link_peer_in_other_netns_down():
    st = NetnsState("root", links=(
        LO_DOWN,
        veth(3, "veth1", ("BROADCAST", "MULTICAST"), "DOWN", qdisc="noop",
             peer_ifindex=2, peer_name="veth1-peer", link_netns="ns1"),
    ))
    assert render_link(st) == (
        "1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n"
        "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
        "3: veth1@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n"
        "    link/ether ea:d4:86:8e:09:97 brd ff:ff:ff:ff:ff:ff link-netns ns1\n"
    )


def test_addr_no_carrier_and_up():
    nc = veth(3, "veth1", ("BROADCAST", "MULTICAST", "UP"), "LOWERLAYERDOWN",
              peer_ifindex=2, link_netns="ns1")
    st = NetnsState("root", links=(LO_DOWN, nc),
                    addresses=(Address("veth1", "172.16.0.1", 24),))
    assert render_addr(st) == (
        "1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN group default qlen 1000\n"
        "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
        "3: veth1@if2: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state LOWERLAYERDOWN group default qlen 1000\n"
        "    link/ether ea:d4:86:8e:09:97 brd ff:ff:ff:ff:ff:ff link-netns ns1\n"
        "    inet 172.16.0.1/24 scope global veth1\n"
        "       valid_lft forever preferred_lft forever\n"
    )


def test_addr_loopback_up_and_dev_filter():
    st = NetnsState("ns1", links=(LO_UP,), addresses=(Address("lo", "127.0.0.1", 8, scope="host"),))
    assert render_addr(st, "lo") == (
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n"
        "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
        "    inet 127.0.0.1/8 scope host lo\n"
        "       valid_lft forever preferred_lft forever\n"
    )


def test_secondary_and_brd_in_kernel_order():
    link = veth(3, "veth1", ("BROADCAST", "MULTICAST", "UP", "LOWER_UP"), "UP",
                peer_ifindex=2, link_netns="ns1")
    # insertion order: .5 (brd +) is secondary to .1; 10.0.0.1 is a second primary
    st = NetnsState("root", links=(link,), addresses=(
        Address("veth1", "172.16.0.1", 24),
        Address("veth1", "172.16.0.5", 24, broadcast="172.16.0.255"),
        Address("veth1", "10.0.0.1", 8),
    ))
    assert render_addr(st) == (
        "3: veth1@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000\n"
        "    link/ether ea:d4:86:8e:09:97 brd ff:ff:ff:ff:ff:ff link-netns ns1\n"
        "    inet 172.16.0.1/24 scope global veth1\n"
        "       valid_lft forever preferred_lft forever\n"
        "    inet 10.0.0.1/8 scope global veth1\n"
        "       valid_lft forever preferred_lft forever\n"
        "    inet 172.16.0.5/24 brd 172.16.0.255 scope global secondary veth1\n"
        "       valid_lft forever preferred_lft forever\n"
    )


def test_same_ns_pair_m_down_and_bridge_master():
    st = NetnsState("root", links=(
        Link(2, "cni0", "bridge", "ea:04:ea:ce:16:b8", ("BROADCAST", "MULTICAST", "UP"),
             "UNKNOWN", qdisc="noqueue"),
        Link(3, "veth9p", "veth", "f2:59:af:bc:6a:09", ("BROADCAST", "MULTICAST"), "DOWN",
             peer_ifindex=4, peer_name="veth9"),
        Link(4, "veth9", "veth", "ea:04:ea:ce:16:b8", ("BROADCAST", "MULTICAST", "UP"),
             "LOWERLAYERDOWN", qdisc="noqueue", peer_ifindex=3, peer_name="veth9p",
             master="cni0"),
    ))
    assert render_link(st) == (
        "2: cni0: <BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\n"
        "    link/ether ea:04:ea:ce:16:b8 brd ff:ff:ff:ff:ff:ff\n"
        "3: veth9p@veth9: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n"
        "    link/ether f2:59:af:bc:6a:09 brd ff:ff:ff:ff:ff:ff\n"
        "4: veth9@veth9p: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 qdisc noqueue master cni0 state LOWERLAYERDOWN mode DEFAULT group default qlen 1000\n"
        "    link/ether ea:04:ea:ce:16:b8 brd ff:ff:ff:ff:ff:ff\n"
    )


def test_qlen_zero_leaves_trailing_space():
    st = NetnsState("root", links=(
        veth(4, "veth9", ("BROADCAST", "MULTICAST", "UP", "LOWER_UP"), "UP",
             peer_ifindex=3, peer_name="veth9p", master="cni0", qlen=0),
        Link(3, "veth9p", "veth", "f2:59:af:bc:6a:09", ("BROADCAST", "MULTICAST", "UP", "LOWER_UP"),
             "UP", qdisc="noqueue", peer_ifindex=4, peer_name="veth9"),
    ))
    assert render_link(st, "veth9") == (
        "4: veth9@veth9p: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master cni0 state UP mode DEFAULT group default \n"
        "    link/ether ea:d4:86:8e:09:97 brd ff:ff:ff:ff:ff:ff\n"
    )


@pytest.mark.parametrize("render", [render_link, render_addr])
def test_missing_device(render):
    with pytest.raises(CommandError) as e:
        render(NetnsState("root", links=(LO_DOWN,)), "nosuch")
    assert e.value.message == 'Device "nosuch" does not exist.'
    assert e.value.rc == 1


def test_running_is_never_printed():
    st = NetnsState("ns1", links=(Link(1, "lo", "loopback", "00:00:00:00:00:00",
                                       ("LOOPBACK", "UP", "LOWER_UP", "RUNNING"), "UNKNOWN",
                                       mtu=65536, qdisc="noqueue", brd="00:00:00:00:00:00"),))
    assert render_link(st).startswith("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 ")
