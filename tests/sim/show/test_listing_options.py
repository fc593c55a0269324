"""``ip -br``/``-o``/``-4``/``-c`` renderings against text captured from the real
iproute2 6.1 (``unshare --net``, IPv6 lines dropped: the lab is IPv4 only).

The same layouts are checked live against the real ``ip`` in
``tests/conformance/test_ip_listings.py``; these literals keep the renderer honest where
no kernel is available.
"""
from __future__ import annotations

from sim.model import Address, Link, NetnsState, Neighbour, Route
from sim.show import render_addr, render_link, render_neigh, render_route

E = "\x1b"

STATE = NetnsState(
    netns="root",
    links=(
        Link(index=1, name="lo", kind="loopback", mac="00:00:00:00:00:00",
             brd="00:00:00:00:00:00", flags=("LOOPBACK", "UP", "LOWER_UP"),
             operstate="UNKNOWN", mtu=65536, qdisc="noqueue"),
        Link(index=2, name="veth1", kind="veth", mac="72:76:b9:b7:63:56",
             flags=("BROADCAST", "MULTICAST"), operstate="DOWN", peer_name="veth0"),
        Link(index=3, name="veth0", kind="veth", mac="fa:2d:3a:5a:f4:d4",
             flags=("BROADCAST", "MULTICAST", "UP"), operstate="LOWERLAYERDOWN",
             qdisc="noqueue", peer_name="veth1"),
        Link(index=6, name="a0", kind="veth", mac="06:6a:52:6c:cf:f2",
             flags=("BROADCAST", "MULTICAST", "UP", "LOWER_UP"), operstate="UP",
             qdisc="noqueue", peer_ifindex=2, link_netns="ns1"),
    ),
    addresses=(
        Address(dev="lo", local="127.0.0.1", prefixlen=8, scope="host"),
        Address(dev="veth0", local="10.0.0.1", prefixlen=24),
        Address(dev="veth0", local="10.0.0.5", prefixlen=24),
        Address(dev="a0", local="10.1.0.1", prefixlen=16),
    ),
)

BRIEF_LINK = """\
lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP> 
veth1@veth0      DOWN           72:76:b9:b7:63:56 <BROADCAST,MULTICAST> 
veth0@veth1      LOWERLAYERDOWN fa:2d:3a:5a:f4:d4 <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> 
a0@if2           UP             06:6a:52:6c:cf:f2 <BROADCAST,MULTICAST,UP,LOWER_UP> 
"""

BRIEF_ADDR = """\
lo               UNKNOWN        127.0.0.1/8 
veth1@veth0      DOWN           
veth0@veth1      LOWERLAYERDOWN 10.0.0.1/24 10.0.0.5/24 
a0@if2           UP             10.1.0.1/16 
"""

FOUR_ADDR = """\
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
3: veth0@veth1: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 qdisc noqueue state LOWERLAYERDOWN group default qlen 1000
    inet 10.0.0.1/24 scope global veth0
       valid_lft forever preferred_lft forever
    inet 10.0.0.5/24 scope global secondary veth0
       valid_lft forever preferred_lft forever
6: a0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000 link-netns ns1
    inet 10.1.0.1/16 scope global a0
       valid_lft forever preferred_lft forever
"""

ONELINE_ADDR = """\
1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
3: veth0    inet 10.0.0.1/24 scope global veth0\\       valid_lft forever preferred_lft forever
3: veth0    inet 10.0.0.5/24 scope global secondary veth0\\       valid_lft forever preferred_lft forever
6: a0    inet 10.1.0.1/16 scope global a0\\       valid_lft forever preferred_lft forever
"""

ONELINE_LINK = """\
1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
2: veth1@veth0: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether 72:76:b9:b7:63:56 brd ff:ff:ff:ff:ff:ff
3: veth0@veth1: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 qdisc noqueue state LOWERLAYERDOWN mode DEFAULT group default qlen 1000\\    link/ether fa:2d:3a:5a:f4:d4 brd ff:ff:ff:ff:ff:ff
6: a0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 06:6a:52:6c:cf:f2 brd ff:ff:ff:ff:ff:ff link-netns ns1
"""


def test_brief_link():
    assert render_link(STATE, brief=True) == BRIEF_LINK
    assert render_link(STATE, "veth1", brief=True) == BRIEF_LINK.splitlines(True)[1]
    assert render_link(STATE, brief=True, oneline=True) == BRIEF_LINK  # -br wins


def test_brief_addr():
    assert render_addr(STATE, brief=True) == BRIEF_ADDR
    four = "".join(l for l in BRIEF_ADDR.splitlines(True) if "/" in l)
    assert render_addr(STATE, brief=True, family="inet") == four
    assert render_addr(STATE, "veth1", brief=True, family="inet") == ""


def test_family_inet_addr():
    assert render_addr(STATE, family="inet") == FOUR_ADDR
    assert render_addr(STATE, "veth1", family="inet") == ""


