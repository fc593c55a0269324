"""``sim.Lab``: the Python builder makes the same Commands as the script, both ways."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from sim.commands import (
    AddrAdd,
    AddrDel,
    AddrShow,
    LinkAddVeth,
    LinkDel,
    LinkSet,
    LinkShow,
    NeighShow,
    NetnsAdd,
    NetnsDel,
    NetnsList,
    Ping,
    RouteShow,
    Sleep,
)
from sim.errors import ScriptError
from sim.lab import Lab
from sim.model import ROOT_NS
from sim.script import parse

SEED_IP = Path(__file__).resolve().parents[2] / "sim" / "labs" / "seed-veth.ip"


def bare(commands):
    return tuple(replace(c, line=0, text="") for c in commands)


def full_lab() -> Lab:
    return (
        Lab()
        .netns("ns1")
        .netns("ns2")
        .netns_list()
        .veth("veth1", "veth1-peer")
        .veth("a1", "b1", netns="ns1", peer_netns="ns2", address="02:00:00:00:00:01",
              peer_address="2:0:0:0:0:2")
        .veth("c1", "d1", in_netns="ns1")
        .move("veth1", "ns1")
        .move("veth1-peer", "ns2")
        .move("c1", "ns2", netns="ns1")
        .addr("ns1", "veth1", "172.16.0.1/24")
        .addr("ns2", "veth1-peer", "172.16.0.2")
        .up("ns1", "veth1")
        .up("ns2", "veth1-peer")
        .down("ns2", "b1")
        .set_address("ns1", "a1", "02:AA:00:00:00:01")
        .show_addr("ns1")
        .show_addr("ns1", "veth1")
        .show_link(ROOT_NS)
        .show_link("ns2", "veth1-peer")
        .show_route("ns1")
        .show_neigh("ns1")
        .show_neigh("ns1", dev="veth1")
        .ping("ns1", "172.16.0.2")
        .ping("ns1", "172.16.0.2", count=3, interval=0.2, timeout=2, size=100, ttl=1)
        .sleep(2.5)
        .addr_del("ns1", "veth1", "172.16.0.1/24")
        .link_del("ns1", "veth1")
        .netns_del("ns2")
    )


def test_builder_makes_the_commands():
    lab = full_lab()
    assert len(lab) == 28
    c = lab.commands
    assert c[0] == NetnsAdd(name="ns1")
    assert c[2] == NetnsList()
    assert c[4] == LinkAddVeth(name="a1", peer="b1", name_netns="ns1", peer_netns="ns2",
                               address="02:00:00:00:00:01", peer_address="02:00:00:00:00:02")
    assert c[5] == LinkAddVeth(netns="ns1", name="c1", peer="d1")
    assert c[8] == LinkSet(netns="ns1", dev="c1", to_netns="ns2")
    assert c[10] == AddrAdd(netns="ns2", dev="veth1-peer", cidr="172.16.0.2/32")
    assert c[13] == LinkSet(netns="ns2", dev="b1", up=False)
    assert c[14] == LinkSet(netns="ns1", dev="a1", address="02:aa:00:00:00:01")
    assert c[16] == AddrShow(netns="ns1", dev="veth1")
    assert c[17] == LinkShow()
    assert c[19] == RouteShow(netns="ns1")
    assert c[21] == NeighShow(netns="ns1", dev="veth1")
    assert c[22] == Ping(netns="ns1", dest="172.16.0.2")
    assert c[23] == Ping(netns="ns1", dest="172.16.0.2", count=3, interval=0.2, timeout=2.0,
                         size=100, ttl=1)
    assert c[24] == Sleep(seconds=2.5)
    assert c[25] == AddrDel(netns="ns1", dev="veth1", cidr="172.16.0.1/24")
    assert c[26] == LinkDel(netns="ns1", dev="veth1")
    assert c[27] == NetnsDel(name="ns2")


def test_round_trip_lab_to_script_to_lab():
    lab = full_lab()
    text = lab.to_script()
    assert text.splitlines()[3] == "ip link add veth1 type veth peer name veth1-peer"
    assert "ip netns exec ns1 ping -c 3 -i 0.2 -W 2 -s 100 -t 1 172.16.0.2" in text.splitlines()
    again = Lab.from_script(text)
    assert bare(again.commands) == lab.commands
    assert [c.line for c in again.commands] == list(range(1, len(lab) + 1))
    assert again.to_script() == text  # parsed commands print back as written


def test_ping_options_round_trip():
    lab = Lab().ping("ns1", "172.16.0.2", count=2, quiet=True, interface="veth1") \
               .ping("ns1", "172.16.0.2", deadline=3, timestamps=True, outstanding=True)
    text = lab.to_script()
    assert text.splitlines() == ["ip netns exec ns1 ping -c 2 -q -I veth1 172.16.0.2",
                                 "ip netns exec ns1 ping -D -O -w 3 172.16.0.2"]
    assert bare(Lab.from_script(text).commands) == lab.commands
    assert not lab.commands[1].interrupted  # -w, not the lab, ends it


def test_seed_script_round_trips_through_lab():
    seed = Lab.from_script(SEED_IP.read_text(), str(SEED_IP))
    rebuilt = (
        Lab().netns("ns1").netns("ns2").veth("veth1", "veth1-peer")
        .move("veth1", "ns1").move("veth1-peer", "ns2")
        .addr("ns1", "veth1", "172.16.0.1/24").up("ns1", "veth1")
        .addr("ns2", "veth1-peer", "172.16.0.2/24").up("ns2", "veth1-peer")
        .show_addr("ns1").ping("ns1", "172.16.0.2")
    )
    assert bare(seed.commands) == rebuilt.commands
    assert bare(parse(rebuilt.to_script()).commands) == rebuilt.commands


def test_script_and_from_script_errors():
    s = full_lab().script("x.ip")
    assert s.path == "x.ip" and len(s.commands) == 28
    with pytest.raises(ScriptError):
        Lab.from_script("ip link add veth1 type veth")


BAD = [
    (lambda: Lab().netns("root"), 'vethlab: namespace name "root" is reserved for the lab\'s root namespace'),
    (lambda: Lab().netns("a/b"), 'Invalid netns name "a/b"'),
    (lambda: Lab().veth("x" * 16, "b"), f'Error: argument "{"x" * 16}" is wrong: "name" not a valid ifname'),
    (lambda: Lab().veth("a", "b", address="zz:00:00:00:00:01"), '"zz" is invalid lladdr.'),
    (lambda: Lab().veth("a", "b", peer_netns="root"),
     'vethlab: namespace name "root" is reserved for the lab\'s root namespace'),
    (lambda: Lab().move("veth1", "root"), 'vethlab: namespace name "root" is reserved for the lab\'s root namespace'),
    (lambda: Lab().up("a/b", "veth1"), 'Invalid netns name "a/b"'),
    (lambda: Lab().addr("ns1", "veth1", "10.0.0.1/33"), 'Error: any valid prefix is expected rather than "10.0.0.1/33".'),
    (lambda: Lab().set_address("ns1", "veth1", "01:00:00:00:00:01"), "RTNETLINK answers: Cannot assign requested address"),
    (lambda: Lab().ping("ns1", "example.com"), "ping: example.com: Name or service not known"),
    (lambda: Lab().ping("ns1", "10.0.0.1", count=0),
     "ping: invalid argument: '0': out of range: 1 <= value <= 9223372036854775807"),
    (lambda: Lab().ping("ns1", "10.0.0.1", interval=0),
     "vethlab: ping -i 0 (flood mode) is not supported; use an interval of 0.001 s or more"),
    (lambda: Lab().ping("ns1", "10.0.0.1", timeout=-1), "ping: bad linger time: -1"),
    (lambda: Lab().ping("ns1", "10.0.0.1", deadline=-1),
     "ping: invalid argument: '-1': out of range: 0 <= value <= 2147483647"),
    (lambda: Lab().ping("ns1", "10.0.0.1", ttl=256), "ping: invalid argument: '256': out of range: 0 <= value <= 255"),
    (lambda: Lab().ping("ns1", "10.0.0.1", count="3"), "count must be an integer, not '3'"),
    (lambda: Lab().sleep(-1), "vethlab: sleep: -1 is not a duration the lab can wait for"),
]


@pytest.mark.parametrize("build,message", BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_arguments_raise_value_error(build, message):
    with pytest.raises(ValueError) as e:
        build()
    assert str(e.value) == message


def test_lab_is_runnable_by_sim_load_script():
    from sim import load_script

    lab = full_lab()
    assert load_script(lab).commands == lab.commands