def test_oneline():
    assert render_addr(STATE, oneline=True) == ONELINE_ADDR
    assert render_addr(STATE, oneline=True, family="inet") == ONELINE_ADDR
    assert render_link(STATE, oneline=True) == ONELINE_LINK


NEIGHS = NetnsState(netns="root", links=STATE.links, neighbours=(
    Neighbour(dst="10.0.0.10", dev="veth0", lladdr="00:11:22:33:44:56", state="REACHABLE",
              router=True),
    Neighbour(dst="10.0.0.9", dev="veth0", lladdr="00:11:22:33:44:55", state="PERMANENT"),
    Neighbour(dst="10.0.0.12", dev="veth0", lladdr=None, state="FAILED"),
))


def test_brief_neigh():
    assert render_neigh(NEIGHS, brief=True) == (
        "10.0.0.10                               veth0            00:11:22:33:44:56\n"
        "10.0.0.9                                veth0            00:11:22:33:44:55\n"
        "10.0.0.12                               veth0            \n")
    assert render_neigh(NEIGHS, "veth0", brief=True) == (
        "10.0.0.10                               00:11:22:33:44:56\n"
        "10.0.0.9                                00:11:22:33:44:55\n"
        "10.0.0.12                               \n")


def test_color():
    assert render_neigh(NEIGHS, color=True) == (
        f"{E}[35m10.0.0.10 {E}[0mdev {E}[36mveth0 {E}[0mlladdr {E}[33m00:11:22:33:44:56 "
        f"{E}[0mrouter REACHABLE \n"
        f"{E}[35m10.0.0.9 {E}[0mdev {E}[36mveth0 {E}[0mlladdr {E}[33m00:11:22:33:44:55 "
        f"{E}[0mPERMANENT \n"
        f"{E}[35m10.0.0.12 {E}[0mdev {E}[36mveth0 {E}[0mFAILED \n")
    routes = NetnsState(netns="root", routes=(
        Route(dst="default", dev="veth0", via="10.0.0.2"),
        Route(dst="10.0.0.0/24", dev="veth0", proto="kernel", scope="link", src="10.0.0.1"),
        Route(dst="10.9.0.0/16", dev="veth0", via="10.0.0.3", metric=5),
    ))
    assert render_route(routes, color=True) == (
        f"default via {E}[35m10.0.0.2 {E}[0mdev {E}[36mveth0 {E}[0m\n"
        f"{E}[35m10.0.0.0/24 {E}[0mdev {E}[36mveth0 {E}[0mproto kernel scope link "
        f"src {E}[35m10.0.0.1 {E}[0m\n"
        f"{E}[35m10.9.0.0/16 {E}[0mvia {E}[35m10.0.0.3 {E}[0mdev {E}[36mveth0 {E}[0mmetric 5 \n")
    one = NetnsState(netns="root", links=(
        Link(index=3, name="veth0", kind="veth", mac="16:1c:fd:81:fc:c7",
             flags=("BROADCAST", "MULTICAST", "UP", "LOWER_UP"), operstate="UP",
             qdisc="noqueue", peer_name="veth1"),
        Link(index=2, name="veth1", kind="veth", mac="5e:36:27:9e:81:06", master="br0",
             flags=("BROADCAST", "MULTICAST", "UP", "LOWER_UP"), operstate="UP",
             qdisc="noqueue", peer_name="veth0"),
    ), addresses=(Address(dev="veth0", local="10.0.0.1", prefixlen=24,
                          broadcast="10.0.0.255"),))
    assert render_addr(one, "veth0", color=True) == (
        f"3: {E}[36mveth0@veth1: {E}[0m<BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc "
        f"noqueue state {E}[32mUP {E}[0mgroup default qlen 1000\n"
        f"    link/ether {E}[33m16:1c:fd:81:fc:c7{E}[0m brd {E}[33mff:ff:ff:ff:ff:ff{E}[0m\n"
        f"    inet {E}[35m10.0.0.1{E}[0m/24 brd {E}[35m10.0.0.255 {E}[0mscope global veth0\n"
        "       valid_lft forever preferred_lft forever\n")
    assert render_link(one, "veth1", color=True, oneline=True) == (
        f"2: {E}[36mveth1@veth0: {E}[0m<BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc "
        f"noqueue master br0 state {E}[32mUP {E}[0mmode DEFAULT group default qlen 1000\\"
        f"    link/ether {E}[33m5e:36:27:9e:81:06{E}[0m brd {E}[33mff:ff:ff:ff:ff:ff{E}[0m\n")
    assert render_link(STATE, "veth1", color=True, brief=True) == (
        f"{E}[36mveth1@veth0      {E}[0m{E}[31mDOWN           {E}[0m"
        f"{E}[33m72:76:b9:b7:63:56 {E}[0m<BROADCAST,MULTICAST> \n")
    assert render_addr(STATE, "lo", color=True, brief=True) == (
        f"{E}[36mlo               {E}[0mUNKNOWN        {E}[35m127.0.0.1{E}[0m/8 \n")
